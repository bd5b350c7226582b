package attachments

import (
	"net/http"
	"strconv"
	"strings"

	"zhitong/internal/export"
)

// Serve writes an attachment's bytes (a citizen's photo too). The bytes
// come from outside: they are served with the type their content was
// checked to be, never sniffed as another, in a sandbox that runs no
// script, never kept by shared caches (cache is the Cache-Control: private).
// A named file carries its name; PDFs are downloaded, images shown inline.
func Serve(w http.ResponseWriter, att *Attachment, cache string) error {
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(att.Data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", cache)
	h.Set("Referrer-Policy", "no-referrer")
	if att.Name != "" {
		d := export.Disposition(att.Name, "attachment-"+strconv.FormatInt(att.ID, 10)+ext(att.ContentType))
		if att.ContentType != TypePDF {
			d = "inline" + strings.TrimPrefix(d, "attachment")
		}
		h.Set("Content-Disposition", d)
	}
	_, err := w.Write(att.Data)
	return err
}

func ext(contentType string) string {
	switch contentType {
	case TypePDF:
		return ".pdf"
	case TypePNG:
		return ".png"
	case TypeJPEG:
		return ".jpg"
	}
	return ""
}
