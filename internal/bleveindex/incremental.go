package bleveindex

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// The columns of a scorch snapshot are built segment by segment. A scorch
// snapshot is a list of immutable segments, each with a bitmap of its
// deleted documents; a write adds a segment (its batch) and marks the
// documents it replaces deleted in the older ones, a merge replaces some
// segments by one new segment. A document's number in the snapshot (the
// IndexInternalID searches return) is its segment's offset, the sum of the
// full sizes (deleted documents included) of the segments before it, plus
// its number in the segment (scorch's IndexSnapshot.offsets, filled by
// its introducer and read by segmentIndexAndLocalDocNumFromGlobal). A
// segment never changes under its id, so its rows in the previous
// columns are its rows now, at its new offset; only the rows of segments
// new since (few documents after a write) are read from doc values.

// segmentSpan is one scorch segment of the snapshot columns were built
// from: its rows are [offset, offset+size) of every column.
type segmentSpan struct {
	id, offset, size uint64
	live             uint64 // its documents not deleted
}

// planSegment is one segment of the snapshot to build.
type planSegment struct {
	span segmentSpan
	ss   *scorch.SegmentSnapshot
	from int // index in base.segs of the same segment, whose rows are copied; -1: read
}

// buildPlan says how the columns of a snapshot are built.
type buildPlan struct {
	reader index.IndexReader
	// base are the columns rows are copied from; nil for a full build
	// (every document read, the dictionaries started anew).
	base *columns
	// segs are the snapshot's segments in order; nil when reader is not a
	// scorch snapshot (read whole through a search, buildColumns).
	segs []planSegment
	rows uint64 // the documents of the segments, deleted ones included
	read int    // the live documents whose doc values the build reads
	live int    // the live documents of the snapshot
	// extend says the segments of base are the first ones of the
	// snapshot, at the same offsets: the new rows are written after base's
	// in the same arrays when they have room (columns.extend), nothing is
	// copied. same says, moreover, there is no new segment and no new
	// deletion (a snapshot that only persisted segments to disk): the new
	// columns are base's on the new snapshot.
	extend, same bool
	// spare are arrays no columns use any more (columnCache.spare), taken
	// for this build: a build that copies rows writes them there, and
	// skips the segments they already hold at the same offset.
	spare *rowArrays
}

// rowArrays are column arrays, which columns built after an append share
// with the columns before (columns.extend).
type rowArrays struct {
	cols  columns       // only the column slices are set, at full capacity
	users int           // the columns using them; guarded by columnCache.mu
	segs  []segmentSpan // the segments whose rows they hold: the newest columns built in them
	dicts *dictEpoch    // the dictionaries their codes are of
}

// dictEpoch names the dictionaries a full build starts; the incremental
// builds after it extend them, so a code means the same value in all.
type dictEpoch struct{ _ int }

// holds reports whether the arrays hold the rows of segment s at its
// offset: written by a build whose snapshot had s there. Its rows do not
// change (a segment is immutable; the rows of documents deleted since are
// never read).
func (a *rowArrays) holds(s segmentSpan) bool {
	i, ok := slices.BinarySearchFunc(a.segs, s.offset, func(t segmentSpan, off uint64) int { return cmp.Compare(t.offset, off) })
	return ok && a.segs[i].id == s.id && a.segs[i].size == s.size
}

// planBuild plans the build of snapshot r's columns on base, the newest
// columns built (nil when none). A build that would read more than half
// of the documents reads them all: a big merge then also drops the
// dictionary values no document has any more.
func planBuild(r index.IndexReader, base *columns) buildPlan {
	p := buildPlan{reader: r}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		n, _ := r.DocCount()
		p.read = int(min(n, math.MaxInt32))
		return p
	}
	prev := map[uint64]int{}
	if base != nil {
		for i, s := range base.segs {
			prev[s.id] = i
		}
	}
	inPlace, deletions := 0, false
	for i, ss := range snap.Segments() {
		size := ss.Segment().Count()
		s := planSegment{span: segmentSpan{id: ss.Id(), offset: p.rows, size: size, live: ss.Count()}, ss: ss, from: -1}
		live := int(s.span.live) //nolint:gosec // at most the segment's size, a uint32 document number
		if j, ok := prev[ss.Id()]; ok && base.segs[j].size == size {
			s.from = j
			if j == i && base.segs[j].offset == p.rows {
				inPlace++
			}
			deletions = deletions || base.segs[j].live != s.span.live
		} else {
			p.read += live
		}
		p.live += live
		p.rows += size
		p.segs = append(p.segs, s)
	}
	if p.read*2 > p.live || p.read == p.live {
		for i := range p.segs {
			p.segs[i].from = -1
		}
		p.read = p.live
		return p
	}
	p.base = base
	p.extend = inPlace == len(base.segs)
	p.same = p.extend && len(p.segs) == len(base.segs) && !deletions
	return p
}

