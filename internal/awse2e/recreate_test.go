package awse2e

import (
	"net/url"
	"testing"
	"time"
)

// TestRemovedThenReAddedProduct: a product removed by one upload and sent
// again by the next, within a minute, is searchable again and the store
// and the index agree.
func TestRemovedThenReAddedProduct(t *testing.T) {
	st := newStack(t)
	key := "incoming/acme/re.csv"
	st.upload(key, catalogCSV(0, 10, nil, nil))
	st.pipeline(1)
	st.upload(key, catalogCSV(0, 10, keys(9, 10), nil))
	st.pipeline(1)
	if got := st.search(url.Values{"q": {"K009"}}).Total; got != 0 {
		t.Fatalf("removed K009 still found (%d)", got)
	}
	// The same content as the first upload: it must be another second, as
	// the ingest tells file versions apart by ETag and modification time.
	time.Sleep(1100 * time.Millisecond)
	st.upload(key, catalogCSV(0, 10, nil, nil))
	st.pipeline(1)
	ids := st.storeIDs("acme")
	if len(ids) != 10 {
		t.Fatalf("store holds %d products, want 10", len(ids))
	}
	if n := st.indexCount(); n != 10 {
		t.Fatalf("index holds %d documents, store %d: the re-added product (version %d) was refused", n, len(ids), ids["acme:K009"].Version)
	}
}
