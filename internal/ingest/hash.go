package ingest

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// ProductHash is the content hash of everything a buyer can see of p: every
// field except ID, Source, Hash, UpdatedAt and Version. Equal hashes mean
// an unchanged product, which is not written again.
func ProductHash(p catalog.Product) string {
	h := sha256.New()
	var buf []byte
	str := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		_, _ = h.Write(buf)
		_, _ = h.Write([]byte(s))
	}
	num := func(n int64) { str(strconv.FormatInt(n, 10)) }
	money := func(m *catalog.Money) {
		if m == nil {
			str("")
			return
		}
		str(m.Amount.String() + " " + m.Currency)
	}
	strs := func(ss []string) {
		num(int64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	dict := func(m map[string]string) {
		num(int64(len(m)))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			str(k)
			str(m[k])
		}
	}
	str("v1")
	str(p.Partner)
	str(p.Key)
	str(p.SKU)
	str(p.Name)
	str(p.Description)
	str(p.Brand)
	strs(p.Category)
	money(p.Price)
	str(p.GTIN)
	str(p.SupplierRef)
	strs(p.Images)
	num(int64(p.MOQ))
	str(p.Unit)
	num(int64(p.LeadTimeDays))
	str(p.Origin)
	dict(p.Attributes)
	num(int64(len(p.Variants)))
	for _, v := range p.Variants {
		str(v.SKU)
		str(v.GTIN)
		dict(v.Options)
		money(v.Price)
		str(v.Image)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// idHash is a 64-bit hash of a product ID, for the sets of a run: a
// million products fit in a few tens of MB.
func idHash(id string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return h.Sum64()
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
