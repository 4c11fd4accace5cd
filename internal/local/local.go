// Package local wires the embedded default: bbolt store, Bleve index and a
// blob folder on disk, with the same ingest, indexer and API handlers that
// run on AWS. A data folder holds everything:
//
//	DIR/catalog.db   the store (products, catalogs, the change outbox)
//	DIR/index/       the Bleve index
//	DIR/blobs/       catalog files, product pictures (images/), same keys as the S3 bucket
//
// Where AWS has events (an S3 notification starts an ingest, a DynamoDB
// Stream feeds the indexer), the stack runs the same handlers in process:
// a Put under incoming/ queues an ingest, a finished ingest queues a run of
// the image fetcher over the partner's products (the images queue and
// Lambda on AWS), and the store's outbox is drained into the index.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/images"
	"github.com/catalogsearch/catalogsearch/internal/indexer"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// Options configure Open.
type Options struct {
	Dir    string       // data folder, created if missing
	Logger *slog.Logger // nil = discard
	Clock  func() time.Time
	// ImageFetch configures the fetcher of partners' images; its Allow
	// lets the demo's image host on loopback be reached.
	ImageFetch images.FetchOptions
	// DemoImageBase is the URL of a DemoImageHost that SeedDemo points the
	// demo catalogs' image URLs at; empty keeps URLs that resolve nowhere.
	DemoImageBase string
	// OutboxLimit is how many products an ingest writes (or removes)
	// before it drains the store's change outbox into the index, which
	// bounds the outbox during a large ingest (0: DefaultOutboxLimit).
	OutboxLimit int
}

// Stack is the embedded default, open on one data folder.
type Stack struct {
	Store  *boltstore.Store
	Blobs  catalog.Blobs // notifies the stack of files put under incoming/
	Index  *bleveindex.Index
	Ingest *ingest.Service
	Images *images.Service
	// Analytics counts the API's search analytics into the store, once a
	// second, off the searches' path.
	Analytics *api.Batcher

	disk          *diskblobs.Blobs
	ingestStore   catalog.Store // Store, draining the outbox as an ingest writes (feedingStore)
	log           *slog.Logger
	clock         func() time.Time
	queue         *ingestQueue // files to ingest
	imageJobs     *imageQueue  // runs of the image fetcher, one per partner
	demoImageBase string
	kick          chan struct{} // wakes the feed
	feedMu        sync.Mutex    // one drain at a time
}

// Open opens (or creates) the stack in o.Dir.
func Open(ctx context.Context, o Options) (*Stack, error) {
	if o.Dir == "" {
		return nil, catalog.Errorf(catalog.CodeInvalid, "no data folder given")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "create data folder "+o.Dir)
	}
	store, err := boltstore.Open(filepath.Join(o.Dir, "catalog.db"), boltstore.Options{})
	if err != nil {
		return nil, err
	}
	disk, err := diskblobs.New(filepath.Join(o.Dir, "blobs"))
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	idx, err := bleveindex.Open(filepath.Join(o.Dir, "index"), bleveindex.Options{})
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	if idx.Fresh() {
		// A new or replaced (older layout) index: fill it from the store,
		// the source of truth, before anything searches it.
		n, err := idx.Reindex(ctx, store.Products(ctx, ""), nil)
		if err != nil {
			_ = idx.Close()
			_ = store.Close()
			return nil, err
		}
		if n > 0 {
			o.Logger.InfoContext(ctx, "rebuilt the search index from the store", "products", n)
		}
	}
	s := &Stack{
		Store: store, Index: idx, disk: disk, log: o.Logger, clock: o.Clock,
		queue: newIngestQueue(), kick: make(chan struct{}, 1), imageJobs: newImageQueue(),
		demoImageBase: o.DemoImageBase,
		Analytics:     api.NewBatcher(store, analyticsInterval, o.Logger),
	}
	s.Blobs = &notifyingBlobs{Blobs: disk, queue: s.queue}
	if o.OutboxLimit <= 0 {
		o.OutboxLimit = DefaultOutboxLimit
	}
	s.ingestStore = &feedingStore{Store: store, limit: o.OutboxLimit, drain: s.SyncIndex, log: o.Logger}
	s.Ingest = ingest.New(ingest.Deps{Store: s.ingestStore, Blobs: s.Blobs, Clock: o.Clock, Logger: o.Logger})
	s.Images = images.New(images.Deps{Store: store, Blobs: disk, Fetcher: images.NewFetcher(o.ImageFetch), Logger: o.Logger, Clock: o.Clock})
	return s, nil
}

// analyticsInterval is how often the search analytics are written.
const analyticsInterval = time.Second

// Close writes the queued search analytics and closes the index and the
// store.
func (s *Stack) Close() error {
	s.Analytics.Close()
	return errors.Join(s.Index.Close(), s.Store.Close())
}

