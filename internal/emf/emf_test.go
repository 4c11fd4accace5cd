package emf

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEmitWritesOneValidEMFLine(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf, "prod")
	w.now = func() time.Time { return time.UnixMilli(1700000000123) }
	if err := w.Emit(map[string]any{"request_id": "r-1"},
		Metric{Name: "UploadToSearchableMs", Unit: UnitMilliseconds, Value: 1234.5},
		Metric{Name: "PoisonStreamRecords", Unit: UnitCount, Value: 2}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 {
		t.Fatalf("%d lines", n)
	}
	var doc struct {
		AWS struct {
			Timestamp         int64 `json:"Timestamp"`
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Stage     string  `json:"Stage"`
		RequestID string  `json:"request_id"`
		Upload    float64 `json:"UploadToSearchableMs"`
		Poison    float64 `json:"PoisonStreamRecords"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	d := doc.AWS.CloudWatchMetrics
	if doc.AWS.Timestamp != 1700000000123 || len(d) != 1 || d[0].Namespace != "CatalogSearch" ||
		len(d[0].Dimensions) != 1 || d[0].Dimensions[0][0] != "Stage" || len(d[0].Metrics) != 2 ||
		d[0].Metrics[0].Unit != "Milliseconds" || doc.Stage != "prod" || doc.RequestID != "r-1" ||
		doc.Upload != 1234.5 || doc.Poison != 2 {
		t.Fatalf("bad EMF document: %s", buf.String())
	}
}

func TestNoMetricsNoLine(t *testing.T) {
	var buf bytes.Buffer
	var nilWriter *Writer
	if err := nilWriter.Emit(nil, Metric{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := New(&buf, "").Emit(map[string]any{"a": 1}); err != nil || buf.Len() != 0 {
		t.Fatalf("wrote %q, %v", buf.String(), err)
	}
}

func TestConcurrentLinesDoNotInterleave(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf, "dev")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			_ = w.Emit(nil, Metric{Name: "N", Unit: UnitCount, Value: float64(i)})
		})
	}
	wg.Wait()
	for line := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("invalid line %q", line)
		}
	}
}
