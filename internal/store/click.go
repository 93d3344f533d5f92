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

// Clicks come from two sources: the clicks of reports (per connection) and
// the hits of affsync's own redirects (no connection: they match no
// connection_id filter). A shopper who follows a redirect link is counted by
// affsync and again by Amazon's Tracking report, so the source tells the
// two apart.
var clickSources = []struct{ name, from string }{
	{ClickSourceReport, `(SELECT workspace_id, connection_id, day, channel, program, custom, clicks, 'report' AS source FROM clicks)`},
	{ClickSourceRedirect, `(SELECT workspace_id, '' AS connection_id, day, channel, program, custom, clicks, 'redirect' AS source FROM link_click_days)`},
}

// Clicks sums clicks per group, report clicks and redirect hits together, a
// page at a time in the order of the group key (the grouped columns); it
// answers the cursor of the next page ("" after the last). Not grouped, it
// is one total row.
func (s *Store) Clicks(ctx context.Context, workspaceID string, f AggregateFilter) ([]ClickRow, string, error) {
	where, args, err := aggregateWhere(workspaceID, f, true)
	if err != nil {
		return nil, "", err
	}
	keys := groupPages{list: "clk", cols: f.GroupBy}
	after, err := keys.after(f.Cursor, &args)
	if err != nil {
		return nil, "", err
	}
	if after != "" {
		where += " AND " + after
	}
	var q string
	if len(keys.cols) == 0 {
		var from []string
		for _, src := range clickSources {
			from = append(from, `SELECT clicks, workspace_id, connection_id, day, channel, program, custom, source FROM `+src.from+` b`)
		}
		q = `SELECT COALESCE(SUM(clicks), 0) FROM (` + strings.Join(from, " UNION ALL ") + `) c WHERE ` + where
	} else {
		// Each source is grouped and cut to the page on its own, from an
		// index in key order, then the two are merged: the first n groups of
		// the merge are among the first n of each source, with their whole
		// sums, since a group's rank in a source is at most its rank in the
		// merge.
		key := strings.Join(keys.cols, ", ")
		limit := args.bind(f.limit() + 1)
		var parts []string
		for _, src := range clickSources {
			if (f.Source != "" && f.Source != src.name) || (f.ConnectionID != "" && src.name == ClickSourceRedirect) {
				continue
			}
			parts = append(parts, `SELECT * FROM (SELECT `+key+`, SUM(clicks) AS clicks FROM `+src.from+` b WHERE `+where+
				` GROUP BY `+key+` ORDER BY `+key+` LIMIT `+limit+`) `+src.name)
		}
		if len(parts) == 0 {
			return nil, "", nil // redirects only, of one connection: none
		}
		q = `SELECT ` + key + `, SUM(clicks) FROM (` + strings.Join(parts, " UNION ALL ") + `) c GROUP BY ` + key + ` ORDER BY ` + key + ` LIMIT ` + limit
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("clicks: %w", err)
	}
	list, err := collect(rows, func(r rowScanner) (ClickRow, error) {
		var row ClickRow
		var day scanTime
		dest := append(groupDest(f.GroupBy, &day, &row.Channel, &row.Program, &row.Custom, &row.Source), &row.Clicks)
		if err := r.Scan(dest...); err != nil {
			return row, fmt.Errorf("read clicks: %w", err)
		}
		row.Date = day.ptr()
		return row, nil
	})
	if err != nil {
		return nil, "", err
	}
	page, next := pageOf(keys, list, f.limit(), func(r ClickRow) []string {
		return keyValues(keys.cols, r.Date, r.Channel, r.Program, r.Custom, r.Source, "", "")
	})
	return page, next, nil
}
