package keys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"zhitong/internal/audit"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// batch is how many rows one rotation transaction re-seals: small enough
// that servers' writes wait little for it on SQLite.
const batch = 200

// RotateReport is what a rotation did.
type RotateReport struct {
	Resealed    int      // values re-sealed under the new key by this run
	Current     int      // values found already under the new key
	LegacyPhone int      // pre-070 opt-outs given their sealed phone
	Unmatched   []int64  // pre-070 opt-outs whose phone is nowhere: kept, but they no longer match
	Unreadable  []string // values neither key opens ("table.column id"): the rotation does not finish
	Resumed     string   // where an interrupted run was taken up, if it was
}

// Rotate re-seals every value of store.SealedColumns (and recomputes its
// blind index) under the sealer's current key while servers keep running;
// sealer must be rotating (Open with the new key and the old one). Each
// batch is one transaction that also records how far it got, so a run that
// is killed is taken up where it stopped by running it again; a value is
// re-sealed only when it does not open under the new key, and only if the
// row still holds what was read, so nothing is sealed twice or lost. When
// every value opens under the new key, the previous key's check value is
// dropped: the rotation is done. progress (may be nil) gets a line per column.
func Rotate(ctx context.Context, db *store.DB, sealer *pii.Sealer, now func() time.Time, progress io.Writer) (*RotateReport, error) {
	if progress == nil {
		progress = io.Discard
	}
	if !sealer.Rotating() {
		return nil, errors.New("没有正在进行的密钥轮换 / no key rotation under way")
	}
	rep := &RotateReport{}
	col, after, err := cursor(ctx, db)
	if err != nil {
		return nil, err
	}
	if col > 0 || after > 0 {
		if col < len(store.SealedColumns) {
			rep.Resumed = fmt.Sprintf("%s id>%d", store.SealedColumns[col].Name(), after)
		} else {
			rep.Resumed = "the final check"
		}
		fmt.Fprintf(progress, "接续上次中断的轮换：%s / resuming at %s\n", rep.Resumed, rep.Resumed)
	}
	if col == 0 && after == 0 {
		if err := legacyOptOuts(ctx, db, sealer, rep); err != nil {
			return nil, err
		}
	}
	for ; col < len(store.SealedColumns); col, after = col+1, 0 {
		c := store.SealedColumns[col]
		n := 0
		for {
			vs, err := store.SealedBatch(ctx, db, c, after, batch)
			if err != nil {
				return rep, err
			}
			if len(vs) == 0 {
				break
			}
			err = db.Write(ctx, func(tx *store.Tx) error {
				for _, v := range vs {
					if sealer.OpensWithCurrent(v.Value, v.AAD) {
						rep.Current++
						continue
					}
					plain, err := sealer.Open(v.Value, v.AAD)
					if err != nil {
						rep.Unreadable = append(rep.Unreadable, c.Name()+" "+strconv.FormatInt(v.ID, 10))
						continue
					}
					idx := ""
					if c.Index != "" {
						idx = sealer.BlindIndex(c.IndexKind, plain)
					}
					changed, err := tx.Reseal(ctx, c, v.ID, v.Value, sealer.Seal(plain, v.AAD), idx)
					if err != nil {
						return err
					}
					if changed {
						rep.Resealed++
						n++
					}
				}
				after = vs[len(vs)-1].ID
				return tx.SetMeta(ctx, metaCursor, strconv.Itoa(col)+":"+strconv.FormatInt(after, 10))
			})
			if err != nil {
				return rep, err
			}
		}
		// The column is done: a run killed from here on starts at the next.
		next := strconv.Itoa(col+1) + ":0"
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.SetMeta(ctx, metaCursor, next) }); err != nil {
			return rep, err
		}
		fmt.Fprintf(progress, "%-24s 重新加密 %d 个值 / re-sealed %d\n", c.Name(), n, n)
	}
	if len(rep.Unreadable) > 0 {
		return rep, fmt.Errorf("%d 个值新旧密钥都打不开（如 %s），轮换未完成；请检查后再运行 / %d values open under neither key (e.g. %s): the rotation is not finished",
			len(rep.Unreadable), rep.Unreadable[0], len(rep.Unreadable), rep.Unreadable[0])
	}
	// Every value was seen once; servers write under the new key only, so
	// nothing under the old key can have appeared since. Make sure anyway.
	left, err := Verify(ctx, db, sealer, true)
	if err != nil {
		return rep, err
	}
	if left.Failed > 0 {
		// Written under the old key after the walk passed it (a server
		// still on the old key alone): the next run walks everything again.
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.SetMeta(ctx, metaCursor, "") }); err != nil {
			return rep, err
		}
		return rep, fmt.Errorf("仍有 %d 个值不在新密钥下（如 %s），请再运行一次 / %d values are still not under the new key (e.g. %s): run again", left.Failed, left.First, left.Failed, left.First)
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.Lock(ctx, "zhitong:keys"); err != nil {
			return err
		}
		cur, prev, err := Check(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.SetMeta(ctx, metaPrevious, ""); err != nil {
			return err
		}
		if err := tx.SetMeta(ctx, metaCursor, ""); err != nil {
			return err
		}
		if err := tx.ForgetPhoneLocks(ctx); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, audit.Entry{At: now(), Actor: "system", Action: "key.rotate.done", Object: "key:" + short(cur),
			Detail: fmt.Sprintf(`{"from":%q,"to":%q,"resealed":%d,"unmatched_optouts":%d}`, short(prev), short(cur), rep.Resealed, len(rep.Unmatched))})
	})
	return rep, err
}

