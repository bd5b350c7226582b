// Package audit chains the audit log. Since migration 071 each entry's link
// is an HMAC-SM3 under the audit key, a random key the database holds only
// sealed under the master key: someone who can write to the database but
// does not have the master key cannot recompute the chain after altering,
// inserting or deleting a row. Entries written before the key existed keep
// their plain SM3 links; a keyed checkpoint (Chain.Anchor) binds the last of
// them, so rewriting that old part is detected as well.
package audit

import (
	"crypto/hmac"
	"encoding/hex"
	"hash"
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
	// Region is the jurisdiction of the object acted on (a case's region, a
	// user's…), empty when the object has none; ActorRegion the actor's.
	// An auditor sees the entries where either lies in their jurisdiction.
	Region      string `json:"region"`
	ActorRegion string `json:"actor_region"`
	Prev        string `json:"prev"`
	Hash        string `json:"hash"`
}

func writeFields(h hash.Hash, fields ...string) {
	for _, f := range fields {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
}

// Sum returns the unkeyed SM3 link of e, as entries were chained before the
// audit key existed. Each field is length-prefixed so that no two different
// entries share an input.
func Sum(e Entry) string {
	h := sm3.New()
	writeFields(h, strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Object, e.Detail, e.Prev)
	return hex.EncodeToString(h.Sum(nil))
}

// MAC returns the keyed link of e: HMAC-SM3 under key over every field,
// the jurisdictions included.
func MAC(key []byte, e Entry) string {
	h := hmac.New(sm3.New, key)
	writeFields(h, "zhitong/audit/v2", strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action,
		e.Object, e.Detail, e.Region, e.ActorRegion, e.Prev)
	return hex.EncodeToString(h.Sum(nil))
}

// Checkpoint returns the keyed value that binds position seq of the chain to
// the link stored there (kind "keyed": the last entry before the key; kind
// "pruned": the last entry removed by pruning).
func Checkpoint(key []byte, kind string, seq int64, link string) string {
	h := hmac.New(sm3.New, key)
	writeFields(h, "zhitong/audit/checkpoint", kind, strconv.FormatInt(seq, 10), link)
	return hex.EncodeToString(h.Sum(nil))
}

// Chain is what a verifier needs besides the entries: the key, where it
// starts, and the checkpoints.
type Chain struct {
	Key       []byte
	KeyedFrom int64  // first entry linked with MAC; earlier ones use Sum
	Anchor    string // Checkpoint(Key, "keyed", KeyedFrom-1, link of entry KeyedFrom-1)
	// PrunedThrough is the last entry removed by pruning (0: none),
	// PrunedLink its link and PrunedMAC the checkpoint over both.
	PrunedThrough int64
	PrunedLink    string
	PrunedMAC     string
}

// Link returns the link entry e must carry under c.
func (c Chain) Link(e Entry) string {
	if e.Seq >= c.KeyedFrom {
		return MAC(c.Key, e)
	}
	return Sum(e)
}

// Break describes the first entry that does not verify.
type Break struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Verifier checks a chain entry by entry, in sequence order.
type Verifier struct {
	Chain   Chain
	prev    string
	nextSeq int64
	Checked int64
	Last    int64 // seq of the last entry checked
}

func (v *Verifier) start() *Break {
	if v.nextSeq != 0 {
		return nil
	}
	v.nextSeq = 1
	if c := v.Chain; c.PrunedThrough > 0 {
		if len(c.Key) == 0 || !hmac.Equal([]byte(Checkpoint(c.Key, "pruned", c.PrunedThrough, c.PrunedLink)), []byte(c.PrunedMAC)) {
			return &Break{Seq: c.PrunedThrough + 1, Reason: "清理检查点与审计密钥不符（检查点被改动）"}
		}
		v.nextSeq, v.prev, v.Last = c.PrunedThrough+1, c.PrunedLink, c.PrunedThrough
	}
	return nil
}

// anchor checks the keyed checkpoint once the entry before KeyedFrom has
// been read. When that entry was pruned the pruning checkpoint vouches for
// it instead (lowering KeyedFrom only makes verification stricter).
func (v *Verifier) anchor(seq int64, link string) *Break {
	c := v.Chain
	if len(c.Key) == 0 || c.KeyedFrom < 1 {
		return &Break{Seq: max(seq, 1), Reason: "审计密钥缺失，无法校验"}
	}
	if !hmac.Equal([]byte(Checkpoint(c.Key, "keyed", c.KeyedFrom-1, link)), []byte(c.Anchor)) {
		return &Break{Seq: max(seq, 1), Reason: "启用审计密钥前的旧链与密钥检查点不符（旧条目或检查点被改写）"}
	}
	return nil
}

// Next checks one entry; it returns a non-nil Break at the first entry that
// does not verify.
func (v *Verifier) Next(e Entry) *Break {
	if b := v.start(); b != nil {
		return b
	}
	if e.Seq == v.nextSeq && e.Seq == v.Chain.KeyedFrom {
		if b := v.anchor(e.Seq-1, v.prev); b != nil {
			return b
		}
	}
	switch {
	case e.Seq != v.nextSeq:
		return &Break{Seq: v.nextSeq, Reason: "条目缺失（序号跳到 " + strconv.FormatInt(e.Seq, 10) + "）"}
	case e.Prev != v.prev:
		return &Break{Seq: e.Seq, Reason: "与前一条的链接不符（前一条被改动、删除或插入）"}
	case len(v.Chain.Key) == 0 && e.Seq >= v.Chain.KeyedFrom:
		return &Break{Seq: e.Seq, Reason: "审计密钥缺失，无法校验"}
	case !hmac.Equal([]byte(v.Chain.Link(e)), []byte(e.Hash)):
		return &Break{Seq: e.Seq, Reason: "内容与其校验值不符（条目被改动）"}
	}
	v.prev = e.Hash
	v.nextSeq++
	v.Checked++
	v.Last = e.Seq
	return nil
}

// Finish checks the end of the chain against the head (the last entry
// written, as audit_head records it). Call it after the last Next.
func (v *Verifier) Finish(headSeq int64, headLink string) *Break {
	if b := v.start(); b != nil {
		return b
	}
	if v.Last < v.Chain.KeyedFrom-1 && v.Chain.KeyedFrom-1 > v.Chain.PrunedThrough {
		return &Break{Seq: v.Last + 1, Reason: "日志在第 " + strconv.FormatInt(v.Last, 10) + " 条结束，但密钥检查点在第 " + strconv.FormatInt(v.Chain.KeyedFrom-1, 10) + " 条（末尾条目被删除）"}
	}
	if v.Last == v.Chain.KeyedFrom-1 {
		if b := v.anchor(v.Last, v.prev); b != nil {
			return b
		}
	}
	if headSeq != v.Last {
		return &Break{Seq: v.Last + 1, Reason: "日志在第 " + strconv.FormatInt(v.Last, 10) + " 条结束，但已写入 " + strconv.FormatInt(headSeq, 10) + " 条（末尾条目被删除）"}
	}
	if headLink != v.prev {
		return &Break{Seq: max(v.Last, 1), Reason: "最后一条与链头记录不符"}
	}
	return nil
}
