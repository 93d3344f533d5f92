package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
)

// ReplaceClicks swaps a connection's click rows of the given days for a new projection.
func (t *Tx) ReplaceClicks(ctx context.Context, workspaceID, connectionID string, days []time.Time, rows []model.Click) error {
	t.touchDays(workspaceID, connectionID, days)
	for _, d := range days {
		if _, err := t.exec(ctx, `DELETE FROM clicks WHERE connection_id = $1 AND day = $2`, connectionID, date(d)); err != nil {
			return fmt.Errorf("replace clicks: %w", err)
		}
	}
	values := make([][]any, 0, len(rows))
	for _, c := range rows {
		values = append(values, []any{workspaceID, connectionID, date(c.Date), c.Channel, c.Program, c.Custom, c.Clicks})
	}
	if err := t.insertRows(ctx, "clicks", []string{"workspace_id", "connection_id", "day", "channel", "program", "custom", "clicks"}, values); err != nil {
		return fmt.Errorf("replace clicks: %w", err)
	}
	return nil
}

// ClickRow is one group of clicks.
type ClickRow struct {
	Date    *time.Time
	Channel string
	Program string
	Custom  string
	Source  string // report or redirect, when grouped by source
	Clicks  int64
}

// clickSources are the clicks of reports (per connection) and of affsync's
// own redirects (no connection: they match no connection_id filter). A
// shopper who follows a redirect link is counted by affsync and again by
// Amazon's Tracking report, so the source tells the two apart.
const clickSources = `(SELECT workspace_id, connection_id, day, channel, program, custom, clicks, 'report' AS source FROM clicks
	UNION ALL SELECT workspace_id, '' AS connection_id, day, channel, program, custom, clicks, 'redirect' AS source FROM link_click_days) c`

// Clicks sums clicks per group: report clicks and redirect hits.
func (s *Store) Clicks(ctx context.Context, workspaceID string, f AggregateFilter) ([]ClickRow, error) {
	where, args, err := aggregateWhere(workspaceID, f, true)
	if err != nil {
		return nil, err
	}
	sel, group := "", ""
	if len(f.GroupBy) > 0 {
		sel = strings.Join(f.GroupBy, ", ") + ", "
		group = " GROUP BY " + strings.Join(f.GroupBy, ", ") + " ORDER BY " + strings.Join(f.GroupBy, ", ")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+sel+`COALESCE(SUM(clicks), 0) FROM `+clickSources+` WHERE `+where+group, args...)
	if err != nil {
		return nil, fmt.Errorf("clicks: %w", err)
	}
	return collect(rows, func(r rowScanner) (ClickRow, error) {
		var row ClickRow
		var day scanTime
		dest := append(groupDest(f.GroupBy, &day, &row.Channel, &row.Program, &row.Custom, &row.Source), &row.Clicks)
		if err := r.Scan(dest...); err != nil {
			return row, fmt.Errorf("read clicks: %w", err)
		}
		row.Date = day.ptr()
		return row, nil
	})
}
