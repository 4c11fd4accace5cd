package catalog

// Op is what happened to a product in the store.
type Op string

// Change operations.
const (
	OpUpsert Op = "upsert"
	OpDelete Op = "delete"
)

// Change is one entry of the store's change feed (a DynamoDB Stream record
// on AWS, the bbolt outbox locally). The indexer applies changes to the
// Index; feeds deliver each change at least once, so applying one twice must
// be harmless.
type Change struct {
	Op      Op       `json:"op"`
	ID      string   `json:"id"`
	Product *Product `json:"product,omitempty"` // set for OpUpsert
	// Seq orders changes within one feed (bbolt sequence, stream sequence
	// number); it is informational, ordering per product is by Version.
	Seq string `json:"seq,omitempty"`
}
