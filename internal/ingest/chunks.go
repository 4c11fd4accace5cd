package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Chunked writing (docs/architecture.md, "Big catalogs on AWS"). With
// Deps.ChunkProducts set, the run that reads a file does everything it
// does today (read, map, validate, assemble, the delta against the stored
// hashes, quality, rejected rows, the removal guard) but, instead of
// writing the products it would write, spools them to chunk files of
// ChunkProducts products under reports/{catalog}/chunks/ and queues one
// message per chunk (ChunkQueue). Each chunk is written by a run of its
// own, many at once (IngestChunk); the run that records the last one in
// the ledger (catalog.ChunkLedger) finishes the catalog: the repeats of
// products emitted twice, then the removals of a full catalog, then the
// final report. A file whose writes fit in one chunk is written by the
// run that reads it, as before.
//
// Reading stays one pass: the delta, the duplicates and the grouping of
// variants need the whole file, and reading is not what takes time (some
// 70,000 rows a second, docs/benchmarks.md); the writes are, at a few
// milliseconds each and a table's few thousand write units a second.

// ChunkQueue queues the messages of the chunks of a catalog to write (the
// ingest queue on AWS).
type ChunkQueue interface {
	SendChunks(ctx context.Context, refs []contract.ChunkRef) error
}

// chunkRecord is one line of a chunk file: a product to write, the change
// it is to the store, and whether the stored product shows pictures.
type chunkRecord struct {
	Kind     catalog.ChangeKind `json:"k,omitempty"`
	Pictured bool               `json:"pic,omitempty"`
	Product  catalog.Product    `json:"p"`
}

// chunkPlan is what the reading run leaves for the run that finishes the
// catalog: the report so far and what is left to do after the chunks.
type chunkPlan struct {
	Report   *catalog.Report `json:"report"`
	Late     int             `json:"late"`     // files of repeated products, written after the chunks
	Removals int             `json:"removals"` // products to remove after the chunks
	At       time.Time       `json:"at"`       // when the reading started: the time of the changes
	Start    time.Time       `json:"start"`    // for the report's duration
}

func chunksPrefix(catalogID string) string {
	return contract.ReportsPrefix + catalogID + "/chunks/"
}

func chunkKey(catalogID string, n int) string {
	return fmt.Sprintf("%s%05d.ndjson", chunksPrefix(catalogID), n)
}

func lateKey(catalogID string, n int) string {
	return fmt.Sprintf("%slate-%05d.ndjson", chunksPrefix(catalogID), n)
}

func planKey(catalogID string) string     { return chunksPrefix(catalogID) + "plan.json" }
func removalsKey(catalogID string) string { return chunksPrefix(catalogID) + "removals.ndjson" }

// chunkSpool collects the products a reading run would write. Products
// written for the first time in the file go to the numbered chunks;
// repeats (a product emitted again, completed by a later row) go to the
// late files, which the finishing run writes after every chunk, so that
// the last emission is the one stored, as in one pass.
type chunkSpool struct {
	blobs catalog.Blobs
	size  int
	main  chunkFiles // the numbered chunks
	late  chunkFiles // the repeats
}

// chunkFiles is one series of chunk files: the records of the file being
// filled, and how many files are stored.
type chunkFiles struct {
	key    func(n int) string
	buf    bytes.Buffer
	n      int // records in buf
	stored int // files stored
}

func newChunkSpool(blobs catalog.Blobs, catalogID string, size int) *chunkSpool {
	return &chunkSpool{blobs: blobs, size: size,
		main: chunkFiles{key: func(n int) string { return chunkKey(catalogID, n) }},
		late: chunkFiles{key: func(n int) string { return lateKey(catalogID, n) }}}
}

func (s *chunkSpool) add(ctx context.Context, rec *chunkRecord) error {
	files := &s.main
	if rec.Kind == "" {
		files = &s.late
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "encode chunk")
	}
	files.buf.Write(b)
	files.buf.WriteByte('\n')
	files.n++
	if files.n < s.size {
		return nil
	}
	return s.store(ctx, files)
}

