package awserr_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/catalogsearch/catalogsearch/internal/awserr"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// The errors below are built the way the SDK builds them (an API error
// inside an HTTP response error inside an operation error); no service is
// called, since the rules are about the shapes, and the adapters' own tests
// meet the real ones on moto.

func apiErr(code string, status int) error {
	return &smithy.OperationError{ServiceID: "Test", OperationName: "Op", Err: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      &smithy.GenericAPIError{Code: code, Message: "backend text " + code},
	}}
}

func TestCode(t *testing.T) {
	// service knows one code of its own, and overrides a shared one.
	service := func(err error) (catalog.Code, bool) {
		var api smithy.APIError
		if errors.As(err, &api) {
			switch api.ErrorCode() {
			case "OwnTooLarge":
				return catalog.CodeTooLarge, true
			case "SlowDown":
				return catalog.CodeConflict, true
			}
		}
		return "", false
	}
	for _, tc := range []struct {
		name    string
		err     error
		service awserr.Service
		want    catalog.Code
	}{
		{"cancelled", fmt.Errorf("op: %w", context.Canceled), nil, catalog.CodeUnavailable},
		{"deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), nil, catalog.CodeUnavailable},
		{"never sent", &smithy.OperationError{Err: &smithyhttp.RequestSendError{Err: errors.New("connection refused")}}, nil, catalog.CodeUnavailable},
		{"DynamoDB throttle", apiErr("ProvisionedThroughputExceededException", 400), nil, catalog.CodeUnavailable},
		{"S3 throttle", apiErr("SlowDown", 503), nil, catalog.CodeUnavailable},
		{"generic throttle", apiErr("ThrottlingException", 400), nil, catalog.CodeUnavailable},
		{"request timeout", apiErr("RequestTimeout", 400), nil, catalog.CodeUnavailable},
		{"S3 internal error", apiErr("InternalError", 500), nil, catalog.CodeUnavailable},
		{"DynamoDB internal error", apiErr("InternalServerError", 500), nil, catalog.CodeUnavailable},
		{"unnamed 5xx", apiErr("Whatever", 502), nil, catalog.CodeUnavailable},
		{"server failure named without a status", &smithy.GenericAPIError{Code: "ServiceUnavailable"}, nil, catalog.CodeUnavailable},
		{"retries given up", &retry.MaxAttemptsError{Attempt: 3, Err: errors.New("last try")}, nil, catalog.CodeUnavailable},
		{"missing table", apiErr("ResourceNotFoundException", 400), nil, catalog.CodeInternal},
		{"missing bucket", apiErr("NoSuchBucket", 404), nil, catalog.CodeInternal},
		{"access denied", apiErr("AccessDenied", 403), nil, catalog.CodeInternal},
		{"plain error", errors.New("boom"), nil, catalog.CodeInternal},
		{"service's own code", apiErr("OwnTooLarge", 400), service, catalog.CodeTooLarge},
		{"service before the shared rules", apiErr("SlowDown", 503), service, catalog.CodeConflict},
		{"service does not know it", apiErr("ThrottlingException", 400), service, catalog.CodeUnavailable},
		{"cancelled before the service", fmt.Errorf("op: %w", context.Canceled), service, catalog.CodeUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := awserr.Code(tc.err, tc.service); got != tc.want {
				t.Fatalf("Code(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	if err := awserr.Translate(nil, "get", nil); err != nil {
		t.Fatalf("Translate(nil) = %v", err)
	}
	coded := catalog.Errorf(catalog.CodeNotFound, "product x not found")
	if err := awserr.Translate(fmt.Errorf("wrapped: %w", coded), "get", nil); catalog.CodeOf(err) != catalog.CodeNotFound || catalog.MessageOf(err) != "product x not found" {
		t.Fatalf("a coded error changed: %v", err)
	}
	sdk := apiErr("SlowDown", 503)
	err := awserr.Translate(sdk, "put file", nil)
	if catalog.CodeOf(err) != catalog.CodeUnavailable || catalog.MessageOf(err) != "put file" || !errors.Is(err, sdk) {
		t.Fatalf("Translate(SlowDown) = %v: want unavailable, the adapter's message, the SDK error as cause", err)
	}
	if msg := catalog.MessageOf(awserr.Translate(apiErr("ResourceNotFoundException", 400), "get product", nil)); msg != "internal error" {
		t.Fatalf("an internal error shows %q to users", msg)
	}
}
