package audit

import (
	"bufio"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// ArchiveFormat names the export format: JSON Lines, a header, one line per
// entry with its chain values (prev, hash), and a trailer whose digest (SM3
// of every line before it) is keyed with the audit key, so a cut or edited
// archive is detected.
const ArchiveFormat = "zhitong-audit-export/1"

// ArchiveHeader is the first line of an archive.
type ArchiveHeader struct {
	Format     string    `json:"format"`
	ExportedAt time.Time `json:"exported_at"`
	From       string    `json:"from"`   // YYYY-MM-DD, China time, inclusive; "" unbounded
	To         string    `json:"to"`     // YYYY-MM-DD, China time, inclusive; "" unbounded
	Region     string    `json:"region"` // the jurisdiction exported; "" everything
	// Contiguous: every entry between the first and the last is in the
	// archive, so their links to each other are checked too.
	Contiguous bool   `json:"contiguous"`
	ExportedBy string `json:"exported_by"`
}

// ArchiveTrailer is the last line.
type ArchiveTrailer struct {
	Count  int64  `json:"count"`
	Digest string `json:"digest"` // SM3 of every line before this one
	MAC    string `json:"mac"`    // HMAC-SM3 of the digest under the audit key
}

// ErrArchive marks a file that is not a well-formed archive (as opposed to
// a well-formed one that does not verify, which is a Break).
var ErrArchive = errors.New("不是格式正确的审计日志存档")

func archiveErr(format string, args ...any) error {
	return fmt.Errorf("%w："+format, append([]any{ErrArchive}, args...)...)
}

type archiveLine struct {
	Header  *ArchiveHeader  `json:"header,omitempty"`
	Entry   *Entry          `json:"entry,omitempty"`
	Trailer *ArchiveTrailer `json:"trailer,omitempty"`
}

// ArchiveWriter writes an archive.
type ArchiveWriter struct {
	w      io.Writer
	key    []byte
	digest hash.Hash
	n      int64
	err    error
}

// NewArchiveWriter writes h and returns the writer for the entries.
func NewArchiveWriter(w io.Writer, key []byte, h ArchiveHeader) *ArchiveWriter {
	h.Format = ArchiveFormat
	a := &ArchiveWriter{w: w, key: key, digest: sm3.New()}
	a.line(archiveLine{Header: &h})
	return a
}

func (a *ArchiveWriter) line(l archiveLine) {
	if a.err != nil {
		return
	}
	b, err := json.Marshal(l)
	if err != nil {
		a.err = err
		return
	}
	b = append(b, '\n')
	if l.Trailer == nil {
		a.digest.Write(b)
	}
	_, a.err = a.w.Write(b)
}

// Write adds one entry.
func (a *ArchiveWriter) Write(e Entry) error {
	a.line(archiveLine{Entry: &e})
	a.n++
	return a.err
}

// Close writes the trailer; it does not close the underlying writer.
func (a *ArchiveWriter) Close() (int64, error) {
	d := hex.EncodeToString(a.digest.Sum(nil))
	a.line(archiveLine{Trailer: &ArchiveTrailer{Count: a.n, Digest: d, MAC: archiveMAC(a.key, d)}})
	return a.n, a.err
}

func archiveMAC(key []byte, digest string) string {
	h := hmac.New(sm3.New, key)
	writeFields(h, "zhitong/audit/archive", digest)
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyArchive reads an archive and checks every entry's link under c (the
// keyed ones need c.Key), the links between entries when the archive is
// contiguous, and the trailer. It returns the header, the entries checked
// and the first problem (Seq 0 when it is not one entry's).
func VerifyArchive(r io.Reader, c Chain) (ArchiveHeader, int64, *Break, error) {
	var h ArchiveHeader
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	digest := sm3.New()
	var n int64
	var prev *Entry
	first := true
	for sc.Scan() {
		raw := sc.Bytes()
		var l archiveLine
		if err := json.Unmarshal(raw, &l); err != nil {
			return h, n, nil, archiveErr("第 %d 行不是 JSON（%v）", n+2, err)
		}
		switch {
		case first:
			if l.Header == nil || l.Header.Format != ArchiveFormat {
				return h, n, nil, archiveErr("缺少格式为 %s 的首行", ArchiveFormat)
			}
			h, first = *l.Header, false
		case l.Trailer != nil:
			t := l.Trailer
			d := hex.EncodeToString(digest.Sum(nil))
			switch {
			case t.Count != n:
				return h, n, &Break{Reason: "存档条数与结尾记录不符（条目被删除或插入）"}, nil
			case t.Digest != d:
				return h, n, &Break{Reason: "存档内容与结尾摘要不符（存档被改动）"}, nil
			case len(c.Key) == 0 || !hmac.Equal([]byte(archiveMAC(c.Key, d)), []byte(t.MAC)):
				return h, n, &Break{Reason: "存档结尾的密钥校验值不符（存档被改动，或不是本系统导出的）"}, nil
			}
			if sc.Scan() {
				return h, n, &Break{Reason: "存档结尾之后还有内容"}, nil
			}
			return h, n, nil, nil
		case l.Entry != nil:
			e := *l.Entry
			if prev != nil && h.Contiguous && (e.Seq != prev.Seq+1 || e.Prev != prev.Hash) {
				return h, n, &Break{Seq: e.Seq, Reason: "与存档中前一条的链接不符（第 " + strconv.FormatInt(prev.Seq, 10) + " 条之后）"}, nil
			}
			if e.Seq >= c.KeyedFrom && len(c.Key) == 0 {
				return h, n, &Break{Seq: e.Seq, Reason: "审计密钥缺失，无法校验"}, nil
			}
			if !hmac.Equal([]byte(c.Link(e)), []byte(e.Hash)) {
				return h, n, &Break{Seq: e.Seq, Reason: "内容与其校验值不符（条目被改动）"}, nil
			}
			prev = &e
			n++
		default:
			return h, n, nil, archiveErr("第 %d 行无法识别", n+2)
		}
		digest.Write(raw)
		digest.Write([]byte{'\n'})
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return h, n, nil, archiveErr("第 %d 行过长", n+2)
	} else if err != nil {
		return h, n, nil, err
	}
	if first {
		return h, 0, nil, archiveErr("文件是空的")
	}
	return h, n, &Break{Reason: "存档不完整（缺少结尾记录，可能被截断）"}, nil
}
