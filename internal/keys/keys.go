// Package keys holds the rule for the personal-data master key of a
// database (one key per database, recorded by its check value, never
// created beside a database that has data), the online key rotation, and
// the check that every sealed field opens (the restore drill). See
// docs/operations.md.
package keys

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"zhitong/internal/audit"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// Meta keys: the check value (pii.CheckValue) of the database's key, and
// during a rotation the previous key's.
const (
	metaCheck    = "key_check"
	metaPrevious = "key_check_previous"
	metaCursor   = "key_rotate_cursor"
)

// Errors a start-up can be refused with; the returned errors wrap them and
// say what to do, in Chinese and English.
var (
	ErrWrongKey = errors.New("密钥与数据库不符 / the key does not match this database")
	ErrNoKey    = errors.New("未找到该数据库的密钥 / no key for this database")
	ErrRotation = errors.New("数据库正在轮换密钥 / the database is rotating its key")
)

// Source says where a command's keys come from and what it may do.
type Source struct {
	// KeyFile is read when ZHITONG_KEY is unset; OldKeyFile when
	// ZHITONG_OLD_KEY is unset ("" for none).
	KeyFile, OldKeyFile string
	// Create lets the command create KeyFile when there is no key at all
	// and the database has neither data nor a recorded key (init, serve,
	// demo on a new database).
	Create bool
	// Optional lets a command that needs no key (migrate, backup) run
	// without one; a key it is given is still checked.
	Optional bool
	// Begin lets the command start a rotation: given a new key and, as the
	// old key, the database's current one (serve, key rotate).
	Begin bool
	Now   time.Time
}

// Result is what Open found.
type Result struct {
	Sealer   *pii.Sealer // nil only for an Optional command without a key
	Check    string      // the check value of the key the command seals with
	Created  string      // the key file Open created, if it did
	Began    bool        // this call moved the database to the new key
	Rotating bool        // the database records a previous key: a rotation is under way
	Notes    []string    // things to tell the operator
}