// errSegmentLayout says a snapshot's segments do not number its documents
// as planBuild assumes (a later Bleve changing how it numbers them): the
// columns are then read whole (buildColumns).
var errSegmentLayout = errors.New("segment offsets do not match the snapshot's document numbers")

// buildSegments builds the columns of p's snapshot: the rows of the
// segments base holds are copied, the others read.
func buildSegments(ctx context.Context, p buildPlan) (*columns, error) {
	if p.rows > math.MaxUint32 {
		return nil, fmt.Errorf("%d documents: more than the columns number", p.rows)
	}
	if p.same {
		c := *p.base
		c.reader, c.refs, c.seq = p.reader, 0, 0
		c.segs = spans(p.segs)
		return &c, nil // the same arrays (c.arrays)
	}
	c := &columns{reader: p.reader, pathCode: map[string]int32{}, segs: spans(p.segs)}
	var spare *rowArrays // the arrays written in, when they held rows before
	switch {
	case p.extend && c.extend(p.base, p.rows):
	case p.spare != nil && p.base != nil && p.spare.dicts == p.base.dicts && c.reuse(p.spare, p.rows):
		spare = p.spare
	default:
		c.allocate(p.rows)
	}
	b := &columnsBuilder{c: c}
	if base := p.base; base != nil {
		c.brandVals, c.brandCode = base.brandVals, base.brandCode
		c.partnerVals, c.partnerCode = base.partnerVals, base.partnerCode
		c.leafVals, c.leafCode = base.leafVals, base.leafCode
		c.currencyVals, c.currencyCode = base.currencyVals, base.currencyCode
		c.offerVals, c.offerCode = base.offerVals, base.offerCode
		b.shared = dictBrand | dictPartner | dictLeaf | dictCurrency | dictOffer
		c.dicts = base.dicts
	} else {
		c.dicts = &dictEpoch{}
		c.brandCode, c.partnerCode, c.leafCode = map[string]int32{}, map[string]int32{}, map[string]int32{}
		c.currencyCode, c.offerCode = map[string]int32{}, map[string]int32{}
	}
	dvr, err := p.reader.DocValueReader(columnFields)
	if err != nil {
		return nil, err
	}
	for _, s := range p.segs {
		if s.from >= 0 {
			if c.arrays != p.base.arrays && (spare == nil || !spare.holds(s.span)) {
				c.copyRows(p.base, p.base.segs[s.from], s.span.offset)
			}
			continue
		}
		c.clearRows(s.span.offset, s.span.size)
		if err := b.readSegment(ctx, dvr, s); err != nil {
			return nil, err
		}
	}
	if err := c.findLive(p); err != nil {
		return nil, err
	}
	c.indexLeaves()
	return c, nil
}

// spans are the spans of segs.
func spans(segs []planSegment) []segmentSpan {
	out := make([]segmentSpan, len(segs))
	for i, s := range segs {
		out[i] = s.span
	}
	return out
}

// headroom is the room for further rows that new column arrays get, so
// that the builds after the next writes (a new segment after the others)
// write their rows in the same arrays instead of copying them all.
func headroom(rows uint64) int { return int(rows/8) + 1<<14 } //nolint:gosec // rows <= MaxUint32

// allocate makes every column hold rows rows (with headroom beyond), in
// new arrays.
func (c *columns) allocate(rows uint64) {
	n := int(rows) //nolint:gosec // rows <= MaxUint32
	room := n + headroom(rows)
	a := &rowArrays{}
	a.cols.brand, a.cols.partner, a.cols.leaf = make([]int32, room), make([]int32, room), make([]int32, room)
	a.cols.currency, a.cols.offer = make([]int32, room), make([]int32, room)
	a.cols.price, a.cols.updated, a.cols.name = make([]float64, room), make([]int64, room), make([]string, room)
	a.cols.grade, a.cols.avail, a.cols.lead = make([]uint8, room), make([]uint8, room), make([]uint8, room)
	c.reuse(a, rows)
}

// reuse makes the columns arrays a lengthened to rows, when they all have
// room, and reports whether they had.
func (c *columns) reuse(a *rowArrays, rows uint64) bool {
	if !c.extend(&a.cols, rows) {
		return false
	}
	c.arrays = a
	return true
}

