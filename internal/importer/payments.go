package importer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// RecordCounts are the payments or deals an import created, updated or
// left unchanged.
type RecordCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

func (c *RecordCounts) count(what store.Upserted) {
	switch what {
	case store.UpsertCreated:
		c.Created++
	case store.UpsertUpdated:
		c.Updated++
	default:
		c.Unchanged++
	}
}

// readPayments stores the rows of a payments file (README "Payments file"),
// each by its reference, and notes the months whose payment changed: the
// transactions shipped in them are projected again afterwards.
func (im *Importer) readPayments(ctx context.Context, tx *store.Tx, conn store.Connection, st settings, t *reportfile.Table, run *fileRun) error {
	if err := needColumns(t, "a payments file", "paid_on", "amount", "month|period_start"); err != nil {
		return err
	}
	fallback := firstOf(conn.Currency, st.currency)
	if t.CurrencyHint != "" && !hasColumn(t, "currency") {
		fallback = t.CurrencyHint // "Amount(€)"
	}
	lines := map[string]int{} // reference → line, to refuse a payment given twice
	return eachRow(t, run, func(row reportfile.Row) error {
		c := &reportfile.Cells{Table: t, Row: row}
		p := store.Payment{WorkspaceID: conn.WorkspaceID, ConnectionID: conn.ID, Reference: c.Str("payment_id"), Method: c.Str("method"),
			Source: sourceOf(t, row)}
		c.Required("paid_on")
		if d := c.Day("paid_on", st.dayFirst); d != nil {
			p.PaidOn = *d
		}
		p.PeriodStart, p.PeriodEnd = paymentPeriod(c, st)
		p.Currency = c.Currency("currency", fallback)
		c.Required("amount")
		p.Amount, _ = c.Amount("amount", p.Currency, st.decimal)
		if c.Err() != nil {
			return c.Err()
		}
		if p.Reference == "" {
			// No id: a payment is its paid day, period and currency.
			p.Reference = strings.Join([]string{p.PaidOn.Format("2006-01-02"), p.PeriodStart.Format("2006-01-02"),
				p.PeriodEnd.Format("2006-01-02"), p.Currency}, "/")
		}
		if first, dup := lines[p.Reference]; dup {
			c.Fail(firstOf1(row.Column("payment_id"), row.Column("paid_on")), "payment %s is already on line %d of this file", p.Reference, first)
			return c.Err()
		}
		lines[p.Reference] = row.Line
		_, what, prev, err := tx.UpsertPayment(ctx, p)
		if err != nil {
			return err
		}
		run.sum.Payments.count(what)
		if what != store.UpsertUnchanged {
			run.paymentMonths(p)
			if prev != nil {
				run.paymentMonths(*prev)
			}
		}
		return nil
	})
}

// paymentPeriod reads month, or period_start and period_end.
func paymentPeriod(c *reportfile.Cells, st settings) (time.Time, time.Time) {
	if v, n, _ := c.Row.Get("month"); v != "" && c.Row.Column("period_start") == 0 {
		m, err := reportfile.ParseMonth(v, st.dayFirst)
		if err != nil {
			c.Fail(n, "%s %q: %v", c.Row.Header("month"), v, err)
			return time.Time{}, time.Time{}
		}
		if m.Year() < 1995 || m.Year() > 2100 {
			c.Fail(n, "%s %q is out of range (1995 to 2100)", c.Row.Header("month"), v)
			return time.Time{}, time.Time{}
		}
		return m, m.AddDate(0, 1, -1)
	}
	c.Required("period_start")
	c.Required("period_end")
	start, end := c.Day("period_start", st.dayFirst), c.Day("period_end", st.dayFirst)
	if c.Err() != nil {
		return time.Time{}, time.Time{}
	}
	if end.Before(*start) {
		c.Fail(c.Row.Column("period_end"), "%s %s is before %s %s", c.Row.Header("period_end"), end.Format("2006-01-02"),
			c.Row.Header("period_start"), start.Format("2006-01-02"))
	}
	return *start, *end
}

// paymentMonths notes the months a payment version covers.
func (r *fileRun) paymentMonths(p store.Payment) {
	for _, m := range lifecycle.MonthsCovered(p.PeriodStart, p.PeriodEnd) {
		r.paidChanged[m] = true
	}
}

func hasColumn(t *reportfile.Table, col string) bool {
	for _, c := range t.Columns {
		if c == col {
			return true
		}
	}
	return false
}

func sourceOf(t *reportfile.Table, row reportfile.Row) string {
	return t.Name + ":" + strconv.Itoa(row.Line)
}

func firstOf(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

func firstOf1(xs ...int) int {
	for _, x := range xs {
		if x != 0 {
			return x
		}
	}
	return 0
}

// paidMonthsOf loads the payments of a connection as the paid rule reads them.
func paidMonthsOf(ctx context.Context, tx *store.Tx, conn store.Connection) (map[string]string, error) {
	pays, err := tx.ConnectionPayments(ctx, conn.WorkspaceID, conn.ID)
	if err != nil {
		return nil, err
	}
	ps := make([]lifecycle.Payment, len(pays))
	for i, p := range pays {
		ps[i] = lifecycle.Payment{ID: p.ID, Reference: p.Reference, PaidOn: p.PaidOn, Start: p.PeriodStart, End: p.PeriodEnd}
	}
	return lifecycle.PaidMonths(ps), nil
}
