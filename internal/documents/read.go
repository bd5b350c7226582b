package documents

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/documents/layout"
	"zhitong/internal/store"
)

var notFound = zhitong.Errorf(zhitong.ENOTFOUND, "没有这份公文")

// mayRead reports whether p may see d: the unit it is addressed to (or
// that wrote it), anyone who may see one of its cases, and the office's
// staff of the issuing organisation's jurisdiction.
func (s *Service) mayRead(ctx context.Context, q store.Q, p zhitong.Principal, d *Document) (bool, error) {
	if !p.Staff() || !p.May(zhitong.ActionView) {
		return false, nil
	}
	if p.Role == zhitong.RoleUnit {
		return d.UnitID == p.UnitID && p.UnitID != 0, nil
	}
	for _, id := range d.CaseIDs {
		c, err := store.GetCase(ctx, q, id)
		if err != nil {
			return false, err
		}
		if s.app.AuthorizeCase(ctx, q, p, zhitong.ActionView, c) == nil {
			return true, nil
		}
	}
	switch p.Role {
	case zhitong.RoleCommittee, zhitong.RoleOfficer, zhitong.RoleAnalyst, zhitong.RoleAuditor:
		return strings.HasPrefix(d.Region, p.RegionCode) || strings.HasPrefix(p.RegionCode, d.Region), nil
	}
	return false, nil
}

// Get returns document id if p may see it (else ENOTFOUND, never naming it).
func (s *Service) Get(ctx context.Context, p zhitong.Principal, id int64) (*Document, error) {
	d, err := load(ctx, s.app.DB(), "id = ?", id)
	if err != nil {
		return nil, err
	}
	if ok, err := s.mayRead(ctx, s.app.DB(), p, d); err != nil || !ok {
		return nil, errors.Join(err, notFound)
	}
	return d, nil
}

// AssignLetter returns the current 交办函 of case caseID (its latest
// assignment's, the one letter of a batch assignment), if p may see it.
func (s *Service) AssignLetter(ctx context.Context, p zhitong.Principal, caseID int64) (*Document, error) {
	var id int64
	err := s.app.DB().QueryRow(ctx, `SELECT document_id FROM document_cases WHERE case_id = ? AND kind = 'assign' AND current = 1 ORDER BY document_id DESC LIMIT 1`, caseID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, p, id)
}

// Query filters the document list.
type Query struct {
	Kind   string // a kind, or all
	Year   int    // 0: all
	Number string // part of the number or the title
	CaseID int64
	Limit  int
}

// List returns the documents p may see, newest first.
func (s *Service) List(ctx context.Context, p zhitong.Principal, q Query) ([]*Document, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !p.May(zhitong.ActionView) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看公文", zhitong.Label(zhitong.Roles, p.Role))
	}
	if q.Kind != "" && !zhitong.Valid(Kinds, q.Kind) {
		return nil, zhitong.Invalid("kind", "公文种类“%s”无效", q.Kind)
	}
	if utf8.RuneCountInString(q.Number) > 50 {
		return nil, zhitong.Invalid("q", "检索词不能超过 50 个字")
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 1000
	}
	where, args := []string{"1 = 1"}, []any{}
	if p.Role == zhitong.RoleUnit {
		where, args = append(where, "unit_id = ?"), append(args, p.UnitID)
	} else if p.RegionCode != "" {
		// The organisation's region holds the actor's, or the reverse.
		where, args = append(where, "(region_code LIKE ? OR ? LIKE region_code || '%')"), append(args, p.RegionCode+"%", p.RegionCode)
	}
	if q.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, q.Kind)
	}
	if q.Year != 0 {
		where, args = append(where, "year = ?"), append(args, q.Year)
	}
	if q.Number != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(q.Number) + "%"
		where, args = append(where, "(number LIKE ? OR title LIKE ?)"), append(args, like, like)
	}
	if q.CaseID != 0 {
		where, args = append(where, "id IN (SELECT document_id FROM document_cases WHERE case_id = ?)"), append(args, q.CaseID)
	}
	rows, err := s.app.DB().Query(ctx, `SELECT `+docColumns+` FROM documents WHERE `+strings.Join(where, " AND ")+
		` ORDER BY issued_at DESC, id DESC LIMIT `+strconv.Itoa(q.Limit), args...)
	if err != nil {
		return nil, err
	}
	var all []*Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, d)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	out := []*Document{}
	for _, d := range all {
		full, err := load(ctx, s.app.DB(), "id = ?", d.ID)
		if err != nil {
			return nil, err
		}
		if ok, err := s.mayRead(ctx, s.app.DB(), p, full); err != nil {
			return nil, err
		} else if ok {
			out = append(out, full)
		}
	}
	return out, nil
}

// ForCase lists the documents of a case p may see.
func (s *Service) ForCase(ctx context.Context, p zhitong.Principal, caseID int64) ([]*Document, error) {
	return s.List(ctx, p, Query{CaseID: caseID})
}

// CorrectInput issues a corrected version of a document.
type CorrectInput struct {
	Reason string `json:"reason"`
	// Body, when given, replaces the body's paragraphs (one per line).
	Body string `json:"body"`
}

