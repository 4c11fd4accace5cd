// Command itemsize measures the DynamoDB items a first ingest of a
// generated catalog writes, for the cost of a big catalog in
// docs/deploy.md ("Cost of a 1,000,000-product catalog"): it generates an
// N-row CSV (internal/demogen, 1% defective rows as the benchmarks use),
// ingests it into the embedded store (the same ingest code as the Lambda,
// the same catalog.Product JSON as the table's doc attribute), then sizes
// each product item, change item and price point item as
// internal/dynamostore lays them out, by DynamoDB's item size rules:
// attribute names plus values, strings in UTF-8 bytes, numbers about one
// byte per two significant digits plus one. It prints the averages, the
// write units (one per started KB of each item) and the read units of
// reading every product back (strongly consistent Query: 4 KB units over
// the bytes of the items read).
//
//	go run ./bench/itemsize [-n 100000] [-profile fr-office]
//
// The layout is copied from internal/dynamostore (keys, attributes); a
// change there must be made here too.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

const partner = "bench"

func main() {
	n := flag.Int("n", 100000, "rows of the generated catalog")
	profile := flag.String("profile", "", "demogen profile (default fr-office)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *n, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "itemsize:", err)
		os.Exit(1)
	}
}

// tally sums the sizes of one kind of item.
type tally struct {
	items, bytes, wcu, largest int
}

func (t *tally) add(size int) {
	t.items++
	t.bytes += size
	t.wcu += writeUnits(size)
	t.largest = max(t.largest, size)
}

func (t tally) line(w io.Writer, name string) {
	if t.items == 0 {
		fmt.Fprintf(w, "| %s | 0 | | | | |\n", name)
		return
	}
	fmt.Fprintf(w, "| %s | %d | %.0f B | %d B | %.3f | %.1f%% |\n", name, t.items,
		float64(t.bytes)/float64(t.items), t.largest, float64(t.wcu)/float64(t.items),
		100*float64(t.wcu-t.items)/float64(t.items))
}

