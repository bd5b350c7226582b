package store

import (
	"context"
	"time"

	"zhitong"
)

// Staff accounts and API tokens, as the security administrator manages them.

// ListUsersUnder returns the accounts whose region lies in the subtree of
// region ("" is every account), by username.
func ListUsersUnder(ctx context.Context, q Q, region string) ([]*zhitong.User, error) {
	return queryUsers(ctx, q, `SELECT `+userColumns+` FROM users WHERE region_code LIKE ? ORDER BY username`, likePrefix(region))
}

// UserOrder is the accounts list's order: by username (unique, users' own index).
var UserOrder = KeyOrder{Col: "username", ID: "id"}

// UsersUnderPage returns a page of ListUsersUnder, read for p in
// UserOrder, and how many accounts there are, up to limit+1.
func UsersUnderPage(ctx context.Context, q Q, region string, p Page, limit int) ([]*zhitong.User, int, error) {
	cond, args := ` WHERE region_code LIKE ?`, []any{likePrefix(region)}
	n, err := countCapped(ctx, q, `SELECT id FROM users`+cond, args, limit)
	if err != nil {
		return nil, 0, err
	}
	cond, args = UserOrder.where(cond, args, p)
	users, err := queryUsers(ctx, q, `SELECT `+userColumns+` FROM users`+cond, args...)
	return inOrder(users, p), n, err
}

// PromoteCandidates returns up to limit accounts of the region subtree
// that could be made security administrators (neither one already, nor
// disabled, nor except), whose username starts with prefix ("" any), by
// username: the two-person request page's choice, read by the username
// index and never the region's every account.
func PromoteCandidates(ctx context.Context, q Q, region, prefix string, except int64, limit int) ([]*zhitong.User, error) {
	cond := ` WHERE region_code LIKE ? AND role <> ? AND NOT disabled AND id <> ?`
	args := []any{likePrefix(region), string(zhitong.RoleSecAdmin), except}
	if prefix != "" {
		// Usernames are ASCII letters, digits and . _ - (accounts.checkUsername).
		cond, args = cond+` AND username >= ? AND username < ?`, append(args, prefix, prefix+"\x7f")
	}
	return queryUsers(ctx, q, `SELECT `+userColumns+` FROM users`+cond+` ORDER BY username LIMIT ?`, append(args, limit)...)
}

// likePrefix is the LIKE pattern of every code starting with prefix; codes
// are digits only, so there is nothing to escape.
func likePrefix(prefix string) string { return prefix + "%" }

// UpdateUserRole changes what an account acts as: its name, role and
// jurisdiction.
func (t *Tx) UpdateUserRole(ctx context.Context, u *zhitong.User) error {
	_, err := t.Exec(ctx, `UPDATE users SET display_name = ?, role = ?, region_code = ?, station_id = ?, unit_id = ?, deputy_id = ? WHERE id = ?`,
		u.DisplayName, u.Role, u.RegionCode, nullID(u.StationID), nullID(u.UnitID), nullID(u.DeputyID), u.ID)
	return err
}

// SetUserDisabled disables or enables an account. Disabling also ends every
// session of the user (a new session epoch).
func (t *Tx) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	query := `UPDATE users SET disabled = ? WHERE id = ?`
	if disabled {
		query = `UPDATE users SET disabled = ?, session_epoch = session_epoch + 1 WHERE id = ?`
	}
	_, err := t.Exec(ctx, query, disabled, id)
	return err
}

// CountActiveSecAdmins counts the enabled security administrators other
// than the account except (0: none excepted).
func CountActiveSecAdmins(ctx context.Context, q Q, except int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = ? AND disabled = ? AND id <> ?`, zhitong.RoleSecAdmin, false, except).Scan(&n)
	return n, err
}

// ListTokensUnder returns the API tokens scoped inside region's subtree,
// newest first.
func ListTokensUnder(ctx context.Context, q Q, region string) ([]*zhitong.Token, error) {
	rows, err := q.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE region_code LIKE ? ORDER BY id DESC`, likePrefix(region))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhitong.Token
	for rows.Next() {
		tok, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, rows.Err()
}

// GetToken loads an API token by id, revoked or not.
func GetToken(ctx context.Context, q Q, id int64) (*zhitong.Token, error) {
	return scanToken(q.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
}

// RevokeToken revokes a token for good.
func (t *Tx) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE api_tokens SET revoked = ?, revoked_at = ? WHERE id = ?`, true, FormatTime(at), id)
	return err
}

// TouchToken records that a token was used at now, unless it was already
// recorded since cutoff: at most one write per token per interval.
func (t *Tx) TouchToken(ctx context.Context, id int64, now, cutoff time.Time) error {
	_, err := t.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`, FormatTime(now), id, FormatTime(cutoff))
	return err
}