// Correct issues a new version of document id that supersedes it: a new
// number, the same cases, the corrected body. The old one stays as it was
// and its verification page says it was replaced.
func (s *Service) Correct(ctx context.Context, p zhitong.Principal, id int64, in CorrectInput) (*Document, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return nil, zhitong.Invalid("reason", "请写明更正理由")
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		return nil, zhitong.Invalid("reason", "更正理由不能超过 500 个字")
	}
	if utf8.RuneCountInString(in.Body) > 20000 {
		return nil, zhitong.Invalid("body", "正文不能超过 20000 个字")
	}
	if !p.May(zhitong.ActionAssign) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权更正公文", zhitong.Label(zhitong.Roles, p.Role))
	}
	var out *Document
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		old, err := load(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if ok, err := s.mayRead(ctx, tx, p, old); err != nil || !ok {
			return errors.Join(err, notFound)
		}
		if !old.Current() {
			return zhitong.Errorf(zhitong.ECONFLICT, "公文 %s 已被更正过，请对最新版本发出更正", old.Number)
		}
		org, err := organisation(ctx, tx, old.Region)
		if err != nil {
			return err
		}
		doc, err := old.Doc()
		if err != nil {
			return err
		}
		if b := strings.TrimSpace(in.Body); b != "" {
			doc.Body = nil
			for _, line := range strings.Split(b, "\n") {
				if t := strings.TrimSpace(line); t != "" {
					doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: t})
				}
			}
		}
		doc.Date, doc.PrintDate = s.today(), s.today()
		var cases []caseRound
		for _, cid := range old.CaseIDs {
			c := caseRound{id: cid}
			if err := tx.QueryRow(ctx, `SELECT round, ref FROM document_cases WHERE document_id = ? AND case_id = ?`, old.ID, cid).Scan(&c.round, &c.ref); err != nil {
				return err
			}
			cases = append(cases, c)
		}
		src := old.Source
		out, err = s.issue(ctx, tx, p, &draft{kind: old.Kind, org: org, unitID: old.UnitID, cases: cases, doc: doc, supersedes: old, reason: in.Reason})
		if err != nil {
			return err
		}
		if src != "" {
			// The source (a letter, a reply) now has the new version as its document.
			if _, err := tx.Exec(ctx, `UPDATE documents SET source = ? WHERE id = ?`, src, out.ID); err != nil {
				return err
			}
			out.Source = src
		}
		return nil
	})
	return out, err
}

// Rendered returns the document set as a sealed PDF, a .docx or HTML.
// The PDF is made and sealed once, on first need, and kept: every later
// download is the same bytes.
func (s *Service) PDF(ctx context.Context, p zhitong.Principal, id int64) ([]byte, *Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, nil, err
	}
	b, err := s.sealedPDF(ctx, d)
	return b, d, err
}

func (s *Service) sealedPDF(ctx context.Context, d *Document) ([]byte, error) {
	var stored []byte
	if err := s.app.DB().QueryRow(ctx, `SELECT pdf FROM documents WHERE id = ?`, d.ID).Scan(&stored); err != nil {
		return nil, err
	}
	if len(stored) > 0 {
		return stored, nil
	}
	doc, err := d.Doc()
	if err != nil {
		return nil, err
	}
	raw, err := layout.PDF(doc)
	if err != nil {
		return nil, err
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT pdf FROM documents WHERE id = ?`, d.ID).Scan(&stored); err != nil {
			return err
		}
		if len(stored) > 0 {
			return nil // made by a concurrent request
		}
		k, err := loadKey(ctx, tx, s.app.Sealer(), d.Region, true)
		if err != nil {
			return err
		}
		if k.id != d.keyID {
			return errors.New("documents: the organisation's key changed since the document was issued")
		}
		var t Trailer
		stored, t, err = sealPDF(raw, k.priv, Trailer{Code: d.Code, Number: d.Number, Issuer: d.Region, Name: d.Issuer})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE documents SET pdf = ?, pdf_sm3 = ? WHERE id = ? AND pdf IS NULL`, stored, t.SM3, d.ID)
		return err
	})
	return stored, err
}

// DOCX returns the document as an editable .docx (not sealed: the PDF is the original).
func (s *Service) DOCX(ctx context.Context, p zhitong.Principal, id int64) ([]byte, *Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, nil, err
	}
	doc, err := d.Doc()
	if err != nil {
		return nil, nil, err
	}
	b, err := layout.DOCX(doc)
	return b, d, err
}

// HTML returns the document's print view.
func (s *Service) HTML(ctx context.Context, p zhitong.Principal, id int64) (template.HTML, *Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return "", nil, err
	}
	doc, err := d.Doc()
	if err != nil {
		return "", nil, err
	}
	h, err := layout.HTML(doc)
	return h, d, err
}

