package local_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

func smallCSV(prefix string, rows int) string {
	var b strings.Builder
	b.WriteString("sku,name,price\n")
	for i := range rows {
		fmt.Fprintf(&b, "%s-%d,Stylo %d,1.50\n", prefix, i, i)
	}
	return b.String()
}

// run starts s.Run and returns a stop that waits for it.
func run(t *testing.T, s *local.Stack) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	return func() { cancel(); <-done }
}

// waitCatalogs waits until partner has want catalogs, all finished, and
// returns them.
func waitCatalogs(t *testing.T, s *local.Stack, partner string, want int, within time.Duration) []catalog.Catalog {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		cs, err := s.Store.ListCatalogs(context.Background(), partner, 0)
		if err != nil {
			t.Fatal(err)
		}
		finished := 0
		for _, c := range cs {
			if c.Status != catalog.StatusReceived && c.Status != catalog.StatusProcessing {
				finished++
			}
		}
		if finished == want && len(cs) == want {
			return cs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d catalogs, %d finished, want %d finished", partner, len(cs), finished, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEveryAcceptedUploadIsIngested: more uploads than the old queue had
// slots (64), put before the worker runs, are all ingested.
func TestEveryAcceptedUploadIsIngested(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	const files = 100
	for i := range files {
		if _, err := s.Blobs.Put(ctx, intake.IncomingKey("acme", fmt.Sprintf("f%03d.csv", i)), strings.NewReader(smallCSV(fmt.Sprint(i), 2))); err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
	}
	defer run(t, s)()
	for _, c := range waitCatalogs(t, s, "acme", files, 60*time.Second) {
		// Each file is a full catalog of other products: past the first,
		// the removal guard holds them; every one was read whole.
		if (c.Status != catalog.StatusDone && c.Status != catalog.StatusNeedsConfirmation) || c.Report.Accepted != 2 {
			t.Fatalf("%s: %s (%+v)", c.File, c.Status, c.Report)
		}
	}
}

// TestFilesWithoutAFinishedCatalogArePickedUpAtStart: a file stored with no
// catalog (its event was lost with the process) and a catalog left in
// processing by a killed run, with part of its products written and a
// fresh heartbeat, are both finished by the next start.
func TestFilesWithoutAFinishedCatalogArePickedUpAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	lost := intake.IncomingKey("acme", "lost.csv")
	// The event of this file died with the process: the blob is there, no catalog.
	if err := putQuiet(ctx, s, lost, smallCSV("L", 5)); err != nil {
		t.Fatal(err)
	}
	// This one was being ingested when the process was killed.
	killed := intake.IncomingKey("bravo", "killed.csv")
	if err := putQuiet(ctx, s, killed, smallCSV("K", 50)); err != nil {
		t.Fatal(err)
	}
	info, err := s.Blobs.Stat(ctx, killed)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	dead := catalog.Catalog{ID: ingest.CatalogID("bravo", killed, info), Partner: "bravo", Key: killed, File: "killed.csv",
		Mode: catalog.ModeFull, Status: catalog.StatusProcessing, ReceivedAt: now.Add(-time.Second), HeartbeatAt: now}
	if err := s.Store.CreateCatalog(ctx, dead); err != nil {
		t.Fatal(err)
	}
	partial := []catalog.Product{{ID: "bravo:K-0", Partner: "bravo", Key: "K-0", Name: "Stylo 0"}}
	if _, err := s.Store.PutProducts(ctx, partial); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, dir)
	defer s.Close()
	defer run(t, s)()
	if cs := waitCatalogs(t, s, "acme", 1, 30*time.Second); cs[0].Status != catalog.StatusDone || cs[0].Report.Created != 5 {
		t.Fatalf("the lost file: %+v", cs[0])
	}
	cs := waitCatalogs(t, s, "bravo", 1, 30*time.Second)
	if c := cs[0]; c.ID != dead.ID || c.Status != catalog.StatusDone || c.Report.Accepted != 50 {
		t.Fatalf("the killed run: %+v %+v", c, c.Report)
	}
}

// TestFairSchedulingPerPartner: a partner who queued many files does not
// make another partner's single file wait behind all of them.
func TestFairSchedulingPerPartner(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	for i := range 6 {
		if _, err := s.Blobs.Put(ctx, intake.IncomingKey("busy", fmt.Sprintf("f%d.csv", i)), strings.NewReader(smallCSV(fmt.Sprint(i), 200))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Blobs.Put(ctx, intake.IncomingKey("quiet", "one.csv"), strings.NewReader(smallCSV("q", 2))); err != nil {
		t.Fatal(err)
	}
	defer run(t, s)()
	busy := waitCatalogs(t, s, "busy", 6, 60*time.Second)
	quiet := waitCatalogs(t, s, "quiet", 1, 10*time.Second)[0]
	before := 0
	for _, c := range busy {
		if c.FinishedAt.Before(quiet.FinishedAt) {
			before++
		}
	}
	if before > 1 {
		t.Fatalf("the quiet partner's file waited for %d of the busy partner's files, want at most 1", before)
	}
}

// putQuiet stores a file under incoming/ without the event a Put sends,
// as a process killed right after storing it leaves it.
func putQuiet(ctx context.Context, s *local.Stack, key, content string) error {
	_, err := s.Disk().Put(ctx, key, strings.NewReader(content))
	return err
}
