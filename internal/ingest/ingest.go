package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"path"
	"sync/atomic"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/tabular"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// Deps are what a Service needs.
type Deps struct {
	Store  catalog.Store
	Blobs  catalog.Blobs
	Clock  func() time.Time // nil = time.Now
	Logger *slog.Logger     // nil = discard
	// TempDir holds temporary copies of XLSX files ("" = os.TempDir()).
	TempDir string
	// Settings is where partner settings are read (partners/{partner}/...);
	// nil means Blobs. A dry run on a scratch copy of a file sets it to
	// the real store so that the partner's settings still apply.
	Settings catalog.Blobs
	// Limits caps what one file may cost; zero fields take the tabular
	// package's defaults (4 MiB a row, 128 MiB an XLSX, 1 GiB unzipped,
	// see Limits).
	Limits Limits
	// HeartbeatEvery is how often a running ingest refreshes its
	// catalog's HeartbeatAt (0 = DefaultHeartbeatEvery).
	HeartbeatEvery time.Duration
	// Keys tells whether the partner key that asked for an upload slot
	// still holds; nil = the key records in Settings (partnerkeys).
	Keys intake.Keys
	// ChunkProducts, with Chunks and Ledger, has the products of a big
	// catalog written in chunks of that many products by many runs at
	// once (chunks.go); 0 writes every catalog in the run that reads it.
	ChunkProducts int
	Chunks        ChunkQueue
	Ledger        catalog.ChunkLedger
}

// Limits bound the resources one file may use; a file past one is
// refused with the reason (docs/ingest.md lists the defaults).
type Limits = tabular.Limits

// Service ingests catalog files. It is safe for concurrent use.
type Service struct {
	store catalog.Store
	blobs catalog.Blobs
	clock func() time.Time
	log   *slog.Logger
	tmp   string
	lim   Limits
	set   catalog.Blobs
	keys  intake.Keys
	beat  time.Duration
	// chunked writing (chunks.go)
	chunkSize int
	chunks    ChunkQueue
	ledger    catalog.ChunkLedger
}

// New returns a Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, blobs: d.Blobs, clock: d.Clock, log: d.Logger, tmp: d.TempDir, lim: d.Limits, beat: d.HeartbeatEvery,
		chunkSize: d.ChunkProducts, chunks: d.Chunks, ledger: d.Ledger}
	if s.beat <= 0 {
		s.beat = DefaultHeartbeatEvery
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.set = d.Settings
	if s.set == nil {
		s.set = d.Blobs
	}
	s.keys = d.Keys
	if s.keys == nil {
		s.keys = partnerkeys.New(s.set)
	}
	return s
}

// Request asks for one file to be ingested.
type Request struct {
	Partner string       // validated with catalog.ValidPartnerID
	Key     string       // blob key incoming/{partner}/{file}
	Mode    catalog.Mode // "" = the partner's default mode, else full
	DryRun  bool         // read, map, validate, hash, report; write nothing to Store
	// TakeOver says that no other run of this file is alive, whatever its
	// heartbeat: a catalog of it in processing is taken over at once. The
	// local stack sets it for the files it finds unfinished at start (the
	// data folder's lock makes it the only process that ingests there).
	TakeOver bool
}

// A running ingest refreshes its catalog's HeartbeatAt every
// DefaultHeartbeatEvery (Deps.HeartbeatEvery); a redelivered event takes
// over a catalog in status processing whose heartbeat is older than
// LeaseTimeout (the process that ran it died: a Lambda timed out or was
// killed), so a retry need not wait for the 15 minutes of the Lambda's
// longest run. Any catalog processing for longer than StaleAfter is taken
// over too (a record written before heartbeats existed, for one).
const (
	DefaultHeartbeatEvery = 30 * time.Second
	LeaseTimeout          = 2 * time.Minute
	StaleAfter            = 15 * time.Minute
)

// MaxReportErrors caps the errors (and warnings) a report lists; the
// rejected-rows CSV has them all.
const MaxReportErrors = 1000

