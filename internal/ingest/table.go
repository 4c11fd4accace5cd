package ingest

import "math/bits"

// idTable is a compact open-addressing hash table keyed by 64-bit hashes
// (of product IDs), with optional 64-bit values. A run keeps the IDs it
// has seen and the stored content hashes in these: at 8 bytes a key (16
// with values), a million products fit in about 21 MB, where
// a Go map takes about twice that. Tables stay at most 3/4 full: linear
// probing past that makes a lookup of an absent key (the common case: a
// new product) walk long runs of slots.
type idTable struct {
	keys []uint64 // 0 marks an empty slot
	vals []uint64 // nil for a set
	n    int
	set  bool
}

func newIDSet() *idTable { return &idTable{set: true} }

// reserve sizes an empty table for about n keys at once, sparing the
// transient double memory of growing through the sizes.
func (t *idTable) reserve(n int) {
	if t.n != 0 || n <= 0 {
		return
	}
	size := max(1024, (n*4/3+1023)/1024*1024)
	if size <= len(t.keys) {
		return
	}
	t.keys = make([]uint64, size)
	if !t.set {
		t.vals = make([]uint64, size)
	}
}

func newIDMap() *idTable { return &idTable{} }

// norm maps the reserved key 0 to another value.
func norm(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

// slot finds k's slot, or the empty slot where it goes. The table's size
// need not be a power of two: the start slot is the high word of the
// mixed key times the size (a multiply-shift range reduction).
func (t *idTable) slot(k uint64) int {
	i := t.start(k)
	for {
		if t.keys[i] == k || t.keys[i] == 0 {
			return i
		}
		if i++; i == len(t.keys) {
			i = 0
		}
	}
}

// start is the first slot where k may be.
func (t *idTable) start(k uint64) int {
	hi, _ := bits.Mul64(k*0x9E3779B97F4A7C15, uint64(len(t.keys)))
	return int(hi) //nolint:gosec // G115: hi < len(t.keys), an int
}

// touch reads the first slot of k, and returns it: a run touches the
// slots of a batch of keys before it looks them up one by one, so that
// their cache misses overlap instead of each lookup waiting for its own.
func (t *idTable) touch(k uint64) uint64 {
	if len(t.keys) == 0 {
		return 0
	}
	return t.keys[t.start(norm(k))]
}

// put sets k to v and reports whether k was there already.
func (t *idTable) put(k, v uint64) bool {
	k = norm(k)
	if (t.n+1)*4 > len(t.keys)*3 {
		t.grow()
	}
	i := t.slot(k)
	had := t.keys[i] == k
	if !had {
		t.keys[i] = k
		t.n++
	}
	if !t.set {
		t.vals[i] = v
	}
	return had
}

// get returns k's value and whether k is there.
func (t *idTable) get(k uint64) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	k = norm(k)
	i := t.slot(k)
	if t.keys[i] != k {
		return 0, false
	}
	if t.set {
		return 0, true
	}
	return t.vals[i], true
}

func (t *idTable) has(k uint64) bool {
	_, ok := t.get(k)
	return ok
}

func (t *idTable) len() int { return t.n }

// each calls fn for every key and value.
func (t *idTable) each(fn func(k, v uint64)) {
	for i, k := range t.keys {
		if k == 0 {
			continue
		}
		var v uint64
		if !t.set {
			v = t.vals[i]
		}
		fn(k, v)
	}
}

func (t *idTable) grow() {
	size := max(1024, 2*len(t.keys))
	old := *t
	t.keys = make([]uint64, size)
	if !t.set {
		t.vals = make([]uint64, size)
	}
	t.n = 0
	old.each(func(k, v uint64) { t.put(k, v) })
}
