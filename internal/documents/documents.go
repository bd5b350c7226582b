// Package documents issues the platform's official documents (公文,
// docs/documents.md): the 交办函 of an assignment, the 督办函 of a
// supervision letter, the 答复函 of a unit's reply, and the bulletins and
// reports that print through the same layout (internal/documents/layout).
//
// Every document gets a number (发文字号, 定人大督〔2026〕3号) from one series
// per organisation, kind and year, drawn in the issuing transaction (no
// gaps, no duplicates), and is sealed: the SM3 digest of its canonical
// content signed with the organisation's SM2 key. An issued document never
// changes; a correction is a new document that supersedes it. A short
// verification code and its QR code open a public page (/verify/{code})
// that says whether the document is genuine.
package documents

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/documents/layout"
	"zhitong/internal/store"
)

// Service issues, numbers, seals and verifies documents.
type Service struct {
	app *app.App
	// Base is the public address (https://zhitong.example.gov.cn) the
	// verification URL and QR code of new documents start with; empty: the
	// URL is the path /verify/{code}.
	Base string
}

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// WithBase returns the service with the public address base.
func (s *Service) WithBase(base string) *Service {
	return &Service{app: s.app, Base: strings.TrimRight(base, "/")}
}

// Kinds are the kinds of documents.
var Kinds = store.DocumentKinds

