package catalog

import (
	"errors"
	"fmt"
)

// Code classifies an Error. Codes are stable: clients, reports and the HTTP
// status table key on them.
type Code string

// The error codes of the domain.
const (
	CodeInvalid      Code = "invalid"      // the caller's input is wrong
	CodeNotFound     Code = "not_found"    // the thing asked for does not exist
	CodeUnauthorized Code = "unauthorized" // no valid credentials were given
	CodeForbidden    Code = "forbidden"    // the credentials do not allow this
	CodeConflict     Code = "conflict"     // a concurrent or duplicate change lost
	CodeTooLarge     Code = "too_large"    // input over a size or count limit
	CodeUnsupported  Code = "unsupported"  // a format or feature we do not handle
	CodeUnavailable  Code = "unavailable"  // a dependency is down or throttling; retry
	CodeNotAllowed   Code = "not_allowed"  // the thing exists but is not done this way (a method its route does not take)
	CodeInternal     Code = "internal"     // a bug or an unexpected backend failure
)

// Error is the one error type of the domain. Message is safe to show to a
// user; Err (the cause) is for logs only and never leaves the process.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted user-facing message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error that keeps err as its (log-only) cause.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// MessageOf returns the user-facing message of err: the Message of its
// *Error, or "internal error" for anything else, so that raw backend text
// never reaches a user.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Message
	}
	return "internal error"
}

// IsNotFound reports whether err carries CodeNotFound.
func IsNotFound(err error) bool { return CodeOf(err) == CodeNotFound }
