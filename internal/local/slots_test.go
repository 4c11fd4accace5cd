package local_test

import (
	"context"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// TestRunDeletesExpiredUnusedSlots: at start, Run deletes the record of an
// upload slot nobody used that expired over a day ago, and keeps a fresh
// one (on AWS the table's TTL does it).
func TestRunDeletesExpiredUnusedSlots(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up, err := intake.NewLocalUploads()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	old, err := intake.NewUpload(ctx, s.Store, now.Add(-intake.UploadTTL-catalog.SlotRecordGrace-time.Minute), intake.UploadRequest{Partner: "acme", File: "old.csv"}, up, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := intake.NewUpload(ctx, s.Store, now, intake.UploadRequest{Partner: "acme", File: "new.csv"}, up, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	giveUp := time.After(time.Minute)
	for {
		_, err := s.Store.GetCatalog(ctx, old.CatalogID)
		if catalog.IsNotFound(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-giveUp:
			t.Fatal("the expired slot's record is still there")
		}
	}
	if _, err := s.Store.GetCatalog(ctx, fresh.CatalogID); err != nil {
		t.Fatalf("the fresh slot's record: %v", err)
	}
	cancel()
	<-done
}
