package s3blobs_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/s3blobs"
)

var moto *awstest.Moto

func TestMain(m *testing.M) {
	os.Exit(awstest.MainMoto(m, func(srv *awstest.Moto) int {
		moto = srv
		return m.Run()
	}))
}

var bucketSeq atomic.Int64

func newBlobs(t *testing.T) (*s3blobs.Blobs, *s3.Client, string) {
	t.Helper()
	awstest.Require(t, moto)
	client := awstest.S3Client(moto.Config())
	bucket := fmt.Sprintf("b%d-%d", time.Now().UnixNano(), bucketSeq.Add(1))
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	return s3blobs.New(client, bucket, s3blobs.Options{}), client, bucket
}

func TestConformance(t *testing.T) {
	catalogtest.TestBlobs(t, func(t *testing.T) catalog.Blobs {
		b, _, _ := newBlobs(t)
		return b
	})
}

func TestOpenInMissingBucketIsNotNotFound(t *testing.T) {
	awstest.Require(t, moto)
	b := s3blobs.New(awstest.S3Client(moto.Config()), "no-such-bucket", s3blobs.Options{})
	_, _, err := b.Open(t.Context(), "incoming/p/x.csv")
	if code := catalog.CodeOf(err); code != catalog.CodeInternal {
		t.Fatalf("missing bucket: code %q (%v), want internal: a misconfiguration is no missing file", code, err)
	}
}

// TestPresignedPostUpload posts a file the way a partner's browser does,
// with the returned form fields, and reads it back; the policy carries the
// size range and expiry that S3 enforces.
func TestPresignedPostUpload(t *testing.T) {
	b, _, _ := newBlobs(t)
	ctx := t.Context()
	const key = "incoming/acme/été 2026.csv"
	up, err := b.PresignUpload(ctx, key, 1<<20, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if up.Method != "POST" || up.MaxBytes != 1<<20 || time.Until(up.ExpiresAt) > 10*time.Minute || time.Until(up.ExpiresAt) < 9*time.Minute {
		t.Fatalf("upload %+v", up)
	}
	raw, err := base64.StdEncoding.DecodeString(up.Fields["policy"])
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatal(err)
	}
	exp, err := time.Parse(time.RFC3339, policy.Expiration)
	if err != nil || exp.Sub(up.ExpiresAt).Abs() > 2*time.Second {
		t.Fatalf("policy expiration %q (%v), want about %v", policy.Expiration, err, up.ExpiresAt)
	}
	if !strings.Contains(string(raw), `["content-length-range",1,1048576]`) {
		t.Fatalf("policy lacks the size range: %s", raw)
	}

	content := "sku;name\nA;Chaise\n"
	slot := intake.Upload{Method: up.Method, URL: up.URL, Fields: up.Fields}
	if err := slot.Send(ctx, http.DefaultClient, up.URL, "été 2026.csv", strings.NewReader(content)); err != nil {
		t.Fatalf("POST upload: %v", err)
	}
	rc, info, err := b.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, _ := io.ReadAll(rc)
	if string(got) != content || info.Size != int64(len(content)) {
		t.Fatalf("uploaded content %q (size %d)", got, info.Size)
	}
}

