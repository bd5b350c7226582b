package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"zhitong"
)

// TwoFactor is a user's TOTP enrolment: the sealed secret, when it was
// confirmed (zero while the user has not yet entered a first code) and the
// last time step a code was accepted for (a code is never accepted twice).
type TwoFactor struct {
	UserID      int64
	Secret      string // sealed
	ConfirmedAt time.Time
	LastStep    int64
	CreatedAt   time.Time
}

// GetTwoFactor loads a user's enrolment; none is ENOTFOUND.
func GetTwoFactor(ctx context.Context, q Q, userID int64) (*TwoFactor, error) {
	var tf TwoFactor
	var confirmed, created string
	err := q.QueryRow(ctx, `SELECT user_id, secret, confirmed_at, last_step, created_at FROM two_factor WHERE user_id = ?`, userID).
		Scan(&tf.UserID, &tf.Secret, &confirmed, &tf.LastStep, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "未绑定两步验证")
	} else if err != nil {
		return nil, err
	}
	tf.ConfirmedAt, tf.CreatedAt = ParseTime(confirmed), ParseTime(created)
	return &tf, nil
}

// PutTwoFactor starts (or restarts) an enrolment, or stores a confirmed one.
func (t *Tx) PutTwoFactor(ctx context.Context, tf *TwoFactor) error {
	_, err := t.Exec(ctx, `INSERT INTO two_factor (user_id, secret, confirmed_at, last_step, created_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, confirmed_at = excluded.confirmed_at, last_step = excluded.last_step, created_at = excluded.created_at`,
		tf.UserID, tf.Secret, FormatTime(tf.ConfirmedAt), tf.LastStep, FormatTime(tf.CreatedAt))
	return err
}

// ConfirmTwoFactor marks an enrolment confirmed at step.
func (t *Tx) ConfirmTwoFactor(ctx context.Context, userID, step int64, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE two_factor SET confirmed_at = ?, last_step = ? WHERE user_id = ?`, FormatTime(at), step, userID)
	return err
}

// UseTwoFactorStep records that a code of step was accepted, only if no code
// of that step or a later one was: false means the code was used already
// (by this request's twin, or on another server).
func (t *Tx) UseTwoFactorStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := t.Exec(ctx, `UPDATE two_factor SET last_step = ? WHERE user_id = ? AND last_step < ?`, step, userID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DeleteTwoFactor removes a user's enrolment and recovery codes.
func (t *Tx) DeleteTwoFactor(ctx context.Context, userID int64) error {
	if _, err := t.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := t.Exec(ctx, `DELETE FROM two_factor WHERE user_id = ?`, userID)
	return err
}

// ReplaceRecoveryCodes stores a new set of recovery code hashes for a user,
// dropping the old ones.
func (t *Tx) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := t.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := t.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// UseRecoveryCode spends the unused recovery code with this hash: false when
// there is none (wrong, or used already).
func (t *Tx) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error) {
	res, err := t.Exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = ''`, FormatTime(at), userID, hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n >= 1, err
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func RecoveryCodesLeft(ctx context.Context, q Q, userID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at = ''`, userID).Scan(&n)
	return n, err
}

// PasswordChangedAt is when a user's password was last set; zero when the
// account predates the record (then its creation time counts).
func PasswordChangedAt(ctx context.Context, q Q, userID int64) (time.Time, error) {
	var s string
	err := q.QueryRow(ctx, `SELECT password_changed_at FROM users WHERE id = ?`, userID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, zhitong.Errorf(zhitong.ENOTFOUND, "用户不存在")
	}
	return ParseTime(s), err
}

// SetPasswordChangedAt records when a user's password was set.
func (t *Tx) SetPasswordChangedAt(ctx context.Context, userID int64, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE users SET password_changed_at = ? WHERE id = ?`, FormatTime(at), userID)
	return err
}

// SetMustChangePassword flags an account whose password must be changed at
// once (it expired).
func (t *Tx) SetMustChangePassword(ctx context.Context, userID int64) error {
	_, err := t.Exec(ctx, `UPDATE users SET must_change_password = ? WHERE id = ?`, true, userID)
	return err
}

// BumpSessionEpoch ends every session of a user.
func (t *Tx) BumpSessionEpoch(ctx context.Context, userID int64) error {
	_, err := t.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?`, userID)
	return err
}
