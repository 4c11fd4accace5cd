package intake

import (
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// IncomingKey is the blob key of a partner's file: incoming/{partner}/{file}.
// A new blob there triggers an ingest (the S3 notification on AWS, the
// watcher of the embedded default).
func IncomingKey(partner, file string) string {
	return contract.IncomingPrefix + partner + "/" + file
}

// SplitIncomingKey splits an IncomingKey into its partner and file; ok is
// false for a key outside incoming/, a partner that is not a valid partner
// id, or no file.
func SplitIncomingKey(key string) (partner, file string, ok bool) {
	rest, ok := strings.CutPrefix(key, contract.IncomingPrefix)
	if !ok {
		return "", "", false
	}
	partner, file, ok = strings.Cut(rest, "/")
	if !ok || !catalog.ValidPartnerID(partner) || file == "" {
		return "", "", false
	}
	return partner, file, true
}
