package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhitong/internal/audit"
)

// AuditKeyAAD is the associated data the audit key is sealed under, in
// audit_key.sealed (a sealed column that a key rotation re-seals).
const AuditKeyAAD = "audit_key:sealed"

type auditKey struct {
	key       []byte
	keyedFrom int64
}

// LoadAuditKey opens the audit chain's key, sealed under the master key in
// audit_key, and keeps it for AppendAudit. The first start after migration
// 071 makes the key: a random 32-byte key, keyed from the entry after the
// current head, with a keyed checkpoint over the head's link (so the
// entries written before stay verifiable and cannot be rewritten either).
// Several servers starting at once make one key: the head's row lock (or
// SQLite's single writer) lets one fill the row and the others read it.
func (db *DB) LoadAuditKey(ctx context.Context, seal func(plain, aad string) string, open func(sealed, aad string) (string, error), now time.Time) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.LoadAuditKey(ctx, seal, open, now) })
}

// LoadAuditKey is DB.LoadAuditKey inside a transaction that is already
// open (keys.Open audits the start of a key rotation in its own). The key
// is kept for the DB at once: when the transaction rolls back after making
// a new key, the next LoadAuditKey (every app.New runs one) replaces it.
func (t *Tx) LoadAuditKey(ctx context.Context, seal func(plain, aad string) string, open func(sealed, aad string) (string, error), now time.Time) error {
	k, err := loadAuditKey(ctx, t, seal, open, now)
	if err != nil {
		return err
	}
	t.db.audit.Store(&k)
	return nil
}

