package reportfile

import (
	"time"

	"github.com/affsync/affsync/internal/model"
)

// Reports is what a network says about its report files, for reading them:
// the names of their columns, and which report a file is by its name, its
// title or its columns. reportfile knows formats; the network knows its
// reports, and hands them in through network.Rules.Files. The methods use
// plain types only, so a network's tables can live in a package that does
// not import this one (amazon: internal/network/amazon/files).
type Reports interface {
	// Aliases maps a normalised header name (letters and digits in lower
	// case, a trailing "(…)" removed) to a canonical column; "" is a column
	// accepted and ignored.
	Aliases() map[string]string
	// StandIns maps a canonical column to the one standing in for it where
	// a header lacks it (amazon: tracking_id ← associate_id).
	StandIns() map[string]string
	// Dates are the canonical columns holding dates (XLSX serials are
	// converted); Numbers those holding amounts, counts or rates (XLSX
	// numbers are written out exactly).
	Dates() []string
	Numbers() []string
	// FromName reads a file name, or a name inside a title: the raw report
	// type ("" when the name says none), whether its rows carry subtags,
	// and the day it covers (zero if none).
	FromName(name string) (raw string, subtags bool, day time.Time)
	// FromTitle reads a title line: the raw type it names, by a file name
	// or in words, and whether it says its rows carry subtags.
	FromTitle(title string) (raw string, subtags bool)
	// Type maps a raw type to the report type imported; "" for a report
	// that is listed, not imported.
	Type(raw string) model.ReportType
	// Classify decides a report table from its header: report, raw and
	// subtags are what its name and title said, oneDay tells a table known
	// to cover a single day, has tells which canonical columns it has.
	Classify(report model.ReportType, raw string, subtags, oneDay bool, has func(cols ...string) bool) (model.ReportType, string, bool)
	// Sheet tells a workbook sheet that is one of the network's reports by
	// its name alone, whose header must then be there.
	Sheet(name string) bool
	// Expect says what a header should be, for the error when no header is
	// found ("expected columns like ASIN, Date Shipped, Ad Fees").
	Expect() string
}

// NoReports is the Reports of a network without report files: only
// person-written files (payments, deals, custom transactions) are known.
// Hint says what the network's files are, for the error on a file with no
// header known (a report of another network, say).
type NoReports struct{ Hint string }

func (NoReports) Aliases() map[string]string                { return nil }
func (NoReports) StandIns() map[string]string               { return nil }
func (NoReports) Dates() []string                           { return nil }
func (NoReports) Numbers() []string                         { return nil }
func (NoReports) FromName(string) (string, bool, time.Time) { return "", false, time.Time{} }
func (NoReports) FromTitle(string) (string, bool)           { return "", false }
func (NoReports) Type(string) model.ReportType              { return "" }
func (NoReports) Sheet(string) bool                         { return false }
func (n NoReports) Expect() string {
	if n.Hint != "" {
		return n.Hint
	}
	return "expected the header of a payments, deals or transactions file"
}
func (NoReports) Classify(_ model.ReportType, raw string, subtags, _ bool, _ func(...string) bool) (model.ReportType, string, bool) {
	return "", raw, subtags
}

// config is what one Open reads with: the limits, and the network's reports.
type config struct {
	Limits
	reports Reports
}