// Open is the one rule every command follows before it touches personal
// data. Under a lock (several servers may start at once), it compares the
// key given (ZHITONG_KEY or the key file) with the check value the database
// records:
//
//   - no key recorded and no data: the key is recorded (and, for a command
//     that may, a key file is created first if there is none);
//   - no key recorded but data (a database from before migration 070): the
//     key must open the data, then it is recorded;
//   - the recorded key: accepted; during a rotation the previous key must be
//     given too (ZHITONG_OLD_KEY or --old-key-file);
//   - a new key with the recorded one as the old key: a rotation begins, for
//     a command that may begin one;
//   - anything else is refused, and no key file is ever created beside a
//     database that has data.
func Open(ctx context.Context, db *store.DB, src Source) (*Result, error) {
	key, from, err := pii.ReadKey(pii.KeyEnv, src.KeyFile)
	if err != nil && !errors.Is(err, pii.ErrNoKey) {
		return nil, err
	}
	var old []byte
	oldFrom := ""
	if k, f, err := pii.ReadKey(pii.OldKeyEnv, src.OldKeyFile); err == nil {
		old, oldFrom = k, f
	} else if !errors.Is(err, pii.ErrNoKey) {
		return nil, fmt.Errorf("旧密钥 / old key: %w", err)
	} else if src.OldKeyFile != "" {
		return nil, fmt.Errorf("旧密钥文件 %s 不存在 / the old key file %s is not there", src.OldKeyFile, src.OldKeyFile)
	}
	res := &Result{}
	err = db.Write(ctx, func(tx *store.Tx) error {
		*res = Result{}
		if err := tx.Lock(ctx, "zhitong:keys"); err != nil {
			return err
		}
		cur, err := store.GetMeta(ctx, tx, metaCheck)
		if err != nil {
			return err
		}
		prev, err := store.GetMeta(ctx, tx, metaPrevious)
		if err != nil {
			return err
		}
		hasData, err := store.HasData(ctx, tx)
		if err != nil {
			return err
		}
		if key == nil && src.KeyFile != "" {
			// Another server starting at the same moment may have created
			// the file while this one waited for the lock.
			if k, _, err := pii.ReadKey(pii.KeyEnv, src.KeyFile); err == nil {
				key, from = k, src.KeyFile
			}
		}
		if key == nil {
			switch {
			case cur != "" || hasData:
				if src.Optional {
					return nil
				}
				return fmt.Errorf("%w：该数据库已有数据（密钥校验值 %s），但既没有设置 ZHITONG_KEY，也没有密钥文件 %s。请设置 ZHITONG_KEY，或用 --key-file 指向该库的密钥文件；不会新建密钥。"+
					" / The database has data (key check %s) but neither ZHITONG_KEY nor the key file %s is there: set ZHITONG_KEY or point --key-file at this database's key. No key was created.",
					ErrNoKey, short(cur), src.KeyFile, short(cur), src.KeyFile)
			case src.Optional:
				return nil
			case !src.Create:
				return fmt.Errorf("%w：没有设置 ZHITONG_KEY，也没有密钥文件 %s；此命令不新建密钥，请先运行 zhitong init 或 zhitong serve。"+
					" / Neither ZHITONG_KEY nor %s: this command creates no key; run zhitong init or serve first.", ErrNoKey, src.KeyFile, src.KeyFile)
			}
			key, err = pii.CreateKeyFile(src.KeyFile)
			switch {
			case errors.Is(err, fs.ErrExist): // another process created it meanwhile
				if key, _, err = pii.ReadKey(pii.KeyEnv, src.KeyFile); err != nil {
					return err
				}
			case err != nil:
				return err
			default:
				res.Created = src.KeyFile
			}
			from = src.KeyFile
		}
		check := pii.CheckValue(key)
		oldCheck := ""
		if old != nil {
			oldCheck = pii.CheckValue(old)
		}
		switch {
		case cur == "":
			if hasData {
				if err := opensSomething(ctx, tx, key); err != nil {
					return fmt.Errorf("%w：%s 的密钥打不开库中已有的个人信息（%v）。请用该库原来的密钥启动。 / The key from %s does not open the personal data already stored; start with this database's key.",
						ErrWrongKey, from, err, from)
				}
			}
			if err := tx.SetMeta(ctx, metaCheck, check); err != nil {
				return err
			}
		case check == cur && prev == "":
			if old != nil && oldCheck != check {
				res.Notes = append(res.Notes, "未在轮换密钥，已忽略旧密钥（"+oldFrom+"） / not rotating: the old key is ignored")
			}
		case check == cur: // rotating
			if oldCheck != prev {
				return fmt.Errorf("%w：正在轮换到新密钥（校验值 %s），尚未完成；还须用 ZHITONG_OLD_KEY 或 --old-key-file 提供旧密钥（校验值 %s）%s。 / A rotation to this key is under way: also give the previous key (check %s) as ZHITONG_OLD_KEY or --old-key-file%s.",
					ErrRotation, short(cur), short(prev), given(oldCheck), short(prev), givenEn(oldCheck))
			}
			res.Rotating = true
		case check == prev:
			return fmt.Errorf("%w：该库已开始轮换到新密钥（校验值 %s），%s 的是旧密钥。请用新密钥启动（ZHITONG_KEY 或 --key-file），并以 ZHITONG_OLD_KEY 或 --old-key-file 提供旧密钥。 / The database is moving to a new key (check %s); %s holds the old one. Start with the new key and give the old one as ZHITONG_OLD_KEY or --old-key-file.",
				ErrRotation, short(cur), from, short(cur), from)
		case oldCheck == cur && prev == "" && src.Begin:
			if err := tx.SetMeta(ctx, metaPrevious, cur); err != nil {
				return err
			}
			if err := tx.SetMeta(ctx, metaCheck, check); err != nil {
				return err
			}
			// The entry is keyed under the audit key, which this command
			// may not have loaded yet (serve opens the keys first): it is
			// sealed under the old key until the rotation re-seals it.
			rs, err := pii.NewRotatingSealer(key, old)
			if err != nil {
				return err
			}
			if err := tx.LoadAuditKey(ctx, rs.Seal, rs.Open, src.Now); err != nil {
				return err
			}
			if err := tx.AppendAudit(ctx, audit.Entry{At: src.Now, Actor: "system", Action: "key.rotate.begin", Object: "key:" + short(check),
				Detail: fmt.Sprintf(`{"from":%q,"to":%q}`, short(cur), short(check))}); err != nil {
				return err
			}
			res.Began, res.Rotating = true, true
		case oldCheck == cur && prev == "":
			return fmt.Errorf("%w：要换用新密钥（校验值 %s），请运行 zhitong key rotate 或 zhitong serve；此命令不开始轮换。 / To move to the new key (check %s) run zhitong key rotate or serve; this command does not start a rotation.",
				ErrRotation, short(check), short(check))
		default:
			return fmt.Errorf("%w：该库的个人信息是用另一把密钥加密的（库中记录的密钥校验值 %s，%s 的密钥校验值 %s）。请用该库原来的密钥启动：设置 ZHITONG_KEY，或用 --key-file 指向原密钥文件。 / The key from %s (check %s) is not this database's key (check %s): start with the database's own key (ZHITONG_KEY or --key-file).",
				ErrWrongKey, short(cur), from, short(check), from, short(check), short(cur))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if key == nil {
		return res, nil // Optional and keyless
	}
	res.Check = pii.CheckValue(key)
	if res.Rotating {
		res.Sealer, err = pii.NewRotatingSealer(key, old)
	} else {
		res.Sealer, err = pii.NewSealer(key)
	}
	return res, err
}

// opensSomething checks key against the first stored sealed value, for a
// database from before check values were recorded.
func opensSomething(ctx context.Context, q store.Q, key []byte) error {
	s, err := pii.NewSealer(key)
	if err != nil {
		return err
	}
	for _, c := range store.SealedColumns {
		vs, err := store.SealedBatch(ctx, q, c, 0, 1)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			continue
		}
		if _, err := s.Open(vs[0].Value, vs[0].AAD); err != nil {
			return fmt.Errorf("%s 第 %d 行 / row %d", c.Name(), vs[0].ID, vs[0].ID)
		}
		return nil
	}
	return nil
}

// short is the first 8 hex characters of a check value, enough for people
// to compare two keys.
func short(check string) string {
	if check == "" {
		return "（无 / none）"
	}
	if len(check) > 8 {
		return check[:8]
	}
	return check
}

func given(check string) string {
	if check == "" {
		return "，现在没有提供"
	}
	return "，所给旧密钥的校验值是 " + short(check)
}

func givenEn(check string) string {
	if check == "" {
		return "; none was given"
	}
	return "; the old key given has check " + short(check)
}

// Check returns the check values the database records: its key's and,
// during a rotation, the previous key's.
func Check(ctx context.Context, q store.Q) (current, previous string, err error) {
	if current, err = store.GetMeta(ctx, q, metaCheck); err != nil {
		return "", "", err
	}
	previous, err = store.GetMeta(ctx, q, metaPrevious)
	return current, previous, err
}

// ErrKeyChanged is returned by Watch when the database moved to another key.
var ErrKeyChanged = errors.New("数据库已换用另一把密钥 / the database moved to another key")

// Watch checks every interval that the database's key is still check (the
// key this server seals with), until ctx ends. A server started before a
// rotation began elsewhere would otherwise keep sealing under the old key
// and fail to open what the others write: Watch returns ErrKeyChanged and
// `serve` stops, saying how to restart.
func Watch(ctx context.Context, q store.Q, check string, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		cur, err := store.GetMeta(ctx, q, metaCheck)
		if err != nil || cur == "" || cur == check {
			continue // a database error is the health check's business
		}
		return fmt.Errorf("%w：库中密钥校验值已变为 %s（本服务器用 %s），本服务器已停止，以免用旧密钥写入。请用新密钥（ZHITONG_KEY）并以 ZHITONG_OLD_KEY 提供旧密钥重启。 / The database's key is now %s (this server seals with %s): stopped so as not to write under the old key. Restart with the new key as ZHITONG_KEY and the old one as ZHITONG_OLD_KEY.",
			ErrKeyChanged, short(cur), short(check), short(cur), short(check))
	}
}
