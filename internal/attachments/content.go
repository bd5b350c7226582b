package attachments

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
)

// Limits (docs/attachments.md). Images are decoded within app's decode
// limits as well: at most app.MaxImagePixels pixels, and all decodes in
// flight within app.DecodeBudget.
const (
	MaxImageBytes = 10 << 20 // one photo or scanned page as uploaded
	MaxPDFBytes   = 20 << 20 // one PDF
	MaxFiles      = 6        // files in one request (a reply letter and five photos)
	MaxPerCase    = 30       // attachments of these kinds on one case
	// MaxRequestBytes bounds a whole upload request: the files and the
	// form's text.
	MaxRequestBytes = 40 << 20
	maxNameRunes    = 80
	jpegQuality     = 90
)

// Content types of what is stored.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypePDF  = "application/pdf"
)

// content checks one file by its bytes, never its name, and returns what
// is stored: an image decoded within the limits, turned upright by its Exif
// orientation and re-encoded without any metadata (Exif, XMP, GPS, text
// chunks: the encoders write none), or a PDF as it is.
func content(f Input) (contentType string, out []byte, err error) {
	label := "文件“" + f.Name + "”"
	pdfOK := f.Kind == KindReplyLetter || f.Kind == KindIntakeScan
	kinds := "JPEG、PNG 或 WebP 格式的图片"
	if pdfOK {
		kinds = "PDF 文件或 JPEG、PNG、WebP 格式的图片"
	}
	switch {
	case len(f.Data) == 0:
		return "", nil, zhitong.Invalid(Field, "%s是空文件，请重新选择", label)
	case isPDF(f.Data):
		if !pdfOK {
			return "", nil, zhitong.Invalid(Field, "%s是 PDF 文件，这里只能上传照片（%s）", label, kinds)
		}
		if len(f.Data) > MaxPDFBytes {
			return "", nil, zhitong.Invalid(Field, "%s超过 %d MB，请压缩或分开上传", label, MaxPDFBytes>>20)
		}
		if !pdfComplete(f.Data) {
			return "", nil, zhitong.Invalid(Field, "%s不完整（缺少 PDF 文件结尾），请重新导出后上传", label)
		}
		return TypePDF, f.Data, nil
	case !isImage(f.Data):
		return "", nil, zhitong.Invalid(Field, "%s不是%s", label, kinds)
	case len(f.Data) > MaxImageBytes:
		return "", nil, zhitong.Invalid(Field, "%s超过 %d MB，请压缩后重新选择", label, MaxImageBytes>>20)
	}
	contentType, out, err = cleanImage(f.Data)
	switch {
	case errors.Is(err, app.ErrImageTooLarge):
		return "", nil, zhitong.Invalid(Field, "%s的像素过多（超过 %d 万像素），请缩小后重新上传", label, app.MaxImagePixels/10000)
	case err != nil:
		return "", nil, zhitong.Invalid(Field, "%s已损坏或格式不完整，请重新选择", label)
	}
	return contentType, out, nil
}

// isImage reports whether data starts as a JPEG, PNG or WebP file does.
func isImage(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) ||
		bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) ||
		len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

// isPDF reports whether data starts with a PDF header (%PDF-1.x or 2.x).
func isPDF(b []byte) bool {
	return len(b) >= 8 && string(b[:5]) == "%PDF-" && (b[5] == '1' || b[5] == '2') && b[6] == '.'
}

// pdfComplete reports whether a PDF ends with an end-of-file marker in its
// last kilobyte, as a complete file does (a cut-off upload does not).
func pdfComplete(b []byte) bool {
	return bytes.Contains(b[max(0, len(b)-1024):], []byte("%%EOF"))
}

// cleanImage decodes an image within the decode limits (refused from its
// header when it claims too many pixels), applies its Exif orientation to
// the pixels and encodes it again: a PNG as PNG, a JPEG as JPEG, a WebP as
// JPEG, or PNG when it has transparency.
func cleanImage(data []byte) (contentType string, out []byte, err error) {
	o := app.Orientation(data)
	var extra int64
	if o > 1 {
		extra = 8 // an RGBA copy and its turned copy (app.Upright)
	}
	err = app.DecodeBounded(data, extra, func(m image.Image, format string) error {
		m = app.Upright(m, o)
		var buf bytes.Buffer
		opaque, ok := m.(interface{ Opaque() bool })
		if format == "png" || format == "webp" && ok && !opaque.Opaque() {
			contentType = TypePNG
			if err := png.Encode(&buf, m); err != nil {
				return err
			}
		} else {
			contentType = TypeJPEG
			if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: jpegQuality}); err != nil {
				return err
			}
		}
		out = buf.Bytes()
		return nil
	})
	return contentType, out, err
}

// cleanName keeps the base of an uploaded file's name, without control
// characters, at most maxNameRunes long; "附件" when nothing is left.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, path.Base(name))
	name = strings.TrimSpace(name)
	if name == "." || name == "/" || name == "" {
		return "附件"
	}
	if r := []rune(name); len(r) > maxNameRunes {
		name = string(r[len(r)-maxNameRunes:])
	}
	return name
}