// CatalogID derives the ID of the catalog for a blob version, so that the
// same file event delivered twice names the same catalog, while the same
// content uploaded again is a new one. The version is info.Version when
// the store gives one (S3's VersionId, nanoseconds on disk), else the ETag
// and modification time, which on S3 only tell uploads a second apart.
func CatalogID(partner, key string, info catalog.BlobInfo) string {
	v := "t" + info.ModTime.UTC().Format(time.RFC3339Nano)
	if info.Version != "" {
		v = "v" + info.Version
	}
	h := sha256.Sum256([]byte(partner + "\x00" + key + "\x00" + info.ETag + "\x00" + v))
	return "c" + hex.EncodeToString(h[:10])
}

// Ingest reads the blob at req.Key, turns it into products and writes them to
// the Store (which feeds the index through its change feed). It returns the
// Catalog record with its Report. A file refused as a whole is a Catalog with
// Status refused and Report.Reason, and a nil error; err is for internal failures.
//
// A second call for the same blob version returns the first call's record
// (finished or still processing) without ingesting again, unless that one
// failed or its heartbeat stopped (see LeaseTimeout).
func (s *Service) Ingest(ctx context.Context, req Request) (catalog.Catalog, error) {
	if !catalog.ValidPartnerID(req.Partner) {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeInvalid, "partner %q is not a valid partner id", req.Partner)
	}
	if partner, _, ok := intake.SplitIncomingKey(req.Key); !ok || partner != req.Partner || !catalog.ValidBlobKey(req.Key) {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeInvalid, "key %q is not a file under %s", req.Key, intake.IncomingKey(req.Partner, ""))
	}
	if err := req.Mode.Check(); err != nil {
		return catalog.Catalog{}, err
	}
	info, err := s.blobs.Stat(ctx, req.Key)
	if err != nil {
		return catalog.Catalog{}, err
	}
	now := s.clock().UTC()
	c := catalog.Catalog{
		ID:         CatalogID(req.Partner, req.Key, info),
		Partner:    req.Partner,
		Key:        req.Key,
		File:       path.Base(req.Key),
		Mode:       req.Mode,
		Status:     catalog.StatusProcessing,
		Size:       info.Size,
		ReceivedAt: now,
	}
	if !req.DryRun {
		prev, claimed, err := s.claim(ctx, &c, info, req.Mode == "", req.TakeOver)
		if err != nil || !claimed {
			return prev, err
		}
	}
	return s.process(ctx, c, req.DryRun, false)
}

// claim records c as processing, or finds that another delivery of the
// same file already did: then it returns that record and false. A record
// waiting for its upload (intake.NewUpload), a failed one and one in processing
// whose heartbeat stopped (or, with takeOver, any in processing) are taken over.
//
// A file that comes through an upload slot it may not use (a slot already
// used by another file, expired, or whose key was revoked) is not
// ingested: it is moved aside and a refused catalog says why
// (refuseUpload).
func (s *Service) claim(ctx context.Context, c *catalog.Catalog, info catalog.BlobInfo, modeFromRecord, takeOver bool) (catalog.Catalog, bool, error) {
	now := c.ReceivedAt
	c.HeartbeatAt = now
	// A file uploaded through an upload slot keeps the slot's catalog.
	slot, err := s.store.GetCatalog(ctx, intake.UploadCatalogID(c.Partner, c.Key))
	switch {
	case err == nil:
		reason, err := s.slotRefusal(ctx, slot, c.ID, info.ModTime)
		if err != nil {
			return catalog.Catalog{}, false, err
		}
		if reason != "" {
			refused, err := s.refuseUpload(ctx, slot, *c, reason)
			return refused, false, err
		}
		if slot.Slot != nil {
			taken := *slot.Slot
			taken.Blob = c.ID // this version of the key is the slot's file
			c.Slot = &taken
		}
		c.ID = slot.ID
		// The partner's own file name, not the slot's key (which has a
		// random prefix).
		if slot.File != "" {
			c.File = slot.File
		}
		if modeFromRecord {
			c.Mode = slot.Mode
		}
	case !catalog.IsNotFound(err):
		return catalog.Catalog{}, false, err
	default:
		err = s.store.CreateCatalog(ctx, *c)
		if err == nil {
			return *c, true, nil
		}
		if catalog.CodeOf(err) != catalog.CodeConflict {
			return catalog.Catalog{}, false, err
		}
		if slot, err = s.store.GetCatalog(ctx, c.ID); err != nil {
			return catalog.Catalog{}, false, err
		}
	}
	stale := abandoned(slot, now) || (takeOver && slot.Status == catalog.StatusProcessing)
	if slot.Status != catalog.StatusReceived && slot.Status != catalog.StatusFailed && !stale {
		s.log.InfoContext(ctx, "file already ingested", "catalog", slot.ID, "status", string(slot.Status))
		return slot, false, nil
	}
	if slot.Status != catalog.StatusReceived {
		s.log.WarnContext(ctx, "retrying ingest", "catalog", slot.ID, "status", string(slot.Status))
	}
	// Conditional on the record read above: of two deliveries that both
	// read it, one takes it and the other finds it taken.
	if err := s.store.SwapCatalog(ctx, slot, *c); err != nil {
		if catalog.CodeOf(err) != catalog.CodeConflict {
			return catalog.Catalog{}, false, err
		}
		cur, gerr := s.store.GetCatalog(ctx, slot.ID)
		if gerr != nil {
			return catalog.Catalog{}, false, gerr
		}
		s.log.InfoContext(ctx, "file taken by another delivery", "catalog", cur.ID, "status", string(cur.Status))
		return cur, false, nil
	}
	return *c, true, nil
}