// store stores the records of files as its next file, if it has any.
func (s *chunkSpool) store(ctx context.Context, files *chunkFiles) error {
	if files.n == 0 {
		return nil
	}
	if _, err := s.blobs.Put(ctx, files.key(files.stored), bytes.NewReader(files.buf.Bytes())); err != nil {
		return err
	}
	files.stored++
	files.buf.Reset()
	files.n = 0
	return nil
}

// spoolBatch hands the writer's batch to the spool.
func (w *productWriter) spoolBatch(ctx context.Context) error {
	for i := range w.batch {
		rec := chunkRecord{Kind: w.kinds[i], Pictured: w.pictured.has(idHash(w.batch[i].ID)), Product: w.batch[i]}
		if err := w.spool.add(ctx, &rec); err != nil {
			return err
		}
	}
	clear(w.batch)
	w.batch = w.batch[:0]
	w.kinds = w.kinds[:0]
	return nil
}

// endSpool ends the reading run's spooling. When no chunk was filled, the
// products spooled are written here, in file order, and it returns false;
// else it stores the last chunk and the late files and returns true.
func (w *productWriter) endSpool(ctx context.Context) (bool, error) {
	sp := w.spool
	if sp == nil {
		return false, nil
	}
	if err := w.flush(ctx); err != nil {
		return false, err
	}
	if sp.main.stored > 0 {
		if err := sp.store(ctx, &sp.main); err != nil {
			return false, err
		}
		return true, sp.store(ctx, &sp.late)
	}
	w.spool = nil
	for _, buf := range []*bytes.Buffer{&sp.main.buf, &sp.late.buf} {
		if err := w.writeRecords(ctx, buf); err != nil {
			return false, err
		}
	}
	return false, nil
}