func cursor(ctx context.Context, q store.Q) (col int, after int64, err error) {
	v, err := store.GetMeta(ctx, q, metaCursor)
	if err != nil || v == "" {
		return 0, 0, err
	}
	c, a, ok := strings.Cut(v, ":")
	col, err1 := strconv.Atoi(c)
	after, err2 := strconv.ParseInt(a, 10, 64)
	if !ok || err1 != nil || err2 != nil || col < 0 {
		return 0, 0, fmt.Errorf("meta %s: bad value %q", metaCursor, v)
	}
	return col, after, nil
}

// legacyOptOuts gives each opt-out from before migration 070 (a blind
// index only) its sealed phone, found through a case, booking or deputy
// with the same index, before those rows are re-indexed.
func legacyOptOuts(ctx context.Context, db *store.DB, sealer *pii.Sealer, rep *RotateReport) error {
	ids, idx, err := store.LegacyOptOuts(ctx, db)
	if err != nil {
		return err
	}
	for i, id := range ids {
		sealed, aad, err := store.SealedPhoneByIndex(ctx, db, idx[i])
		if err != nil {
			return err
		}
		phone := ""
		if sealed != "" {
			phone, _ = sealer.Open(sealed, aad)
		}
		if phone == "" {
			rep.Unmatched = append(rep.Unmatched, id)
			continue
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			return tx.SetOptOutPhone(ctx, id, sealer.Seal(phone, "optout:phone"))
		}); err != nil {
			return err
		}
		rep.LegacyPhone++
	}
	return nil
}

// VerifyReport counts the sealed values Verify opened.
type VerifyReport struct {
	Columns map[string]int // values opened per table.column
	Opened  int
	Failed  int
	First   string // the first value that did not open: "table.column id"
}

// Verify opens every value of every sealed column with sealer (with
// currentOnly, under its current key alone): the restore drill's "read
// every sealed field", and the rotation's last check.
func Verify(ctx context.Context, q store.Q, sealer *pii.Sealer, currentOnly bool) (*VerifyReport, error) {
	rep := &VerifyReport{Columns: map[string]int{}}
	for _, c := range store.SealedColumns {
		var after int64
		for {
			vs, err := store.SealedBatch(ctx, q, c, after, 500)
			if err != nil {
				return nil, err
			}
			if len(vs) == 0 {
				break
			}
			for _, v := range vs {
				ok := false
				if currentOnly {
					ok = sealer.OpensWithCurrent(v.Value, v.AAD)
				} else {
					_, err := sealer.Open(v.Value, v.AAD)
					ok = err == nil
				}
				if ok {
					rep.Opened++
					rep.Columns[c.Name()]++
					continue
				}
				if rep.Failed == 0 {
					rep.First = c.Name() + " " + strconv.FormatInt(v.ID, 10)
				}
				rep.Failed++
			}
			after = vs[len(vs)-1].ID
		}
	}
	return rep, nil
}