func run(ctx context.Context, out io.Writer, rows int, profile string) error {
	dir, err := os.MkdirTemp("", "itemsize-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(filepath.Join(dir, "c.db"), boltstore.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	blobs, err := diskblobs.New(filepath.Join(dir, "blobs"))
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := demogen.Write(ctx, pw, demogen.FormatCSV, demogen.Options{Seed: 1, Rows: rows, Profile: profile, DefectRate: 0.01})
		pw.CloseWithError(err)
	}()
	key := contract.IncomingPrefix + partner + "/catalog.csv"
	info, err := blobs.Put(ctx, key, pr)
	if err != nil {
		return err
	}
	c, err := ingest.New(ingest.Deps{Store: st, Blobs: blobs, TempDir: dir}).
		Ingest(ctx, ingest.Request{Partner: partner, Key: key, Mode: catalog.ModeFull})
	if err != nil {
		return err
	}
	if c.Status != catalog.StatusDone || c.Report == nil {
		return fmt.Errorf("ingest ended %s", c.Status)
	}
	var products, changes, prices tally
	for p, err := range st.Products(ctx, partner) {
		if err != nil {
			return err
		}
		size, err := productItemSize(p)
		if err != nil {
			return err
		}
		products.add(size)
	}
	for after := ""; ; {
		page, err := st.CatalogChanges(ctx, c.ID, after, catalog.MaxChangesPage)
		if err != nil {
			return err
		}
		for _, ch := range page.Changes {
			size, err := changeItemSize(ch)
			if err != nil {
				return err
			}
			changes.add(size)
			if pt, ok := ch.PricePoint(); ok {
				size, err := priceItemSize(ch.ProductID, pt)
				if err != nil {
					return err
				}
				prices.add(size)
			}
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	r := c.Report
	fmt.Fprintf(out, "Generated CSV: %d rows, %d bytes (%.0f B a row); report: %d rows, %d accepted, %d rejected, %d products, %d created.\n\n",
		rows, info.Size, float64(info.Size)/float64(rows), r.Rows, r.Accepted, r.Rejected, r.Products, r.Created)
	fmt.Fprintln(out, "| item | count | average size | largest | WCU per item | items over 1 KB (extra WCU) |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|")
	products.line(out, "product (pk, sk, doc, v, h)")
	changes.line(out, "change (H#catalog#shard, product, doc, ttl)")
	prices.line(out, "price point (R#product, time#catalog, doc, ttl)")
	writes := products.wcu + changes.wcu + prices.wcu
	fmt.Fprintf(out, "\nWrite units of the first ingest: %d (%.3f per product)\n", writes, float64(writes)/float64(products.items))
	// Reading every product back: the ingest's strongly consistent Query of
	// the partner's shards counts the bytes of the items it reads in 4 KB
	// units (per page; the rounding per page is negligible).
	rru := (products.bytes + 4095) / 4096
	fmt.Fprintf(out, "Read units of reading the products back (consistent Query): %d (%.3f per product)\n", rru, float64(rru)/float64(products.items))
	return nil
}

// writeUnits is the write request units of writing one item of size bytes
// (standard writes: one per started KB).
func writeUnits(size int) int { return (size + 1023) / 1024 }

// stringAttr is the size of a string attribute: its name and its UTF-8 bytes.
func stringAttr(name, value string) int { return len(name) + len(value) }

// numberAttr is the size of a number attribute written as digits: its
// name, one byte per two significant digits (leading and trailing zeros
// trimmed), and one.
func numberAttr(name, digits string) int {
	d := strings.TrimLeft(strings.TrimPrefix(digits, "-"), "0")
	if i := strings.IndexByte(d, '.'); i >= 0 {
		d = strings.TrimRight(d[:i]+d[i+1:], "0")
		d = strings.TrimLeft(d, "0")
	} else {
		d = strings.TrimRight(d, "0")
	}
	return len(name) + (len(d)+1)/2 + 1
}

// productItemSize is the size of p's item as dynamostore.PutProducts
// writes it on a first ingest (version 1).
func productItemSize(p catalog.Product) (int, error) {
	p.Version = 1
	doc, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	pk := fmt.Sprintf("P#%s#%02x", partner, shardOf(p.ID))
	size := stringAttr(contract.TablePartitionKey, pk) + stringAttr(contract.TableSortKey, p.ID) +
		stringAttr("doc", string(doc)) + numberAttr("v", "1")
	if p.Hash != "" {
		size += stringAttr("h", p.Hash)
	}
	return size, nil
}

// shardOf is the product shard of a product id (16 shards).
func shardOf(id string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return h.Sum32() % 16
}

// ttlAttr is the history items' expiry (epoch seconds; HISTORY_TTL_DAYS is
// set in every stage).
func ttlAttr() int {
	return numberAttr(contract.TableTTLAttribute, strconv.FormatInt(time.Now().Add(90*24*time.Hour).Unix(), 10))
}

// changeItemSize is the size of a change item (dynamostore.PutChanges).
func changeItemSize(ch catalog.ProductChange) (int, error) {
	doc, err := json.Marshal(ch)
	if err != nil {
		return 0, err
	}
	pk := fmt.Sprintf("H#%s#%02x", ch.CatalogID, shardOf(ch.ProductID))
	return stringAttr(contract.TablePartitionKey, pk) + stringAttr(contract.TableSortKey, ch.ProductID) +
		stringAttr("doc", string(doc)) + ttlAttr(), nil
}

// priceItemSize is the size of a price point item (dynamostore.PutChanges).
func priceItemSize(productID string, pt catalog.PricePoint) (int, error) {
	doc, err := json.Marshal(pt)
	if err != nil {
		return 0, err
	}
	sk := pt.At.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") + "#" + pt.CatalogID
	return stringAttr(contract.TablePartitionKey, "R#"+productID) + stringAttr(contract.TableSortKey, sk) +
		stringAttr("doc", string(doc)) + ttlAttr(), nil
}
