package server

import (
	"net/http"
	"strings"

	"zhitong"
)

// failFunc writes an error as a response.
type failFunc func(w http.ResponseWriter, r *http.Request, err error)

// chain wraps the route table in the guards every request passes. The
// session is loaded first so that a guard refusing a page request can
// answer with the Chinese error page, which shows who is signed in.
func (s *Server) chain(mux http.Handler, page failFunc) http.Handler {
	fail := s.answer(page)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail(w, r, zhitong.Errorf(zhitong.EFORBIDDEN, "请求来自其他网站，已被拒绝。请回到本站页面重新操作"))
	}))
	return s.securityHeaders(s.sessions.LoadAndSave(recoverer(rejectNUL(cop.Handler(s.limit(s.mustChange(mux, fail), fail)), fail), fail, s)))
}

// machine reports whether r is for a machine interface, which answers
// JSON errors; every other path is a page and answers a Chinese HTML page.
func machine(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/open311/")
}

// answer picks the JSON error shape for the API and Open311, page for the rest.
func (s *Server) answer(page failFunc) failFunc {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if machine(r) {
			s.fail(w, r, err)
			return
		}
		page(w, r, err)
	}
}

// recoverer turns a panic into a 500 in the shape the client expects. The
// panic is logged; the answer says nothing of it.
func recoverer(next http.Handler, fail failFunc, s *Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				fail(w, r, zhitong.Errorf(zhitong.EINTERNAL, "服务器内部错误，请稍后重试"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// rejectNUL refuses URLs carrying a NUL byte: no text column accepts one,
// and a 400 is the honest answer rather than a database error.
func rejectNUL(next http.Handler, fail failFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.IndexByte(r.URL.Path, 0) >= 0 || strings.IndexByte(r.URL.RawQuery, 0) >= 0 || strings.Contains(strings.ToLower(r.URL.RawQuery), "%00") {
			fail(w, r, zhitong.Invalid("", "请求地址含有不允许的空字符"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
