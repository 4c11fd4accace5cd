package awstest_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// ingestBinary builds lambdas/ingest once for the test binary.
var ingestBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "awstest-bin")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	return awstest.BuildLambda(ctx, "ingest", dir)
})

// requireRIE skips (or under AWSTEST_REQUIRED=1 fails) without moto or
// the emulator, and returns the ingest binary.
func requireRIE(t *testing.T) string {
	t.Helper()
	awstest.Require(t, moto)
	if _, err := awstest.RIEBinary(); err != nil {
		if os.Getenv(awstest.EnvRequired) == "1" {
			t.Fatal(err)
		}
		t.Skip(err.Error())
	}
	bin, err := ingestBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// ingestStack is an awstest.IngestStack with clients on moto.
type ingestStack struct {
	*awstest.IngestStack
	s3    *s3.Client
	sqs   *sqs.Client
	store *dynamostore.Store
	env   []string
}

func newIngestStack(t *testing.T, name string) *ingestStack {
	t.Helper()
	cfg := moto.Config()
	stack, err := awstest.NewIngestStack(t.Context(), cfg, name)
	mustNot(t, "NewIngestStack", err)
	return &ingestStack{IngestStack: stack, s3: awstest.S3Client(cfg), sqs: sqs.NewFromConfig(cfg),
		store: dynamostore.New(dynamodb.NewFromConfig(cfg), stack.Table, dynamostore.Options{}), env: stack.LambdaEnv(moto.Endpoint)}
}

func (st *ingestStack) upload(t *testing.T, partner string, rows int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Référence;Désignation;Marque;Famille;Prix unitaire HT\n")
	for i := range rows {
		fmt.Fprintf(&b, "K%03d;Chaise pliante modèle K%03d;Mobilia;Maison > Jardin;%d,50\n", i, i, 10+i)
	}
	_, err := st.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(st.Bucket),
		Key: aws.String(contract.IncomingPrefix + partner + "/catalogue.csv"), Body: strings.NewReader(b.String())})
	mustNot(t, "PutObject", err)
}

// catalogOf returns the partner's latest catalog.
func (st *ingestStack) catalogOf(t *testing.T, partner string) catalog.Catalog {
	t.Helper()
	cs, err := st.store.ListCatalogs(t.Context(), partner, 1)
	mustNot(t, "ListCatalogs", err)
	if len(cs) == 0 {
		t.Fatalf("no catalog for %s", partner)
	}
	return cs[0]
}

