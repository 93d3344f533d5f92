package importer

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/reportfile"
)

// cells reads typed values of one row of a person-written file, keeping the
// first error, located at the file's own column.
type cells struct {
	t   *reportfile.Table
	row reportfile.Row
	err error
}

func (c *cells) str(col string) string {
	v, _, _ := c.row.Get(col)
	return v
}

// required reads a value that must be there.
func (c *cells) required(col string) string {
	v, _, _ := c.row.Get(col)
	if c.err == nil && v == "" {
		c.fail(c.row.Column(col), "%s is required", c.row.Header(col))
	}
	return v
}

// time reads an optional date or date and time; nil when empty.
func (c *cells) time(col string, dayFirst bool) *time.Time {
	v, n, _ := c.row.Get(col)
	if c.err != nil || v == "" {
		return nil
	}
	t, err := reportfile.ParseTime(v, dayFirst)
	if err != nil {
		c.fail(n, "%s %q: %v", c.row.Header(col), v, err)
		return nil
	}
	if t.Year() < 1995 || t.Year() > 2100 {
		c.fail(n, "%s %q is out of range (1995 to 2100)", c.row.Header(col), v)
		return nil
	}
	return &t
}

// day reads an optional calendar date (a time of day is dropped).
func (c *cells) day(col string, dayFirst bool) *time.Time {
	t := c.time(col, dayFirst)
	if t != nil {
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return &d
	}
	return t
}

// amount reads money in minor units of currency; ok is false when empty.
func (c *cells) amount(col, currency string, hint money.DecimalHint) (int64, bool) {
	v, n, _ := c.row.Get(col)
	if c.err != nil || v == "" {
		return 0, false
	}
	cur, known := money.LookupCurrency(currency)
	if !known {
		c.fail(n, "%s: unknown currency %q", c.row.Header(col), currency)
		return 0, false
	}
	if c.row.Numeric(col) {
		hint = money.HintDot // a spreadsheet number: its point is the decimal one
	}
	x, err := money.ParseMinor(v, cur.Exponent, hint)
	if err != nil {
		// money's errors quote the value already.
		msg, q := err.Error(), strconv.Quote(v)
		if i := strings.Index(msg, q); i >= 0 {
			msg = strings.TrimLeft(msg[i+len(q):], ": ")
		}
		c.fail(n, "%s %q: %s", c.row.Header(col), v, msg)
		return 0, false
	}
	return x, true
}

// currency reads an ISO 4217 code, or takes fallback when the cell is empty.
func (c *cells) currency(col, fallback string) string {
	v, n, _ := c.row.Get(col)
	if c.err != nil {
		return ""
	}
	if v == "" {
		if fallback == "" {
			c.fail(c.row.Column(col), "%s is required: the connection has no default currency", c.row.Header(col))
		}
		return fallback
	}
	code := strings.ToUpper(v)
	if _, ok := money.LookupCurrency(code); !ok {
		c.fail(n, "%s %q is not an ISO 4217 currency code", c.row.Header(col), v)
		return ""
	}
	return code
}

func (c *cells) fail(column int, format string, args ...any) {
	if c.err == nil {
		c.err = &reportfile.Error{File: c.t.Name, Line: c.row.Line, Column: column, Msg: fmt.Sprintf(format, args...)}
	}
}

// needColumns refuses a table whose header lacks a column it needs; each
// entry of need is a set of alternatives ("month|period_start").
func needColumns(t *reportfile.Table, what string, need ...string) error {
	have := map[string]bool{}
	for _, c := range t.Columns {
		have[c] = true
	}
	var missing []string
	for _, alts := range need {
		found := false
		for _, c := range strings.Split(alts, "|") {
			found = found || have[c]
		}
		if !found {
			missing = append(missing, strings.ReplaceAll(alts, "|", " or "))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &reportfile.Error{File: t.Name, Line: t.HeaderLine, Column: 1, Msg: fmt.Sprintf("wrong columns: %s needs %s; the header has %s",
		what, strings.Join(missing, ", "), strings.Join(t.Columns, ", "))}
}

// eachRow hands every row of a table to read, counting the rows read and,
// at the end, those the reader skipped (totals, blank lines).
func eachRow(t *reportfile.Table, run *fileRun, read func(reportfile.Row) error) error {
	for {
		row, err := t.Next()
		if errors.Is(err, io.EOF) {
			run.sum.SkippedRows += t.Skipped()
			return nil
		}
		if err != nil {
			return err
		}
		run.sum.Rows++
		if err := read(row); err != nil {
			return err
		}
	}
}
