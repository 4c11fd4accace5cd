// Package diskblobs implements catalog.Blobs on a folder: the embedded
// default's twin of the S3 bucket, with the same key layout. Writes go to a
// temporary file renamed into place, so a reader never sees half a file.
package diskblobs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

var _ catalog.Blobs = (*Blobs)(nil)

// tmpPrefix marks files being written; List never shows them.
const tmpPrefix = ".tmp-"

// etagSuffix names the sidecar file that keeps a blob's content hash and,
// on a second line, the version of its upload.
const etagSuffix = ".etag"

// Blobs is a catalog.Blobs rooted at a folder.
type Blobs struct {
	root string
}

// New returns Blobs rooted at dir, creating it if needed.
func New(dir string) (*Blobs, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "create blob folder")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "resolve blob folder")
	}
	return &Blobs{root: abs}, nil
}

// Root is the folder that holds the blobs.
func (b *Blobs) Root() string { return b.root }

func (b *Blobs) path(key string) (string, error) {
	if !catalog.ValidBlobKey(key) || strings.Contains(key, tmpPrefix) || strings.HasSuffix(key, etagSuffix) {
		return "", catalog.Errorf(catalog.CodeInvalid, "invalid blob key %q", key)
	}
	return filepath.Join(b.root, filepath.FromSlash(key)), nil
}

// Put implements catalog.Blobs. The ETag is the SHA-256 of the content.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader) (catalog.BlobInfo, error) {
	p, err := b.path(key)
	if err != nil {
		return catalog.BlobInfo{}, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "create blob folder")
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), tmpPrefix+"*")
	if err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "create blob")
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), contextReader{ctx, r})
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return catalog.BlobInfo{}, ctx.Err()
		}
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "write blob")
	}
	etag := hex.EncodeToString(h.Sum(nil))
	// A random version: file times are too coarse to tell two quick
	// uploads of identical content apart.
	ver := rand.Text()
	if err := os.WriteFile(p+etagSuffix, []byte(etag+"\n"+ver), 0o640); err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "write blob etag")
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "store blob")
	}
	st, err := os.Stat(p)
	if err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "stat blob")
	}
	return catalog.BlobInfo{Key: key, Size: n, ModTime: st.ModTime().UTC(), ETag: etag, Version: ver, SHA256: etag}, nil
}

type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (b *Blobs) info(key, p string) (catalog.BlobInfo, error) {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && st.IsDir()) {
		return catalog.BlobInfo{}, catalog.Errorf(catalog.CodeNotFound, "blob %q not found", key)
	}
	if err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "stat blob")
	}
	sum := ""
	side, err := os.ReadFile(p + etagSuffix)
	if err != nil { // a file dropped into the folder by hand: derive its tag
		side = []byte(st.ModTime().UTC().Format("20060102T150405.000000000") + "-" + strconv.FormatInt(st.Size(), 10))
	}
	etag, ver, ok := strings.Cut(string(side), "\n")
	if err == nil {
		sum = etag // Put's ETag is the content's SHA-256
	}
	if !ok { // no version recorded: the modification time in nanoseconds
		ver = strconv.FormatInt(st.ModTime().UnixNano(), 10)
	}
	return catalog.BlobInfo{Key: key, Size: st.Size(), ModTime: st.ModTime().UTC(), ETag: etag, Version: ver, SHA256: sum}, nil
}

// Open implements catalog.Blobs.
func (b *Blobs) Open(ctx context.Context, key string) (io.ReadCloser, catalog.BlobInfo, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, catalog.BlobInfo{}, err
	}
	info, err := b.info(key, p)
	if err != nil {
		return nil, catalog.BlobInfo{}, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "open blob")
	}
	return f, info, nil
}

// Stat implements catalog.Blobs.
func (b *Blobs) Stat(ctx context.Context, key string) (catalog.BlobInfo, error) {
	p, err := b.path(key)
	if err != nil {
		return catalog.BlobInfo{}, err
	}
	return b.info(key, p)
}

// List implements catalog.Blobs.
func (b *Blobs) List(ctx context.Context, prefix string) ([]catalog.BlobInfo, error) {
	var out []catalog.BlobInfo
	err := filepath.WalkDir(b.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), tmpPrefix) || strings.HasSuffix(d.Name(), etagSuffix) {
			return nil
		}
		rel, err := filepath.Rel(b.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := b.info(key, p)
		if err != nil {
			return err
		}
		out = append(out, info)
		return nil
	})
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "list blobs")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete implements catalog.Blobs.
func (b *Blobs) Delete(ctx context.Context, key string) error {
	p, err := b.path(key)
	if err != nil {
		return err
	}
	for _, f := range []string{p, p + etagSuffix} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return catalog.Wrap(catalog.CodeInternal, err, "delete blob")
		}
	}
	return nil
}
