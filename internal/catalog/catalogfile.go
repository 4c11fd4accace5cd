package catalog

import (
	"strings"
	"time"
)

// Status is where a catalog (one uploaded file) stands.
type Status string

// Catalog statuses.
const (
	StatusReceived          Status = "received"           // the file is stored, ingest not started
	StatusProcessing        Status = "processing"         // ingest under way
	StatusDone              Status = "done"               // ingested; the report tells the outcome per row
	StatusRefused           Status = "refused"            // the file as a whole was refused (no header, wrong format, ...)
	StatusNeedsConfirmation Status = "needs_confirmation" // it would remove too many products; waiting for a person
	StatusFailed            Status = "failed"             // an internal failure; safe to retry
)

// Mode says what a file means for products it does not mention.
type Mode string

// Catalog modes.
const (
	ModeFull    Mode = "full"    // the file is the partner's whole catalog: missing products are removed
	ModePartial Mode = "partial" // upsert only: missing products stay
)

// Modes lists the modes a file can be sent with, in the order messages
// name them.
func Modes() []Mode { return []Mode{ModeFull, ModePartial} }

// Check returns nil for a mode a file can be sent with ("" leaves the
// choice to the partner's settings), else a CodeInvalid error naming the
// valid modes. Every place that takes a mode from outside (the API,
// catalogctl, the ingest request, the partner's settings) asks this.
func (m Mode) Check() error {
	if m == "" {
		return nil
	}
	names := make([]string, 0, len(Modes()))
	for _, v := range Modes() {
		if m == v {
			return nil
		}
		names = append(names, string(v))
	}
	return Errorf(CodeInvalid, "mode must be %s, not %q", strings.Join(names, " or "), string(m))
}

