package zhitong

import (
	"errors"
	"fmt"
)

// Error codes. Programs branch on these; people read Message.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	ETOOMANY      = "too_many_requests"
	EINTERNAL     = "internal"
	// EBUSY refuses work the server has no room for now (503): a retry
	// later succeeds. Nothing was stored.
	EBUSY = "busy"
	// EMUSTCHANGE refuses a signed-in user whose password someone else set
	// (an initial or reset password) until they choose their own (403).
	EMUSTCHANGE = "password_change_required"
	// ETWOFACTOR answers a right password when the account has two-factor
	// sign-in and no code was given (401): ask for the code and sign in again.
	ETWOFACTOR = "two_factor_required"
	// EENROL refuses a signed-in user whose role must use two-factor
	// sign-in and who has not enrolled yet, until they do (403).
	EENROL = "two_factor_enrolment_required"
)

// Error is the one error type of the application. Code is for programs,
// Message is safe to show to users (Simplified Chinese), Field names the input
// at fault when there is one, and Err keeps the cause for logs.
type Error struct {
	Code    string
	Message string
	Field   string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a formatted user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, or EINTERNAL when err carries none.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Errors without a code
// are internal and never shown, so they get a generic message.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "服务器内部错误，请稍后重试"
}

// ErrorField returns the input field err is about, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
