// Package s3blobs implements catalog.Blobs on an S3 bucket (aws-sdk-go-v2):
// streaming reads, uploads in bounded memory (one multipart part at a time),
// presigned POST forms with a size range and an expiry for partners'
// uploads, presigned GETs for downloads, and the URL-decoding of object keys in S3 event notifications.
package s3blobs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/catalogsearch/catalogsearch/internal/awserr"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

var _ catalog.Blobs = (*Blobs)(nil)

// DefaultPartSize is the multipart part size, and so the memory one Put
// holds; S3's minimum part size is 5 MiB.
const DefaultPartSize = 8 << 20

// Options tune Blobs. The zero value is usable.
type Options struct {
	// PartSize is the size of each multipart part (at least 5 MiB); 0 means
	// DefaultPartSize. Smaller content goes in one PutObject.
	PartSize int
	// SSES3Prefixes are key prefixes whose objects are written with SSE-S3
	// (AES256) instead of the bucket's default encryption: CloudFront's
	// origin access control cannot read objects under the AWS-managed KMS
	// key of the bucket (its key policy cannot name CloudFront), so the
	// public pictures (contract.ImagesPrefix) are written so.
	SSES3Prefixes []string
}

// imageTypes are the Content-Types written for picture keys, so that a CDN
// serving them straight from the bucket sends the right one; other keys
// keep S3's default.
var imageTypes = map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}

// putHeaders are the Content-Type and encryption of a new object at key.
func (b *Blobs) putHeaders(key string) (contentType *string, sse types.ServerSideEncryption) {
	if t, ok := imageTypes[strings.ToLower(path.Ext(key))]; ok {
		contentType = aws.String(t)
	}
	for _, p := range b.opts.SSES3Prefixes {
		if strings.HasPrefix(key, p) {
			sse = types.ServerSideEncryptionAes256
		}
	}
	return contentType, sse
}

// Blobs is a catalog.Blobs on one bucket. It is safe for concurrent use.
type Blobs struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	opts    Options
}

// New returns Blobs on bucket through client.
func New(client *s3.Client, bucket string, opts Options) *Blobs {
	if opts.PartSize < 5<<20 {
		opts.PartSize = DefaultPartSize
	}
	return &Blobs{client: client, presign: s3.NewPresignClient(client), bucket: bucket, opts: opts}
}

func checkKey(key string) error {
	if !catalog.ValidBlobKey(key) {
		return catalog.Errorf(catalog.CodeInvalid, "invalid blob key %q", key)
	}
	return nil
}

// Put implements catalog.Blobs. Content up to one part goes in a single
// PutObject; larger content streams as a multipart upload, one part in
// memory at a time, aborted on any failure.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader) (catalog.BlobInfo, error) {
	if err := checkKey(key); err != nil {
		return catalog.BlobInfo{}, err
	}
	buf := make([]byte, b.opts.PartSize)
	n, err := io.ReadFull(r, buf)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		ct, sse := b.putHeaders(key)
		_, err := b.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket:               aws.String(b.bucket),
			Key:                  aws.String(key),
			Body:                 bytes.NewReader(buf[:n]),
			ContentLength:        aws.Int64(int64(n)),
			ContentType:          ct,
			ServerSideEncryption: sse,
		})
		if err != nil {
			return catalog.BlobInfo{}, translate(err, "store file")
		}
		return b.Stat(ctx, key)
	case err != nil:
		return catalog.BlobInfo{}, catalog.Wrap(catalog.CodeInternal, err, "read upload")
	}
	return b.putMultipart(ctx, key, buf, r)
}

func (b *Blobs) putMultipart(ctx context.Context, key string, buf []byte, r io.Reader) (catalog.BlobInfo, error) {
	ct, sse := b.putHeaders(key)
	created, err := b.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b.bucket), Key: aws.String(key),
		ContentType: ct, ServerSideEncryption: sse})
	if err != nil {
		return catalog.BlobInfo{}, translate(err, "store file")
	}
	abort := func(cause error) (catalog.BlobInfo, error) {
		// A fresh context: the caller's may be the reason we abort.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = b.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(b.bucket), Key: aws.String(key), UploadId: created.UploadId,
		})
		return catalog.BlobInfo{}, cause
	}
	var parts []types.CompletedPart
	n := len(buf)
	for part := int32(1); n > 0; part++ {
		if part > 10000 {
			return abort(catalog.Errorf(catalog.CodeTooLarge, "file is larger than %d bytes", int64(len(buf))*10000))
		}
		res, err := b.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket:        aws.String(b.bucket),
			Key:           aws.String(key),
			UploadId:      created.UploadId,
			PartNumber:    aws.Int32(part),
			Body:          bytes.NewReader(buf[:n]),
			ContentLength: aws.Int64(int64(n)),
		})
		if err != nil {
			return abort(translate(err, "store file"))
		}
		parts = append(parts, types.CompletedPart{ETag: res.ETag, PartNumber: aws.Int32(part)})
		var rerr error
		n, rerr = io.ReadFull(r, buf)
		if rerr != nil && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) {
			return abort(catalog.Wrap(catalog.CodeInternal, rerr, "read upload"))
		}
	}
	_, err = b.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(b.bucket),
		Key:             aws.String(key),
		UploadId:        created.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return abort(translate(err, "store file"))
	}
	return b.Stat(ctx, key)
}

// Open implements catalog.Blobs: the body streams from S3 as it is read.
func (b *Blobs) Open(ctx context.Context, key string) (io.ReadCloser, catalog.BlobInfo, error) {
	if err := checkKey(key); err != nil {
		return nil, catalog.BlobInfo{}, err
	}
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, catalog.BlobInfo{}, translateKey(err, key, "open file")
	}
	return out.Body, catalog.BlobInfo{
		Key: key, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified), ETag: etag(out.ETag),
		Version: aws.ToString(out.VersionId),
	}, nil
}