// writeRecords writes the chunk records read from r, in order, through
// flush (w has no spool).
func (w *productWriter) writeRecords(ctx context.Context, r io.Reader) error {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	for {
		var rec chunkRecord
		err := dec.Decode(&rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			return catalog.Wrap(catalog.CodeInternal, err, "read chunk")
		}
		if rec.Pictured {
			w.pictured.put(idHash(rec.Product.ID), 0)
		}
		w.batch = append(w.batch, rec.Product)
		w.kinds = append(w.kinds, rec.Kind)
		if len(w.batch) >= writeBatch {
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
	}
	return w.flush(ctx)
}

// deferRemovals stores the removals of a full catalog whose products are
// written in chunks, for the run that finishes it: one change per line.
func (w *productWriter) deferRemovals(ctx context.Context, blobs catalog.Blobs) (int, error) {
	var buf bytes.Buffer
	n := 0
	for p, err := range w.store.Products(ctx, w.partner) {
		if err != nil {
			return 0, err
		}
		if w.seen.has(idHash(p.ID)) {
			continue
		}
		b, err := json.Marshal(w.removal(&p))
		if err != nil {
			return 0, catalog.Wrap(catalog.CodeInternal, err, "encode removal")
		}
		buf.Write(b)
		buf.WriteByte('\n')
		n++
	}
	if n == 0 {
		return 0, nil
	}
	_, err := blobs.Put(ctx, removalsKey(w.catalogID), &buf)
	return n, err
}

// dispatch records a catalog read and spooled in chunks (c.Progress set
// by the pipeline) as processing, with the plan for its last run, and
// queues its chunks.
func (s *Service) dispatch(ctx context.Context, c catalog.Catalog, plan chunkPlan) (catalog.Catalog, error) {
	b, err := json.Marshal(plan)
	if err != nil {
		return c, catalog.Wrap(catalog.CodeInternal, err, "encode chunk plan")
	}
	if _, err := s.blobs.Put(ctx, planKey(c.ID), bytes.NewReader(b)); err != nil {
		return c, err
	}
	if err := s.ledger.ResetChunks(ctx, c.ID); err != nil {
		return c, err
	}
	c.Status, c.Report, c.FinishedAt = catalog.StatusProcessing, nil, time.Time{}
	c.HeartbeatAt = s.clock().UTC()
	if err := s.store.PutCatalog(ctx, c); err != nil {
		return c, err
	}
	total := c.Progress.ChunksTotal
	refs := make([]contract.ChunkRef, total)
	for i := range refs {
		refs[i] = contract.ChunkRef{Catalog: c.ID, Chunk: i, Chunks: total}
	}
	if err := s.chunks.SendChunks(ctx, refs); err != nil {
		return c, err
	}
	s.log.InfoContext(ctx, "file read, chunks queued", "catalog", c.ID, "partner", c.Partner, "rows", c.Progress.Rows,
		"chunks", total, "late", plan.Late, "removals", plan.Removals)
	return c, nil
}

// IngestChunk writes one chunk of a catalog whose products are written in
// chunks, records it in the ledger and, when it is the last, finishes the
// catalog. A chunk of a catalog no longer processing (finished, failed,
// read again with another cut) is dropped: it returns the catalog and nil.
// Writing a chunk twice is harmless: the products are the same, their
// history items have the same keys, and the ledger counts it once.
func (s *Service) IngestChunk(ctx context.Context, ref contract.ChunkRef) (catalog.Catalog, error) {
	if !s.chunked() {
		return catalog.Catalog{}, catalog.Errorf(catalog.CodeInvalid, "this ingest service does not write chunks")
	}
	c, err := s.store.GetCatalog(ctx, ref.Catalog)
	if err != nil {
		return c, err
	}
	if c.Status != catalog.StatusProcessing || c.Progress == nil || c.Progress.ChunksTotal != ref.Chunks || ref.Chunk < 0 || ref.Chunk >= ref.Chunks {
		s.log.InfoContext(ctx, "chunk of a catalog not being written; dropped", "catalog", c.ID, "status", string(c.Status), "chunk", ref.Chunk)
		return c, nil
	}
	plan, err := s.readPlan(ctx, c.ID)
	if err != nil {
		return c, err
	}
	start := time.Now()
	if err := s.writeChunkFile(ctx, c, plan, chunkKey(c.ID, ref.Chunk)); err != nil {
		return c, err
	}
	done, err := s.ledger.ChunkDone(ctx, c.ID, ref.Chunk)
	if err != nil {
		return c, err
	}
	s.log.InfoContext(ctx, "chunk written", "catalog", c.ID, "chunk", ref.Chunk, "chunks", ref.Chunks, "done", done,
		"duration_ms", time.Since(start).Milliseconds())
	progress := *c.Progress
	progress.ChunksDone = min(done, progress.ChunksTotal)
	c.Progress = &progress
	if done < c.Progress.ChunksTotal {
		return c, nil
	}
	return s.finishChunks(ctx, c, plan)
}

// chunked reports whether the service writes big catalogs in chunks.
func (s *Service) chunked() bool { return s.chunkSize > 0 && s.chunks != nil && s.ledger != nil }

func (s *Service) readPlan(ctx context.Context, catalogID string) (chunkPlan, error) {
	var plan chunkPlan
	rc, _, err := s.blobs.Open(ctx, planKey(catalogID))
	if err != nil {
		return plan, err
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(&plan); err != nil || plan.Report == nil {
		return plan, catalog.Errorf(catalog.CodeInternal, "the chunk plan of catalog %s cannot be read", catalogID)
	}
	return plan, nil
}

// writeChunkFile writes the products of one chunk file of c.
func (s *Service) writeChunkFile(ctx context.Context, c catalog.Catalog, plan chunkPlan, key string) error {
	rc, _, err := s.blobs.Open(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	w := newProductWriter(s.store, &c, &catalog.Report{}, false, s.tmp, plan.At)
	defer w.quality.discard()
	return w.writeRecords(ctx, rc)
}

// finishChunks ends a catalog whose chunks are all written: the late
// files, the removals, the final report, and the chunk files deleted. Two
// runs may finish the same catalog (a chunk written twice at the end):
// the writes are the same, and the record is swapped once.
func (s *Service) finishChunks(ctx context.Context, c catalog.Catalog, plan chunkPlan) (catalog.Catalog, error) {
	for n := range plan.Late {
		if err := s.writeChunkFile(ctx, c, plan, lateKey(c.ID, n)); err != nil {
			return c, err
		}
	}
	rep := plan.Report
	if plan.Removals > 0 {
		removed, err := s.applyRemovals(ctx, c.ID)
		if err != nil {
			return c, err
		}
		rep.Removed = removed
	}
	final := c
	final.FinishedAt = s.clock().UTC()
	final.Status, final.Report = rep.Status, rep
	rep.Duration = final.FinishedAt.Sub(plan.Start)
	if err := s.store.SwapCatalog(ctx, c, final); err != nil {
		if catalog.CodeOf(err) != catalog.CodeConflict {
			return c, err
		}
		return s.store.GetCatalog(ctx, c.ID) // finished by another run
	}
	s.deleteChunks(ctx, c.ID, c.Progress.ChunksTotal, plan)
	s.log.InfoContext(ctx, "ingest finished", "catalog", c.ID, "partner", c.Partner, "key", c.Key,
		"status", string(final.Status), "rows", rep.Rows, "accepted", rep.Accepted, "rejected", rep.Rejected,
		"created", rep.Created, "updated", rep.Updated, "unchanged", rep.Unchanged, "removed", rep.Removed,
		"chunks", c.Progress.ChunksTotal, "duration_ms", rep.Duration.Milliseconds())
	return final, nil
}

// applyRemovals removes the products listed in the removals file, after
// recording their removal, in batches; it returns how many it listed.
func (s *Service) applyRemovals(ctx context.Context, catalogID string) (int, error) {
	rc, _, err := s.blobs.Open(ctx, removalsKey(catalogID))
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	n := 0
	var changes []catalog.ProductChange
	apply := func() error {
		if len(changes) == 0 {
			return nil
		}
		ids := make([]string, len(changes))
		for i := range changes {
			ids[i] = changes[i].ProductID
		}
		if err := s.store.PutChanges(ctx, changes); err != nil {
			return err
		}
		if err := s.store.DeleteProducts(ctx, ids); err != nil {
			return err
		}
		n += len(changes)
		changes = changes[:0]
		return nil
	}
	for {
		var ch catalog.ProductChange
		err := dec.Decode(&ch)
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, catalog.Wrap(catalog.CodeInternal, err, "read removals")
		}
		changes = append(changes, ch)
		if len(changes) >= writeBatch {
			if err := apply(); err != nil {
				return n, err
			}
		}
	}
	return n, apply()
}

// deleteChunks deletes the chunk files of a finished catalog; a file left
// behind is only logged.
func (s *Service) deleteChunks(ctx context.Context, catalogID string, chunks int, plan chunkPlan) {
	keys := []string{planKey(catalogID)}
	for n := range chunks {
		keys = append(keys, chunkKey(catalogID, n))
	}
	for n := range plan.Late {
		keys = append(keys, lateKey(catalogID, n))
	}
	if plan.Removals > 0 {
		keys = append(keys, removalsKey(catalogID))
	}
	for _, k := range keys {
		if err := s.blobs.Delete(ctx, k); err != nil && !catalog.IsNotFound(err) {
			s.log.WarnContext(ctx, "chunk file not deleted", "key", k, "err", err.Error())
		}
	}
}

// FailChunk ends a catalog whose chunk could not be written after the
// queue's last delivery: status failed, with the reason. Nothing of it is
// removed (removals come after every chunk), and the products of the
// chunks written stay: ingesting the file again finishes it.
func (s *Service) FailChunk(ctx context.Context, ref contract.ChunkRef, cause error) (catalog.Catalog, error) {
	c, err := s.store.GetCatalog(ctx, ref.Catalog)
	if err != nil || c.Status != catalog.StatusProcessing || c.Progress == nil {
		return c, err
	}
	rep := &catalog.Report{Errors: []catalog.RowError{}}
	if plan, err := s.readPlan(ctx, c.ID); err == nil {
		rep = plan.Report
	}
	final := c
	final.FinishedAt = s.clock().UTC()
	final.Status, final.Report = catalog.StatusFailed, rep
	rep.Status = catalog.StatusFailed
	rep.Reason = fmt.Sprintf("chunk %d of %d could not be written: %s; the products of the other chunks may be stored, "+
		"nothing was removed: ingest the file again to finish it", ref.Chunk+1, ref.Chunks, catalog.MessageOf(cause))
	if err := s.store.SwapCatalog(ctx, c, final); err != nil {
		if catalog.CodeOf(err) != catalog.CodeConflict {
			return c, err
		}
		return s.store.GetCatalog(ctx, c.ID)
	}
	s.log.ErrorContext(ctx, "ingest failed", "catalog", c.ID, "key", c.Key, "chunk", ref.Chunk, "err", catalog.MessageOf(cause))
	return final, nil
}