// Verdict is what the public verification page says of a code: no
// personal data, only the document's number, kind, date, issuer, digest
// and whether it was replaced.
type Verdict struct {
	Genuine      bool   `json:"genuine"`
	Code         string `json:"code"`
	Number       string `json:"number"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	Issuer       string `json:"issuer"`
	Date         string `json:"date"` // 成文日期, 2026-12-07
	SM3          string `json:"sm3"`
	PDFSM3       string `json:"pdf_sm3,omitempty"`
	Replaced     bool   `json:"replaced"`
	ReplacedBy   string `json:"replaced_by,omitempty"` // the new version's number
	ReplacedCode string `json:"replaced_by_code,omitempty"`
	Corrects     string `json:"corrects,omitempty"` // the number this version corrects
	Problem      string `json:"problem,omitempty"`  // why it is not genuine
}

// Verify checks the document a code names: its stored content's digest
// and signature against the issuer's key. An unknown code is ENOTFOUND.
func (s *Service) Verify(ctx context.Context, code string) (*Verdict, error) {
	code = NormalCode(code)
	if code == "" || len(code) > 20 {
		return nil, zhitong.Invalid("code", "请输入公文上印的验证码")
	}
	d, err := load(ctx, s.app.DB(), "code = ?", code)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "验证码“%s”不存在：本系统没有签发过带这个验证码的公文，请核对后重新输入", code)
	}
	if err != nil {
		return nil, err
	}
	return s.verdict(ctx, s.app.DB(), d)
}

// VerifyNumber checks the documents with a number (one per organisation
// using it). None is ENOTFOUND.
func (s *Service) VerifyNumber(ctx context.Context, number string) ([]*Verdict, error) {
	number = strings.TrimSpace(number)
	rows, err := s.app.DB().Query(ctx, `SELECT code FROM documents WHERE number = ? ORDER BY id`, number)
	if err != nil {
		return nil, err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		codes = append(codes, c)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "文号“%s”不存在：本系统没有签发过这个文号的公文", number)
	}
	var out []*Verdict
	for _, c := range codes {
		v, err := s.Verify(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Service) verdict(ctx context.Context, q store.Q, d *Document) (*Verdict, error) {
	v := &Verdict{Code: d.Code, Number: d.Number, Kind: d.KindLabel, Title: d.Title, Issuer: d.Issuer, SM3: d.SM3}
	doc, err := d.Doc()
	if err == nil {
		v.Date = doc.Date.Format("2006-01-02")
	}
	if err := q.QueryRow(ctx, `SELECT pdf_sm3 FROM documents WHERE id = ?`, d.ID).Scan(&v.PDFSM3); err != nil {
		return nil, err
	}
	k, err := keyByID(ctx, q, d.keyID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Problem = "找不到签发机关的密钥"
	case err != nil:
		return nil, err
	case k.region != d.Region:
		v.Problem = "签名所用的密钥不属于签发机关"
	case Digest([]byte(d.content)) != d.SM3:
		v.Problem = "公文内容与签发时的摘要不符：记录已被改动"
	case !checkSig(k.pub, d.SM3, d.sig):
		v.Problem = "电子签名无效"
	default:
		v.Genuine = true
	}
	if d.SupersededBy != 0 {
		v.Replaced = true
		if n, err := load(ctx, q, "id = ?", d.SupersededBy); err == nil {
			v.ReplacedBy, v.ReplacedCode = n.Number, n.Code
		}
	}
	if d.Supersedes != 0 {
		if o, err := load(ctx, q, "id = ?", d.Supersedes); err == nil {
			v.Corrects = o.Number
		}
	}
	return v, nil
}

// VerifyFile checks a sealed PDF: its seal, that the key is the issuer's
// (pub when given, else the database's key of the issuer), and, with a
// database, that the code and number are those of a document issued with
// this very file's digest. It returns what it found and an error that
// says, in plain Chinese, why the file is not genuine.
func (s *Service) VerifyFile(ctx context.Context, file []byte) (*Verdict, error) {
	t, err := OpenPDF(file)
	if err != nil {
		return nil, err
	}
	d, err := load(ctx, s.app.DB(), "code = ?", t.Code)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "文件上的验证码 %s 在本系统中不存在：不是本系统签发的公文", t.Code)
	}
	if err != nil {
		return nil, err
	}
	if d.Number != t.Number || d.Region != t.Issuer {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "文件上的文号（%s）与验证码登记的文号（%s）不符", t.Number, d.Number)
	}
	k, err := loadKey(ctx, s.app.DB(), nil, d.Region, false)
	if err != nil {
		return nil, err
	}
	if err := CheckKey(t, k.pub); err != nil {
		return nil, err
	}
	v, err := s.verdict(ctx, s.app.DB(), d)
	if err != nil {
		return nil, err
	}
	if v.PDFSM3 != "" && v.PDFSM3 != t.SM3 {
		return v, zhitong.Errorf(zhitong.ECONFLICT, "文件与登记的公文原件不符（SM3 摘要不同）")
	}
	return v, nil
}

// BySource returns the current document of a source (letter:ID, reply:ID)
// if p may see it, else nil.
func (s *Service) BySource(ctx context.Context, p zhitong.Principal, source string) (*Document, error) {
	d, err := load(ctx, s.app.DB(), "source = ? AND superseded_by = 0", source)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ok, err := s.mayRead(ctx, s.app.DB(), p, d); err != nil || !ok {
		return nil, err
	}
	return d, nil
}