// Document is an issued document as listed and shown.
type Document struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	KindLabel    string    `json:"kind_label"`
	Number       string    `json:"number"`
	Code         string    `json:"code"` // verification code
	Title        string    `json:"title"`
	Region       string    `json:"region_code"` // the issuing organisation's
	Issuer       string    `json:"issuer"`
	UnitID       int64     `json:"unit_id,omitempty"`
	Year         int       `json:"year"`
	Seq          int       `json:"seq"`
	IssuedAt     time.Time `json:"issued_at"`
	IssuedBy     string    `json:"issued_by"`
	SM3          string    `json:"sm3"`
	Supersedes   int64     `json:"supersedes_id,omitempty"`
	SupersededBy int64     `json:"superseded_by_id,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	CaseIDs      []int64   `json:"case_ids"`
	Source       string    `json:"-"`
	content      string
	sig          string
	keyID        int64
}

// Current reports whether no correction has replaced d.
func (d *Document) Current() bool { return d.SupersededBy == 0 }

// Doc returns the document as the layout sets it.
func (d *Document) Doc() (layout.Doc, error) {
	var doc layout.Doc
	err := json.Unmarshal([]byte(d.content), &doc)
	return doc, err
}

// Hooks are the documents' part of the case steps, issued in the steps'
// own transactions: the 交办函 on assignment (one per assignment or batch),
// the 督办函 with each supervision letter. internal/hooks installs them.
func (s *Service) Hooks() app.Hooks {
	return app.Hooks{Assigned: s.onAssigned, Letter: s.onLetter}
}

// draft is a document about to be issued.
type draft struct {
	kind       string
	org        zhitong.Organisation
	unitID     int64
	source     string
	cases      []caseRound
	doc        layout.Doc
	supersedes *Document
	reason     string
	// preset number (a supervision letter numbered by internal/app)
	number    string
	year, seq int
}

type caseRound struct {
	id    int64
	round int
	ref   int64 // the lead assignment (交办函), the reply (答复函)
}

const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// newCode is a random verification code of 10 characters (50 bits).
func newCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// NormalCode upper-cases a typed code and drops spaces and dashes.
func NormalCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

func (s *Service) verifyURL(code string) string { return s.Base + "/verify/" + code }

func (s *Service) today() time.Time {
	return calendar.Civil(s.app.Now(), zhitong.China)
}

// prefix is the number prefix of kind in org.
func prefix(ctx context.Context, q store.Q, org zhitong.Organisation, kind string) (string, error) {
	p, ok, err := store.DocumentPrefix(ctx, q, org.RegionCode, kind)
	if err != nil || ok {
		return p, err
	}
	return store.DefaultDocumentPrefix(org, kind), nil
}

// issue numbers, seals and stores d in tx, and audits it. Whatever fails
// rolls the transaction back, the number with it.
func (s *Service) issue(ctx context.Context, tx *store.Tx, p zhitong.Principal, d *draft) (*Document, error) {
	chineseDates(&d.doc)
	substituted := substitute(&d.doc)
	for _, c := range d.cases {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM document_cases WHERE case_id = ? AND kind = ? AND round = ? AND ref = ? AND current = 1`,
			c.id, d.kind, c.round, c.ref).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 && (d.supersedes == nil || !contains(d.supersedes.CaseIDs, c.id)) {
			return nil, zhitong.Errorf(zhitong.ECONFLICT, "该案件的这次%s已签发过%s，不能重复签发；如需更正，请对原文发出更正",
				map[string]string{"assign": "交办", "reply": "答复"}[d.kind], zhitong.Label(Kinds, d.kind))
		}
	}
	key, err := ensureKey(ctx, tx, s.app.Sealer(), d.org.RegionCode, s.app.Now())
	if err != nil {
		return nil, err
	}
	now := s.app.Now()
	if d.number == "" {
		d.year = s.today().Year()
		pre, err := prefix(ctx, tx, d.org, d.kind)
		if err != nil {
			return nil, err
		}
		if d.seq, err = tx.NextDocumentSeq(ctx, d.org.RegionCode, d.kind, d.year); err != nil {
			return nil, err
		}
		d.number = store.DocumentNumber(pre, d.year, d.seq)
	}
	code := newCode()
	d.doc.Kind, d.doc.Number = d.kind, d.number
	d.doc.Verify = &layout.Verify{Code: code, URL: s.verifyURL(code)}
	content, err := json.Marshal(d.doc)
	if err != nil {
		return nil, err
	}
	digest, sig, err := sign(key.priv, content)
	if err != nil {
		return nil, err
	}
	doc := &Document{Kind: d.kind, KindLabel: zhitong.Label(Kinds, d.kind), Number: d.number, Code: code, Title: d.doc.Title,
		Region: d.org.RegionCode, Issuer: d.doc.Signer, UnitID: d.unitID, Year: d.year, Seq: d.seq, IssuedAt: now, IssuedBy: issuedBy(p),
		SM3: digest, Reason: d.reason, CaseIDs: []int64{}, Source: d.source, content: string(content), sig: sig, keyID: key.id}
	if d.supersedes != nil {
		doc.Supersedes = d.supersedes.ID
		res, err := tx.Exec(ctx, `UPDATE document_cases SET current = 0 WHERE document_id = ?`, d.supersedes.ID)
		if err != nil {
			return nil, err
		}
		_ = res
	}
	err = tx.QueryRow(ctx, `INSERT INTO documents (region_code, kind, year, seq, number, code, source, unit_id, title, content, sm3, sig, key_id,
 issued_by, issued_by_name, issued_at, supersedes_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		doc.Region, doc.Kind, doc.Year, doc.Seq, doc.Number, doc.Code, doc.Source, doc.UnitID, doc.Title, doc.content, doc.SM3, doc.sig, doc.keyID,
		p.UserID, doc.IssuedBy, store.FormatTime(now), doc.Supersedes, doc.Reason).Scan(&doc.ID)
	if store.IsUniqueViolation(err) {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该%s已经签发（或文号已被占用），未重复签发", doc.KindLabel)
	}
	if err != nil {
		return nil, err
	}
	if d.supersedes != nil {
		res, err := tx.Exec(ctx, `UPDATE documents SET superseded_by = ? WHERE id = ? AND superseded_by = 0`, doc.ID, d.supersedes.ID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, zhitong.Errorf(zhitong.ECONFLICT, "公文 %s 已被更正过，请对最新版本发出更正", d.supersedes.Number)
		}
	}
	for _, c := range d.cases {
		if _, err := tx.Exec(ctx, `INSERT INTO document_cases (document_id, case_id, kind, round, ref) VALUES (?, ?, ?, ?, ?)`, doc.ID, c.id, d.kind, c.round, c.ref); err != nil {
			if store.IsUniqueViolation(err) {
				return nil, zhitong.Errorf(zhitong.ECONFLICT, "该案件已签发过%s，不能重复签发", doc.KindLabel)
			}
			return nil, err
		}
		doc.CaseIDs = append(doc.CaseIDs, c.id)
	}
	action, detail := "document.issue", map[string]any{"number": doc.Number, "kind": doc.Kind, "code": doc.Code, "sm3": doc.SM3, "cases": doc.CaseIDs}
	if len(substituted) > 0 {
		detail["substituted"] = string(substituted)
	}
	if d.supersedes != nil {
		action, detail["supersedes"], detail["supersedes_number"], detail["reason"] = "document.correct", d.supersedes.ID, d.supersedes.Number, d.reason
	}
	if err := s.app.AppendAudit(ctx, tx, p, action, "document:"+strconv.FormatInt(doc.ID, 10), detail); err != nil {
		return nil, err
	}
	for _, c := range d.cases {
		if err := s.app.AppendAudit(ctx, tx, p, "case."+action, "case:"+strconv.FormatInt(c.id, 10),
			map[string]any{"document_id": doc.ID, "number": doc.Number, "kind": doc.Kind}); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func issuedBy(p zhitong.Principal) string {
	if p.Role == "" {
		return "系统"
	}
	return p.Name
}

// organisation is the organisation governing region: documents need one
// (set up with zhitong init).
func organisation(ctx context.Context, q store.Q, region string) (zhitong.Organisation, error) {
	org, err := store.OrganisationFor(ctx, q, region)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return org, zhitong.Errorf(zhitong.ECONFLICT, "该地区尚未设立人大常委会（zhitong init），不能签发公文")
	}
	return org, err
}

const docColumns = `id, region_code, kind, year, seq, number, code, source, unit_id, title, content, sm3, sig, key_id,
 issued_by_name, issued_at, supersedes_id, superseded_by, reason`

func scanDocument(row interface{ Scan(...any) error }) (*Document, error) {
	d := &Document{CaseIDs: []int64{}}
	var at string
	err := row.Scan(&d.ID, &d.Region, &d.Kind, &d.Year, &d.Seq, &d.Number, &d.Code, &d.Source, &d.UnitID, &d.Title, &d.content, &d.SM3,
		&d.sig, &d.keyID, &d.IssuedBy, &at, &d.Supersedes, &d.SupersededBy, &d.Reason)
	if err != nil {
		return nil, err
	}
	d.KindLabel = zhitong.Label(Kinds, d.Kind)
	d.IssuedAt = store.ParseTime(at)
	if doc, err := d.Doc(); err == nil {
		d.Issuer = doc.Signer
	}
	return d, nil
}

// load reads a document with its cases.
func load(ctx context.Context, q store.Q, where string, arg any) (*Document, error) {
	d, err := scanDocument(q.QueryRow(ctx, `SELECT `+docColumns+` FROM documents WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "没有这份公文")
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT case_id FROM document_cases WHERE document_id = ? ORDER BY case_id`, d.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		d.CaseIDs = append(d.CaseIDs, id)
	}
	return d, rows.Err()
}
