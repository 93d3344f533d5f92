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

// Revenues sums revenues per group and currency (never across currencies).
func (s *Store) Revenues(ctx context.Context, workspaceID string, f AggregateFilter) ([]RevenueRow, error) {
	where, args, err := aggregateWhere(workspaceID, f, false)
	if err != nil {
		return nil, err
	}
	if f.Kind != "" {
		where += " AND kind = " + args.bind(f.Kind)
	}
	group := append(slicesClone(f.GroupBy), "currency", "kind")
	q := `SELECT ` + strings.Join(group, ", ") + `, SUM(sale_amount), SUM(commission), SUM(items_shipped), SUM(items_returned),
		SUM(transactions) FROM revenues WHERE ` + where + ` GROUP BY ` + strings.Join(group, ", ") + ` ORDER BY ` + strings.Join(group, ", ")
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("revenues: %w", err)
	}
	return collect(rows, func(r rowScanner) (RevenueRow, error) {
		var row RevenueRow
		var day scanTime
		dest := groupDest(f.GroupBy, &day, &row.Channel, &row.Program, &row.Custom)
		dest = append(dest, &row.Currency, &row.Kind, &row.SaleAmount, &row.Commission, &row.ItemsShipped, &row.ItemsReturned, &row.Transactions)
		if err := r.Scan(dest...); err != nil {
			return row, fmt.Errorf("read revenues: %w", err)
		}
		row.Date = day.ptr()
		return row, nil
	})
}

func groupDest(groupBy []string, day *scanTime, channel, program, custom *string, source ...*string) []any {
	var dest []any
	for _, g := range groupBy {
		switch g {
		case "source":
			dest = append(dest, source[0])
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