// Stat implements catalog.Blobs.
func (b *Blobs) Stat(ctx context.Context, key string) (catalog.BlobInfo, error) {
	if err := checkKey(key); err != nil {
		return catalog.BlobInfo{}, err
	}
	out, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	if err != nil {
		return catalog.BlobInfo{}, translateKey(err, key, "stat file")
	}
	return catalog.BlobInfo{
		Key: key, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified), ETag: etag(out.ETag),
		Version: aws.ToString(out.VersionId),
	}, nil
}

// List implements catalog.Blobs. S3 lists keys in UTF-8 byte order, which
// is the order the interface asks for.
func (b *Blobs) List(ctx context.Context, prefix string) ([]catalog.BlobInfo, error) {
	out := []catalog.BlobInfo{}
	p := s3.NewListObjectsV2Paginator(b.client, &s3.ListObjectsV2Input{Bucket: aws.String(b.bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "list files")
		}
		for _, o := range page.Contents {
			out = append(out, catalog.BlobInfo{
				Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified), ETag: etag(o.ETag),
			})
		}
	}
	return out, nil
}

// Delete implements catalog.Blobs.
func (b *Blobs) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, err := b.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	if err != nil && catalog.CodeOf(translateKey(err, key, "delete file")) != catalog.CodeNotFound {
		return translate(err, "delete file")
	}
	return nil
}

func etag(s *string) string { return strings.Trim(aws.ToString(s), `"`) }

// Upload is where and how a partner uploads one file: an HTML form POST of
// Fields plus the file (as the last field, named "file") to URL.
type Upload struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	ExpiresAt time.Time         `json:"expires_at"`
	MaxBytes  int64             `json:"max_bytes"`
}

// PresignUpload returns a presigned POST for key, valid for expiry, that
// S3 accepts only for files of 1 to maxBytes bytes (content-length-range).
func (b *Blobs) PresignUpload(ctx context.Context, key string, maxBytes int64, expiry time.Duration) (Upload, error) {
	if err := checkKey(key); err != nil {
		return Upload{}, err
	}
	if maxBytes < 1 || expiry <= 0 {
		return Upload{}, catalog.Errorf(catalog.CodeInvalid, "an upload needs a positive size cap and expiry")
	}
	start := time.Now()
	req, err := b.presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)},
		func(o *s3.PresignPostOptions) {
			o.Expires = expiry
			o.Conditions = []any{[]any{"content-length-range", 1, maxBytes}}
		})
	if err != nil {
		return Upload{}, translate(err, "presign upload")
	}
	return Upload{Method: "POST", URL: req.URL, Fields: req.Values, ExpiresAt: start.Add(expiry).UTC(), MaxBytes: maxBytes}, nil
}

// PresignDownload returns a presigned GET of key, valid for expiry, that
// S3 answers as an attachment named fileName with contentType: the
// browser reads the file from S3, never through a Lambda.
func (b *Blobs) PresignDownload(ctx context.Context, key, fileName, contentType string, expiry time.Duration) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	if expiry <= 0 {
		return "", catalog.Errorf(catalog.CodeInvalid, "a download needs a positive expiry")
	}
	in := &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key),
		ResponseContentType:        aws.String(contentType),
		ResponseContentDisposition: aws.String(`attachment; filename="` + attachmentName(fileName) + `"`),
	}
	req, err := b.presign.PresignGetObject(ctx, in, s3.WithPresignExpires(expiry))
	if err != nil {
		return "", translate(err, "presign download")
	}
	return req.URL, nil
}

// attachmentName keeps a file name safe inside a quoted
// Content-Disposition parameter: letters, digits and ". - _" only.
func attachmentName(name string) string {
	out := []byte(name)
	for i, c := range out {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '.' && c != '-' && c != '_' {
			out[i] = '_'
		}
	}
	if len(out) == 0 {
		return "download"
	}
	return string(out)
}

// EventKey decodes the object key of an S3 event notification, which S3
// sends form-encoded ("été 1.csv" arrives as "%C3%A9t%C3%A9+1.csv"), and
// checks that it is a safe blob key.
func EventKey(raw string) (string, error) {
	key, err := url.QueryUnescape(raw)
	if err != nil {
		return "", catalog.Wrap(catalog.CodeInvalid, err, "malformed object key in S3 event")
	}
	if err := checkKey(key); err != nil {
		return "", err
	}
	return key, nil
}

func translateKey(err error, key, what string) error {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return catalog.Wrap(catalog.CodeNotFound, err, "file "+key+" not found")
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == 404 {
		var api smithy.APIError
		if !errors.As(err, &api) || api.ErrorCode() != "NoSuchBucket" {
			return catalog.Wrap(catalog.CodeNotFound, err, "file "+key+" not found")
		}
	}
	return translate(err, what)
}

// translate maps S3 errors to domain codes (awserr's shared rules, and
// S3's own codes); messages are safe for users.
func translate(err error, what string) error {
	return awserr.Translate(err, what, s3Code)
}

// s3Code gives the domain code of the errors only S3 has; the throttles
// (SlowDown among them), timeouts and server failures of every AWS service
// are awserr's.
func s3Code(err error) (catalog.Code, bool) {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "EntityTooLarge":
			return catalog.CodeTooLarge, true
		case "InvalidArgument", "KeyTooLongError":
			return catalog.CodeInvalid, true
		}
	}
	return "", false
}
