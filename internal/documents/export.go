package documents

import (
	"context"
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/export"
)

var listColumns = []export.Column{{Name: "序号", Width: 6}, {Name: "文号", Width: 22}, {Name: "种类", Width: 10}, {Name: "标题", Width: 36, Wrap: true},
	{Name: "签发机关", Width: 26}, {Name: "签发时间", Width: 17}, {Name: "签发人", Width: 12}, {Name: "验证码", Width: 13},
	{Name: "状态", Width: 16}, {Name: "SM3 摘要", Width: 30}}

// Export is the document list of q as an Excel workbook.
func (s *Service) Export(ctx context.Context, p zhitong.Principal, q Query) (*export.File, error) {
	list, err := s.List(ctx, p, q)
	if err != nil {
		return nil, err
	}
	x := export.New(s.app)
	where, err := x.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	r := export.Report{Title: "公文登记簿", Jurisdiction: where, Columns: listColumns,
		Rows: export.Rows(list, func(i int, d *Document) []any {
			return []any{i + 1, d.Number, d.KindLabel, d.Title, d.Issuer, d.IssuedAt, d.IssuedBy, d.Code, d.State(), d.SM3}
		})}
	return export.NewFile(where, "公文登记簿", "documents", s.app.Now(), r), nil
}

// State says in words whether d stands or was replaced.
func (d *Document) State() string {
	switch {
	case d.SupersededBy != 0:
		return "已被更正版本取代"
	case d.Supersedes != 0:
		return "更正版本"
	}
	return "有效"
}

// File is a document's PDF or .docx ready to be sent.
type File struct {
	Name, ASCII, Type string
	Data              []byte
}

// Download returns document id as a sealed PDF (pdf) or a .docx, for p.
func (s *Service) Download(ctx context.Context, p zhitong.Principal, id int64, pdf bool) (*File, error) {
	var b []byte
	var d *Document
	var err error
	ext, ctype := ".pdf", "application/pdf"
	if pdf {
		b, d, err = s.PDF(ctx, p, id)
	} else {
		b, d, err = s.DOCX(ctx, p, id)
		ext, ctype = ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	if err != nil {
		return nil, err
	}
	return &File{Name: d.Number + " " + d.Title + ext, ASCII: "document-" + strconv.FormatInt(d.ID, 10) + ext, Type: ctype, Data: b}, nil
}

// Serve sends the file as an attachment.
func (f *File) Serve(w http.ResponseWriter) error {
	export.Attachment(w, f.Name, f.ASCII) // sets the Excel type: f.Type after it
	w.Header().Set("Content-Type", f.Type)
	_, err := w.Write(f.Data)
	return err
}
