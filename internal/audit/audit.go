// Package audit hash-chains the audit log with SM3: each entry's hash covers
// the previous entry's hash and its own fields, so altering, inserting or
// deleting a stored row breaks every link after it.
package audit

import (
	"encoding/hex"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// Entry is one audited action.
type Entry struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"` // "user:12 张三", "token:3 12345热线", "citizen", "system"
	Action string    `json:"action"`
	Object string    `json:"object"` // "case:42", "user:7", …
	Detail string    `json:"detail"` // JSON
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`
}

// Sum returns the SM3 hash that links e to the entry before it (e.Prev).
// Each field is length-prefixed so that no two different entries share an input.
func Sum(e Entry) string {
	h := sm3.New()
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Object, e.Detail, e.Prev} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes the first broken link found by Verify.
type Break struct {
	Seq    int64
	Reason string
}

// Verifier checks a chain entry by entry, in sequence order.
type Verifier struct {
	prev    string
	nextSeq int64
	Checked int64
}

// Next checks one entry; it returns a non-nil Break at the first bad link.
func (v *Verifier) Next(e Entry) *Break {
	if v.nextSeq == 0 {
		v.nextSeq = 1
	}
	switch {
	case e.Seq != v.nextSeq:
		return &Break{Seq: v.nextSeq, Reason: "entry missing (sequence jumps to " + strconv.FormatInt(e.Seq, 10) + ")"}
	case e.Prev != v.prev:
		return &Break{Seq: e.Seq, Reason: "previous-hash link does not match the entry before"}
	case Sum(e) != e.Hash:
		return &Break{Seq: e.Seq, Reason: "content does not match its hash (row altered)"}
	}
	v.prev = e.Hash
	v.nextSeq++
	v.Checked++
	return nil
}
