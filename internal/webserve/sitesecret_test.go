package webserve_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/webserve"
)

func TestSiteSecret(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := webserve.SiteSecret(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if key, err := base64.StdEncoding.DecodeString(first); err != nil || len(key) != 32 {
		t.Fatalf("secret %q: want base64 of 32 bytes (%v)", first, err)
	}
	fi, err := os.Stat(filepath.Join(dir, "site-secret"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("site-secret mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := webserve.SiteSecret(ctx, dir)
	if err != nil || again != first {
		t.Errorf("restart: %q, %v; want the same secret %q", again, err, first)
	}
	other, err := webserve.SiteSecret(ctx, t.TempDir())
	if err != nil || other == first {
		t.Errorf("another data folder: %q, %v; want a secret of its own", other, err)
	}

	for name, content := range map[string]string{
		"not base64": "not base64 at all!!\n",
		"too short":  base64.StdEncoding.EncodeToString(make([]byte, 16)) + "\n",
		"empty":      "",
	} {
		t.Run(name, func(t *testing.T) {
			bad := t.TempDir()
			path := filepath.Join(bad, "site-secret")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := webserve.SiteSecret(ctx, bad)
			if catalog.CodeOf(err) != catalog.CodeInvalid {
				t.Fatalf("err %v, want code invalid", err)
			}
			if b, _ := os.ReadFile(path); string(b) != content {
				t.Error("a malformed secret file must not be replaced")
			}
		})
	}
}
