package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// ReplaceRevenues swaps a connection's revenue rows of the given days for a
// new projection of them.
func (t *Tx) ReplaceRevenues(ctx context.Context, workspaceID, connectionID string, days []time.Time, rows []model.Revenue) error {
	if err := t.checkConnection(ctx, workspaceID, connectionID); err != nil {
		return fmt.Errorf("replace revenues: %w", err)
	}
	t.touchDays(workspaceID, connectionID, days)
	for _, d := range days {
		if _, err := t.exec(ctx, `DELETE FROM revenues WHERE connection_id = $1 AND day = $2`, connectionID, date(d)); err != nil {
			return fmt.Errorf("replace revenues: %w", err)
		}
	}
	values := make([][]any, 0, len(rows))
	for _, r := range rows {
		kind := r.Kind
		if kind == "" {
			kind = "cps"
		}
		values = append(values, []any{workspaceID, connectionID, date(r.Date), r.Channel, r.Program, r.Custom, r.Currency, kind,
			r.SaleAmount, r.Commission, r.ItemsShipped, r.ItemsReturned, r.Transactions})
	}
	err := t.insertRows(ctx, "revenues", []string{"workspace_id", "connection_id", "day", "channel", "program", "custom", "currency",
		"kind", "sale_amount", "commission", "items_shipped", "items_returned", "transactions"}, values)
	if err != nil {
		return fmt.Errorf("replace revenues: %w", err)
	}
	return nil
}

// AggregateFilter selects and groups revenues or clicks.
type AggregateFilter struct {
	Since, Until *time.Time // calendar days, both inclusive
	GroupBy      []string   // any of day, channel, program, custom; empty: one total per currency
	Kind         string     // revenues only: cps or cpc; "" both
	ConnectionID string
	Channel      string
	Program      string
	Custom       string
	Source       string // clicks only: report or redirect; "" both
	Limit        int    // groups per page; 0: 100
	Cursor       string // the next cursor of the page before; "": the first page
}

func (f AggregateFilter) limit() int {
	if f.Limit <= 0 {
		return 100
	}
	return f.Limit
}

// Click sources: a network's reports, or affsync's own redirect links.
const (
	ClickSourceReport   = "report"
	ClickSourceRedirect = "redirect"
)

// RevenueRow is one group of revenues. Fields not grouped by are empty.
type RevenueRow struct {
	Date          *time.Time
	Channel       string
	Program       string
	Custom        string
	Currency      string
	Kind          string
	SaleAmount    int64
	Commission    int64
	ItemsShipped  int64
	ItemsReturned int64
	Transactions  int64
}

var groupColumns = map[string]string{"day": "day", "channel": "channel", "program": "program", "custom": "custom"}

// aggregateWhere builds the shared WHERE of revenue and click reads.
func aggregateWhere(workspaceID string, f AggregateFilter, clicks bool) (string, sqlArgs, error) {
	args := sqlArgs{workspaceID}
	where := []string{"workspace_id = $1"}
	add := func(cond string, v any) { where = append(where, strings.ReplaceAll(cond, "?", args.bind(v))) }
	if f.Since != nil {
		add("day >= ?", date(*f.Since))
	}
	if f.Until != nil {
		add("day <= ?", date(*f.Until))
	}
	// In a fixed order, so that equal filters make equal SQL (one prepared
	// statement, one plan).
	for _, eq := range []struct{ col, v string }{
		{"connection_id", f.ConnectionID}, {"channel", f.Channel}, {"program", f.Program}, {"custom", f.Custom}, {"source", f.Source},
	} {
		if eq.v != "" {
			add(eq.col+" = ?", eq.v)
		}
	}
	if f.Source != "" && !clicks {
		return "", nil, fmt.Errorf("source filters clicks only")
	}
	for _, g := range f.GroupBy {
		if groupColumns[g] == "" && !(clicks && g == "source") {
			return "", nil, fmt.Errorf("group_by %q: want day, channel, program or custom", g)
		}
	}
	return strings.Join(where, " AND "), args, nil
}