// TestPresignedDownload reads a file through a presigned GET with a plain
// HTTP client (no credentials), as a browser does after the API's
// redirect, and gets it as a named CSV attachment; the URL expires.
func TestPresignedDownload(t *testing.T) {
	b, _, _ := newBlobs(t)
	ctx := t.Context()
	const key = "reports/c1/rejected.csv"
	if _, err := b.Put(ctx, key, strings.NewReader("ingest_error,sku\nbad_price: x,A\n")); err != nil {
		t.Fatal(err)
	}
	u, err := b.PresignDownload(ctx, key, `c1 "x"-rejected.csv`, "text/csv; charset=utf-8", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Query().Get("X-Amz-Expires") != "300" || parsed.Query().Get("X-Amz-Signature") == "" {
		t.Fatalf("presigned GET %q: %v", u, err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ingest_error,sku\nbad_price: x,A\n" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="c1__x_-rejected.csv"` ||
		resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("GET: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	if _, err := b.PresignDownload(ctx, "../x", "x.csv", "text/csv", time.Minute); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Fatalf("bad key: %v", err)
	}
}

func TestPresignRejects(t *testing.T) {
	b, _, _ := newBlobs(t)
	for _, tt := range []struct {
		key     string
		max     int64
		expiry  time.Duration
		wantErr catalog.Code
	}{
		{"../x", 10, time.Minute, catalog.CodeInvalid},
		{"incoming/p/x.csv", 0, time.Minute, catalog.CodeInvalid},
		{"incoming/p/x.csv", 10, 0, catalog.CodeInvalid},
	} {
		if _, err := b.PresignUpload(t.Context(), tt.key, tt.max, tt.expiry); catalog.CodeOf(err) != tt.wantErr {
			t.Errorf("PresignUpload(%q, %d, %v) = %v, want %s", tt.key, tt.max, tt.expiry, err, tt.wantErr)
		}
	}
}

func TestEventKey(t *testing.T) {
	tests := []struct {
		raw, want string
		code      catalog.Code
	}{
		{"incoming/acme/catalog.csv", "incoming/acme/catalog.csv", ""},
		{"incoming/acme/%C3%A9t%C3%A9+2026.csv", "incoming/acme/été 2026.csv", ""},
		{"incoming/acme/a%2Bb.csv", "incoming/acme/a+b.csv", ""},
		{"incoming/acme/%ZZ.csv", "", catalog.CodeInvalid},
		{"incoming/%2E%2E/x.csv", "", catalog.CodeInvalid},
		{"", "", catalog.CodeInvalid},
	}
	for _, tt := range tests {
		got, err := s3blobs.EventKey(tt.raw)
		if got != tt.want || catalog.CodeOf(err) != tt.code {
			t.Errorf("EventKey(%q) = %q, %v; want %q, code %q", tt.raw, got, err, tt.want, tt.code)
		}
	}
}

// TestVersionInVersionedBucket: in a versioned bucket (as deployed), each
// upload has its own Version (S3's VersionId), even with identical
// content; Stat and Open agree on it.
func TestVersionInVersionedBucket(t *testing.T) {
	b, client, bucket := newBlobs(t)
	if _, err := client.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	key := "incoming/p/c.csv"
	var versions []string
	for range 2 {
		put, err := b.Put(t.Context(), key, strings.NewReader("sku,name\nA,a\n"))
		if err != nil {
			t.Fatal(err)
		}
		rc, open, err := b.Open(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if put.Version == "" || open.Version != put.Version {
			t.Fatalf("put version %q, open version %q", put.Version, open.Version)
		}
		versions = append(versions, put.Version)
	}
	if versions[0] == versions[1] {
		t.Fatalf("two uploads share version %q", versions[0])
	}
}

// TestPictureHeaders: pictures are written with their Content-Type (a CDN
// serves them straight from the bucket) and, under an SSES3Prefixes
// prefix, with SSE-S3, which CloudFront's origin access control can read;
// other keys keep the bucket's defaults. Both the one-request and the
// multipart path.
func TestPictureHeaders(t *testing.T) {
	awstest.Require(t, moto)
	client := awstest.S3Client(moto.Config())
	bucket := fmt.Sprintf("b%d-%d", time.Now().UnixNano(), bucketSeq.Add(1))
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	b := s3blobs.New(client, bucket, s3blobs.Options{PartSize: 5 << 20, SSES3Prefixes: []string{"images/"}})
	big := strings.Repeat("x", 6<<20) // two parts
	for _, tc := range []struct {
		key, body, wantType string
		wantSSE             types.ServerSideEncryption
	}{
		{"images/ab/160.jpg", "jpeg bytes", "image/jpeg", types.ServerSideEncryptionAes256},
		{"images/ab/1200.jpg", big, "image/jpeg", types.ServerSideEncryptionAes256},
		{"imagemeta/ab.json", "{}", "", ""},
		{"incoming/p/photo.jpg", "not served", "image/jpeg", ""},
		{"incoming/p/c.csv", "a;b\n", "", ""},
	} {
		if _, err := b.Put(t.Context(), tc.key, strings.NewReader(tc.body)); err != nil {
			t.Fatal(err)
		}
		head, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(tc.key)})
		if err != nil {
			t.Fatal(err)
		}
		if tc.wantType != "" && aws.ToString(head.ContentType) != tc.wantType {
			t.Errorf("%s: Content-Type %q, want %q", tc.key, aws.ToString(head.ContentType), tc.wantType)
		}
		if tc.wantType == "" && strings.HasPrefix(aws.ToString(head.ContentType), "image/") {
			t.Errorf("%s: Content-Type %q", tc.key, aws.ToString(head.ContentType))
		}
		if got := head.ServerSideEncryption; (tc.wantSSE != "" && got != tc.wantSSE) || (tc.wantSSE == "" && got == types.ServerSideEncryptionAes256) {
			t.Errorf("%s: server-side encryption %q, want %q", tc.key, got, tc.wantSSE)
		}
	}
}