// slotRefusal says why the blob version blob (its own catalog ID), stored
// at blobTime, may not come through the upload slot of record slot, or ""
// when it may: a slot whose ingest took another version was used twice;
// a slot not taken yet must not have expired before the file came nor
// have lost its key.
func (s *Service) slotRefusal(ctx context.Context, slot catalog.Catalog, blob string, blobTime time.Time) (string, error) {
	if slot.Slot == nil {
		return "", nil // a record from before slots were recorded
	}
	switch {
	case slot.Slot.Blob == blob:
		return "", nil // the same file delivered again
	case slot.Slot.Blob != "":
		return fmt.Sprintf("this upload URL was already used for another file (catalog %s); a URL takes one file: ask for a new one", slot.ID), nil
	case slot.Status != catalog.StatusReceived:
		return "", nil // taken before slots recorded their file
	}
	return intake.SlotProblem(ctx, s.keys, slot, blobTime)
}

// refuseUpload records why file c (as Ingest built it, its ID the blob
// version's) may not come through the slot of record slot, without
// ingesting it, and moves the file aside (intake.AsideKey) so that
// nothing under incoming/ is left without a catalog saying what became of
// it. An unused slot's own record is refused; a second file through a
// used slot gets a refused record of its own, the first file's catalog
// stays as it is. It returns the refused record.
func (s *Service) refuseUpload(ctx context.Context, slot, c catalog.Catalog, reason string) (catalog.Catalog, error) {
	now := s.clock().UTC()
	blob := c.ID
	c.Status, c.FinishedAt, c.HeartbeatAt = catalog.StatusRefused, now, time.Time{}
	c.Report = &catalog.Report{Status: catalog.StatusRefused, Reason: reason, Errors: []catalog.RowError{}}
	c.File, c.Mode = slot.File, slot.Mode
	if c.Mode == "" {
		c.Mode = catalog.ModeFull
	}
	if slot.Slot != nil && slot.Slot.Blob == "" {
		// The slot's own record: the slot is spent on this refused file.
		taken := *slot.Slot
		taken.Blob = blob
		c.ID, c.ReceivedAt, c.Slot = slot.ID, slot.ReceivedAt, &taken
		if err := s.store.SwapCatalog(ctx, slot, c); err != nil {
			if catalog.CodeOf(err) != catalog.CodeConflict {
				return catalog.Catalog{}, err
			}
			cur, err := s.store.GetCatalog(ctx, slot.ID)
			return cur, err // another delivery decided first
		}
	} else if err := s.store.CreateCatalog(ctx, c); err != nil {
		if catalog.CodeOf(err) != catalog.CodeConflict {
			return catalog.Catalog{}, err
		}
		return s.store.GetCatalog(ctx, c.ID) // refused by an earlier delivery
	}
	s.log.WarnContext(ctx, "upload refused before ingest", "catalog", c.ID, "key", c.Key, "reason", reason)
	return c, s.moveAside(ctx, c.Key, intake.AsideKey(c.ID, c.File))
}

// moveAside moves blob key to aside.
func (s *Service) moveAside(ctx context.Context, key, aside string) error {
	rc, _, err := s.blobs.Open(ctx, key)
	if catalog.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.blobs.Put(ctx, aside, rc)
	rc.Close()
	if err != nil {
		return err
	}
	return s.blobs.Delete(ctx, key)
}

