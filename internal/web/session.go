package web

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"zhitong"
	"zhitong/internal/signin"
)

// Session keys of sign-in (issue #11): when the session was signed in and
// last used (the application clock, Unix seconds: the idle and absolute
// timeouts of the sign-in policy), whether it may only enrol in two-factor
// sign-in, and the sign-in waiting for its code (the user whose password
// was right, since when, and where to go after).
const (
	SessionSignedInKey = "signed_in_at"
	SessionSeenKey     = "seen_at"
	SessionEnrolKey    = "enrol"
	pendingUserKey     = "2fa_user"
	pendingAtKey       = "2fa_at"
	pendingNextKey     = "2fa_next"
)

// pendingFor is how long the code page waits after the password.
const pendingFor = 5 * time.Minute

// StartSession signs u in (SignIn) and starts the clocks of the idle and
// absolute timeouts; enrol confines the session to enrolling in two-factor
// sign-in until it is done.
func StartSession(ctx context.Context, sm *scs.SessionManager, u *zhitong.User, now time.Time, enrol bool) error {
	if err := SignIn(ctx, sm, u); err != nil {
		return err
	}
	for _, k := range []string{pendingUserKey, pendingAtKey, pendingNextKey, citizenIssuerKey, citizenSubjectKey} {
		sm.Remove(ctx, k)
	}
	sm.Put(ctx, SessionSignedInKey, now.Unix())
	sm.Put(ctx, SessionSeenKey, now.Unix())
	if enrol {
		sm.Put(ctx, SessionEnrolKey, true)
	} else {
		sm.Remove(ctx, SessionEnrolKey)
	}
	return nil
}

// SessionExpired reports whether a signed-in session has been idle or
// open longer than the policy allows at now; if not, it records now as the
// session's last use. A session from before these keys existed starts its
// clocks now.
func SessionExpired(ctx context.Context, sm *scs.SessionManager, pol signin.Policy, now time.Time) bool {
	signed, seen := sm.GetInt64(ctx, SessionSignedInKey), sm.GetInt64(ctx, SessionSeenKey)
	if signed == 0 {
		sm.Put(ctx, SessionSignedInKey, now.Unix())
		sm.Put(ctx, SessionSeenKey, now.Unix())
		return false
	}
	if now.Sub(time.Unix(signed, 0)) >= pol.Absolute() || now.Sub(time.Unix(seen, 0)) >= pol.Idle() {
		return true
	}
	if now.Unix() != seen {
		sm.Put(ctx, SessionSeenKey, now.Unix())
	}
	return false
}

// MustEnrol reports whether the session may do nothing but enrol in
// two-factor sign-in.
func MustEnrol(ctx context.Context, sm *scs.SessionManager) bool {
	return sm.GetBool(ctx, SessionEnrolKey)
}

// Enrolled lifts the enrolment-only restriction of the session.
func Enrolled(ctx context.Context, sm *scs.SessionManager) { sm.Remove(ctx, SessionEnrolKey) }

// SessionInfo is what the idle-timeout warning (static/session.js) needs,
// in seconds, on every page of a signed-in user.
type SessionInfo struct {
	User         int64
	Idle, Warn   int64
	AbsoluteLeft int64
}

func (h *Handler) sessionInfo(r *http.Request, me zhitong.Principal) *SessionInfo {
	if me.UserID == 0 || h.sessions == nil {
		return nil
	}
	pol, err := signin.New(h.app).Policy(r.Context())
	if err != nil {
		return nil
	}
	info := &SessionInfo{User: me.UserID, Idle: int64(pol.Idle().Seconds()), Warn: int64(pol.Warn().Seconds()), AbsoluteLeft: int64(pol.Absolute().Seconds())}
	if signed := h.sessions.GetInt64(r.Context(), SessionSignedInKey); signed != 0 {
		info.AbsoluteLeft = max(0, signed+info.AbsoluteLeft-h.sessionClock.Now().Unix())
	}
	return info
}

// keepAlive is the “继续” of the idle warning: the request itself counts as
// use (the principal's loading records it). 204 while signed in, 401 after.
func (h *Handler) keepAlive(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if me, err := h.principal(r); err != nil || me.UserID == 0 {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
