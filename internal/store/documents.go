package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhitong"
)

// DocumentKinds are the kinds of official documents (公文) and the
// character their default number prefix ends in (定人大交〔2026〕1号).
var DocumentKinds = []zhitong.Named[string]{
	{Value: "assign", Label: "交办函"}, {Value: "supervise", Label: "督办函"}, {Value: "reply", Label: "答复函"},
	{Value: "bulletin", Label: "通报"}, {Value: "report", Label: "研判报告"}, {Value: "duty_report", Label: "述职报告"},
}

var kindMark = map[string]string{"assign": "交", "supervise": "督", "reply": "复", "bulletin": "通", "report": "研", "duty_report": "述"}

// DefaultDocumentPrefix is the number prefix of kind when the organisation
// has set none: the first character of its short name, 人大, and the kind's
// character (定南人大 → 定人大督). No organisation: 人大督.
func DefaultDocumentPrefix(org zhitong.Organisation, kind string) string {
	first := ""
	for _, r := range org.ShortName {
		first = string(r)
		break
	}
	return first + "人大" + kindMark[kind]
}

// DocumentPrefix returns the number prefix of kind in the organisation org
// (region code): the one set by staff, else "" and false.
func DocumentPrefix(ctx context.Context, q Q, org, kind string) (string, bool, error) {
	var p string
	err := q.QueryRow(ctx, `SELECT prefix FROM document_prefixes WHERE region_code = ? AND kind = ?`, org, kind).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return p, err == nil, err
}

// DocumentPrefixes returns the prefixes staff set for the organisation, by kind.
func DocumentPrefixes(ctx context.Context, q Q, org string) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT kind, prefix FROM document_prefixes WHERE region_code = ?`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, p string
		if err := rows.Scan(&k, &p); err != nil {
			return nil, err
		}
		out[k] = p
	}
	return out, rows.Err()
}

// SetDocumentPrefix stores the prefix of kind in org; "" goes back to the default.
func (t *Tx) SetDocumentPrefix(ctx context.Context, org, kind, prefix string, by int64, at time.Time) error {
	if prefix == "" {
		_, err := t.Exec(ctx, `DELETE FROM document_prefixes WHERE region_code = ? AND kind = ?`, org, kind)
		return err
	}
	_, err := t.Exec(ctx, `INSERT INTO document_prefixes (region_code, kind, prefix, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (region_code, kind) DO UPDATE SET prefix = excluded.prefix, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		org, kind, prefix, by, FormatTime(at))
	return err
}

// NextDocumentSeq draws the next number of (org, kind, year): the
// counter's row is created or incremented in tx, so a rolled-back issue
// gives its number back and concurrent issues wait for each other.
func (t *Tx) NextDocumentSeq(ctx context.Context, org, kind string, year int) (int, error) {
	var n int
	err := t.QueryRow(ctx, `INSERT INTO document_counters (region_code, kind, year, last) VALUES (?, ?, ?, 1)
 ON CONFLICT (region_code, kind, year) DO UPDATE SET last = document_counters.last + 1 RETURNING last`, org, kind, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("document number: %w", err)
	}
	return n, nil
}

// DocumentNumber formats a document number: 定人大督〔2026〕3号.
func DocumentNumber(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕%d号", strings.TrimSpace(prefix), year, seq)
}
