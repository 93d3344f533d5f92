package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// The daily rollups (revenue_days, click_days, status_days) are refreshed at
// the end of each write transaction for the (connection, day) ranges it
// touched: the writers only note the days (touch), and one refresh per
// connection recomputes them from revenues, clicks and transactions. So the
// rollups never drift from their sources, whatever path changed them.

// touchedRange is the days of one connection a transaction changed.
type touchedRange struct {
	workspaceID string
	from, to    time.Time // UTC days, inclusive
}

// touch notes that a connection's data on days [from, to] changed.
func (t *Tx) touch(workspaceID, connectionID string, from, to time.Time) {
	from, to = utcDay(from), utcDay(to)
	if t.touched == nil {
		t.touched = map[string]touchedRange{}
	}
	r, ok := t.touched[connectionID]
	if !ok {
		t.touched[connectionID] = touchedRange{workspaceID, from, to}
		return
	}
	if from.Before(r.from) {
		r.from = from
	}
	if to.After(r.to) {
		r.to = to
	}
	t.touched[connectionID] = r
}

// touchDays notes single days (ReplaceRevenues, ReplaceClicks).
func (t *Tx) touchDays(workspaceID, connectionID string, days []time.Time) {
	for _, d := range days {
		t.touch(workspaceID, connectionID, d, d)
	}
}

// touchTransactions notes the sale days of a batch, before and after.
func (t *Tx) touchTransactions(workspaceID string, batch []TxWrite, before map[string]txWithSeq) {
	for _, w := range batch {
		t.touch(workspaceID, w.Tx.ConnectionID, w.Tx.SoldAt, w.Tx.SoldAt)
		if old, ok := before[w.Tx.ID]; ok {
			t.touch(workspaceID, old.ConnectionID, old.SoldAt, old.SoldAt)
		}
	}
}

// touchTransactionIDs notes the sale days of transactions about to be deleted.
func (t *Tx) touchTransactionIDs(ctx context.Context, workspaceID string, ids []string) error {
	for chunk := range listChunks(t.s.dialect, ids) {
		args := sqlArgs{workspaceID}
		rows, err := t.query(ctx, `SELECT connection_id, MIN(sold_at), MAX(sold_at) FROM transactions
			WHERE workspace_id = $1 AND `+inList(t.s.dialect, &args, "id", chunk)+` GROUP BY connection_id`, args...)
		if err != nil {
			return fmt.Errorf("days of deleted transactions: %w", err)
		}
		type span struct {
			conn     string
			from, to scanTime
		}
		spans, err := collect(rows, func(r rowScanner) (span, error) {
			var s span
			return s, r.Scan(&s.conn, &s.from, &s.to)
		})
		if err != nil {
			return fmt.Errorf("days of deleted transactions: %w", err)
		}
		for _, s := range spans {
			t.touch(workspaceID, s.conn, s.from.T, s.to.T)
		}
	}
	return nil
}

// refreshRollups recomputes the touched days; Write calls it before commit.
func (t *Tx) refreshRollups(ctx context.Context) error {
	conns := make([]string, 0, len(t.touched))
	for c := range t.touched {
		conns = append(conns, c)
	}
	slices.Sort(conns) // a stable order of writes
	for _, c := range conns {
		r := t.touched[c]
		if err := t.refreshConnection(ctx, r.workspaceID, c, r.from, r.to); err != nil {
			return fmt.Errorf("refresh rollups of %s: %w", c, err)
		}
	}
	t.touched = nil
	return nil
}

