package reportfile

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
)

// Cells reads typed values of one row of a person-written file (payments,
// deals, transactions), keeping the first error, located at the file's own
// column.
type Cells struct {
	Table *Table
	Row   Row
	err   error
}

// Err is the first value that could not be read, an *Error; nil if none.
func (c *Cells) Err() error { return c.err }

// Str reads a value, spaces trimmed; "" when the column is absent.
func (c *Cells) Str(col string) string {
	v, _, _ := c.Row.Get(col)
	return v
}

// Required reads a value that must be there.
func (c *Cells) Required(col string) string {
	v, _, _ := c.Row.Get(col)
	if c.err == nil && v == "" {
		c.Fail(c.Row.Column(col), "%s is required", c.Row.Header(col))
	}
	return v
}

// Time reads an optional date or date and time; nil when empty.
func (c *Cells) Time(col string, dayFirst bool) *time.Time {
	v, n, _ := c.Row.Get(col)
	if c.err != nil || v == "" {
		return nil
	}
	t, err := ParseTime(v, dayFirst)
	if err != nil {
		c.Fail(n, "%s %q: %v", c.Row.Header(col), v, err)
		return nil
	}
	if t.Year() < 1995 || t.Year() > 2100 {
		c.Fail(n, "%s %q is out of range (1995 to 2100)", c.Row.Header(col), v)
		return nil
	}
	return &t
}

// Day reads an optional calendar date (a time of day is dropped).
func (c *Cells) Day(col string, dayFirst bool) *time.Time {
	t := c.Time(col, dayFirst)
	if t != nil {
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return &d
	}
	return t
}

// Amount reads money in minor units of currency; ok is false when empty.
func (c *Cells) Amount(col, currency string, hint money.DecimalHint) (int64, bool) {
	v, n, _ := c.Row.Get(col)
	if c.err != nil || v == "" {
		return 0, false
	}
	cur, known := money.LookupCurrency(currency)
	if !known {
		c.Fail(n, "%s: unknown currency %q", c.Row.Header(col), currency)
		return 0, false
	}
	if c.Row.Numeric(col) {
		hint = money.HintDot // a spreadsheet number: its point is the decimal one
	}
	x, err := money.ParseMinor(v, cur.Exponent, hint)
	if err != nil {
		// money's errors quote the value already.
		msg, q := err.Error(), strconv.Quote(v)
		if i := strings.Index(msg, q); i >= 0 {
			msg = strings.TrimLeft(msg[i+len(q):], ": ")
		}
		c.Fail(n, "%s %q: %s", c.Row.Header(col), v, msg)
		return 0, false
	}
	return x, true
}

// Currency reads an ISO 4217 code, or takes fallback when the cell is empty.
func (c *Cells) Currency(col, fallback string) string {
	v, n, _ := c.Row.Get(col)
	if c.err != nil {
		return ""
	}
	if v == "" {
		if fallback == "" {
			c.Fail(c.Row.Column(col), "%s is required: the connection has no default currency", c.Row.Header(col))
		}
		return fallback
	}
	code := strings.ToUpper(v)
	if _, ok := money.LookupCurrency(code); !ok {
		c.Fail(n, "%s %q is not an ISO 4217 currency code", c.Row.Header(col), v)
		return ""
	}
	return code
}

// Fail records an error at column of the row, unless one is recorded.
func (c *Cells) Fail(column int, format string, args ...any) {
	if c.err == nil {
		c.err = &Error{File: c.Table.Name, Line: c.Row.Line, Column: column, Msg: fmt.Sprintf(format, args...)}
	}
}
