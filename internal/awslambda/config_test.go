package awslambda_test

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want awslambda.Config
		code catalog.Code
	}{
		{"defaults", map[string]string{}, awslambda.Config{IndexAlias: contract.DefaultIndexAlias}, ""},
		{"all set", map[string]string{
			contract.EnvTable: "t", contract.EnvBucket: "b", contract.EnvOpenSearchEndpoint: "https://d", contract.EnvIndexAlias: "a",
			contract.EnvLogLevel: "debug", contract.EnvStage: "prod", contract.EnvUploadMaxBytes: "1024", "AWS_REGION": "eu-west-3", contract.EnvIndexReplicas: "2",
			contract.EnvIngestQueueURL: "https://sqs.eu-west-3.amazonaws.com/123456789012/ingest", contract.EnvHistoryTTLDays: "90",
		}, awslambda.Config{Table: "t", Bucket: "b", OpenSearchEndpoint: "https://d", IndexAlias: "a", LogLevel: "debug", Stage: "prod",
			UploadMaxBytes: 1024, Region: "eu-west-3", IndexReplicas: 2, IngestQueueURL: "https://sqs.eu-west-3.amazonaws.com/123456789012/ingest",
			HistoryTTLDays: 90}, ""},
		{"bad history days", map[string]string{contract.EnvHistoryTTLDays: "-3"}, awslambda.Config{}, catalog.CodeInvalid},
		{"loopback endpoint means path-style S3", map[string]string{awslambda.EnvAWSEndpoint: "http://127.0.0.1:5000"},
			awslambda.Config{IndexAlias: contract.DefaultIndexAlias, PathStyleS3: true}, ""},
		{"bad size", map[string]string{contract.EnvUploadMaxBytes: "lots"}, awslambda.Config{}, catalog.CodeInvalid},
		{"zero size", map[string]string{contract.EnvUploadMaxBytes: "0"}, awslambda.Config{}, catalog.CodeInvalid},
		{"bad replicas", map[string]string{contract.EnvIndexReplicas: "-1"}, awslambda.Config{}, catalog.CodeInvalid},
		{"chunks", map[string]string{contract.EnvIngestChunkProducts: "25000", contract.EnvIngestMaxReceives: "5"},
			awslambda.Config{IndexAlias: contract.DefaultIndexAlias, IngestChunkProducts: 25000, IngestMaxReceives: 5}, ""},
		{"bad chunk size", map[string]string{contract.EnvIngestChunkProducts: "-1"}, awslambda.Config{}, catalog.CodeInvalid},
		{"chunk size not a number", map[string]string{contract.EnvIngestChunkProducts: "25k"}, awslambda.Config{}, catalog.CodeInvalid},
		{"zero max receives", map[string]string{contract.EnvIngestMaxReceives: "0"}, awslambda.Config{}, catalog.CodeInvalid},
		{"images queue", map[string]string{contract.EnvImagesQueueURL: "https://sqs/q.fifo"},
			awslambda.Config{IndexAlias: contract.DefaultIndexAlias, ImagesQueueURL: "https://sqs/q.fifo"}, ""},
		{"test image hosts on loopback", map[string]string{contract.EnvTestImageHosts: "127.0.0.1:8080, [::1]:9000"},
			awslambda.Config{IndexAlias: contract.DefaultIndexAlias, TestImageHosts: []netip.AddrPort{
				netip.MustParseAddrPort("127.0.0.1:8080"), netip.MustParseAddrPort("[::1]:9000")}}, ""},
		// The test variable can never open the metadata endpoint or a
		// private network, even set by mistake.
		{"test image host: metadata endpoint", map[string]string{contract.EnvTestImageHosts: "169.254.169.254:80"}, awslambda.Config{}, catalog.CodeInvalid},
		{"test image host: private", map[string]string{contract.EnvTestImageHosts: "127.0.0.1:80,10.0.0.7:80"}, awslambda.Config{}, catalog.CodeInvalid},
		{"test image host: a name", map[string]string{contract.EnvTestImageHosts: "localhost:80"}, awslambda.Config{}, catalog.CodeInvalid},
		{"test image host: no port", map[string]string{contract.EnvTestImageHosts: "127.0.0.1"}, awslambda.Config{}, catalog.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := awslambda.ConfigFromEnv(func(k string) string { return tt.env[k] })
			if catalog.CodeOf(err) != tt.code {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("config %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEnvNamesTheMissingVariable(t *testing.T) {
	env := awslambda.Env{Config: awslambda.Config{}}
	if _, err := env.Store(); catalog.CodeOf(err) != catalog.CodeInvalid || catalog.MessageOf(err) != "environment variable "+contract.EnvTable+" is not set" {
		t.Fatalf("Store without a table: %v", err)
	}
	if _, err := env.Blobs(); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Fatalf("Blobs without a bucket: %v", err)
	}
	if _, err := env.Index(t.Context(), true); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Fatalf("Index without an endpoint: %v", err)
	}
	if _, _, err := env.Queue(); catalog.CodeOf(err) != catalog.CodeInvalid || catalog.MessageOf(err) != "environment variable "+contract.EnvIngestQueueURL+" is not set" {
		t.Fatalf("Queue without a URL: %v", err)
	}
	if _, err := env.ImagesQueue(); catalog.CodeOf(err) != catalog.CodeInvalid || catalog.MessageOf(err) != "environment variable "+contract.EnvImagesQueueURL+" is not set" {
		t.Fatalf("ImagesQueue without a URL: %v", err)
	}
}