// API returns the HTTP API over this stack, with upload URLs that are
// paths on the API (APIAt gives absolute ones).
func (s *Stack) API() http.Handler {
	return s.APIAt("")
}

// APIAt returns the HTTP API over this stack, whose upload URLs are under
// publicURL, the API's public root (e.g. http://127.0.0.1:8080/api); ""
// = paths on the API. Never the request's Host.
func (s *Stack) APIAt(publicURL string) http.Handler {
	return api.New(api.Deps{Store: s.Store, Index: s.Index, Blobs: s.Blobs, Logger: s.log, Clock: s.clock,
		Ingest: confirmingIntake{Service: s.Ingest, done: s.QueueImages}, Backlog: s.Store.Backlog,
		PublicURL: publicURL, Recorder: s.Analytics, SearchLog: s.Store})
}

// confirmingIntake queues the images of a held catalog the API confirmed
// (applied at once here), as a finished ingest does.
type confirmingIntake struct {
	*ingest.Service
	done func(catalog.Catalog)
}

func (c confirmingIntake) Confirm(ctx context.Context, id string, as catalog.Mode) (catalog.Catalog, error) {
	cat, err := c.Service.Confirm(ctx, id, as)
	if err == nil {
		c.done(cat)
	}
	return cat, err
}

// SyncIndex drains the store's change outbox into the index and returns how
// many changes it applied. A change is acknowledged only once indexed, so a
// crash in between replays it (harmless: Upsert checks versions).
func (s *Stack) SyncIndex(ctx context.Context) (int, error) {
	s.feedMu.Lock()
	defer s.feedMu.Unlock()
	total := 0
	for {
		changes, err := s.Store.Changes(ctx, 500)
		if err != nil || len(changes) == 0 {
			return total, err
		}
		if err := indexer.Apply(ctx, s.Index, changes); err != nil {
			return total, err
		}
		if err := s.Store.Ack(ctx, changes[len(changes)-1].Seq); err != nil {
			return total, err
		}
		total += len(changes)
	}
}

// Run processes events until ctx ends: files put under incoming/ are
// ingested (one at a time, like an SQS consumer with batch size one,
// partners served in turn), the images of ingested catalogs are fetched
// (one run at a time, apart from ingest, so a catalog is searchable before
// its pictures are ready) and the change feed is drained into the index.
// It first queues the files that a previous process left unfinished (see
// RecoverUnfinished) and the image runs it left waiting (RecoverImageRuns).
//
// It also deletes the records of upload slots nobody used (DeleteExpiredSlots)
// at start and then every SlotSweepEvery, as DynamoDB's TTL does on AWS.
func (s *Stack) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.sweepSlots(ctx) })
	wg.Go(func() { s.runImages(ctx) })
	wg.Go(func() { s.runIngests(ctx) })
	wg.Go(func() { s.runFeed(ctx) })
	wg.Wait()
}

// sweepSlots deletes expired unused upload slots at once and then every
// SlotSweepEvery, until ctx ends.
func (s *Stack) sweepSlots(ctx context.Context) {
	tick := time.NewTicker(SlotSweepEvery)
	defer tick.Stop()
	for {
		if n, err := s.DeleteExpiredSlots(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "deleting expired upload slots", "err", err.Error())
		} else if n > 0 {
			s.log.InfoContext(ctx, "expired upload slots deleted", "slots", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// runImages runs the queued image jobs one at a time until ctx ends.
func (s *Stack) runImages(ctx context.Context) {
	if n, err := s.RecoverImageRuns(ctx); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "looking for image runs never done", "err", err.Error())
	} else if n > 0 {
		s.log.InfoContext(ctx, "image runs queued again", "partners", n)
	}
	for {
		id, ok := s.imageJobs.pop()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-s.imageJobs.ready:
			}
			continue
		}
		if ctx.Err() != nil {
			return
		}
		// The products whose pictures changed reach the index through
		// the feed's next round, like every other product write.
		if _, err := s.Images.RunCatalog(ctx, id, images.Options{}); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "image run failed", "catalog", id, "err", err.Error())
		}
	}
}

// runIngests queues again what a previous process left unfinished, then
// ingests the queued files one at a time until ctx ends.
func (s *Stack) runIngests(ctx context.Context) {
	if n, err := s.RecoverUnfinished(ctx); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "looking for unfinished ingests", "err", err.Error())
	} else if n > 0 {
		s.log.InfoContext(ctx, "unfinished ingests queued again", "files", n)
	}
	for {
		t, ok := s.queue.pop()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-s.queue.ready:
			}
			continue
		}
		if ctx.Err() != nil {
			return
		}
		s.ingestKey(ctx, t)
	}
}

