package intake_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// Send uploads the way the slot says: a POST form whose fields come before
// the file (S3 reads the policy first), or a raw PUT; an answer other than
// 2xx is an error with its status and the start of its body.
func TestUploadSend(t *testing.T) {
	type got struct{ method, fields, file, body string }
	var seen got
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = got{method: r.Method}
		if r.Method == http.MethodPost {
			mr, err := r.MultipartReader()
			if err != nil {
				t.Errorf("not a form: %v", err)
				return
			}
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(p)
				if p.FileName() != "" {
					seen.file = p.FileName() + "=" + string(b)
					continue
				}
				if seen.file != "" {
					t.Errorf("field %s after the file", p.FormName())
				}
				seen.fields += p.FormName() + "=" + string(b) + ";"
			}
		} else {
			b, _ := io.ReadAll(r.Body)
			seen.body = string(b)
		}
		if strings.Contains(r.URL.Path, "refuse") {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, "<Error>policy expired</Error>")
		}
	}))
	defer srv.Close()
	tests := []struct {
		name string
		up   intake.Upload
		path string
		want got
		err  string
	}{
		{"presigned POST", intake.Upload{Method: http.MethodPost, Fields: map[string]string{"policy": "p1"}}, "/bucket",
			got{method: "POST", fields: "policy=p1;", file: "tarif été.csv=sku;name\n"}, ""},
		{"PUT to the API", intake.Upload{Method: http.MethodPut}, "/api/v1/uploads/tok", got{method: "PUT", body: "sku;name\n"}, ""},
		{"refused", intake.Upload{Method: http.MethodPut}, "/refuse", got{method: "PUT", body: "sku;name\n"}, "upload answered 403: <Error>policy expired</Error>"},
		{"unknown method", intake.Upload{Method: "PATCH"}, "/x", got{}, `upload slot with method "PATCH"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = got{}
			err := tt.up.Send(t.Context(), srv.Client(), srv.URL+tt.path, "tarif été.csv", strings.NewReader("sku;name\n"))
			if (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
				t.Fatalf("err %v, want %q", err, tt.err)
			}
			if seen != tt.want {
				t.Fatalf("server saw %+v, want %+v", seen, tt.want)
			}
		})
	}
}
