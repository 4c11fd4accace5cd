package ingest

import (
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"hash/crc64"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// ProductHash is the content hash of everything a buyer can see of p: every
// field except ID, Source, Hash, UpdatedAt and Version. Equal hashes mean
// an unchanged product, which is not written again.
func ProductHash(p catalog.Product) string {
	buf := make([]byte, 0, 1024)
	str := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	num := func(n int64) {
		buf = binary.AppendVarint(buf, n)
	}
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
		if len(m) == 0 {
			return
		}
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
	// 128 bits from three hardware-assisted checksums: this detects
	// changes (it is not a defence against a partner crafting collisions,
	// which would only hide that partner's own edit) at a fraction of
	// SHA-256's cost, which matters at a million rows.
	var sum [16]byte
	binary.BigEndian.PutUint64(sum[:8], crc64.Checksum(buf, crcTable()))
	binary.BigEndian.PutUint32(sum[8:12], crc32.Checksum(buf, castagnoli()))
	binary.BigEndian.PutUint32(sum[12:], crc32.ChecksumIEEE(buf))
	return hex.EncodeToString(sum[:])
}

var (
	crcTable   = sync.OnceValue(func() *crc64.Table { return crc64.MakeTable(crc64.ECMA) })
	castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })
)

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
