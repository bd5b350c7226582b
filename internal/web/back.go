package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// here is the address of the page r shows, with its query, for the links
// that come back to it (the 大字模式 toggle, the login after a session ran
// out). A GET page is its own address. A page rendered by a POST (a form
// shown again with its errors) is not: following its address would GET a
// form handler. It is the page the form was on, from the Referer when that
// is this site, or else the nearest GET page above the POST's path.
func (h *Handler) here(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if ref := sameOrigin(r, r.Referer()); ref != "" {
		return ref
	}
	return h.canonical(r.URL.Path)
}

// sameOrigin returns the path and query of ref when ref is an address on
// r's own host, or "".
func sameOrigin(r *http.Request, ref string) string {
	u, err := url.Parse(ref)
	if err != nil || u.Host != r.Host || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	return localPath(u.RequestURI())
}

// canonical is the nearest path at or above p that a GET may fetch:
// /work/cases/38/assign gives /work/cases/38.
func (h *Handler) canonical(p string) string {
	for p = path.Clean(p); h.mux != nil && p != "/" && p != "."; p = path.Dir(p) {
		req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: p}}
		if _, pattern := h.mux.Handler(req); pattern != "" && pattern != "/" {
			return p
		}
	}
	return "/"
}

// localPath returns back when it is a path on this site, else "": an
// address like //evil.example or /\evil.example would leave it.
func localPath(back string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/\\") ||
		strings.ContainsAny(back, "\r\n\x00") {
		return ""
	}
	return back
}
