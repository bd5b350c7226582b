package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SealedColumn is one column holding values sealed with pii.Sealer
// (SM4-GCM under the master key), with the blind index computed from it,
// if any. SealedColumns lists them all: `zhitong key rotate` re-seals
// exactly these, and the restore drill opens exactly these.
type SealedColumn struct {
	Table, Column string
	// AAD is the associated data the value was sealed with; with AADColumn,
	// that column's integer value is appended (attachments: the case id).
	AAD, AADColumn string
	// Index is the blind-index column computed from the plain value with
	// IndexKind (pii.Sealer.BlindIndex), or "".
	Index, IndexKind string
	// Unique says Index is unique in the table (sms_optouts): a re-indexed
	// row whose new index another row already holds is a duplicate.
	Unique bool
	// Bytes: the column is a BLOB/BYTEA holding the sealed text.
	Bytes bool
	// IDColumn is the table's integer key when it is not "id"
	// (two_factor: user_id).
	IDColumn string
}

// id is the column that keys c's rows.
func (c SealedColumn) id() string {
	if c.IDColumn != "" {
		return c.IDColumn
	}
	return "id"
}

// SealedColumns is every sealed column of the schema, walked in this order
// by a key rotation. Each table has an integer id. A new sealed column is
// added here (TestEverySealedColumnIsListed reads the migrations and fails
// otherwise). Opt-outs come first: rows from before migration 070 find
// their phone through the others' blind indexes before those change.
var SealedColumns = []SealedColumn{
	{Table: "sms_optouts", Column: "phone_enc", AAD: "optout:phone", Index: "phone_idx", IndexKind: "phone", Unique: true},
	{Table: "cases", Column: "name_enc", AAD: "case:name"},
	{Table: "cases", Column: "phone_enc", AAD: "case:phone", Index: "phone_idx", IndexKind: "phone"},
	{Table: "cases", Column: "idcard_enc", AAD: "case:id_card"},
	{Table: "cases", Column: "address_enc", AAD: "case:address"},
	{Table: "appointments", Column: "name_enc", AAD: "appointment:name"},
	{Table: "appointments", Column: "phone_enc", AAD: "appointment:phone", Index: "phone_index", IndexKind: "phone"},
	{Table: "units", Column: "phone_enc", AAD: "unit:phone"},
	{Table: "deputies", Column: "phone_enc", AAD: "deputy:phone", Index: "phone_index", IndexKind: "phone"},
	{Table: "sso_secrets", Column: "secret_enc", AAD: "sso:client_secret"},
	{Table: "sso_citizen_cases", Column: "subject_enc", AAD: "sso:citizen", Index: "subject_idx", IndexKind: "sso_citizen"},
	{Table: "sso_links", Column: "subject_enc", AAD: "sso:subject", Index: "subject_idx", IndexKind: "sso_subject", Unique: true},
	{Table: "attachments", Column: "data", AAD: "case:photo:", AADColumn: "case_id", Bytes: true},
	{Table: "attachments", Column: "thumb", AAD: "case:thumb:", AADColumn: "case_id", Bytes: true},
	{Table: "attachments", Column: "name_enc", AAD: "case:attname:", AADColumn: "case_id"},
	{Table: "two_factor", Column: "secret", AAD: "two_factor:secret:", AADColumn: "user_id", IDColumn: "user_id"},
	{Table: "audit_key", Column: "sealed", AAD: AuditKeyAAD},
	{Table: "document_keys", Column: "private_enc", AAD: DocumentKeyAAD},
	{Table: "exchange_peers", Column: "secret_enc", AAD: "exchange:secret"},
	{Table: "exchange_messages", Column: "body_enc", AAD: "exchange:body"},
	{Table: "exchange_peers", Column: "sm2_private_enc", AAD: "exchange:sm2"},
}

// DocumentKeyAAD is the associated data of an organisation's sealed SM2
// private key (internal/documents).
const DocumentKeyAAD = "document_key:private"

// Name is table.column, for reports.
func (c SealedColumn) Name() string { return c.Table + "." + c.Column }

// SealedValue is one stored value of a sealed column.
type SealedValue struct {
	ID    int64
	Value string // the sealed text; "" for an empty or NULL value
	AAD   string
	Index string // the stored blind index, when the column has one
}

