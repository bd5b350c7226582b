package server

import (
	"context"
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/documents"
	"zhitong/internal/documents/layout"
	"zhitong/internal/export"
)

// documentsRoutes serves official documents (docs/documents.md): the list,
// one document, its PDF and .docx, issuing a 交办函 for a batch of cases or
// the 答复函 of a reply, corrections, number prefixes, the public key and
// the public verification of a code.
func (s *Server) documentsRoutes(mux *http.ServeMux) {
	svc := func() *documents.Service { return documents.New(s.app).WithBase(s.publicURL) }
	mux.HandleFunc("GET /api/v1/documents", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*documents.Document], error) {
		q, err := documentQuery(r)
		if err != nil {
			return items[*documents.Document]{}, err
		}
		return itemsOf(svc().List(r.Context(), p, q))
	})))
	mux.HandleFunc("GET /api/v1/documents/export", s.api(func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.staff(r)
		if err != nil {
			return err
		}
		q, err := documentQuery(r)
		if err != nil {
			return err
		}
		f, err := svc().Export(r.Context(), p, q)
		if err != nil {
			return err
		}
		if err := f.Serve(w); err != nil {
			s.log.Error("export", "file", f.ASCII, "err", err)
		}
		return nil
	}))
	mux.HandleFunc("GET /api/v1/documents/{id}", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*documentView, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		d, err := svc().Get(r.Context(), p, id)
		if err != nil {
			return nil, err
		}
		doc, err := d.Doc()
		return &documentView{Document: d, Content: doc}, err
	})))
	file := func(pdf bool) handler {
		return withID(s, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error {
			f, err := svc().Download(r.Context(), p, id, pdf)
			if err != nil {
				return err
			}
			return f.Serve(w)
		})
	}
	mux.HandleFunc("GET /api/v1/documents/{id}/pdf", s.api(file(true)))
	mux.HandleFunc("GET /api/v1/documents/{id}/docx", s.api(file(false)))
	mux.HandleFunc("POST /api/v1/documents/assign", s.api(staffBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, in documents.AssignInput) (*documents.Document, error) {
		return svc().IssueAssign(r.Context(), p, in)
	})))
	// 批量交办: several cases to one unit in one transaction, one 交办函.
	mux.HandleFunc("POST /api/v1/cases/batch-assign", s.api(staffBody(s, http.StatusOK, func(r *http.Request, p zhitong.Principal, in app.BatchAssignInput) (*batchAssigned, error) {
		cs, err := s.app.AssignBatch(r.Context(), p, in)
		if err != nil {
			return nil, err
		}
		out := &batchAssigned{Items: make([]assignedCase, len(cs))}
		for i, c := range cs {
			out.Items[i] = assignedCase{ID: c.ID, Code: c.Code, Status: c.Status, StatusLabel: zhitong.Label(zhitong.Statuses, c.Status),
				Version: c.Version, LeadUnit: c.LeadUnitID, DueDays: c.DueDays, DueDate: c.DueDate}
		}
		// The one letter (none in a region without an organisation).
		if d, err := svc().AssignLetter(r.Context(), p, cs[0].ID); err == nil {
			out.Document = d
		} else if zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return nil, err
		}
		return out, nil
	})))
	mux.HandleFunc("POST /api/v1/documents/reply", s.api(staffBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, in documents.ReplyInput) (*documents.Document, error) {
		return svc().IssueReply(r.Context(), p, in)
	})))
	// A bulletin or an analysis report issued as a document.
	source := func(issue func(*documents.Service, context.Context, zhitong.Principal, int64) (*documents.Document, error)) handler {
		return staffBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, in struct {
			ID int64 `json:"id"`
		}) (*documents.Document, error) {
			if in.ID <= 0 {
				return nil, zhitong.Invalid("id", "请指定要签发的通报或研判报告")
			}
			return issue(svc(), r.Context(), p, in.ID)
		})
	}
	mux.HandleFunc("POST /api/v1/documents/bulletin", s.api(source((*documents.Service).IssueBulletin)))
	mux.HandleFunc("POST /api/v1/documents/report", s.api(source((*documents.Service).IssueReport)))
	mux.HandleFunc("POST /api/v1/documents/duty-report", s.api(staffBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, in documents.DutyReportInput) (*documents.Document, error) {
		return svc().IssueDutyReport(r.Context(), p, in)
	})))
	mux.HandleFunc("POST /api/v1/documents/{id}/correct", s.api(staffIDBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, id int64, in documents.CorrectInput) (*documents.Document, error) {
		return svc().Correct(r.Context(), p, id, in)
	})))
	mux.HandleFunc("GET /api/v1/document-prefixes", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[documents.Prefix], error) {
		_, ps, err := svc().Prefixes(r.Context(), p)
		return itemsOf(ps, err)
	})))
	mux.HandleFunc("PUT /api/v1/document-prefixes/{kind}", s.api(staffBody(s, http.StatusOK, func(r *http.Request, p zhitong.Principal, in struct {
		Prefix string `json:"prefix"`
	}) (items[documents.Prefix], error) {
		if err := svc().SetPrefix(r.Context(), p, r.PathValue("kind"), in.Prefix); err != nil {
			return items[documents.Prefix]{}, err
		}
		_, ps, err := svc().Prefixes(r.Context(), p)
		return itemsOf(ps, err)
	})))
	mux.HandleFunc("GET /api/v1/documents-key", s.api(func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.staff(r)
		if err != nil {
			return err
		}
		pemText, org, err := svc().PublicKey(r.Context(), p)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		export.Attachment(w, org.Name+"公文签章公钥.pem", "document-key-"+org.RegionCode+".pem")
		_, err = w.Write([]byte(pemText))
		return err
	}))
	// Public: anyone holding a document checks it; counted like the other
	// code look-ups (limit.go).
	mux.HandleFunc("GET /api/v1/verify/{code}", s.api(func(w http.ResponseWriter, r *http.Request) error {
		v, err := svc().Verify(r.Context(), r.PathValue("code"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}))
}

// documentView is one document with its content as the layout sets it.
type documentView struct {
	*documents.Document
	Content layout.Doc `json:"content"`
}

func documentQuery(r *http.Request) (documents.Query, error) {
	v := r.URL.Query()
	q := documents.Query{Kind: v.Get("kind"), Number: v.Get("q")}
	if y := v.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			return q, zhitong.Invalid("year", "年份“%s”无效", y)
		}
		q.Year = n
	}
	if c := v.Get("case_id"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n <= 0 {
			return q, zhitong.Invalid("case_id", "案件编号“%s”无效", c)
		}
		q.CaseID = n
	}
	return q, nil
}

// batchAssigned answers a batch assignment: each case as assigned, and the
// one 交办函 listing them.
type batchAssigned struct {
	Items    []assignedCase      `json:"items"`
	Document *documents.Document `json:"document,omitempty"`
}

type assignedCase struct {
	ID          int64          `json:"id"`
	Code        string         `json:"code"`
	Status      zhitong.Status `json:"status"`
	StatusLabel string         `json:"status_label"`
	Version     int            `json:"version"`
	LeadUnit    int64          `json:"lead_unit_id"`
	DueDays     int            `json:"due_days"`
	DueDate     string         `json:"due_date"`
}
