package uploads

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"zhitong"
)

// File is one file of a multipart form: the form field it came in, the
// file name the client gave and its bytes.
type File struct {
	Field, Name string
	Data        []byte
}

// Limits bound what ReadForm reads.
type Limits struct {
	Total int64  // the whole body
	File  int    // one file
	Files int    // files in the form (empty file inputs do not count)
	Field string // the field errors name
}

// maxText bounds one text field of a form.
const maxText = 64 << 10

// ReadForm reads a multipart form as a stream, within limits: the text
// fields into values and the files in order, each read once, so a body
// over the limits is refused without being kept. On an error it still
// returns the text fields read so far, for the form to be shown again with
// them (put the text fields before the files in the form). File inputs
// left empty are skipped. The errors are zhitong.EINVALID on lim.Field,
// in Chinese.
func ReadForm(w http.ResponseWriter, r *http.Request, lim Limits) (url.Values, []File, error) {
	values := url.Values{}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return values, nil, zhitong.Invalid(lim.Field, "请以 multipart/form-data 表单上传文件")
	}
	r.Body = http.MaxBytesReader(w, r.Body, lim.Total)
	mr, err := r.MultipartReader()
	if err != nil {
		return values, nil, zhitong.Invalid(lim.Field, "表单格式不正确")
	}
	tooBig := zhitong.Invalid(lim.Field, "上传的文件合计超过 %d MB，未能上传。请少选几个或压缩后重新选择", lim.Total>>20)
	var files []File
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return values, files, nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return values, nil, tooBig
		}
		if err != nil {
			return values, nil, zhitong.Invalid(lim.Field, "表单格式不正确")
		}
		if part.FileName() == "" {
			v, err := io.ReadAll(io.LimitReader(part, maxText+1))
			if errors.As(err, &mbe) {
				return values, nil, tooBig
			}
			if err != nil || len(v) > maxText {
				return values, nil, zhitong.Invalid(lim.Field, "表单内容过长")
			}
			values.Add(part.FormName(), string(v))
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, int64(lim.File)+1))
		if errors.As(err, &mbe) {
			return values, nil, tooBig
		}
		if err != nil {
			return values, nil, zhitong.Invalid(lim.Field, "读取文件失败，请重新选择")
		}
		if len(data) == 0 {
			continue
		}
		if len(data) > lim.File {
			return values, nil, zhitong.Invalid(lim.Field, "文件“%s”超过 %d MB，请压缩后重新选择", part.FileName(), lim.File>>20)
		}
		if len(files) == lim.Files {
			return values, nil, zhitong.Invalid(lim.Field, "一次最多上传 %d 个文件", lim.Files)
		}
		files = append(files, File{Field: part.FormName(), Name: part.FileName(), Data: data})
	}
}
