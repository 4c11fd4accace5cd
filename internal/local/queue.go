package local

import (
	"sync"
)

// MaxQueuedPerPartner is how many of one partner's files may wait for
// ingest; an upload past it is refused (CodeUnavailable, retry later)
// before it is stored, so nothing accepted is ever dropped.
const MaxQueuedPerPartner = 256

// ingestQueue is the local twin of the SQS ingest queue. A key is a few
// bytes, so it holds every file it accepted; it serves partners in turn
// (one file each, round robin), so that one partner's many files never
// make another's wait behind all of them, and a key queued twice is
// queued once.
type ingestQueue struct {
	mu      sync.Mutex
	pending map[string][]task // partner -> its files, in arrival order
	turn    []string          // partners with pending files, next first
	queued  map[string]bool   // keys in pending
	ready   chan struct{}     // signalled on push
}

// task is one file to ingest; takeOver says that a catalog of it left in
// processing belongs to a run that died (see ingest.Request.TakeOver).
type task struct {
	key      string
	takeOver bool
}

func newIngestQueue() *ingestQueue {
	return &ingestQueue{pending: map[string][]task{}, queued: map[string]bool{}, ready: make(chan struct{}, 1)}
}

// full reports whether partner has MaxQueuedPerPartner files waiting.
func (q *ingestQueue) full(partner string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending[partner]) >= MaxQueuedPerPartner
}

// push queues t for partner; a key already waiting is not queued again.
func (q *ingestQueue) push(partner string, t task) {
	q.mu.Lock()
	if !q.queued[t.key] {
		q.queued[t.key] = true
		if len(q.pending[partner]) == 0 {
			q.turn = append(q.turn, partner)
		}
		q.pending[partner] = append(q.pending[partner], t)
	}
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop returns the next file: the oldest of the partner whose turn it is.
func (q *ingestQueue) pop() (task, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.turn) == 0 {
		return task{}, false
	}
	partner := q.turn[0]
	q.turn = q.turn[1:]
	files := q.pending[partner]
	t := files[0]
	if len(files) == 1 {
		delete(q.pending, partner)
	} else {
		q.pending[partner] = files[1:]
		q.turn = append(q.turn, partner) // back of the line
	}
	delete(q.queued, t.key)
	return t, true
}

// Len is the number of files waiting.
func (q *ingestQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queued)
}

// imageQueue is the local twin of the images queue: runs of the image
// fetcher waiting, one per partner. A run works over all of the partner's
// products as they are when it starts, so a run already waiting for a
// partner covers every later catalog of that partner: queuing one only
// moves the waiting run's catalog (the one its report is recorded on) to
// the newest. It holds at most one entry per partner and so never has to
// drop one.
type imageQueue struct {
	mu      sync.Mutex
	pending map[string]string // partner -> the catalog its waiting run reports on
	turn    []string          // partners with a waiting run, oldest first
	ready   chan struct{}     // signalled on push
}

func newImageQueue() *imageQueue {
	return &imageQueue{pending: map[string]string{}, ready: make(chan struct{}, 1)}
}

// push queues a run for partner reporting on catalog id, or moves the run
// already waiting for partner to id.
func (q *imageQueue) push(partner, id string) {
	q.mu.Lock()
	if _, waiting := q.pending[partner]; !waiting {
		q.turn = append(q.turn, partner)
	}
	q.pending[partner] = id
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop returns the catalog of the oldest waiting run.
func (q *imageQueue) pop() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.turn) == 0 {
		return "", false
	}
	partner := q.turn[0]
	q.turn = q.turn[1:]
	id := q.pending[partner]
	delete(q.pending, partner)
	return id, true
}

// Len is the number of runs waiting.
func (q *imageQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.turn)
}
