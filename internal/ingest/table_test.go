package ingest

import (
	"hash/fnv"
	"math/rand/v2"
	"testing"
)

func TestIDTable(t *testing.T) {
	m, s := newIDMap(), newIDSet()
	ref := map[uint64]uint64{}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50000 {
		k := r.Uint64() % 20000 // many repeats
		if i%97 == 0 {
			k = 0 // the reserved key works too
		}
		v := r.Uint64()
		_, had := ref[norm(k)]
		if got := m.put(k, v); got != had {
			t.Fatalf("put(%d) had = %v, want %v", k, got, had)
		}
		s.put(k, 0)
		ref[norm(k)] = v
	}
	if m.len() != len(ref) || s.len() != len(ref) {
		t.Fatalf("len %d %d, want %d", m.len(), s.len(), len(ref))
	}
	for k, v := range ref {
		if got, ok := m.get(k); !ok || got != v || !s.has(k) {
			t.Fatalf("get(%d) = %d, %v; want %d", k, got, ok, v)
		}
	}
	if m.has(1<<63+12345) || newIDSet().has(5) {
		t.Fatal("absent key found")
	}
	n := 0
	m.each(func(k, v uint64) {
		n++
		if ref[k] != v {
			t.Fatalf("each: %d -> %d", k, v)
		}
	})
	if n != len(ref) {
		t.Fatalf("each visited %d", n)
	}
}

// TestIDHash keeps idHash equal to hash/fnv's FNV-1a: the sets of a run
// compare it with the hashes of stored IDs.
func TestIDHash(t *testing.T) {
	for _, id := range []string{"", "p:1", "bench:BP-100001", "partenaire:Référence été"} {
		h := fnv.New64a()
		_, _ = h.Write([]byte(id))
		if got, want := idHash(id), h.Sum64(); got != want {
			t.Errorf("idHash(%q) = %x, want %x", id, got, want)
		}
	}
}
