package awstest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
)

// TestMotoCPUTime: moto's CPU time is counted and grows with requests.
func TestMotoCPUTime(t *testing.T) {
	awstest.Require(t, moto)
	before, err := moto.CPUTime()
	if err != nil {
		t.Fatal(err)
	}
	if before <= 0 {
		t.Fatalf("moto used %v of CPU since its start", before)
	}
	c := awstest.S3Client(moto.Config())
	for range 300 {
		if _, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
			t.Fatal(err)
		}
	}
	after, err := moto.CPUTime()
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Fatalf("moto's CPU time went from %v to %v over 300 requests", before, after)
	}
}