// Revenues sums revenues per group and currency (never across currencies),
// a page at a time in the order of the group key: the grouped columns, then
// currency and kind. It answers the cursor of the next page ("" after the
// last).
func (s *Store) Revenues(ctx context.Context, workspaceID string, f AggregateFilter) ([]RevenueRow, string, error) {
	keys := groupPages{list: "rev", cols: append(slicesClone(f.GroupBy), "currency", "kind")}
	return s.revenuePage(ctx, workspaceID, f, keys, keys, f.Cursor, f.limit())
}

// revenuePage reads up to n groups of revenues keyed by keys.cols (any of
// day, channel, program, custom, currency, kind, in that key order) after
// cursor, a cursor of from (keys, or a prefix of them), and the cursor of
// the next page (of keys).
func (s *Store) revenuePage(ctx context.Context, workspaceID string, f AggregateFilter, keys, from groupPages, cursor string, n int) ([]RevenueRow, string, error) {
	where, args, err := aggregateWhere(workspaceID, f, false)
	if err != nil {
		return nil, "", err
	}
	if f.Kind != "" {
		where += " AND kind = " + args.bind(f.Kind)
	}
	after, err := from.after(cursor, &args)
	if err != nil {
		return nil, "", err
	}
	if after != "" {
		where += " AND " + after
	}
	key := strings.Join(keys.cols, ", ")
	q := `SELECT ` + key + `, SUM(sale_amount), SUM(commission), SUM(items_shipped), SUM(items_returned),
		SUM(transactions) FROM revenues WHERE ` + where + ` GROUP BY ` + key + ` ORDER BY ` + key + ` LIMIT ` + args.bind(n+1)
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("revenues: %w", err)
	}
	list, err := collect(rows, func(r rowScanner) (RevenueRow, error) {
		var row RevenueRow
		var day scanTime
		dest := groupDest(keys.cols, &day, &row.Channel, &row.Program, &row.Custom, nil, &row.Currency, &row.Kind)
		dest = append(dest, &row.SaleAmount, &row.Commission, &row.ItemsShipped, &row.ItemsReturned, &row.Transactions)
		if err := r.Scan(dest...); err != nil {
			return row, fmt.Errorf("read revenues: %w", err)
		}
		row.Date = day.ptr()
		return row, nil
	})
	if err != nil {
		return nil, "", err
	}
	page, next := pageOf(keys, list, n, func(r RevenueRow) []string {
		return keyValues(keys.cols, r.Date, r.Channel, r.Program, r.Custom, "", r.Currency, r.Kind)
	})
	return page, next, nil
}

// keyValues are a row's values of the key columns, as its cursor holds them.
func keyValues(cols []string, day *time.Time, channel, program, custom, source, currency, kind string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		switch c {
		case "day":
			if day != nil {
				out[i] = date(*day)
			}
		case "channel":
			out[i] = channel
		case "program":
			out[i] = program
		case "custom":
			out[i] = custom
		case "source":
			out[i] = source
		case "currency":
			out[i] = currency
		case "kind":
			out[i] = kind
		}
	}
	return out
}

// groupDest scans the key columns of groupBy; source, currency and kind
// are only needed when groupBy names them.
func groupDest(groupBy []string, day *scanTime, channel, program, custom *string, more ...*string) []any {
	var dest []any
	for _, g := range groupBy {
		switch g {
		case "source":
			dest = append(dest, more[0])
		case "currency":
			dest = append(dest, more[1])
		case "kind":
			dest = append(dest, more[2])
		case "day":
			dest = append(dest, day)
		case "channel":
			dest = append(dest, channel)
		case "program":
			dest = append(dest, program)
		case "custom":
			dest = append(dest, custom)
		}
	}
	return dest
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