// TestQueueDriver drives the real ingest binary from a queue fed by S3
// notifications and by hand: each file's message is delivered and deleted
// once ingested; a message the function lists as failed (a body that is
// not an S3 event) comes back after the visibility timeout with its
// receive count raised, until MaxReceives dead-letters it; an invocation
// that fails as a whole (its environment killed) leaves its message for
// redelivery to a fresh environment.
func TestQueueDriver(t *testing.T) {
	bin := requireRIE(t)
	tests := []struct {
		name        string
		concurrency int
		batch       int
		kill        bool // kill the environment taking bolt's file, the first time
	}{
		{name: "one at a time", concurrency: 1, batch: 1},
		{name: "parallel with a crash", concurrency: 3, batch: 1, kill: true},
		{name: "batches", concurrency: 2, batch: 10},
	}
	partners := []string{"acme", "bolt", "cargo"}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newIngestStack(t, fmt.Sprintf("drv%d-%d", time.Now().Unix()%100000, i))
			for _, p := range partners {
				st.upload(t, p, 20)
			}
			junk, err := st.sqs.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(st.QueueURL), MessageBody: aws.String("not an event")})
			mustNot(t, "SendMessage", err)
			// The junk message's receive counts, as its events carried them.
			var mu sync.Mutex
			var junkCounts []string
			var killed atomic.Bool
			d := &awstest.QueueDriver{
				SQS: st.sqs, QueueURL: st.QueueURL,
				Start:       func(ctx context.Context) (*awstest.Lambda, error) { return awstest.StartLambda(ctx, bin, st.env) },
				Concurrency: tt.concurrency, BatchSize: tt.batch, VisibilityTimeout: 4, MaxReceives: 2, // 4 s: longer than an invocation on a busy machine
				Quiet: 1500 * time.Millisecond,
				BeforeInvoke: func(ev events.SQSEvent, l *awstest.Lambda) {
					for _, r := range ev.Records {
						if r.MessageId == *junk.MessageId {
							mu.Lock()
							junkCounts = append(junkCounts, r.Attributes["ApproximateReceiveCount"])
							mu.Unlock()
						}
					}
					if tt.kill && strings.Contains(ev.Records[0].Body, "incoming%2Fbolt%2F") && killed.CompareAndSwap(false, true) {
						l.Kill()
					}
				},
			}
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			res, err := d.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range partners {
				c := st.catalogOf(t, p)
				if c.Status != catalog.StatusDone || c.Report == nil || c.Report.Rows != 20 {
					t.Errorf("%s: catalog %s with report %+v, want done with 20 rows", p, c.Status, c.Report)
				}
			}
			if !slices.Equal(junkCounts, []string{"1", "2"}) {
				t.Errorf("junk message delivered at receive counts %v, want [1 2]", junkCounts)
			}
			checkDrive(t, res, *junk.MessageId, tt.concurrency, tt.batch, tt.kill)
			attrs, err := st.sqs.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(st.QueueURL),
				AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
			mustNot(t, "GetQueueAttributes", err)
			if a := attrs.Attributes; a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "0" {
				t.Errorf("queue not empty at the end: %v", a)
			}
		})
	}
}

// overlap reports whether two of the invocations ran at the same time.
func overlap(invs []awstest.Invocation) bool {
	for i, a := range invs {
		for _, b := range invs[i+1:] {
			if a.Start.Before(b.Start.Add(b.Duration)) && b.Start.Before(a.Start.Add(a.Duration)) {
				return true
			}
		}
	}
	return false
}

// checkDrive checks a QueueDriver result of TestQueueDriver: the junk
// message failed at each of its two deliveries then dead-lettered, every
// other message delivered once (twice for the one whose environment was
// killed), batches and parallel invocations as configured.
func checkDrive(t *testing.T, res awstest.DriveResult, junk string, concurrency, batch int, kill bool) {
	t.Helper()
	// The junk message: delivered at receive counts 1 and 2, listed
	// as failed each time, then dead-lettered.
	delivered := 0
	for _, inv := range res.Invocations {
		for j, id := range inv.MessageIDs {
			delivered++
			if id == junk {
				if inv.ReceiveCounts[j] > 2 {
					t.Errorf("junk message delivered at receive count %d", inv.ReceiveCounts[j])
				}
				if inv.Err == nil && !slices.Contains(inv.Failed, id) {
					t.Errorf("junk message not reported failed: %+v", inv)
				}
			}
		}
	}
	if !slices.Equal(res.DeadLetters, []string{junk}) {
		t.Errorf("dead letters %v, want the junk message %s", res.DeadLetters, junk)
	}
	// Three files, moto's s3:TestEvent, the junk message twice.
	wantDelivered, wantErrors := 3+1+2, 0
	if kill {
		wantDelivered, wantErrors = wantDelivered+1, 1
	}
	if delivered != wantDelivered || res.Errors() != wantErrors {
		t.Errorf("%d messages delivered, %d failed invocations; want %d, %d: %+v", delivered, res.Errors(), wantDelivered, wantErrors, res.Invocations)
	}
	if batch > 1 && len(res.Invocations) >= delivered {
		t.Errorf("batch size %d: %d invocations for %d messages", batch, len(res.Invocations), delivered)
	}
	if concurrency > 1 && batch == 1 && !overlap(res.Invocations) {
		t.Errorf("concurrency %d: never two invocations at once", concurrency)
	}
	if res.Longest().Duration <= 0 || res.Wall() < res.Longest().Duration {
		t.Errorf("wall %v, longest invocation %v", res.Wall(), res.Longest().Duration)
	}
}