// abandoned reports a catalog in status processing whose ingest stopped
// sending heartbeats more than LeaseTimeout ago, or that was received
// more than StaleAfter ago (longer than a Lambda may run, and the bound
// for a record without heartbeats).
func abandoned(c catalog.Catalog, now time.Time) bool {
	if c.Status != catalog.StatusProcessing {
		return false
	}
	if c.Progress != nil && c.Progress.ChunksTotal > 0 {
		// A catalog whose chunks are queued has no heartbeat: its chunks
		// are on the queue, and one that keeps failing ends it
		// (FailChunk). Only a run that died between recording it and
		// queueing its chunks leaves it with nothing to do: taken over
		// StaleAfter after it was queued (a 1,000,000-product catalog is
		// written in about 5 minutes).
		return now.Sub(c.HeartbeatAt) > StaleAfter
	}
	if now.Sub(c.ReceivedAt) > StaleAfter {
		return true
	}
	return !c.HeartbeatAt.IsZero() && now.Sub(c.HeartbeatAt) > LeaseTimeout
}

// interruptedConfirm reports a catalog whose confirmation started (status
// processing over a held report) and stopped sending heartbeats. Only the
// heartbeat counts: a catalog confirmed long after it arrived is old, not
// abandoned.
func interruptedConfirm(c catalog.Catalog, now time.Time) bool {
	return c.Status == catalog.StatusProcessing && c.Report != nil && c.Report.Status == catalog.StatusNeedsConfirmation &&
		!c.HeartbeatAt.IsZero() && now.Sub(c.HeartbeatAt) > LeaseTimeout
}

