package dynamostore_test

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
)

// TestConformance runs the shared catalog.Store suite on moto's DynamoDB,
// one fresh table per subtest.
func TestConformance(t *testing.T) {
	catalogtest.TestStore(t, func(t *testing.T) catalog.Store { return newStore(t) })
}
