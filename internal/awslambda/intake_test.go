package awslambda_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
)

// moto serves SQS for the QueuedIntake tests; nil (those tests skip) when
// moto_server is not installed, unless AWSTEST_REQUIRED=1 (make test-aws).
var moto *awstest.Moto

func TestMain(m *testing.M) {
	os.Exit(awstest.MainMoto(m, func(srv *awstest.Moto) int {
		moto = srv
		return m.Run()
	}))
}

// TestQueuedIntakeConfirm: the api Lambda's confirmation checks the
// catalog, sends {"confirm_catalog": id} to the ingest queue (moto SQS)
// and returns the catalog unchanged; a refused check sends nothing; a
// queue that cannot be reached is CodeUnavailable, without the SDK's text.
func TestQueuedIntakeConfirm(t *testing.T) {
	awstest.Require(t, moto)
	ctx := t.Context()
	store, blobs := embeddedtest.Open(t)
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, c := range []catalog.Catalog{
		{ID: "cheld", Partner: "acme", Key: "incoming/acme/v2.csv", File: "v2.csv", Status: catalog.StatusNeedsConfirmation, ReceivedAt: now},
		{ID: "cdone", Partner: "acme", Key: "incoming/acme/v1.csv", File: "v1.csv", Status: catalog.StatusDone, ReceivedAt: now.Add(-time.Hour)},
	} {
		if err := store.CreateCatalog(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := blobs.Put(ctx, "incoming/acme/v2.csv", strings.NewReader("sku\nA\n")); err != nil {
		t.Fatal(err)
	}
	client := sqs.NewFromConfig(moto.Config())
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("confirm-%d", time.Now().UnixNano()))})
	if err != nil {
		t.Fatal(err)
	}
	unreachable := sqs.NewFromConfig(awstest.Config("http://127.0.0.1:1"), func(o *sqs.Options) { o.RetryMaxAttempts = 1 })
	tests := []struct {
		name   string
		queue  awslambda.MessageSender
		id     string
		as     catalog.Mode
		code   catalog.Code
		queued bool
	}{
		{"held: queued", client, "cheld", "", "", true},
		{"held, as a partial update: queued with its mode", client, "cheld", catalog.ModePartial, "", true},
		{"unknown mode: invalid, nothing queued", client, "cheld", "merge", catalog.CodeInvalid, false},
		{"done: conflict, nothing queued", client, "cdone", "", catalog.CodeConflict, false},
		{"unknown: not found, nothing queued", client, "cnope", "", catalog.CodeNotFound, false},
		{"queue unreachable: unavailable", unreachable, "cheld", "", catalog.CodeUnavailable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &awslambda.QueuedIntake{Store: store, Blobs: blobs, Queue: tt.queue, QueueURL: *q.QueueUrl}
			c, err := in.Confirm(ctx, tt.id, tt.as)
			if catalog.CodeOf(err) != tt.code {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			if tt.code == catalog.CodeUnavailable && strings.Contains(catalog.MessageOf(err), "127.0.0.1") {
				t.Fatalf("backend text in the message: %q", catalog.MessageOf(err))
			}
			if tt.code == "" && (c.ID != tt.id || c.Status != catalog.StatusNeedsConfirmation) {
				t.Fatalf("catalog %+v", c)
			}
			if got, _ := store.GetCatalog(ctx, "cheld"); got.Status != catalog.StatusNeedsConfirmation {
				t.Fatalf("stored status changed to %s", got.Status)
			}
			out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0})
			if err != nil {
				t.Fatal(err)
			}
			var bodies []contract.ConfirmMessage
			for _, m := range out.Messages {
				var msg contract.ConfirmMessage
				if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &msg); err != nil {
					t.Fatalf("body %q: %v", aws.ToString(m.Body), err)
				}
				bodies = append(bodies, msg)
				if _, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.queued != (len(bodies) == 1 && bodies[0].ConfirmCatalog == tt.id && bodies[0].Mode == string(tt.as)) || (!tt.queued && len(bodies) != 0) {
				t.Fatalf("queued %+v", bodies)
			}
		})
	}
}
