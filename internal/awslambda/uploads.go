package awslambda

import (
	"context"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/s3blobs"
)

// S3Uploads is the intake.Uploader and intake.Downloader of the api
// Lambda: presigned S3 POST forms with a content-length-range condition and
// an expiry, and presigned GETs of reports. It lives here, in the wiring,
// so that the S3 adapter does not import package intake.
type S3Uploads struct {
	Blobs *s3blobs.Blobs
}

// PresignUpload implements intake.Uploader.
func (u S3Uploads) PresignUpload(ctx context.Context, key string, maxBytes int64, expires time.Time) (intake.Upload, error) {
	ttl := time.Until(expires)
	if ttl <= 0 {
		return intake.Upload{}, catalog.Errorf(catalog.CodeInvalid, "upload slot expiry %s is in the past", expires.Format(time.RFC3339))
	}
	up, err := u.Blobs.PresignUpload(ctx, key, maxBytes, ttl)
	if err != nil {
		return intake.Upload{}, err
	}
	return intake.Upload{Method: up.Method, URL: up.URL, Fields: up.Fields, ExpiresAt: up.ExpiresAt, MaxBytes: up.MaxBytes}, nil
}

// PresignDownload implements intake.Downloader: a presigned GET, answered
// by S3 as a CSV attachment named fileName.
func (u S3Uploads) PresignDownload(ctx context.Context, key, fileName string, expires time.Time) (string, error) {
	// Whole seconds, as the URL states them (300, not 299.99 truncated).
	ttl := time.Until(expires).Round(time.Second)
	if ttl <= 0 {
		return "", catalog.Errorf(catalog.CodeInvalid, "download expiry %s is in the past", expires.Format(time.RFC3339))
	}
	return u.Blobs.PresignDownload(ctx, key, fileName, "text/csv; charset=utf-8", ttl)
}
