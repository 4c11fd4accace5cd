// Package emf writes CloudWatch Embedded Metric Format lines: one JSON
// object per line that CloudWatch Logs turns into metrics, with no API
// call from the Lambda. Locally the same lines go to stderr.
package emf

import (
	"encoding/json"
	"io"
	"maps"
	"sync"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Units of CloudWatch metrics.
const (
	UnitCount        = "Count"
	UnitMilliseconds = "Milliseconds"
	UnitSeconds      = "Seconds"
	UnitBytes        = "Bytes"
)

// Metric is one value to record.
type Metric struct {
	Name  string
	Unit  string
	Value float64
}

// Writer writes EMF lines to one io.Writer. It is safe for concurrent use.
type Writer struct {
	mu    sync.Mutex
	w     io.Writer
	stage string
	now   func() time.Time
}

// New returns a Writer whose metrics carry the one dimension
// contract.MetricDimensionStage = stage, in contract.MetricNamespace.
func New(w io.Writer, stage string) *Writer {
	if stage == "" {
		stage = "local"
	}
	return &Writer{w: w, stage: stage, now: time.Now}
}

type metricDef struct {
	Name string `json:"Name"`
	Unit string `json:"Unit,omitempty"`
}

type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// Emit writes one line holding metrics and props (searchable properties
// such as the request id, not dimensions). It does nothing without metrics.
func (e *Writer) Emit(props map[string]any, metrics ...Metric) error {
	if e == nil || len(metrics) == 0 {
		return nil
	}
	doc := make(map[string]any, len(props)+len(metrics)+2)
	maps.Copy(doc, props)
	defs := make([]metricDef, len(metrics))
	for i, m := range metrics {
		defs[i] = metricDef{Name: m.Name, Unit: m.Unit}
		doc[m.Name] = m.Value
	}
	doc[contract.MetricDimensionStage] = e.stage
	doc["_aws"] = metadata{
		Timestamp: e.now().UnixMilli(),
		CloudWatchMetrics: []directive{{
			Namespace:  contract.MetricNamespace,
			Dimensions: [][]string{{contract.MetricDimensionStage}},
			Metrics:    defs,
		}},
	}
	line, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err = e.w.Write(line)
	return err
}
