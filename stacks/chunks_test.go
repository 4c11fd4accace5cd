package stacks

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// TestIngestSendsChunksToItsOwnQueue: the ingest function writes a big
// catalog in chunks: it has the stage's chunk size, the URL of its own
// queue and that queue's maxReceiveCount in its environment, and its role
// may send to that queue.
func TestIngestSendsChunksToItsOwnQueue(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		ingest := s.one(t, "Pipeline", "AWS::Lambda::Function", "IngestFunction")
		env, _ := get(ingest.Props, "Environment", "Variables").(map[string]any)
		if got := env[contract.EnvIngestChunkProducts]; got != strconv.Itoa(s.cfg.IngestChunkProducts) || s.cfg.IngestChunkProducts != 5000 {
			t.Errorf("ingest %s = %v, want the stage's %d (default 5000)", contract.EnvIngestChunkProducts, got, s.cfg.IngestChunkProducts)
		}
		queue := s.one(t, "Data", "AWS::SQS::Queue", "IngestQueue")
		maxReceives := get(queue.Props, "RedrivePolicy", "maxReceiveCount")
		if got := env[contract.EnvIngestMaxReceives]; got != strconv.Itoa(s.cfg.MaxReceiveCount) || maxReceives != float64(s.cfg.MaxReceiveCount) {
			t.Errorf("ingest %s = %v, the ingest queue's maxReceiveCount %v, want both %d", contract.EnvIngestMaxReceives, got, maxReceives, s.cfg.MaxReceiveCount)
		}
		// The queue comes from the Data stack's SSM parameter (its ARN).
		queueRef := `{"Ref":"` + ssmParameterRef(t, s, "Pipeline", s.cfg.ParameterName(paramIngestQueueArn)) + `"}`
		url := jsonString(env[contract.EnvIngestQueueURL])
		if !strings.Contains(url, queueRef) || !strings.Contains(url, "https://sqs.") {
			t.Errorf("ingest %s = %s, want the ingest queue's URL (%s)", contract.EnvIngestQueueURL, url, queueRef)
		}
		role, _ := get(ingest.Props, "Role", "Fn::GetAtt").([]any)
		roleRef := jsonString([]any{map[string]any{"Ref": role[0]}})
		sends := false
		for _, p := range s.resources("Pipeline", "AWS::IAM::Policy") {
			if jsonString(p.Props["Roles"]) != roleRef {
				continue
			}
			for _, st := range get(p.Props, "PolicyDocument", "Statement").([]any) {
				if get(st, "Effect") == "Allow" && strings.Contains(jsonString(get(st, "Action")), `"sqs:SendMessage"`) &&
					jsonString(get(st, "Resource")) == queueRef {
					sends = true
				}
			}
		}
		if !sends {
			t.Errorf("the ingest role may not send (sqs:SendMessage) to the ingest queue %s", queueRef)
		}
	})
}

// TestIndexerStreamParallelization: the indexer's stream event source
// works on the stage's number of batches of a shard at once (default 4).
func TestIndexerStreamParallelization(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		var factors []any
		for _, m := range s.resources("Pipeline", "AWS::Lambda::EventSourceMapping") {
			if m.Props["StartingPosition"] != nil { // the stream's, not a queue's
				factors = append(factors, m.Props["ParallelizationFactor"])
			}
		}
		if len(factors) != 1 || factors[0] != float64(s.cfg.StreamParallelizationFactor) || s.cfg.StreamParallelizationFactor != 4 {
			t.Errorf("stream mapping ParallelizationFactor %v, want one of the stage's %d (default 4)", factors, s.cfg.StreamParallelizationFactor)
		}
	})
}

// TestChunkConfig: the chunk size is 0 (no chunks) or 1000..100000 and
// small enough that the chunk runs the ingest event source lets run at
// once each write theirs within 60 s at a new table's 4,000 write units a
// second; the parallelization factor is 1..10 and within the indexer's
// reservation.
func TestChunkConfig(t *testing.T) {
	for _, tc := range []struct {
		overrides string
		wantErr   string // "" accepted
	}{
		{`{"ingestChunkProducts":0}`, ""},
		{`{"ingestChunkProducts":1000}`, ""},
		{`{"ingestChunkProducts":13714}`, ""}, // dev: 5 runs at once, 60.0 s
		{`{"ingestChunkProducts":13715}`, "ingestChunkProducts 13715 with 5 ingest runs at once (ingest.reservedConcurrency; 1000 when unreserved) is 60.0 s of writes per chunk run at a new table's 4000 write units a second (3.5 a new product), over 60 s: use at most 13714 products a chunk"},
		{`{"ingestChunkProducts":30000,"ingest":{"memoryMiB":1024,"timeoutSeconds":300,"reservedConcurrency":2}}`, ""},
		{`{"ingestChunkProducts":100000,"ingest":{"memoryMiB":1024,"timeoutSeconds":300,"reservedConcurrency":2}}`, "is 175.0 s of writes per chunk run"},
		{`{"ingestChunkProducts":1000,"ingest":{"memoryMiB":1024,"timeoutSeconds":300,"reservedConcurrency":0}}`, "ingestChunkProducts 1000 with 1000 ingest runs at once"},
		{`{"ingestChunkProducts":0,"ingest":{"memoryMiB":1024,"timeoutSeconds":300,"reservedConcurrency":0}}`, ""},
		{`{"ingestChunkProducts":999}`, "ingestChunkProducts must be 0 (no chunks) or in 1000..100000, got 999"},
		{`{"ingestChunkProducts":100001}`, "ingestChunkProducts must be 0 (no chunks) or in 1000..100000, got 100001"},
		{`{"ingestChunkProducts":-1}`, "ingestChunkProducts must be 0"},
		{`{"streamParallelizationFactor":1}`, ""},
		{`{"streamParallelizationFactor":5}`, ""},
		{`{"streamParallelizationFactor":10,"indexer":{"memoryMiB":512,"timeoutSeconds":60,"reservedConcurrency":0}}`, ""},
		{`{"streamParallelizationFactor":0}`, "streamParallelizationFactor must be in 1..10 (AWS's limit), got 0"},
		{`{"streamParallelizationFactor":11,"indexer":{"memoryMiB":512,"timeoutSeconds":60,"reservedConcurrency":0}}`, "streamParallelizationFactor must be in 1..10 (AWS's limit), got 11"},
		{`{"streamParallelizationFactor":6}`, "streamParallelizationFactor 6 exceeds indexer.reservedConcurrency 5"},
	} {
		t.Run(tc.overrides, func(t *testing.T) {
			_, err := LoadConfig(StageDev, json.RawMessage(tc.overrides), testAccount, "")
			if tc.wantErr == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	for _, stage := range Stages() {
		c, err := DefaultConfig(stage)
		if err != nil {
			t.Fatal(err)
		}
		if c.IngestChunkProducts != 5000 || c.StreamParallelizationFactor != 4 {
			t.Errorf("%s: ingestChunkProducts %d, streamParallelizationFactor %d, want 5000 and 4", stage, c.IngestChunkProducts, c.StreamParallelizationFactor)
		}
		if s := c.ChunkRunSeconds(); s > MaxChunkRunSeconds || s < 10 {
			t.Errorf("%s: a chunk run takes %.0f s at the table's initial throughput, want at most %d s (and not far below: more, smaller chunks cost more messages and runs)", stage, s, MaxChunkRunSeconds)
		}
	}
}
