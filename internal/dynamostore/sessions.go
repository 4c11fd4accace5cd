package dynamostore

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

const (
	sessionPKPrefix = "K#"
	sessionSK       = "S"
	// attrGeneration is a partner key's site-session generation.
	attrGeneration = "g"
)

func sessionKey(keyID string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: sessionPKPrefix + keyID},
		attrSK: &types.AttributeValueMemberS{Value: sessionSK},
	}
}

// SessionGeneration implements catalog.Store: a consistent read, so a
// generation moved by EndSessions is seen by the next request.
func (s *Store) SessionGeneration(ctx context.Context, keyID string) (int64, error) {
	if !catalog.ValidKeyID(keyID) {
		return 0, catalog.Errorf(catalog.CodeInvalid, "not a key id")
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                aws.String(s.table),
		Key:                      sessionKey(keyID),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#g"),
		ExpressionAttributeNames: map[string]string{"#g": attrGeneration},
	})
	if err != nil {
		return 0, translate(err, "read session generation")
	}
	n, ok := out.Item[attrGeneration].(*types.AttributeValueMemberN)
	if !ok {
		return 0, nil
	}
	gen, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, catalog.Wrap(catalog.CodeInternal, err, "read session generation")
	}
	return gen, nil
}

// EndSessions implements catalog.Store: one UpdateItem on condition that
// the stored generation is still gen (or, for gen 0, that there is none).
func (s *Store) EndSessions(ctx context.Context, keyID string, gen int64) (int64, error) {
	if !catalog.ValidKeyID(keyID) || gen < 0 {
		return 0, catalog.Errorf(catalog.CodeInvalid, "not a key id and generation")
	}
	cond := "#g = :gen"
	if gen == 0 {
		cond = "attribute_not_exists(#g) OR #g = :gen"
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      sessionKey(keyID),
		UpdateExpression:         aws.String("SET #g = :next"),
		ConditionExpression:      aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#g": attrGeneration},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":gen":  &types.AttributeValueMemberN{Value: strconv.FormatInt(gen, 10)},
			":next": &types.AttributeValueMemberN{Value: strconv.FormatInt(gen+1, 10)},
		},
	})
	if err != nil {
		if codeOf(err) == catalog.CodeConflict {
			return 0, catalog.Wrap(catalog.CodeConflict, err, "the sessions of generation "+strconv.FormatInt(gen, 10)+" ended already")
		}
		return 0, translate(err, "end sessions")
	}
	return gen + 1, nil
}
