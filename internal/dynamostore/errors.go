package dynamostore

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// translate turns an SDK error into a *catalog.Error whose message is safe
// for users; the SDK error stays as the (log-only) cause.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return err
	}
	return catalog.Wrap(codeOf(err), err, what)
}

func codeOf(err error) catalog.Code {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return catalog.CodeUnavailable
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return catalog.CodeConflict
	}
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		return cancellationCode(tce)
	}
	var maxAttempts *retry.MaxAttemptsError
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return catalog.CodeUnavailable
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
			"InternalServerError", "ServiceUnavailable", "TransactionInProgressException",
			"TransactionConflictException", "LimitExceededException":
			return catalog.CodeUnavailable
		case "ItemCollectionSizeLimitExceededException":
			return catalog.CodeTooLarge
		case "ValidationException":
			if strings.Contains(api.ErrorMessage(), "size has exceeded") {
				return catalog.CodeTooLarge
			}
		}
	}
	if errors.As(err, &maxAttempts) {
		return catalog.CodeUnavailable
	}
	return catalog.CodeInternal
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
