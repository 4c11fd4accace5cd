package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
)

// Send uploads content, the file named file, to the slot u the way u says:
// a multipart form of u.Fields with the file last (POST, S3's presigned
// POST), or the raw content (PUT). target is where to send it: u.URL, or
// u.URL made absolute when it is a path on the API. An answer other than
// 2xx is an error quoting the start of its body.
func (u Upload) Send(ctx context.Context, client *http.Client, target, file string, content io.Reader) error {
	var body bytes.Buffer
	contentType := "application/octet-stream"
	switch u.Method {
	case http.MethodPost:
		mw := multipart.NewWriter(&body)
		for k, v := range u.Fields {
			if err := mw.WriteField(k, v); err != nil {
				return err
			}
		}
		fw, err := mw.CreateFormFile("file", file)
		if err != nil {
			return err
		}
		if _, err := io.Copy(fw, content); err != nil {
			return err
		}
		if err := mw.Close(); err != nil {
			return err
		}
		contentType = mw.FormDataContentType()
	case http.MethodPut:
		if _, err := io.Copy(&body, content); err != nil {
			return err
		}
	default:
		return fmt.Errorf("upload slot with method %q", u.Method)
	}
	req, err := http.NewRequestWithContext(ctx, u.Method, target, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("upload answered %d: %s", res.StatusCode, b)
	}
	return nil
}
