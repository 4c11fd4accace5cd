package dynamostore

import (
	"encoding/json"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// ChangeOf converts one DynamoDB Stream record of the table into a
// catalog.Change. ok is false for records that are not about products
// (catalog records and their listings), which the indexer skips. A record
// that cannot be understood (a poison record) gives a CodeInvalid error
// naming its sequence number; it never panics.
func ChangeOf(r events.DynamoDBEventRecord) (change catalog.Change, ok bool, err error) {
	seq := r.Change.SequenceNumber
	pk, okPK := stringAttr(r.Change.Keys, attrPK)
	id, okSK := stringAttr(r.Change.Keys, attrSK)
	if !okPK || !okSK {
		return catalog.Change{}, false, catalog.Errorf(catalog.CodeInvalid, "stream record %s has no string keys", seq)
	}
	if !strings.HasPrefix(pk, productPKPrefix) {
		return catalog.Change{}, false, nil
	}
	switch r.EventName {
	case "REMOVE":
		if boolAttr(r.Change.OldImage, attrDeleted) {
			return catalog.Change{}, false, nil // a tombstone expired: the product was deleted long ago
		}
		return catalog.Change{Op: catalog.OpDelete, ID: id, Seq: seq}, true, nil
	case "INSERT", "MODIFY":
		if boolAttr(r.Change.NewImage, attrDeleted) {
			return catalog.Change{Op: catalog.OpDelete, ID: id, Seq: seq}, true, nil
		}
		doc, okDoc := stringAttr(r.Change.NewImage, attrDoc)
		if !okDoc {
			return catalog.Change{}, false, catalog.Errorf(catalog.CodeInvalid,
				"stream record %s for %q has no product document (is the stream view NEW_AND_OLD_IMAGES?)", seq, id)
		}
		var p catalog.Product
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return catalog.Change{}, false, catalog.Wrap(catalog.CodeInvalid, err, "stream record "+seq+" holds an unreadable product")
		}
		if p.ID != id {
			return catalog.Change{}, false, catalog.Errorf(catalog.CodeInvalid, "stream record %s: document id %q differs from key %q", seq, p.ID, id)
		}
		return catalog.Change{Op: catalog.OpUpsert, ID: id, Product: &p, Seq: seq}, true, nil
	}
	return catalog.Change{}, false, catalog.Errorf(catalog.CodeInvalid, "stream record %s has unknown event %q", seq, r.EventName)
}

// Changes converts a whole stream batch, skipping non-product records. It
// stops at the first poison record and returns its error; handlers that
// report partial batch failures use ChangeOf record by record instead.
func Changes(e events.DynamoDBEvent) ([]catalog.Change, error) {
	out := make([]catalog.Change, 0, len(e.Records))
	for _, r := range e.Records {
		c, ok, err := ChangeOf(r)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func boolAttr(m map[string]events.DynamoDBAttributeValue, name string) bool {
	v, ok := m[name]
	return ok && v.DataType() == events.DataTypeBoolean && v.Boolean()
}

// stringAttr reads a string attribute without the panics of the events
// package's typed accessors on a wrong type.
func stringAttr(m map[string]events.DynamoDBAttributeValue, name string) (string, bool) {
	v, ok := m[name]
	if !ok || v.DataType() != events.DataTypeString {
		return "", false
	}
	return v.String(), true
}
