package dynamostore

import (
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/catalogsearch/catalogsearch/internal/awserr"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// translate turns an SDK error into a *catalog.Error whose message is safe
// for users (awserr's shared rules, and DynamoDB's own codes); the SDK
// error stays as the (log-only) cause.
func translate(err error, what string) error {
	return awserr.Translate(err, what, dynamoCode)
}

// codeOf returns the domain code translate gives err.
func codeOf(err error) catalog.Code { return awserr.Code(err, dynamoCode) }

// dynamoCode gives the domain code of the errors only DynamoDB has; the
// throttles, timeouts and server failures of every AWS service are
// awserr's.
func dynamoCode(err error) (catalog.Code, bool) {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return catalog.CodeConflict, true
	}
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		return cancellationCode(tce), true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "TransactionConflictException":
			return catalog.CodeUnavailable, true
		case "ItemCollectionSizeLimitExceededException":
			return catalog.CodeTooLarge, true
		case "ValidationException":
			if strings.Contains(api.ErrorMessage(), "size has exceeded") {
				return catalog.CodeTooLarge, true
			}
		}
	}
	return "", false
}

// cancellationCode maps a cancelled transaction to the code of its first
// failed item: a failed condition is a conflict, throttling a retry.
func cancellationCode(tce *types.TransactionCanceledException) catalog.Code {
	for _, r := range tce.CancellationReasons {
		switch deref(r.Code) {
		case "", "None":
			continue
		case "ConditionalCheckFailed":
			return catalog.CodeConflict
		case "ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict", "RequestLimitExceeded":
			return catalog.CodeUnavailable
		case "ItemCollectionSizeLimitExceeded":
			return catalog.CodeTooLarge
		}
	}
	return catalog.CodeInternal
}

// deref dereferences an optional SDK string.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// isConditionFailed reports whether err is a failed condition of a single
// write.
func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}