// runFeed drains the change feed into the index at once, then on every
// kick and every 2 s, until ctx ends.
func (s *Stack) runFeed(ctx context.Context) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for first := true; ; first = false {
		// The first drain at once: the backlog a crash left is indexed
		// while the API already answers (serve listens first).
		if !first {
			select {
			case <-ctx.Done():
				return
			case <-s.kick:
			case <-tick.C:
			}
		}
		if n, err := s.SyncIndex(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "index sync failed", "err", err.Error())
		} else if n > 0 {
			s.log.InfoContext(ctx, "indexed changes", "changes", n)
		}
	}
}

// SlotSweepEvery is how often Run deletes the records of expired upload
// slots nobody used.
const SlotSweepEvery = time.Hour

// DeleteExpiredSlots deletes the records of upload slots nobody used, once
// catalog.SlotRecordGrace past their expiry, and returns how many.
func (s *Stack) DeleteExpiredSlots(ctx context.Context) (int, error) {
	return s.Store.DeleteExpiredCatalogs(ctx, s.clock())
}

// QueuedIngests is the number of files waiting to be ingested.
func (s *Stack) QueuedIngests() int { return s.queue.Len() }

// RecoverUnfinished queues again what a previous process left undone, as
// SQS redelivers a message whose consumer died: every file under
// incoming/ with no catalog (its event was lost), or whose catalog is
// received or processing (taken over: the data folder's lock makes this
// the only process ingesting there). A catalog left in processing whose
// file is gone or was replaced is marked failed with the reason. It
// returns the number of files queued.
func (s *Stack) RecoverUnfinished(ctx context.Context) (int, error) {
	files, err := s.disk.List(ctx, contract.IncomingPrefix)
	if err != nil {
		return 0, err
	}
	present := map[string]bool{} // catalog IDs of the files as they are now
	queued := 0
	for _, f := range files {
		partner, _, ok := intake.SplitIncomingKey(f.Key)
		if !ok {
			continue
		}
		id := intake.UploadCatalogID(partner, f.Key)
		c, err := s.Store.GetCatalog(ctx, id)
		if catalog.IsNotFound(err) {
			id = ingest.CatalogID(partner, f.Key, f)
			c, err = s.Store.GetCatalog(ctx, id)
		}
		present[id] = true
		switch {
		case catalog.IsNotFound(err):
			s.queue.push(partner, task{key: f.Key})
		case err != nil:
			return queued, err
		case c.Status == catalog.StatusReceived || c.Status == catalog.StatusProcessing:
			s.queue.push(partner, task{key: f.Key, takeOver: true})
		default:
			continue
		}
		queued++
	}
	all, err := s.Store.ListCatalogs(ctx, "", 0)
	if err != nil {
		return queued, err
	}
	for _, c := range all {
		if c.Status != catalog.StatusProcessing || present[c.ID] {
			continue
		}
		prev := c
		c.Status = catalog.StatusFailed
		c.FinishedAt = s.clock().UTC()
		if c.Report == nil {
			c.Report = &catalog.Report{Errors: []catalog.RowError{}}
		}
		c.Report.Status = catalog.StatusFailed
		c.Report.Reason = "the ingest was interrupted and its file is gone or was replaced since: upload the file again"
		if err := s.Store.SwapCatalog(ctx, prev, c); err != nil && catalog.CodeOf(err) != catalog.CodeConflict {
			return queued, err
		}
		s.log.WarnContext(ctx, "interrupted ingest marked failed: its file is gone", "catalog", c.ID, "key", c.Key)
	}
	return queued, nil
}

func (s *Stack) ingestKey(ctx context.Context, t task) {
	key := t.key
	partner, _, ok := intake.SplitIncomingKey(key)
	if !ok {
		s.log.WarnContext(ctx, "ignoring file outside incoming/{partner}/", "key", key)
		return
	}
	c, err := s.Ingest.Ingest(ctx, ingest.Request{Partner: partner, Key: key, TakeOver: t.takeOver})
	if err != nil {
		if catalog.CodeOf(err) == catalog.CodeConflict {
			s.log.InfoContext(ctx, "file already ingested", "key", key)
			return
		}
		s.log.ErrorContext(ctx, "ingest failed", "key", key, "err", err.Error())
		return
	}
	s.log.InfoContext(ctx, "ingested", "key", key, "catalog", c.ID, "status", string(c.Status))
	s.QueueImages(c)
	s.kickFeed()
}

// kickFeed wakes the feed to drain the outbox now.
func (s *Stack) kickFeed() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// QueueImages queues a run of the image fetcher for c's partner when c was
// applied (status done); Run works the queue, one run at a time. Nothing
// queued is dropped: a run already waiting for the partner covers c (it
// works over all of the partner's products when it starts) and now records
// its report on c, the newest.
func (s *Stack) QueueImages(c catalog.Catalog) {
	if c.Status != catalog.StatusDone {
		return
	}
	s.imageJobs.push(c.Partner, c.ID)
}