// SealedBatch returns up to limit non-empty values of c in rows with id >
// after, in id order.
func SealedBatch(ctx context.Context, q Q, c SealedColumn, after int64, limit int) ([]SealedValue, error) {
	aux, idx := "0", "''"
	if c.AADColumn != "" {
		aux = c.AADColumn
	}
	if c.Index != "" {
		idx = c.Index
	}
	nonEmpty := c.Column + ` IS NOT NULL AND ` + c.Column + ` <> ''`
	if c.Bytes {
		nonEmpty = c.Column + ` IS NOT NULL AND LENGTH(` + c.Column + `) > 0`
	}
	rows, err := q.Query(ctx, `SELECT `+c.id()+`, `+c.Column+`, `+aux+`, `+idx+` FROM `+c.Table+
		` WHERE `+c.id()+` > ? AND `+nonEmpty+` ORDER BY `+c.id()+` LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name(), err)
	}
	defer rows.Close()
	var out []SealedValue
	for rows.Next() {
		var v SealedValue
		var raw []byte
		var a int64
		if err := rows.Scan(&v.ID, &raw, &a, &v.Index); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name(), err)
		}
		v.Value = string(raw)
		v.AAD = c.AAD
		if c.AADColumn != "" {
			v.AAD += strconv.FormatInt(a, 10)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Reseal replaces a sealed value (and its blind index) if the row still
// holds old, so a change a server made meanwhile is never overwritten. It
// reports whether the row was changed. For a unique index already held by
// another row, the row is a duplicate (the same phone opted out again under
// the new key) and is deleted.
func (t *Tx) Reseal(ctx context.Context, c SealedColumn, id int64, old, value, index string) (bool, error) {
	if c.Unique && index != "" {
		var n int
		if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM `+c.Table+` WHERE `+c.Index+` = ? AND `+c.id()+` <> ?`, index, id).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			_, err := t.Exec(ctx, `DELETE FROM `+c.Table+` WHERE `+c.id()+` = ?`, id)
			return true, err
		}
	}
	var newV, oldV any = value, old
	if c.Bytes {
		newV, oldV = []byte(value), []byte(old)
	}
	set := c.Column + ` = ?`
	args := []any{newV}
	if c.Index != "" {
		set += `, ` + c.Index + ` = ?`
		args = append(args, index)
	}
	args = append(args, id, oldV)
	res, err := t.Exec(ctx, `UPDATE `+c.Table+` SET `+set+` WHERE `+c.id()+` = ? AND `+c.Column+` = ?`, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", c.Name(), err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LegacyOptOuts returns the opt-outs recorded before migration 070, which
// carry only a blind index.
func LegacyOptOuts(ctx context.Context, q Q) (ids []int64, idx []string, err error) {
	rows, err := q.Query(ctx, `SELECT id, phone_idx FROM sms_optouts WHERE phone_enc = '' ORDER BY id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, nil, err
		}
		ids, idx = append(ids, id), append(idx, s)
	}
	return ids, idx, rows.Err()
}

// SealedPhoneByIndex finds a sealed phone stored with this blind index (a
// case, booking or deputy), with the AAD to open it; "" if none.
func SealedPhoneByIndex(ctx context.Context, q Q, idx string) (sealed, aad string, err error) {
	for _, c := range SealedColumns {
		if c.IndexKind != "phone" || c.Unique {
			continue
		}
		var v string
		err := q.QueryRow(ctx, `SELECT `+c.Column+` FROM `+c.Table+` WHERE `+c.Index+` = ? AND `+c.Column+` <> '' ORDER BY id LIMIT 1`, idx).Scan(&v)
		if err == nil {
			return v, c.AAD, nil
		}
		if !isNoRows(err) {
			return "", "", err
		}
	}
	return "", "", nil
}

// SetOptOutPhone gives a legacy opt-out its sealed phone.
func (t *Tx) SetOptOutPhone(ctx context.Context, id int64, phoneEnc string) error {
	_, err := t.Exec(ctx, `UPDATE sms_optouts SET phone_enc = ? WHERE id = ? AND phone_enc = ''`, phoneEnc, id)
	return err
}

// ForgetPhoneLocks empties appointment_phones, the rows bookings lock by a
// phone's blind index: after a rotation they hold old-key indexes, and
// booking recreates a row when it needs one.
func (t *Tx) ForgetPhoneLocks(ctx context.Context) error {
	_, err := t.Exec(ctx, `DELETE FROM appointment_phones`)
	return err
}

// HasData reports whether the database holds anything a key may have
// sealed or an operator set up: accounts, cases or audit entries.
func HasData(ctx context.Context, q Q) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) u) + (SELECT COUNT(*) FROM (SELECT 1 FROM cases LIMIT 1) c) + (SELECT COUNT(*) FROM (SELECT 1 FROM audit_log LIMIT 1) a)`).Scan(&n)
	return n > 0, err
}

// Lock takes a named lock until the transaction ends, so start-up work
// (migrations, seeding, the key check) runs once when several servers
// start together: pg_advisory_xact_lock on PostgreSQL (per schema); on SQLite the
// transaction already holds the database's write lock (BEGIN IMMEDIATE).
func (t *Tx) Lock(ctx context.Context, name string) error {
	if t.db.dialect != Postgres {
		return nil
	}
	// Keyed by the schema too: deployments (or tests) in other schemas of
	// one database do not wait for each other.
	_, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || ?, 0))`, name)
	return err
}

func marks(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(s []string) []any { return anysOf(s) }

// idArgs is ids as a statement's arguments (an IN list of marks).
func idArgs(ids []int64) []any { return anysOf(ids) }

func anysOf[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
