package ingest

import (
	"context"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Stable codes of row errors and warnings in reports.
const (
	CodeMissingIdentifier = "missing_identifier"
	CodeMissingName       = "missing_name"
	CodeBadEncoding       = "bad_encoding"
	CodeMixedEncoding     = "mixed_encoding"
	CodeDuplicateKey      = "duplicate_key"
	CodeBadRow            = "bad_row"
	CodeUnknownParent     = "unknown_parent"
	// CodeMissingPrice warns of a product kept without a price (price on
	// request) in a file that has a price column.
	CodeMissingPrice = "missing_price"
	// CodeDerivedIdentity warns, once per file, that the header has no
	// identifier column and each product's key was derived from its name
	// and distinguishing columns.
	CodeDerivedIdentity = "derived_identity"
)

// reportBook records what the stages find about rows: warnings and
// rejections in the report (capped at MaxReportErrors) and every rejected
// row, as read, in the rejected-rows CSV the partner can fix and upload.
type reportBook struct {
	report   *catalog.Report
	dryRun   bool
	tempDir  string
	rejected *rejectWriter // nil until a row is rejected
}

// reject records a rejected row.
func (b *reportBook) reject(rowNumber int, cells []string, column, code, message string) error {
	b.report.Rejected++
	b.add(&b.report.Errors, catalog.RowError{Row: rowNumber, Column: column, Code: code, Message: message}, true)
	if b.dryRun {
		return nil
	}
	if b.rejected == nil {
		b.rejected = newRejectWriter(b.tempDir)
	}
	return b.rejected.write(code+": "+message, cells)
}

// warn records a warning about a row that was kept.
func (b *reportBook) warn(rowNumber int, column, code, message string) {
	b.add(&b.report.Warnings, catalog.RowError{Row: rowNumber, Column: column, Code: code, Message: message}, false)
}

func (b *reportBook) add(list *[]catalog.RowError, e catalog.RowError, isError bool) {
	if len(*list) >= MaxReportErrors {
		if isError {
			b.report.ErrorsTruncated = true
		}
		return
	}
	*list = append(*list, e)
}

// saveRejected stores the rejected rows under key, with header.
func (b *reportBook) saveRejected(ctx context.Context, blobs catalog.Blobs, key string, header []string) error {
	if b.rejected == nil || b.dryRun {
		return nil
	}
	return b.rejected.save(ctx, blobs, key, header)
}

// discard removes the temporary file of rejected rows.
func (b *reportBook) discard() { b.rejected.discard() }
