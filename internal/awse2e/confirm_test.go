package awse2e

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// TestConfirmIsQueued: a full catalog that would remove 80% of the
// partner's products is held; its confirmation through the api binary
// answers 202 and puts {"confirm_catalog": id} on the ingest queue; the
// ingest binary, handed that message as the event source mapping would,
// applies the catalog: done, the removals in DynamoDB and, after the
// indexer binary, in OpenSearch. A second confirmation is a conflict, and
// a redelivered message is dropped without changing anything.
func TestConfirmIsQueued(t *testing.T) {
	st := newStack(t)
	key := st.partnerKey("acme")
	held := st.holdShrinkingCatalog()
	message := st.confirmThroughQueue(key, held)
	done := st.checkConfirmed(key, held)

	// Confirming again is refused at once; a redelivered message is dropped.
	if status, body := st.apiAs(key, "POST", "/v1/catalogs/"+held.ID+"/confirm", nil, ""); status != 409 {
		t.Fatalf("second confirm: %d %s", status, body)
	}
	if _, err := st.sqs.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(st.queueURL), MessageBody: aws.String(message)}); err != nil {
		t.Fatal(err)
	}
	if resp := st.ingest(st.receive(1)); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivered confirmation: failures %v", resp.BatchItemFailures)
	}
	if again, err := st.store.GetCatalog(t.Context(), held.ID); err != nil || again.Status != catalog.StatusDone || !again.FinishedAt.Equal(done.FinishedAt) {
		t.Fatalf("catalog after a redelivered confirmation: %+v, %v", again, err)
	}
	if n := len(st.storeIDs("acme")); n != 10 {
		t.Fatalf("DynamoDB holds %d products after a redelivered confirmation, want 10", n)
	}
}

// holdShrinkingCatalog uploads acme's catalog of 50 products, then one of
// 10, and returns the second, held: nothing removed yet.
func (st *stack) holdShrinkingCatalog() catalog.Catalog {
	t := st.t
	t.Helper()
	st.upload("incoming/acme/catalogue.csv", catalogCSV(0, 50, nil, nil))
	if resp, failed := st.pipeline(1); len(resp.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("first upload: ingest failures %v, indexer failures %v", resp.BatchItemFailures, failed)
	}
	st.upload("incoming/acme/catalogue.csv", catalogCSV(0, 10, nil, nil))
	if resp, failed := st.pipeline(1); len(resp.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("second upload: ingest failures %v, indexer failures %v", resp.BatchItemFailures, failed)
	}
	cats, err := st.store.ListCatalogs(t.Context(), "acme", 10)
	if err != nil || len(cats) != 2 {
		t.Fatalf("catalogs %+v, %v", cats, err)
	}
	var held catalog.Catalog
	for _, c := range cats {
		if c.Status == catalog.StatusNeedsConfirmation {
			held = c
		}
	}
	if held.ID == "" || len(st.storeIDs("acme")) != 50 || st.indexCount() != 50 {
		t.Fatalf("held catalog %+v; %d products stored, %d indexed, want 50", held, len(st.storeIDs("acme")), st.indexCount())
	}
	return held
}

// confirmThroughQueue confirms held through the api binary (202), takes
// the message it queued and hands it to the ingest binary, then the
// changes to the indexer; it returns the message's body.
func (st *stack) confirmThroughQueue(key string, held catalog.Catalog) string {
	t := st.t
	t.Helper()
	status, body := st.apiAs(key, "POST", "/v1/catalogs/"+held.ID+"/confirm", nil, "")
	var answer catalog.Catalog
	if err := json.Unmarshal(body, &answer); err != nil || status != 202 || answer.ID != held.ID || answer.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("confirm: %d %s", status, body)
	}
	ev := st.receive(1)
	var msg contract.ConfirmMessage
	if len(ev.Records) != 1 || json.Unmarshal([]byte(ev.Records[0].Body), &msg) != nil || msg.ConfirmCatalog != held.ID {
		t.Fatalf("ingest queue: %+v", ev.Records)
	}
	if resp := st.ingest(ev); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("ingest failures %v", resp.BatchItemFailures)
	}
	if failed := st.indexRecords(st.streamRecords(), 100); len(failed) != 0 {
		t.Fatalf("indexer failures %v", failed)
	}
	return ev.Records[0].Body
}

// checkConfirmed: held is done, its 40 removals are gone from DynamoDB,
// the index and the search, and the API shows it done; it returns it.
func (st *stack) checkConfirmed(key string, held catalog.Catalog) catalog.Catalog {
	t := st.t
	t.Helper()
	done, err := st.store.GetCatalog(t.Context(), held.ID)
	if err != nil || done.Status != catalog.StatusDone || done.Report == nil || done.Report.Removed != 40 {
		t.Fatalf("confirmed catalog %+v (report %+v), %v", done, done.Report, err)
	}
	if n := len(st.storeIDs("acme")); n != 10 {
		t.Fatalf("DynamoDB holds %d products after the confirmation, want 10", n)
	}
	if n := st.indexCount(); n != 10 {
		t.Fatalf("the index holds %d products after the confirmation, want 10", n)
	}
	if res := st.search(url.Values{"q": {"chaise"}, "partner": {"acme"}}); res.Total != 10 {
		t.Fatalf("search found %d, want 10", res.Total)
	}
	status, body := st.apiAs(key, "GET", "/v1/catalogs/"+held.ID, nil, "")
	var answer catalog.Catalog
	if err := json.Unmarshal(body, &answer); err != nil || status != 200 || answer.Status != catalog.StatusDone {
		t.Fatalf("catalog after the confirmation: %d %s", status, body)
	}
	return done
}