// Catalog is one file a partner sent, and what became of it.
type Catalog struct {
	ID      string `json:"id"`
	Partner string `json:"partner"`
	Key     string `json:"key"` // blob key, incoming/{partner}/{file}
	File    string `json:"file"`
	// Mode is "" (and absent in JSON) while it is undecided: a file asked
	// for without a mode takes the partner's setting when it is ingested.
	Mode       Mode      `json:"mode,omitempty"`
	Status     Status    `json:"status"`
	SHA256     string    `json:"sha256,omitempty"`
	Size       int64     `json:"size"`
	ReceivedAt time.Time `json:"received_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// HeartbeatAt is when the ingest working on the catalog (status
	// processing) last said it was alive; a delivery of the same file
	// takes over a catalog whose heartbeat is too old.
	HeartbeatAt time.Time `json:"heartbeat_at,omitzero"`
	// Progress is how far a catalog in processing has gone: the rows read
	// so far while its file is read (the run's heartbeat), then, for a big
	// catalog whose products are written in chunks by many runs
	// (ingest.Deps.ChunkProducts), the chunks; nil once a catalog written
	// in one pass ends.
	Progress *Progress `json:"progress,omitempty"`
	Report   *Report   `json:"report,omitempty"`
	// Images is the outcome of fetching the partner's product images after
	// this catalog was applied; nil until that has run.
	Images *ImageReport `json:"images,omitempty"`
	// Slot is set on a catalog whose file comes through an upload slot
	// (intake.NewUpload); nil for a file put straight under incoming/.
	Slot *Slot `json:"slot,omitempty"`
}

// Progress is the state of a catalog in processing: Rows rows read so far
// (ChunksTotal 0 while the file is read) or, once a big catalog is read,
// its products to write cut into ChunksTotal chunks, ChunksDone of which
// are written. The catalog stays processing until every chunk is written
// and the removals of a full catalog are made.
type Progress struct {
	Rows        int `json:"rows"`
	ChunksTotal int `json:"chunks_total"`
	ChunksDone  int `json:"chunks_done"`
}

// Slot is an upload slot: single-use, it expires, and it dies with the
// partner key that asked for it.
type Slot struct {
	// ExpiresAt is when the slot stops taking a file.
	ExpiresAt time.Time `json:"expires_at"`
	// KeyID names the partner API key that asked for the slot (the
	// digest its record is kept under, partnerkeys.KeyID); empty for a
	// slot made without a key (catalogctl, tests).
	KeyID string `json:"key_id,omitempty"`
	// UsedAt is when a file was put through the slot (the embedded
	// default's upload route marks it before storing the file).
	UsedAt time.Time `json:"used_at,omitzero"`
	// Blob names the blob version the slot's ingest took (the catalog ID
	// that version would have without a slot): another version of the
	// key is a second use of the slot.
	Blob string `json:"blob,omitempty"`
}

// SlotRecordGrace is how long the record of an upload slot nobody used is
// kept past the slot's expiry before the store deletes it (DynamoDB's
// TTL, the bbolt store's sweep): long enough for the event of a file
// uploaded at the last moment to be ingested.
const SlotRecordGrace = 24 * time.Hour

// ExpiresAt is when the store may delete c: SlotRecordGrace after the
// expiry of an upload slot that took no file (status received, never
// used); zero (never) for any other record.
func (c Catalog) ExpiresAt() time.Time {
	if c.Slot == nil || c.Status != StatusReceived || !c.Slot.UsedAt.IsZero() || c.Slot.Blob != "" || c.Slot.ExpiresAt.IsZero() {
		return time.Time{}
	}
	return c.Slot.ExpiresAt.Add(SlotRecordGrace)
}

// ImageReport is the outcome of one run of the image fetcher over a
// partner's products.
type ImageReport struct {
	Products int `json:"products"` // products whose images were looked at
	URLs     int `json:"urls"`     // distinct image URLs those products name
	// Fetched URLs were downloaded and stored; Revalidated ones were
	// asked again and found unchanged (HTTP 304); Reused ones were
	// already stored with the same content (a hash seen before).
	Fetched     int `json:"fetched"`
	Revalidated int `json:"revalidated"`
	Reused      int `json:"reused"`
	Failed      int `json:"failed"`
	// Skipped URLs were left for a later run: the run's budget was spent.
	Skipped int `json:"skipped"`
	// Failures lists failed URLs (the first few hundred) with the reason.
	Failures  []ImageFailure `json:"failures,omitempty"`
	StartedAt time.Time      `json:"started_at"`
	Duration  time.Duration  `json:"duration_ns"`
}

// ImageFailure is one image URL that could not be used, and why.
type ImageFailure struct {
	Product string `json:"product"` // ID of the (first) product naming the URL
	URL     string `json:"url"`
	Reason  string `json:"reason"` // stable, e.g. "blocked_address", "not_an_image"
	Message string `json:"message"`
}

// Revision names the state of a catalog record that a conditional write
// (Store.SwapCatalog) compares: its status and the times a run writes.
// Every write that claims or finishes a catalog changes it.
func (c Catalog) Revision() string {
	r := string(c.Status) + "|" + c.HeartbeatAt.UTC().Format(time.RFC3339Nano) + "|" + c.FinishedAt.UTC().Format(time.RFC3339Nano)
	if c.Slot != nil && !c.Slot.UsedAt.IsZero() {
		// Marking a slot used is a write of its own (two uploads through
		// one slot: one wins); records without it keep their old form.
		r += "|used " + c.Slot.UsedAt.UTC().Format(time.RFC3339Nano)
	}
	return r
}

// Report is the outcome of ingesting one file. Rows == Accepted + Rejected
// always holds.
type Report struct {
	Status   Status `json:"status"`
	Format   string `json:"format"`   // csv, xlsx, json, ndjson
	Encoding string `json:"encoding"` // utf-8, utf-16le, windows-1252, ...
	Rows     int    `json:"rows"`     // data rows read (header and blank rows excluded)
	Accepted int    `json:"accepted"` // rows that became (part of) a product
	Rejected int    `json:"rejected"` // rows refused, each with an error below
	Products int    `json:"products"` // distinct products in the file
	Created  int    `json:"created"`
	Updated  int    `json:"updated"`
	// Unchanged products were already stored with the same content hash.
	Unchanged int `json:"unchanged"`
	// Removed products were in the store but not in this full catalog.
	Removed int `json:"removed"`
	// Reason explains a refusal (Status refused) or a hold (needs_confirmation).
	Reason string     `json:"reason,omitempty"`
	Errors []RowError `json:"errors"`
	// Quality summarises the scores of the file's products (not for a
	// refused file).
	Quality  *QualitySummary `json:"quality,omitempty"`
	Warnings []RowError      `json:"warnings,omitempty"`
	// ErrorsTruncated is true when more rows were rejected than Errors lists.
	ErrorsTruncated bool          `json:"errors_truncated,omitempty"`
	DryRun          bool          `json:"dry_run,omitempty"`
	Duration        time.Duration `json:"duration_ns"`
	// SettingsHash fingerprints how the file was read (the partner's
	// settings and the pipeline's version); with the file's SHA-256 it
	// lets an identical re-upload skip the work.
	SettingsHash string `json:"settings_hash,omitempty"`
}

// RowError is one problem with one row (or one cell) of a file.
type RowError struct {
	Row     int    `json:"row"`              // 1-based row number in the file
	Column  string `json:"column,omitempty"` // header of the offending column, when there is one
	Code    string `json:"code"`             // stable, e.g. "missing_identifier", "bad_price"
	Message string `json:"message"`          // for a person
}
