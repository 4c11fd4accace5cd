// Package awserr turns an error of the AWS SDK into the domain's one coded
// error (catalog.Error), by the rules every AWS service shares: a request
// that never reached the service, a throttle or a server-side failure is
// unavailable (retry later), anything unknown is internal. Each AWS adapter
// (internal/dynamostore, internal/s3blobs) names only what its own service
// adds, through a Service function; the message a user sees is always the
// adapter's, never the SDK's text, which stays the log-only cause.
package awserr

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Service gives the domain code of an error only one service has (a typed
// exception, a service's own error code); ok false leaves err to the rules
// every service shares. A nil Service knows no error.
type Service func(err error) (code catalog.Code, ok bool)

// Translate returns err as a *catalog.Error with the user-facing message
// what and err as its cause, coded by Code. A nil err stays nil, and an err
// that already carries a *catalog.Error is returned as it is.
func Translate(err error, what string, service Service) error {
	if err == nil {
		return nil
	}
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return err
	}
	return catalog.Wrap(Code(err, service), err, what)
}

// Code returns the domain code of an SDK error, trying in turn:
//   - a cancelled or expired context, or a request that never reached the
//     service (smithyhttp.RequestSendError): CodeUnavailable;
//   - service, when it knows err;
//   - an API error the SDK itself retries (its throttle and timeout codes,
//     retry.DefaultThrottleErrorCodes and retry.DefaultRetryableErrorCodes),
//     a server-side failure (InternalError, InternalServerError,
//     InternalFailure, ServiceUnavailable, or an HTTP 5xx answer), or the
//     SDK's retries given up (retry.MaxAttemptsError): CodeUnavailable;
//   - anything else: CodeInternal.
func Code(err error, service Service) catalog.Code {
	var send *smithyhttp.RequestSendError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &send) {
		return catalog.CodeUnavailable
	}
	if service != nil {
		if code, ok := service(err); ok {
			return code
		}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		_, throttle := retry.DefaultThrottleErrorCodes[code]
		_, timeout := retry.DefaultRetryableErrorCodes[code]
		if throttle || timeout || serverFailure(code) {
			return catalog.CodeUnavailable
		}
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && resp.HTTPStatusCode() >= 500 {
		return catalog.CodeUnavailable
	}
	var maxAttempts *retry.MaxAttemptsError
	if errors.As(err, &maxAttempts) {
		return catalog.CodeUnavailable
	}
	return catalog.CodeInternal
}

// serverFailure reports the error codes AWS services give a failure on
// their side.
func serverFailure(code string) bool {
	switch code {
	case "InternalError", "InternalServerError", "InternalFailure", "ServiceUnavailable":
		return true
	}
	return false
}