// RecoverImageRuns queues again the image runs a previous process left
// waiting (they are kept in memory only): for every partner whose newest
// applied catalog has no images report, a run reporting on it. It returns
// the number of runs queued.
func (s *Stack) RecoverImageRuns(ctx context.Context) (int, error) {
	all, err := s.Store.ListCatalogs(ctx, "", 0) // newest first
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	queued := 0
	for _, c := range all {
		if c.Status != catalog.StatusDone || seen[c.Partner] {
			continue
		}
		seen[c.Partner] = true
		if c.Images == nil {
			s.QueueImages(c)
			queued++
		}
	}
	return queued, nil
}

// QueuedImageRuns is the number of image runs waiting (one per partner at
// most).
func (s *Stack) QueuedImageRuns() int { return s.imageJobs.Len() }

// FetchImages runs the image fetcher over the products of the partner of
// catalog id now, records its report on the catalog, and brings the index
// up to date with the products whose pictures changed.
func (s *Stack) FetchImages(ctx context.Context, id string, o images.Options) (catalog.ImageReport, error) {
	rep, err := s.Images.RunCatalog(ctx, id, o)
	if err != nil {
		return rep, err
	}
	if _, err := s.SyncIndex(ctx); err != nil {
		return rep, fmt.Errorf("images fetched, but indexing failed (run catalogctl reindex): %w", err)
	}
	return rep, nil
}

// Pictures serves the stored picture sizes under /images/, as CloudFront
// serves the bucket's images/ on AWS.
func (s *Stack) Pictures() http.Handler { return images.Handler(s.disk) }

// IngestFile copies a local file into the partner's incoming folder and
// ingests it now (not through the event queue), then brings the index up
// to date. With dryRun the file is read, mapped and validated against a
// throw-away copy, and nothing is written to the data folder.
func (s *Stack) IngestFile(ctx context.Context, partner, path string, mode catalog.Mode, dryRun bool) (catalog.Catalog, error) {
	if !catalog.ValidPartnerID(partner) {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeInvalid,
			"partner %q is not a valid partner id (a-z, 0-9, '-', '_'; at most 64)", partner)
	}
	f, err := os.Open(path)
	if err != nil {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeInvalid, "cannot read %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	key := intake.IncomingKey(partner, filepath.Base(path))
	if dryRun {
		tmp, err := os.MkdirTemp("", "catalogctl-dry-run-")
		if err != nil {
			return catalog.Catalog{}, catalog.Wrap(catalog.CodeInternal, err, "temporary folder")
		}
		defer os.RemoveAll(tmp)
		scratch, err := diskblobs.New(tmp)
		if err != nil {
			return catalog.Catalog{}, err
		}
		defer scratch.Close()
		if _, err := scratch.Put(ctx, key, f); err != nil {
			return catalog.Catalog{}, err
		}
		svc := ingest.New(ingest.Deps{Store: s.Store, Blobs: scratch, Settings: s.disk, Clock: s.clock, Logger: s.log})
		return svc.Ingest(ctx, ingest.Request{Partner: partner, Key: key, Mode: mode, DryRun: true})
	}
	if _, err := s.disk.Put(ctx, key, f); err != nil { // not s.Blobs: no queued event
		return catalog.Catalog{}, err
	}
	c, err := s.Ingest.Ingest(ctx, ingest.Request{Partner: partner, Key: key, Mode: mode})
	if err != nil {
		return c, err
	}
	s.QueueImages(c)
	if _, err := s.SyncIndex(ctx); err != nil {
		return c, fmt.Errorf("ingested, but indexing failed (run catalogctl reindex): %w", err)
	}
	return c, nil
}

// notifyingBlobs is the local twin of the S3 bucket notification: a file
// put under incoming/{partner}/ queues an ingest. When the partner already
// has MaxQueuedPerPartner files waiting, the file is refused before it is
// stored (CodeUnavailable: retry later), never stored and dropped.
type notifyingBlobs struct {
	catalog.Blobs
	queue *ingestQueue
}

func (n *notifyingBlobs) Put(ctx context.Context, key string, r io.Reader) (catalog.BlobInfo, error) {
	partner, _, incoming := intake.SplitIncomingKey(key)
	if incoming && n.queue.full(partner) {
		return catalog.BlobInfo{}, catalog.Errorf(catalog.CodeUnavailable,
			"%d files of partner %s are waiting to be ingested: send this one again in a minute", MaxQueuedPerPartner, partner)
	}
	info, err := n.Blobs.Put(ctx, key, r)
	if err == nil && incoming {
		n.queue.push(partner, task{key: key})
	}
	return info, err
}