// extend makes the columns base's arrays lengthened to rows, when they all
// have room, and reports whether they had. The rows past base's are base's
// spare room, which no search on base reads (its documents are numbered
// below), and which only the build after base writes: builds run one at a
// time, each on the newest columns (a failed build's rows are written anew
// by the next).
func (c *columns) extend(base *columns, rows uint64) bool {
	n := int(rows) //nolint:gosec // rows <= MaxUint32
	for _, capacity := range []int{cap(base.brand), cap(base.partner), cap(base.leaf), cap(base.currency), cap(base.offer),
		cap(base.price), cap(base.updated), cap(base.name), cap(base.grade), cap(base.avail), cap(base.lead)} {
		if capacity < n {
			return false
		}
	}
	c.brand, c.partner, c.leaf = base.brand[:n], base.partner[:n], base.leaf[:n]
	c.currency, c.offer = base.currency[:n], base.offer[:n]
	c.price, c.updated, c.name = base.price[:n], base.updated[:n], base.name[:n]
	c.grade, c.avail, c.lead = base.grade[:n], base.avail[:n], base.lead[:n]
	c.arrays = base.arrays
	return true
}

// copyRows copies the rows of segment from of base to offset to.
func (c *columns) copyRows(base *columns, from segmentSpan, to uint64) {
	f, t, n := from.offset, to, from.size
	copy(c.brand[t:t+n], base.brand[f:f+n])
	copy(c.partner[t:t+n], base.partner[f:f+n])
	copy(c.leaf[t:t+n], base.leaf[f:f+n])
	copy(c.currency[t:t+n], base.currency[f:f+n])
	copy(c.price[t:t+n], base.price[f:f+n])
	copy(c.updated[t:t+n], base.updated[f:f+n])
	copy(c.name[t:t+n], base.name[f:f+n])
	copy(c.grade[t:t+n], base.grade[f:f+n])
	copy(c.offer[t:t+n], base.offer[f:f+n])
	copy(c.avail[t:t+n], base.avail[f:f+n])
	copy(c.lead[t:t+n], base.lead[f:f+n])
}

// clearRows sets rows [from, from+n) to "none" (columns.grow's values).
func (c *columns) clearRows(from, n uint64) {
	for i := from; i < from+n; i++ {
		c.brand[i], c.partner[i], c.leaf[i], c.currency[i], c.offer[i] = -1, -1, -1, -1, -1
		c.price[i] = math.NaN()
		c.updated[i] = -1
		c.name[i] = ""
		c.grade[i], c.avail[i], c.lead[i] = 0, 0, 0
	}
}

// readSegment reads the doc values of the live documents of segment s,
// through the snapshot's doc value reader (which also serves the fields a
// segment keeps no doc values of, as for a search).
func (b *columnsBuilder) readSegment(ctx context.Context, dvr index.DocValueReader, s planSegment) error {
	deleted := s.ss.Deleted()
	var id index.IndexInternalID
	for local := range s.span.size {
		if local%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if deleted != nil && deleted.Contains(uint32(local)) { //nolint:gosec // below p.rows <= MaxUint32
			continue
		}
		b.num = s.span.offset + local
		id = index.NewIndexInternalID(id, b.num)
		if err := dvr.VisitDocValues(id, b.visit); err != nil {
			return err
		}
	}
	return nil
}

// findLive lists the live documents of p's snapshot in c.live, in index
// order, and checks on the first one of each segment that the snapshot
// numbers it as planBuild does.
func (c *columns) findLive(p buildPlan) error {
	c.live = make([]uint32, 0, p.live)
	var id index.IndexInternalID
	for _, s := range p.segs {
		first := len(c.live)
		off := uint32(s.span.offset) //nolint:gosec // p.rows <= MaxUint32
		next := uint32(0)            // the first local number not yet listed
		end := uint32(s.span.size)   //nolint:gosec // p.rows <= MaxUint32
		if deleted := s.ss.Deleted(); deleted != nil {
			it := deleted.Iterator()
			for it.HasNext() {
				d := it.Next()
				for ; next < d && next < end; next++ {
					c.live = append(c.live, off+next)
				}
				next = max(next, d+1)
			}
		}
		for ; next < end; next++ {
			c.live = append(c.live, off+next)
		}
		if len(c.live) == first {
			continue
		}
		num := c.live[first]
		id = index.NewIndexInternalID(id, uint64(num))
		ext, err := p.reader.ExternalID(id)
		if err != nil {
			return err
		}
		own, err := s.ss.DocID(uint64(num - off))
		if err != nil {
			return err
		}
		if ext != string(own) {
			return fmt.Errorf("%w: document %d is %q in the snapshot, %q in segment %d", errSegmentLayout, num, ext, own, s.span.id)
		}
	}
	if len(c.live) != p.live {
		return fmt.Errorf("%w: %d live documents listed, %d counted", errSegmentLayout, len(c.live), p.live)
	}
	return nil
}
