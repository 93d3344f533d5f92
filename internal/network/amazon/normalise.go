package amazon

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/reportfile"
)

// NormaliseOptions say whose rows these are and how to read them.
type NormaliseOptions struct {
	ConnectionID string
	Marketplace  Marketplace
	TrackingID   string // only rows of this tracking ID; "" for all
	// Now bounds dates of files that carry no date of their own (default
	// time.Now); a file's own date bounds its rows otherwise.
	Now func() time.Time
}

// NormaliseStats counts what happened to a table's rows.
type NormaliseStats struct {
	Rows    int // data rows read
	Facts   int // facts emitted
	Skipped int // rows of other tracking IDs, Total and blank rows, rows of reports not imported
	Notes   []string
}

// required are the columns without which a report type means nothing.
var required = map[model.ReportType][][]string{
	model.ReportEarnings: {{"asin"}, {"commission"}},
	model.ReportOrders:   {{"asin"}, {"quantity", "direct_quantity", "indirect_quantity"}},
	model.ReportTracking: {{"clicks"}},
	model.ReportBounty:   {{"name"}, {"commission"}},
}

// Normalise turns one table into facts, calling emit for each. A report type
// affsync does not import is drained and noted, never an error. Bad values
// are *reportfile.Error naming file, line and column.
func Normalise(t *reportfile.Table, opt NormaliseOptions, emit func(model.Fact) error) (NormaliseStats, error) {
	var st NormaliseStats
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if t.Report == "" {
		return skipTable(t, st)
	}
	m := opt.Marketplace
	cur, ok := money.LookupCurrency(m.Currency)
	if !ok {
		return st, fmt.Errorf("normalise %s: marketplace %q has unknown currency %q", t.Name, m.Host, m.Currency)
	}
	if t.CurrencyHint != "" && !currencyAgrees(t.CurrencyHint, m.Currency) {
		return st, &reportfile.Error{File: t.Name, Line: t.HeaderLine, Column: t.HintColumn, Msg: currencyMismatch(t.CurrencyHint, m.Currency)}
	}
	n := &normaliser{t: t, opt: opt, exp: cur.Exponent, latest: latestDay(t, opt.Now), seen: newRowCounter(countRows), dates: map[string]time.Time{}}
	defer n.seen.Close()
	for {
		row, err := t.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		st.Rows++
		if st.Rows == 1 {
			// Checked at the first row: an empty file has no header to check.
			if err := checkColumns(t); err != nil {
				return st, err
			}
		}
		f, keep, err := n.fact(row)
		if err != nil {
			return st, err
		}
		if !keep {
			st.Skipped++
			continue
		}
		if err := emit(f); err != nil {
			return st, err
		}
		st.Facts++
	}
	st.Skipped += t.Skipped()
	return st, nil
}

// skipTable drains a table of a report type affsync does not import.
func skipTable(t *reportfile.Table, st NormaliseStats) (NormaliseStats, error) {
	for {
		_, err := t.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		st.Rows++
	}
	st.Skipped = st.Rows + t.Skipped()
	raw := t.RawType
	if raw == "" {
		raw = "unknown"
	}
	why := "is not imported"
	if strings.Contains(strings.ToLower(raw), "tracking") {
		why = "has no daily figures (no date column over several days), so it is not imported"
	}
	st.Notes = append(st.Notes, fmt.Sprintf("%s: report type %q %s; %d rows skipped", t.Name, raw, why, st.Skipped))
	return st, nil
}

// checkColumns refuses a table that lacks what its report type needs.
func checkColumns(t *reportfile.Table) error {
	have := map[string]bool{}
	for _, c := range t.Columns {
		have[c] = true
	}
	var missing []string
	for _, anyOf := range required[t.Report] {
		found := false
		for _, c := range anyOf {
			found = found || have[c]
		}
		if !found {
			missing = append(missing, strings.Join(anyOf, " or "))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &reportfile.Error{File: t.Name, Line: t.HeaderLine, Column: 1, Msg: fmt.Sprintf("wrong columns: a %s report needs %s; the header has %s",
		t.Report, strings.Join(missing, ", "), strings.Join(t.Columns, ", "))}
}

// currencyMismatch says what to change when a file states another currency
// than its connection's: the file belongs to another account, or the
// connection was made with the wrong currency.
func currencyMismatch(hint, cur string) string {
	fix := "--currency " + hint
	if home, ok := HomeMarketplace(hint); ok {
		fix += " (or --marketplace " + home.Host + ")"
	}
	return fmt.Sprintf("the header says amounts are in %s, but this connection's transactions are in %s: import the file into a connection "+
		"of the account it comes from, made with %s; nothing of this file was stored", hint, cur, fix)
}

// dollars are the currencies a bare "$" header suffix may mean.
var dollars = map[string]bool{"USD": true, "CAD": true, "AUD": true, "MXN": true, "SGD": true, "BRL": true}

// currencyAgrees tells whether a header's currency hint fits the
// marketplace: "$" (hinted as USD) fits every dollar market.
func currencyAgrees(hint, cur string) bool {
	return hint == cur || (hint == "USD" && dollars[cur])
}

// latestDay is the last plausible date of the table's rows: a year after
// the file's own date, or after now when the file has none.
func latestDay(t *reportfile.Table, now func() time.Time) time.Time {
	ref := t.Coverage[1]
	if ref.IsZero() {
		ref = now().UTC()
	}
	return ref.AddDate(1, 0, 0)
}
