package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhitong"
)

const userColumns = `id, username, display_name, role, region_code, COALESCE(station_id, 0), COALESCE(unit_id, 0), COALESCE(deputy_id, 0),
 password_hash, failed_logins, locked_until, disabled, created_at, must_change_password, session_epoch`

func scanUser(row interface{ Scan(...any) error }) (*zhitong.User, error) {
	var u zhitong.User
	var locked, created string
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.RegionCode, &u.StationID, &u.UnitID, &u.DeputyID,
		&u.PasswordHash, &u.FailedLogins, &locked, &u.Disabled, &created, &u.MustChangePassword, &u.SessionEpoch)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "用户不存在")
	} else if err != nil {
		return nil, err
	}
	u.LockedUntil, u.CreatedAt = ParseTime(locked), ParseTime(created)
	return &u, nil
}

// InsertUser stores a new account; a taken username is ECONFLICT.
func (t *Tx) InsertUser(ctx context.Context, u *zhitong.User) error {
	err := t.QueryRow(ctx, `INSERT INTO users (username, display_name, role, region_code, station_id, unit_id, deputy_id, password_hash, created_at, must_change_password)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.DisplayName, u.Role, u.RegionCode, nullID(u.StationID), nullID(u.UnitID), nullID(u.DeputyID), u.PasswordHash, FormatTime(u.CreatedAt), u.MustChangePassword).Scan(&u.ID)
	if IsUniqueViolation(err) {
		return zhitong.Errorf(zhitong.ECONFLICT, "用户名“%s”已被使用", u.Username)
	}
	return err
}

// GetUser loads an account by id.
func GetUser(ctx context.Context, q Q, id int64) (*zhitong.User, error) {
	return scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// GetUserByName loads an account by username.
func GetUserByName(ctx context.Context, q Q, username string) (*zhitong.User, error) {
	return scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
}

// ListUsers returns all accounts.
func ListUsers(ctx context.Context, q Q) ([]*zhitong.User, error) {
	return queryUsers(ctx, q, `SELECT `+userColumns+` FROM users ORDER BY id`)
}

// queryUsers runs a query of userColumns and scans every account.
func queryUsers(ctx context.Context, q Q, query string, args ...any) ([]*zhitong.User, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhitong.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetLoginState records failed attempts and a lock.
func (t *Tx) SetLoginState(ctx context.Context, id int64, failed int, lockedUntil time.Time) error {
	_, err := t.Exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`, failed, FormatTime(lockedUntil), id)
	return err
}

// SetPassword replaces an account's password hash, clears any lock, sets
// whether the user must change it at the next sign-in (someone else chose
// it) and ends every session of the user (a new session epoch).
func (t *Tx) SetPassword(ctx context.Context, id int64, hash string, mustChange bool) error {
	res, err := t.Exec(ctx, `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = '', must_change_password = ?,
 session_epoch = session_epoch + 1 WHERE id = ?`, hash, mustChange, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "用户不存在")
	}
	return nil
}

// InsertToken stores an API token by the hash of its secret.
func (t *Tx) InsertToken(ctx context.Context, tok *zhitong.Token, hash string) error {
	err := t.QueryRow(ctx, `INSERT INTO api_tokens (name, token_hash, role, region_code, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		tok.Name, hash, tok.Role, tok.RegionCode, FormatTime(tok.CreatedAt)).Scan(&tok.ID)
	if IsUniqueViolation(err) {
		return zhitong.Errorf(zhitong.ECONFLICT, "令牌名称“%s”已存在", tok.Name)
	}
	return err
}

// GetTokenByHash finds a live API token.
func GetTokenByHash(ctx context.Context, q Q, hash string) (*zhitong.Token, error) {
	tok, err := scanToken(q.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ? AND revoked = ?`, hash, false))
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "API 令牌无效或已吊销")
	}
	return tok, err
}

const tokenColumns = `id, name, role, region_code, created_at, last_used_at, revoked, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*zhitong.Token, error) {
	var tok zhitong.Token
	var created, used, revoked string
	err := row.Scan(&tok.ID, &tok.Name, &tok.Role, &tok.RegionCode, &created, &used, &tok.Revoked, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "令牌不存在")
	} else if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	tok.CreatedAt, tok.LastUsedAt, tok.RevokedAt = ParseTime(created), ParseTime(used), ParseTime(revoked)
	return &tok, nil
}

// Session store for scs: find, commit, delete.

// FindSession returns the session data for token, if it exists and has not expired.
func (db *DB) FindSession(ctx context.Context, token string, now time.Time) ([]byte, bool, error) {
	var data []byte
	err := db.QueryRow(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`, token, FormatTime(now)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// CommitSession stores session data.
func (db *DB) CommitSession(ctx context.Context, token string, data []byte, expiry time.Time) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, FormatTime(expiry))
		return err
	})
}

// DeleteSession removes a session.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token = ?`, token)
		return err
	})
}
