package ingest

import (
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// ProductHash is the content hash of everything a buyer can see of p: every
// field except ID, Source, Hash, UpdatedAt and Version. Equal hashes mean
// an unchanged product, which is not written again.
func ProductHash(p catalog.Product) string {
	var h hashBuf
	return h.productHash(&p)
}

// productHash is ProductHash reusing h's buffer (one hashBuf per
// goroutine).
func (h *hashBuf) productHash(p *catalog.Product) string {
	return hashString(h.productSum(p))
}

// hashString is the hex form of a product hash, as stored.
func hashString(sum uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], sum)
	return hex.EncodeToString(b[:])
}

// productSum is the 64-bit product hash that hashString writes out, and
// whose first 64 bits contentHash64 reads back (| 1).
func (h *hashBuf) productSum(p *catalog.Product) uint64 {
	h.b = h.b[:0]
	h.str("v1")
	// The quality rules' version: products scored by other rules are
	// written again, with their new score.
	h.str(analysis.RulesVersion)
	h.str(p.Partner)
	h.str(p.Key)
	h.str(p.SKU)
	h.str(p.Name)
	h.str(p.Description)
	h.str(p.Brand)
	h.strs(p.Category)
	h.money(p.Price)
	h.str(p.GTIN)
	h.str(p.SupplierRef)
	h.strs(p.Images)
	h.num(int64(p.MOQ))
	h.str(p.Unit)
	h.num(int64(p.LeadTimeDays))
	h.str(p.Origin)
	h.dict(p.Attributes)
	h.num(int64(len(p.Variants)))
	for _, v := range p.Variants {
		h.str(v.SKU)
		h.str(v.GTIN)
		h.dict(v.Options)
		h.money(v.Price)
		h.str(v.Image)
	}
	// Added after the first stored hashes: only a said availability counts,
	// so products without one keep their hash.
	if p.Availability != "" {
		h.str("availability")
		h.str(p.Availability)
	}
	// Added after the first stored hashes: only a said tax basis counts,
	// so products without one keep their hash.
	if p.TaxBasis != "" {
		h.str("tax")
		h.str(p.TaxBasis)
	}
	if p.Free {
		h.str("free")
	}
	// Added later too: products without tiers keep their hash.
	if len(p.Tiers) > 0 {
		h.str("tiers")
		h.num(int64(len(p.Tiers)))
		for _, t := range p.Tiers {
			h.num(int64(t.MinQty))
			h.money(&t.Price)
		}
	}
	// 64 bits from two hardware-assisted checksums (CRC-32C and
	// CRC-32/IEEE): the delta compares 64 bits, and an accidental change
	// goes unseen with odds of 2^-64. It is not a defence against a
	// partner crafting collisions, which could only hide that partner's
	// own edit. It costs a fraction of SHA-256, which matters at a million
	// rows; the file as a whole still gets a SHA-256.
	return uint64(crc32.Checksum(h.b, castagnoli()))<<32 | uint64(crc32.ChecksumIEEE(h.b))
}

// hashBuf is the unambiguous encoding ProductHash checksums: every string
// length-prefixed, every list counted, maps in key order.
type hashBuf struct{ b []byte }

func (h *hashBuf) str(s string) {
	h.b = binary.AppendUvarint(h.b, uint64(len(s)))
	h.b = append(h.b, s...)
}

func (h *hashBuf) num(n int64) { h.b = binary.AppendVarint(h.b, n) }

func (h *hashBuf) money(m *catalog.Money) {
	if m == nil {
		h.str("")
		return
	}
	h.b = binary.AppendVarint(h.b, m.Amount.Units)
	h.b = append(h.b, m.Amount.Scale)
	h.str(m.Currency)
}

func (h *hashBuf) strs(ss []string) {
	h.num(int64(len(ss)))
	for _, s := range ss {
		h.str(s)
	}
}

func (h *hashBuf) dict(m map[string]string) {
	h.num(int64(len(m)))
	if len(m) == 0 {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		h.str(k)
		h.str(m[k])
	}
}

// castagnoli is the CRC-32C table, made once and only read.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// idHash is a 64-bit hash of a product ID, for the sets of a run: a
// million products fit in a few tens of MB.
func idHash(id string) uint64 {
	return fnvAdd(fnvOffset, id)
}

// productIDHash is idHash(catalog.ProductID(partner, key)), without
// making the ID.
func productIDHash(partner, key string) uint64 {
	return fnvAdd(fnvAdd(fnvAdd(fnvOffset, partner), ":"), key)
}

// FNV-1a, 64 bits, as hash/fnv computes it, without its allocations.
const fnvOffset = 14695981039346656037

func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// contentHash64 is the first 64 bits of a hex content hash; 0 when absent.
func contentHash64(hash string) uint64 {
	if len(hash) < 16 {
		return 0
	}
	n, err := strconv.ParseUint(hash[:16], 16, 64)
	if err != nil {
		return 0
	}
	return n | 1 // never 0, which means "no hash"
}
