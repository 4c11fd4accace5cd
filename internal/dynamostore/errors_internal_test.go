package dynamostore

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestCodeOf: DynamoDB's own errors on top of awserr's shared rules. The
// errors are built as the SDK decodes them (moto does not produce them all
// on demand: a cancelled transaction's throttled item, for one).
func TestCodeOf(t *testing.T) {
	cancelled := func(reasons ...string) error {
		var rs []types.CancellationReason
		for _, r := range reasons {
			rs = append(rs, types.CancellationReason{Code: aws.String(r)})
		}
		return &smithy.OperationError{Err: &types.TransactionCanceledException{CancellationReasons: rs}}
	}
	for _, tc := range []struct {
		name string
		err  error
		want catalog.Code
	}{
		{"failed condition", &smithy.OperationError{Err: &types.ConditionalCheckFailedException{}}, catalog.CodeConflict},
		{"transaction: a condition failed", cancelled("None", "ConditionalCheckFailed"), catalog.CodeConflict},
		{"transaction: throttled", cancelled("ThrottlingError"), catalog.CodeUnavailable},
		{"transaction: item collection too large", cancelled("ItemCollectionSizeLimitExceeded"), catalog.CodeTooLarge},
		{"transaction: unknown reason", cancelled("ValidationError"), catalog.CodeInternal},
		{"transaction conflict", &smithy.GenericAPIError{Code: "TransactionConflictException"}, catalog.CodeUnavailable},
		{"item too large", &smithy.GenericAPIError{Code: "ValidationException", Message: "Item size has exceeded the maximum allowed size"}, catalog.CodeTooLarge},
		{"other validation", &smithy.GenericAPIError{Code: "ValidationException", Message: "One or more parameter values were invalid"}, catalog.CodeInternal},
		{"throttled (shared rule)", &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException"}, catalog.CodeUnavailable},
		{"missing table (shared rule)", &smithy.GenericAPIError{Code: "ResourceNotFoundException"}, catalog.CodeInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := codeOf(tc.err); got != tc.want {
				t.Fatalf("codeOf(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}