func (t *Tx) refreshConnection(ctx context.Context, workspaceID, connectionID string, from, to time.Time) error {
	day := `substr(sold_at, 1, 10)`
	// The connection's transactions sold on those days. SQLite finds them
	// in the index on sale day, then reads their rows in rowid order, not
	// in the index's (the + keeps the planner off the connection's index):
	// a first import's rows fill the table in the order they were written,
	// and in sale-day order almost every row was a page read of its own (a
	// million-row import: 333k rows on 48k pages). On that import's store
	// the statement took 3.2 s, and 1.1–1.9 s this way with the shorter
	// sort key below (the sort is about half of it).
	sold := `rowid IN (SELECT rowid FROM transactions WHERE workspace_id = $1 AND sold_at >= $3 AND sold_at < $4)
		AND +connection_id = $2`
	if t.s.dialect == Postgres {
		day = `(sold_at AT TIME ZONE 'UTC')::date`
		// Its bitmap heap scans visit the table in its order already.
		sold = `workspace_id = $1 AND connection_id = $2 AND sold_at >= $3 AND sold_at < $4`
	}
	days := []any{connectionID, date(from), date(to)}
	statements := []struct {
		q    string
		args []any
	}{
		{`DELETE FROM revenue_days WHERE connection_id = $1 AND day >= $2 AND day <= $3`, days},
		{`INSERT INTO revenue_days (workspace_id, connection_id, day, channel, program, currency, kind, sale_amount, commission, transactions)
		SELECT workspace_id, connection_id, day, channel, program, currency, kind, SUM(sale_amount), SUM(commission), SUM(transactions)
		FROM revenues WHERE connection_id = $1 AND day >= $2 AND day <= $3
		GROUP BY workspace_id, connection_id, day, channel, program, currency, kind`, days},
		{`DELETE FROM click_days WHERE connection_id = $1 AND day >= $2 AND day <= $3`, days},
		{`INSERT INTO click_days (workspace_id, connection_id, day, channel, program, clicks)
		SELECT workspace_id, connection_id, day, channel, program, SUM(clicks)
		FROM clicks WHERE connection_id = $1 AND day >= $2 AND day <= $3
		GROUP BY workspace_id, connection_id, day, channel, program`, days},
		{`DELETE FROM status_days WHERE connection_id = $1 AND day >= $2 AND day <= $3`, days},
		{`INSERT INTO status_days (workspace_id, connection_id, day, status, currency, transactions, sale_amount, commission)
		SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), ` + day + `, status, currency, COUNT(*), SUM(sale_amount), SUM(commission)
		FROM transactions WHERE ` + sold + `
		GROUP BY ` + day + `, status, currency`, // the two ids are fixed: a shorter key to sort by
			[]any{workspaceID, connectionID, t.s.ts(from), t.s.ts(to.AddDate(0, 0, 1))}},
	}
	for _, st := range statements {
		if _, err := t.exec(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	return nil
}

func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DayFilter selects days of a workspace's rollups.
type DayFilter struct {
	Since, Until time.Time // UTC days, both inclusive
	ConnectionID string
}

func (f DayFilter) where(workspaceID string) (string, []any) {
	args := sqlArgs{workspaceID, date(f.Since), date(f.Until)}
	w := "workspace_id = $1 AND day >= $2 AND day <= $3"
	if f.ConnectionID != "" {
		w += " AND connection_id = " + args.bind(f.ConnectionID)
	}
	return w, args
}

// DayTotal is one day's revenue of one currency (kind cps and cpc together).
type DayTotal struct {
	Day          time.Time
	Currency     string
	SaleAmount   int64
	Commission   int64
	Transactions int64
}

// RevenueByDay sums the revenue rollup per day and currency.
func (s *Store) RevenueByDay(ctx context.Context, workspaceID string, f DayFilter) ([]DayTotal, error) {
	where, args := f.where(workspaceID)
	rows, err := s.read.QueryContext(ctx, `SELECT day, currency, SUM(sale_amount), SUM(commission), SUM(transactions)
		FROM revenue_days WHERE `+where+` GROUP BY day, currency ORDER BY day, currency`, args...)
	if err != nil {
		return nil, fmt.Errorf("revenue by day: %w", err)
	}
	return collect(rows, func(r rowScanner) (DayTotal, error) {
		var d DayTotal
		var day scanTime
		err := r.Scan(&day, &d.Currency, &d.SaleAmount, &d.Commission, &d.Transactions)
		d.Day = day.T
		return d, err
	})
}

// DayClicks is one day's clicks.
type DayClicks struct {
	Day    time.Time
	Clicks int64
}

// ClicksByDay sums the click rollup per day.
func (s *Store) ClicksByDay(ctx context.Context, workspaceID string, f DayFilter) ([]DayClicks, error) {
	where, args := f.where(workspaceID)
	rows, err := s.read.QueryContext(ctx, `SELECT day, SUM(clicks) FROM click_days WHERE `+where+` GROUP BY day ORDER BY day`, args...)
	if err != nil {
		return nil, fmt.Errorf("clicks by day: %w", err)
	}
	return collect(rows, func(r rowScanner) (DayClicks, error) {
		var d DayClicks
		var day scanTime
		err := r.Scan(&day, &d.Clicks)
		d.Day = day.T
		return d, err
	})
}

// Breakdown is the period's totals of one channel or program and currency.
type Breakdown struct {
	Key          string
	Currency     string
	SaleAmount   int64
	Commission   int64
	Transactions int64
	Clicks       int64
}

// RevenueBreakdown sums the period by "channel" or "program" and currency,
// with the clicks of the same key, largest commission first.
func (s *Store) RevenueBreakdown(ctx context.Context, workspaceID, by string, f DayFilter) ([]Breakdown, error) {
	if by != "channel" && by != "program" {
		return nil, fmt.Errorf("breakdown by %q: want channel or program", by)
	}
	where, args := f.where(workspaceID)
	rows, err := s.read.QueryContext(ctx, `SELECT `+by+`, currency, SUM(sale_amount), SUM(commission), SUM(transactions)
		FROM revenue_days WHERE `+where+` GROUP BY `+by+`, currency ORDER BY SUM(commission) DESC, `+by+`, currency`, args...)
	if err != nil {
		return nil, fmt.Errorf("revenue by %s: %w", by, err)
	}
	list, err := collect(rows, func(r rowScanner) (Breakdown, error) {
		var b Breakdown
		return b, r.Scan(&b.Key, &b.Currency, &b.SaleAmount, &b.Commission, &b.Transactions)
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.read.QueryContext(ctx, `SELECT `+by+`, SUM(clicks) FROM click_days WHERE `+where+` GROUP BY `+by, args...)
	if err != nil {
		return nil, fmt.Errorf("clicks by %s: %w", by, err)
	}
	type kc struct {
		key    string
		clicks int64
	}
	clicks, err := collect(rows, func(r rowScanner) (kc, error) {
		var x kc
		return x, r.Scan(&x.key, &x.clicks)
	})
	if err != nil {
		return nil, err
	}
	byKey := map[string]int64{}
	for _, c := range clicks {
		byKey[c.key] = c.clicks
	}
	seen := map[string]bool{}
	for i := range list {
		if !seen[list[i].Key] { // clicks have no currency: shown once per key
			list[i].Clicks = byKey[list[i].Key]
			seen[list[i].Key] = true
		}
	}
	for _, c := range clicks { // keys with clicks and no revenue yet
		if !seen[c.key] {
			list = append(list, Breakdown{Key: c.key, Clicks: c.clicks})
		}
	}
	return list, nil
}

// StatusTotal is the period's transactions of one status and currency.
type StatusTotal struct {
	Status       model.Status
	Currency     string
	Transactions int64
	SaleAmount   int64
	Commission   int64
}

// StatusBreakdown sums the status rollup over the period (by day of sale).
func (s *Store) StatusBreakdown(ctx context.Context, workspaceID string, f DayFilter) ([]StatusTotal, error) {
	where, args := f.where(workspaceID)
	rows, err := s.read.QueryContext(ctx, `SELECT status, currency, SUM(transactions), SUM(sale_amount), SUM(commission)
		FROM status_days WHERE `+where+` GROUP BY status, currency ORDER BY status, currency`, args...)
	if err != nil {
		return nil, fmt.Errorf("status breakdown: %w", err)
	}
	return collect(rows, func(r rowScanner) (StatusTotal, error) {
		var x StatusTotal
		var status string
		err := r.Scan(&status, &x.Currency, &x.Transactions, &x.SaleAmount, &x.Commission)
		x.Status = model.Status(status)
		return x, err
	})
}

// DayBreakdown is one day's revenue of one channel or program and currency.
type DayBreakdown struct {
	Key          string
	Day          time.Time
	Currency     string
	SaleAmount   int64
	Commission   int64
	Transactions int64
}

// RevenueBreakdownDays sums the revenue rollup by "channel" or "program",
// day and currency: what a conversion per day needs (SPEC §4.2a), still
// read from the rollup, so its cost follows days × keys, not transactions.
func (s *Store) RevenueBreakdownDays(ctx context.Context, workspaceID, by string, f DayFilter) ([]DayBreakdown, error) {
	if by != "channel" && by != "program" {
		return nil, fmt.Errorf("breakdown by %q: want channel or program", by)
	}
	return s.breakdownDays(ctx, "revenue_days", by, workspaceID, f)
}

// StatusDays sums the status rollup by status, day of sale and currency.
func (s *Store) StatusDays(ctx context.Context, workspaceID string, f DayFilter) ([]DayBreakdown, error) {
	return s.breakdownDays(ctx, "status_days", "status", workspaceID, f)
}

func (s *Store) breakdownDays(ctx context.Context, table, by, workspaceID string, f DayFilter) ([]DayBreakdown, error) {
	where, args := f.where(workspaceID)
	rows, err := s.read.QueryContext(ctx, `SELECT `+by+`, day, currency, SUM(sale_amount), SUM(commission), SUM(transactions)
		FROM `+table+` WHERE `+where+` GROUP BY `+by+`, day, currency ORDER BY `+by+`, day, currency`, args...)
	if err != nil {
		return nil, fmt.Errorf("%s by %s and day: %w", table, by, err)
	}
	return collect(rows, func(r rowScanner) (DayBreakdown, error) {
		var b DayBreakdown
		var day scanTime
		err := r.Scan(&b.Key, &day, &b.Currency, &b.SaleAmount, &b.Commission, &b.Transactions)
		b.Day = day.T
		return b, err
	})
}
