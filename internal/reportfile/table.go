// Package reportfile reads report files: it sniffs what a file is (gzip, ZIP,
// XLSX, XML, CSV/TSV), finds its report type and header, and streams its
// rows by canonical column name. It knows formats, not business rules.
package reportfile

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// Limits bound what one input may cost. A zero field takes its default.
type Limits struct {
	MaxMemberBytes int64 // decompressed bytes per file or archive member (and the spooled size of a ZIP)
	MaxLineBytes   int   // bytes of one line of text or one XLSX row
	MaxXMLDepth    int   // nesting of XML elements
	MaxMembers     int   // members of one ZIP archive
}

// DefaultLimits are generous for real reports and stop bombs.
func DefaultLimits() Limits {
	return Limits{MaxMemberBytes: 2 << 30, MaxLineBytes: 1 << 20, MaxXMLDepth: 32, MaxMembers: 1000}
}

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMemberBytes <= 0 {
		l.MaxMemberBytes = d.MaxMemberBytes
	}
	if l.MaxLineBytes <= 0 {
		l.MaxLineBytes = d.MaxLineBytes
	}
	if l.MaxXMLDepth <= 0 {
		l.MaxXMLDepth = d.MaxXMLDepth
	}
	if l.MaxMembers <= 0 {
		l.MaxMembers = d.MaxMembers
	}
	return l
}

// Error locates bad input: "FILE:LINE:COLUMN: message".
type Error struct {
	File         string
	Line, Column int
	Msg          string
	Err          error
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
		if e.Column > 0 {
			loc += ":" + strconv.Itoa(e.Column)
		}
	}
	return loc + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(file string, line, col int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// Table is one report inside an input: a plain file, a ZIP member, an XLSX
// sheet, an XML document.
type Table struct {
	Name         string           // "x.zip/Fee-Earnings.tsv", "report.xlsx#Fee-Earnings", "tag-20-earnings-report-20260101.tsv.gz"
	Kind         Kind             // a report, or a person-written payments, deals or custom transactions file
	Report       model.ReportType // "" when not orders, earnings, tracking or bounty (and for every other kind)
	RawType      string           // what the file called itself: "earnings", "cp-utm-source", "Fee-DailyTrends"…
	Subtags      bool             // a -subtags file, or a header with a subtag column
	Format       string           // "tsv", "csv", "xml", "xlsx"
	Title        string           // the title line, if any
	Coverage     [2]time.Time     // first and last day covered (title range, else the file-name date); zero if unknown
	Columns      []string         // canonical names of the columns present, in file order
	CurrencyHint string           // from a header suffix like Price($): "USD", "EUR", "GBP", "JPY", "INR"
	HeaderLine   int              // line (XLSX row) of the header; 0 for XML and empty files
	HintColumn   int              // 1-based column whose suffix gave CurrencyHint; 0 if none
	Next         func() (Row, error)

	skipped int
}

// Skipped counts rows passed over as not data: Total rows, blank lines,
// XML <ItemsNoOrders> entries.
func (t *Table) Skipped() int { return t.skipped }

// Row is one data row. Its values are read by canonical column name.
type Row struct {
	Line   int
	fields []string
	h      *header
	column int // when set, the column every value is located at (an XML element)
	// numeric marks the fields that were spreadsheet number cells, written
	// out by excelNumber; nil for text rows.
	numeric []bool
}

// Get returns a column's value (spaces trimmed) and its 1-based column
// number for errors. ok is false when the table has no such column or the
// row stops short of it.
func (r Row) Get(col string) (value string, column int, ok bool) {
	if r.h == nil {
		return "", 0, false
	}
	i, ok := r.h.index[col]
	if !ok || i >= len(r.fields) {
		return "", 0, false
	}
	if column = i + 1; r.column > 0 {
		column = r.column
	}
	return strings.TrimSpace(r.fields[i]), column, true
}

// Numeric tells a value read from a spreadsheet's number cell ("1.234",
// written out exactly): its point is the decimal one, whatever decimal
// mark the file's marketplace or connection otherwise uses.
func (r Row) Numeric(col string) bool {
	if r.h == nil || r.numeric == nil {
		return false
	}
	i, ok := r.h.index[col]
	return ok && i < len(r.numeric) && r.numeric[i]
}

// Header returns the file's own name of a canonical column ("Ad Fees($)"
// for "commission"), for messages; the canonical name when unknown.
func (r Row) Header(col string) string {
	if r.h != nil {
		if i, ok := r.h.index[col]; ok && i < len(r.h.raw) {
			return r.h.raw[i]
		}
	}
	return col
}

// Column is the 1-based column of a canonical column in the header, even
// where a row stops short of it; 0 when the table has no such column.
func (r Row) Column(col string) int {
	if r.h == nil {
		return 0
	}
	if r.column > 0 {
		return r.column
	}
	if i, ok := r.h.index[col]; ok {
		return i + 1
	}
	return 0
}
