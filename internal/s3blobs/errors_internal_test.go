package s3blobs

import (
	"testing"

	"github.com/aws/smithy-go"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestTranslate: S3's own error codes on top of awserr's shared rules. The
// errors are built as the SDK decodes them; moto does not answer them all
// on demand (SlowDown, for one).
func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		code string
		want catalog.Code
	}{
		{"EntityTooLarge", catalog.CodeTooLarge},
		{"InvalidArgument", catalog.CodeInvalid},
		{"KeyTooLongError", catalog.CodeInvalid},
		{"SlowDown", catalog.CodeUnavailable},
		{"ServiceUnavailable", catalog.CodeUnavailable},
		{"RequestTimeout", catalog.CodeUnavailable},
		{"AccessDenied", catalog.CodeInternal},
	} {
		t.Run(tc.code, func(t *testing.T) {
			err := translate(&smithy.OperationError{Err: &smithy.GenericAPIError{Code: tc.code}}, "put file")
			if got := catalog.CodeOf(err); got != tc.want {
				t.Fatalf("translate(%s) = %q (%v), want %q", tc.code, got, err, tc.want)
			}
		})
	}
}