func loadAuditKey(ctx context.Context, tx *Tx, seal func(plain, aad string) string, open func(sealed, aad string) (string, error), now time.Time) (auditKey, error) {
	sealed, from, err := readAuditKey(ctx, tx)
	if err != nil {
		return auditKey{}, err
	}
	if sealed == "" {
		var seq int64
		var link string
		if err := tx.QueryRow(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&seq, &link); err != nil {
			return auditKey{}, fmt.Errorf("audit head: %w", err)
		}
		key := make([]byte, 32)
		rand.Read(key)
		res, err := tx.Exec(ctx, `UPDATE audit_key SET sealed = ?, keyed_from = ?, anchor = ?, created_at = ? WHERE id = 1 AND sealed = ''`,
			seal(hex.EncodeToString(key), AuditKeyAAD), seq+1, audit.Checkpoint(key, "keyed", seq, link), FormatTime(now))
		if err != nil {
			return auditKey{}, fmt.Errorf("audit key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return auditKey{key: key, keyedFrom: seq + 1}, nil
		}
		if sealed, from, err = readAuditKey(ctx, tx); err != nil {
			return auditKey{}, err
		}
	}
	plain, err := open(sealed, AuditKeyAAD)
	if err != nil {
		return auditKey{}, fmt.Errorf("审计密钥无法用当前主密钥解开（主密钥不对，或 audit_key 被改动）: %w", err)
	}
	key, err := hex.DecodeString(plain)
	if err != nil || len(key) != 32 {
		return auditKey{}, errors.New("审计密钥格式不对（audit_key 被改动）")
	}
	return auditKey{key: key, keyedFrom: from}, nil
}

func readAuditKey(ctx context.Context, q Q) (sealed string, from int64, err error) {
	err = q.QueryRow(ctx, `SELECT sealed, keyed_from FROM audit_key WHERE id = 1`).Scan(&sealed, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, errors.New("审计密钥记录缺失（audit_key 表被改动），请检查数据库")
	}
	return sealed, from, err
}

// AuditChain returns what a verifier needs besides the entries: the key and
// the checkpoints, and when the key was made.
func (db *DB) AuditChain(ctx context.Context) (audit.Chain, time.Time, error) {
	k := db.audit.Load()
	if k == nil {
		return audit.Chain{}, time.Time{}, errors.New("audit key not loaded")
	}
	c := audit.Chain{Key: k.key}
	var created string
	err := db.QueryRow(ctx, `SELECT keyed_from, anchor, created_at, pruned_through, pruned_hash, pruned_mac FROM audit_key WHERE id = 1`).
		Scan(&c.KeyedFrom, &c.Anchor, &created, &c.PrunedThrough, &c.PrunedLink, &c.PrunedMAC)
	if errors.Is(err, sql.ErrNoRows) {
		return c, time.Time{}, errors.New("审计密钥记录缺失（audit_key 表被改动）")
	}
	return c, ParseTime(created), err
}

// AppendAudit adds e to the chain inside tx, linked with HMAC-SM3 under the
// audit key. Updating audit_head first takes its row lock, so concurrent
// PostgreSQL writers queue up instead of forking the chain. e.Region, when
// empty, is the jurisdiction of e.Object. In a grouped transaction
// (WriteGrouped) the entry is linked with the rest of the group's at the
// end, just before the commit (flushAudit).
func (t *Tx) AppendAudit(ctx context.Context, e audit.Entry) error {
	k := t.db.audit.Load()
	if k == nil {
		return errors.New("audit key not loaded (store.DB.LoadAuditKey)")
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if e.Region == "" {
		r, err := objectRegion(ctx, t, e.Object)
		if err != nil {
			return fmt.Errorf("audit region: %w", err)
		}
		e.Region = r
	}
	if t.grouped {
		t.pendingAudit = append(t.pendingAudit, e)
		return nil
	}
	if err := t.QueryRow(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.Prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e.Hash = audit.Chain{Key: k.key, KeyedFrom: k.keyedFrom}.Link(e)
	if _, err := t.Exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, object, detail, region, actor_region, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, FormatTime(e.At), e.Actor, e.Action, e.Object, e.Detail, e.Region, e.ActorRegion, e.Prev, e.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	if _, err := t.Exec(ctx, `UPDATE audit_head SET hash = ? WHERE id = 1`, e.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// regionTables are the objects whose row names a region.
var regionTables = map[string]string{"case": "cases", "user": "users", "unit": "units", "station": "stations", "deputy": "deputies",
	"token": "api_tokens", "proposal": "proposals", "bulletin": "bulletins", "duty_record": "duty_records"}

// objectRegion is the region of the object an entry names ("case:42" →
// the case's region), or "" for objects without one.
func objectRegion(ctx context.Context, q Q, object string) (string, error) {
	kind, id, _ := strings.Cut(object, ":")
	if kind == "region" {
		return id, nil
	}
	table, ok := regionTables[kind]
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil {
		return "", nil
	}
	var r string
	err = q.QueryRow(ctx, `SELECT region_code FROM `+table+` WHERE id = ?`, n).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return r, err
}

// AuditQuery selects audit entries.
type AuditQuery struct {
	Object string
	After  int64 // seq
	Limit  int
	// Region limits the entries to a jurisdiction: those whose object or
	// actor lies in that region subtree. "" is everything.
	Region   string
	From, To time.Time // at >= From, at < To; zero: unbounded
	Desc     bool      // newest first (After is then "before" when > 0)
}

// ListAuditFiltered returns entries in sequence order.
func ListAuditFiltered(ctx context.Context, db Q, f AuditQuery) ([]audit.Entry, error) {
	q := `SELECT seq, at, actor, action, object, detail, region, actor_region, prev_hash, hash FROM audit_log WHERE 1 = 1`
	var args []any
	switch {
	case f.Desc && f.After > 0:
		q += ` AND seq < ?`
		args = append(args, f.After)
	case !f.Desc:
		q += ` AND seq > ?`
		args = append(args, f.After)
	}
	if f.Object != "" {
		q += ` AND object = ?`
		args = append(args, f.Object)
	}
	if f.Region != "" {
		q += ` AND (region LIKE ? OR actor_region LIKE ?)`
		args = append(args, f.Region+"%", f.Region+"%")
	}
	if !f.From.IsZero() {
		q += ` AND at >= ?`
		args = append(args, FormatTime(f.From))
	}
	if !f.To.IsZero() {
		q += ` AND at < ?`
		args = append(args, FormatTime(f.To))
	}
	if f.Desc {
		q += ` ORDER BY seq DESC`
	} else {
		q += ` ORDER BY seq`
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.Region, &e.ActorRegion, &e.Prev, &e.Hash); err != nil {
			return nil, err
		}
		e.At = ParseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// EachAudit calls fn for every entry f selects, in sequence order, a page
// at a time (f.After and f.Limit are its own).
func EachAudit(ctx context.Context, db Q, f AuditQuery, fn func(audit.Entry) error) error {
	f.Desc, f.Limit = false, 5000
	for {
		page, err := ListAuditFiltered(ctx, db, f)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
			f.After = e.Seq
		}
		if len(page) < f.Limit {
			return nil
		}
	}
}

// errStop ends EachAudit early.
var errStop = errors.New("stop")

// VerifyAudit walks the whole chain in pages and returns the first entry
// that does not verify, if any, and how many entries were checked.
func (db *DB) VerifyAudit(ctx context.Context) (*audit.Break, int64, error) {
	c, _, err := db.AuditChain(ctx)
	if err != nil {
		return nil, 0, err
	}
	v := audit.Verifier{Chain: c}
	var brk *audit.Break
	err = EachAudit(ctx, db, AuditQuery{After: c.PrunedThrough}, func(e audit.Entry) error {
		if brk = v.Next(e); brk != nil {
			return errStop
		}
		return nil
	})
	if brk != nil {
		return brk, v.Checked, nil
	}
	if err != nil {
		return nil, v.Checked, err
	}
	var headSeq int64
	var headHash string
	if err := db.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, v.Checked, err
	}
	return v.Finish(headSeq, headHash), v.Checked, nil
}

// AuditPrunable returns the last entry that pruning at cutoff would remove:
// the end of the longest run from the start of the log written before
// cutoff (0: none), and the current pruning checkpoint.
func AuditPrunable(ctx context.Context, q Q, cutoff time.Time) (through, done int64, err error) {
	var head int64
	if err := q.QueryRow(ctx, `SELECT pruned_through FROM audit_key WHERE id = 1`).Scan(&done); err != nil {
		return 0, 0, err
	}
	if err := q.QueryRow(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&head); err != nil {
		return 0, 0, err
	}
	var first sql.NullInt64
	if err := q.QueryRow(ctx, `SELECT MIN(seq) FROM audit_log WHERE at >= ?`, FormatTime(cutoff)).Scan(&first); err != nil {
		return 0, 0, err
	}
	through = head
	if first.Valid {
		through = first.Int64 - 1
	}
	if through <= done {
		through = 0
	}
	return through, done, nil
}

// PruneAudit removes the oldest entries, all of those written before
// cutoff and nothing after the first one that was not, up to upTo (what the
// caller archived), and records a keyed checkpoint over the last one
// removed so the rest still verifies. The caller enforces the retention
// period. It returns the last sequence number removed (0: nothing).
func (db *DB) PruneAudit(ctx context.Context, cutoff time.Time, upTo int64) (through int64, err error) {
	k := db.audit.Load()
	if k == nil {
		return 0, errors.New("audit key not loaded")
	}
	err = db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1`); err != nil {
			return err
		}
		var err error
		if through, _, err = AuditPrunable(ctx, tx, cutoff); err != nil || through == 0 {
			return err
		}
		through = min(through, upTo)
		var link string
		if err := tx.QueryRow(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, through).Scan(&link); err != nil {
			return fmt.Errorf("audit prune: entry %d: %w", through, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE audit_key SET pruned_through = ?, pruned_hash = ?, pruned_mac = ? WHERE id = 1`,
			through, link, audit.Checkpoint(k.key, "pruned", through, link)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM audit_log WHERE seq <= ?`, through)
		return err
	})
	return through, err
}

// flushAudit links and writes the entries AppendAudit held back in a
// grouped transaction: the head is locked and updated once for all of
// them, at the end, so on PostgreSQL grouped transactions run side by side
// and queue on audit_head only for their last statements and the commit.
//
// On PostgreSQL it first tries one statement that needs no read of the
// head: the entries are linked to the head this process last wrote
// (DB.auditHead), and written only if audit_head still holds it. A lane
// that flushes while another commits thus queues on the head's row lock
// with its statement already sent, instead of reading the head after the
// other's commit and writing after that. When another writer moved the
// head (a job, another process, a group that did not commit), nothing is
// written and the entries are linked to the head read under its lock.
func (t *Tx) flushAudit(ctx context.Context) error {
	entries := t.pendingAudit
	t.pendingAudit = nil
	if len(entries) == 0 {
		return nil
	}
	if head := t.db.auditHead.Load(); head != nil && t.Dialect() == Postgres {
		ok, err := t.appendAuditAt(ctx, *head, entries)
		if err != nil || ok {
			return err
		}
	}
	if err := t.AppendAuditBatch(ctx, entries); err != nil {
		return err
	}
	last := entries[len(entries)-1]
	t.db.auditHead.Store(&auditHead{seq: last.Seq, hash: last.Hash})
	return nil
}

// auditHead is the chain's head as this process last wrote it.
type auditHead struct {
	seq  int64
	hash string
}

// appendAuditAt links entries after head and writes them, with the head's
// new value, in one statement that writes nothing unless audit_head still
// holds head. It reports whether they were written.
func (t *Tx) appendAuditAt(ctx context.Context, head auditHead, entries []audit.Entry) (bool, error) {
	k := t.db.audit.Load()
	if k == nil {
		return false, errors.New("audit key not loaded (store.DB.LoadAuditKey)")
	}
	seq, prev := linkAudit(audit.Chain{Key: k.key, KeyedFrom: k.keyedFrom}, entries, head.seq, head.hash)
	args := make([]any, 0, 4+10*len(entries))
	args = append(args, seq, prev, head.seq, head.hash)
	var q strings.Builder
	q.WriteString(`WITH h AS (UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ? AND hash = ? RETURNING id)
 INSERT INTO audit_log (seq, at, actor, action, object, detail, region, actor_region, prev_hash, hash)
 SELECT * FROM (VALUES `)
	for i, e := range entries {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(`(?::bigint, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text)`)
		args = append(args, e.Seq, FormatTime(e.At), e.Actor, e.Action, e.Object, e.Detail, e.Region, e.ActorRegion, e.Prev, e.Hash)
	}
	q.WriteString(`) AS v WHERE EXISTS (SELECT 1 FROM h)`)
	res, err := t.Exec(ctx, q.String(), args...)
	if err != nil {
		return false, fmt.Errorf("audit insert: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(entries)) {
		return false, err
	}
	t.db.auditHead.Store(&auditHead{seq: seq, hash: prev})
	return true, nil
}
