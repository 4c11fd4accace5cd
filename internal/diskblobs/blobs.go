// Package diskblobs implements catalog.Blobs on a folder: the embedded
// default's twin of the S3 bucket, with the same key layout. Writes go to a
// temporary file renamed into place, so a reader never sees half a file.
// Every file is reached through an os.Root on the folder, so no key, and no
// symbolic link inside the folder, reaches a file outside it.
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

// Blobs is a catalog.Blobs rooted at a folder. It is safe for concurrent
// use.
type Blobs struct {
	dir  string   // the folder, absolute
	root *os.Root // every access goes through it
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
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "open blob folder")
	}
	return &Blobs{dir: abs, root: root}, nil
}

// Root is the folder that holds the blobs.
func (b *Blobs) Root() string { return b.dir }

// Close releases the folder. Blobs are not usable afterwards.
func (b *Blobs) Close() error { return b.root.Close() }

// name returns the file name of key under the root. os.Root refuses any
// name (through "..", or a link) that would leave the folder; the check
// here refuses the keys no blob may have.
func (b *Blobs) name(key string) (string, error) {
	if !catalog.ValidBlobKey(key) || strings.Contains(key, tmpPrefix) || strings.HasSuffix(key, etagSuffix) {
		return "", catalog.Errorf(catalog.CodeInvalid, "invalid blob key %q", key)
	}
	return filepath.FromSlash(key), nil
}

// Put implements catalog.Blobs. The ETag is the SHA-256 of the content.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader) (catalog.BlobInfo, error) {
	p, err := b.name(key)
	if err != nil {
		return catalog.BlobInfo{}, err
	}
	if err := b.root.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "create blob folder")
	}
	tmpName := filepath.Join(filepath.Dir(p), tmpPrefix+rand.Text())
	tmp, err := b.root.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "create blob")
	}
	defer func() { _ = b.root.Remove(tmpName) }() // fails harmlessly after the rename
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
	if err := b.root.WriteFile(p+etagSuffix, []byte(etag+"\n"+ver), 0o640); err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "write blob etag")
	}
	if err := b.root.Rename(tmpName, p); err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "store blob")
	}
	st, err := b.root.Stat(p)
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
	st, err := b.root.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && st.IsDir()) {
		return catalog.BlobInfo{}, catalog.Errorf(catalog.CodeNotFound, "blob %q not found", key)
	}
	if err != nil {
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "stat blob")
	}
	sum := ""
	side, err := b.root.ReadFile(p + etagSuffix)
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
	p, err := b.name(key)
	if err != nil {
		return nil, catalog.BlobInfo{}, err
	}
	info, err := b.info(key, p)
	if err != nil {
		return nil, catalog.BlobInfo{}, err
	}
	f, err := b.root.Open(p)
	if err != nil {
		return nil, catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "open blob")
	}
	return f, info, nil
}

// Stat implements catalog.Blobs.
func (b *Blobs) Stat(ctx context.Context, key string) (catalog.BlobInfo, error) {
	p, err := b.name(key)
	if err != nil {
		return catalog.BlobInfo{}, err
	}
	return b.info(key, p)
}

// List implements catalog.Blobs. It lists regular files only: a link, even
// one that stays inside the folder, is no blob.
func (b *Blobs) List(ctx context.Context, prefix string) ([]catalog.BlobInfo, error) {
	var out []catalog.BlobInfo
	err := fs.WalkDir(b.root.FS(), ".", func(key string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), tmpPrefix) || strings.HasSuffix(d.Name(), etagSuffix) {
			return nil
		}
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := b.info(key, filepath.FromSlash(key))
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
	p, err := b.name(key)
	if err != nil {
		return err
	}
	for _, f := range []string{p, p + etagSuffix} {
		if err := b.root.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return catalog.Wrap(catalog.CodeInternal, err, "delete blob")
		}
	}
	return nil
}