// heartbeat refreshes c's HeartbeatAt in the store every s.beat until
// the returned stop is called, with the rows read so far as its progress;
// stop returns once no write is under way, so that the caller's final
// write of c comes last.
func (s *Service) heartbeat(ctx context.Context, c catalog.Catalog, rows *atomic.Int64) (stop func()) {
	hctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.beat)
		defer t.Stop()
		for {
			select {
			case <-hctx.Done():
				return
			case <-t.C:
				c.HeartbeatAt = s.clock().UTC()
				if n := rows.Load(); n > 0 {
					c.Progress = &catalog.Progress{Rows: int(n)}
				}
				if err := s.store.PutCatalog(hctx, c); err != nil && hctx.Err() == nil {
					s.log.WarnContext(ctx, "ingest heartbeat", "catalog", c.ID, "err", err.Error())
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// NewUpload records a catalog waiting for a new file of the partner and
// returns where to upload it (intake.NewUpload at the Service's clock).
func (s *Service) NewUpload(ctx context.Context, req intake.UploadRequest, up intake.Uploader, maxBytes int64) (intake.UploadSlot, error) {
	return intake.NewUpload(ctx, s.store, s.clock(), req, up, maxBytes)
}

// Confirm applies a catalog held in status needs_confirmation: the file is
// ingested again with the removal guard lifted, so the products it does not
// mention are removed. With as ModePartial it is applied as a partial
// update instead: its products are written and none is removed (the
// catalog's Mode becomes partial, its report says 0 removed); as "" or
// ModeFull applies it as sent. Another as is CodeInvalid. It returns
// CodeNotFound for an unknown catalog and
// CodeConflict when the catalog is not waiting for confirmation, a newer
// file of the partner has arrived since (confirming would undo it) or the
// file is gone (intake.CheckConfirm).
//
// A confirmation whose run died (status processing, heartbeat older than
// LeaseTimeout, the held report still on the record) is run again: the
// queued confirm message is redelivered after the ingest Lambda that took
// it timed out, and the catalog would otherwise stay processing.
func (s *Service) Confirm(ctx context.Context, catalogID string, as catalog.Mode) (catalog.Catalog, error) {
	if err := checkConfirmMode(as); err != nil {
		return catalog.Catalog{}, err
	}
	c, err := s.store.GetCatalog(ctx, catalogID)
	if err != nil {
		return catalog.Catalog{}, err
	}
	if interruptedConfirm(c, s.clock()) {
		s.log.WarnContext(ctx, "running an interrupted confirmation again", "catalog", c.ID)
		c.Status = catalog.StatusNeedsConfirmation // where it stood before that run
	}
	if err := intake.Confirmable(ctx, s.store, s.blobs, c); err != nil {
		return c, err
	}
	c.Status = catalog.StatusProcessing
	c.HeartbeatAt = s.clock().UTC()
	if as == catalog.ModePartial {
		// Stored with the record: a confirmation run again after it died
		// stays partial whatever the redelivered message says.
		c.Mode = catalog.ModePartial
	}
	if err := s.store.PutCatalog(ctx, c); err != nil {
		return c, err
	}
	return s.process(ctx, c, false, true)
}

// checkConfirmMode accepts the ways a held catalog can be applied: "" (as
// sent), ModeFull, ModePartial.
func checkConfirmMode(as catalog.Mode) error {
	if as == "" {
		return nil
	}
	return as.Check()
}

// process runs the pipeline for c and records the outcome. A catalog
// whose products are written in chunks is recorded processing, with its
// progress, once its chunks are queued (dispatch).
func (s *Service) process(ctx context.Context, c catalog.Catalog, dry, force bool) (catalog.Catalog, error) {
	start := time.Now()
	began := s.clock().UTC()
	stop := func() {}
	var rows atomic.Int64
	if !dry {
		stop = s.heartbeat(ctx, c, &rows)
	}
	rep, plan, err := s.run(ctx, &c, dry, force, &rows)
	stop()
	rep.Duration = time.Since(start)
	rep.DryRun = dry
	if err == nil && plan != nil {
		plan.Report, plan.Start = rep, began
		var dispatched catalog.Catalog
		if dispatched, err = s.dispatch(ctx, c, *plan); err == nil {
			return dispatched, nil
		}
	}
	c.Report = rep
	c.FinishedAt = s.clock().UTC()
	if err != nil {
		c.Status = catalog.StatusFailed
		rep.Status = c.Status
		rep.Reason = catalog.MessageOf(err)
		s.log.ErrorContext(ctx, "ingest failed", "catalog", c.ID, "key", c.Key, "err", err.Error())
		if !dry {
			// Record the failure; ctx may be the one that expired, so use
			// a fresh one for this last write.
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if perr := s.store.PutCatalog(wctx, c); perr != nil {
				s.log.ErrorContext(ctx, "recording failed ingest", "catalog", c.ID, "err", perr.Error())
			}
		}
		return c, err
	}
	c.Status = rep.Status
	if !dry {
		if err := s.store.PutCatalog(ctx, c); err != nil {
			return c, err
		}
	}
	s.log.InfoContext(ctx, "ingest finished", "catalog", c.ID, "partner", c.Partner, "key", c.Key,
		"status", string(c.Status), "rows", rep.Rows, "accepted", rep.Accepted, "rejected", rep.Rejected,
		"created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "removed", rep.Removed,
		"dry_run", dry, "duration_ms", rep.Duration.Milliseconds())
	return c, nil
}

// hashingReader computes the SHA-256 of what passes through it, on a
// goroutine of its own so that hashing overlaps parsing: chunks are copied
// into recycled buffers and hashed in order. Sum waits for the hash of
// everything read so far; Close stops the goroutine.
type hashingReader struct {
	r      io.Reader
	chunks chan []byte
	free   chan []byte
	done   chan struct{}
	sum    []byte
	closed bool
}

const hashChunk = 64 << 10

func newHashingReader(r io.Reader) *hashingReader {
	h := &hashingReader{r: r, chunks: make(chan []byte, 8), free: make(chan []byte, 10), done: make(chan struct{})}
	for range cap(h.free) {
		h.free <- make([]byte, 0, hashChunk)
	}
	go func() {
		defer close(h.done)
		d := sha256.New()
		for c := range h.chunks {
			_, _ = d.Write(c)
			h.free <- c[:0]
		}
		h.sum = d.Sum(nil)
	}()
	return h
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	for rest := p[:n]; len(rest) > 0; {
		buf := <-h.free
		k := min(len(rest), hashChunk)
		buf = append(buf, rest[:k]...)
		h.chunks <- buf
		rest = rest[k:]
	}
	return n, err
}

// Sum returns the hex SHA-256 of everything read, and stops hashing.
func (h *hashingReader) Sum() string {
	h.Close()
	return hex.EncodeToString(h.sum)
}

// Close stops the hashing goroutine; it is safe to call twice.
func (h *hashingReader) Close() {
	if !h.closed {
		h.closed = true
		close(h.chunks)
	}
	<-h.done
}
