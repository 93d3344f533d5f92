package store

import (
	"context"
	"fmt"
	"math/bits"
	"time"
)

// Link is a tracked link made by the link builder.
type Link struct {
	ID             string
	WorkspaceID    string
	Code           string // the /r/{code} path element
	URL            string // the tracked destination (with tag)
	Channel        string
	Program        string // the marketplace, "amazon.de"
	Custom         string
	UniquePerClick bool
	CreatedAt      time.Time

	// What its redirect hits add up to. Clicks is every hit, or those of the
	// days a LinkFilter asks for; Customs (distinct app customs) and
	// LastClickAt (nil before the first hit) are of all time.
	Clicks      int64
	Customs     int64
	LastClickAt *time.Time
}

// LinkClick is one redirect hit and the subtag minted for it.
type LinkClick struct {
	ID        int64
	LinkID    string
	Subtag    string
	Custom    string
	ClickedAt time.Time
}

// CreateLink stores a link.
func (s *Store) CreateLink(ctx context.Context, l Link) (Link, error) {
	// Microseconds: what both engines keep, so the cursor of a list finds it again.
	l.ID, l.CreatedAt = newID("lnk"), time.Now().UTC().Truncate(time.Microsecond)
	l.Clicks, l.Customs, l.LastClickAt = 0, 0, nil
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO links (id, workspace_id, code, url, channel, program, custom, unique_per_click, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, l.ID, l.WorkspaceID, l.Code, l.URL, l.Channel, l.Program, l.Custom, l.UniquePerClick, s.ts(l.CreatedAt))
		return err
	})
	if err != nil {
		return Link{}, fmt.Errorf("store link: %w", err)
	}
	return l, nil
}

const linkColumns = `id, workspace_id, code, url, channel, program, custom, unique_per_click, created_at, clicks, customs, last_click_at`

func scanLink(r rowScanner) (Link, error) {
	var l Link
	var created, last scanTime
	if err := r.Scan(&l.ID, &l.WorkspaceID, &l.Code, &l.URL, &l.Channel, &l.Program, &l.Custom, &l.UniquePerClick, &created,
		&l.Clicks, &l.Customs, &last); err != nil {
		return l, notFound(err, "link")
	}
	l.CreatedAt, l.LastClickAt = created.T, last.ptr()
	return l, nil
}

// LinkByCode finds a link by its public code (redirects are not scoped by a key).
func (s *Store) LinkByCode(ctx context.Context, code string) (Link, error) {
	return scanLink(s.read.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM links WHERE code = $1`, code))
}

// Link finds one of a workspace's links.
func (s *Store) Link(ctx context.Context, workspaceID, id string) (Link, error) {
	return scanLink(s.read.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM links WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
}

// LinkFilter pages a list of links and, with Since or Until (calendar days,
// UTC, inclusive), counts only those days' clicks.
type LinkFilter struct {
	Since, Until *time.Time
	Cursor       string
	Limit        int
}

// Links lists a workspace's links newest first, a page at a time. Pages
// follow (created_at, id), which never change, so paging neither skips nor
// repeats a link; new ones appear before the first page. The counts come
// from the links' own counters, or, for a date range, from link_days: a
// page reads at most a row per link and day, never the hits.
func (s *Store) Links(ctx context.Context, workspaceID string, f LinkFilter) ([]Link, string, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args := sqlArgs{workspaceID}
	where := "workspace_id = $1"
	after, err := linkPages.after(s, f.Cursor, &args)
	if err != nil {
		return nil, "", err
	}
	if after != "" {
		where += " AND " + after
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+linkColumns+` FROM links WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT `+args.bind(f.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("list links: %w", err)
	}
	list, err := collect(rows, scanLink)
	if err != nil {
		return nil, "", fmt.Errorf("list links: %w", err)
	}
	next := ""
	if len(list) > f.Limit {
		list = list[:f.Limit]
		last := list[len(list)-1]
		next = linkPages.cursor(last.CreatedAt, last.ID)
	}
	if f.Since != nil || f.Until != nil {
		if err := s.linkClicksBetween(ctx, workspaceID, list, f.Since, f.Until); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}

// linkClicksBetween sets each link's Clicks to its hits of the days since..until.
func (s *Store) linkClicksBetween(ctx context.Context, workspaceID string, list []Link, since, until *time.Time) error {
	if len(list) == 0 {
		return nil
	}
	index := make(map[string]int, len(list))
	args := sqlArgs{workspaceID}
	ids := make([]string, len(list))
	for i := range list {
		list[i].Clicks = 0
		index[list[i].ID] = i
		ids[i] = list[i].ID
	}
	q := `SELECT link_id, SUM(clicks) FROM link_days WHERE workspace_id = $1 AND ` + inList(s.dialect, &args, "link_id", ids)
	if since != nil {
		q += ` AND day >= ` + args.bind(date(*since))
	}
	if until != nil {
		q += ` AND day <= ` + args.bind(date(*until))
	}
	rows, err := s.read.QueryContext(ctx, q+` GROUP BY link_id`, args...)
	if err != nil {
		return fmt.Errorf("link clicks between: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return fmt.Errorf("link clicks between: %w", err)
		}
		list[index[id]].Clicks = n
	}
	return rows.Err()
}

// LinkDay is a link's hits of one UTC day.
type LinkDay struct {
	Day    time.Time
	Clicks int64
}

// LinkDays lists a link's hits per day of since..until (inclusive), days
// without hits left out, oldest first.
func (s *Store) LinkDays(ctx context.Context, workspaceID, linkID string, since, until time.Time) ([]LinkDay, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT day, clicks FROM link_days WHERE workspace_id = $1 AND link_id = $2
		AND day >= $3 AND day <= $4 ORDER BY day`, workspaceID, linkID, date(since), date(until))
	if err != nil {
		return nil, fmt.Errorf("link days: %w", err)
	}
	return collect(rows, func(r rowScanner) (LinkDay, error) {
		var d LinkDay
		var day scanTime
		if err := r.Scan(&day, &d.Clicks); err != nil {
			return d, fmt.Errorf("read link day: %w", err)
		}
		d.Day = day.T
		return d, nil
	})
}

// RecordLinkClicks stores redirect hits in one transaction (callers batch them
// so a redirect never waits on a write), and counts them into the daily
// click rollup by the link's channel and program and the app's custom.
func (s *Store) RecordLinkClicks(ctx context.Context, workspaceID string, clicks []LinkClick) error {
	if len(clicks) == 0 {
		return nil
	}
	linkIDs := make([]string, len(clicks))
	for i, c := range clicks {
		linkIDs[i] = c.LinkID
	}
	return s.Write(ctx, func(tx *Tx) error {
		// The links are checked here, once per batch, rather than by a foreign
		// key per row: on PostgreSQL that check tripled the cost of a hit.
		if err := tx.countLinkClicks(ctx, workspaceID, linkIDs, clicks); err != nil {
			return fmt.Errorf("record link clicks: %w", err)
		}
		if err := tx.insertLinkClicks(ctx, workspaceID, clicks); err != nil {
			return fmt.Errorf("record link clicks: %w", err)
		}
		if err := tx.countLinkStats(ctx, workspaceID, clicks); err != nil {
			return fmt.Errorf("record link clicks: %w", err)
		}
		return nil
	})
}

// countLinkStats adds a batch of hits to each link's days, distinct customs
// and counters. The links were checked by countLinkClicks.
func (t *Tx) countLinkStats(ctx context.Context, workspaceID string, clicks []LinkClick) error {
	type linkDay struct{ link, day string }
	type linkCustom struct{ link, custom string }
	type counter struct {
		clicks, customs int64
		last            time.Time
	}
	days := map[linkDay]int64{}
	var dayOrder []linkDay
	customs := map[linkCustom]bool{}
	var customRows [][]any
	counters := map[string]*counter{}
	var linkOrder []string
	for _, c := range clicks {
		d := linkDay{c.LinkID, date(c.ClickedAt)}
		if days[d] == 0 {
			dayOrder = append(dayOrder, d)
		}
		days[d]++
		if k := (linkCustom{c.LinkID, c.Custom}); c.Custom != "" && !customs[k] {
			customs[k] = true
			customRows = append(customRows, []any{workspaceID, c.LinkID, c.Custom})
		}
		n := counters[c.LinkID]
		if n == nil {
			n = &counter{}
			counters[c.LinkID] = n
			linkOrder = append(linkOrder, c.LinkID)
		}
		n.clicks++
		if c.ClickedAt.After(n.last) {
			n.last = c.ClickedAt
		}
	}
	dayRows := make([][]any, len(dayOrder))
	for i, d := range dayOrder {
		dayRows[i] = []any{workspaceID, d.link, d.day, days[d]}
	}
	if err := t.upsertRows(ctx, "link_days", []string{"workspace_id", "link_id", "day", "clicks"}, dayRows,
		"ON CONFLICT (workspace_id, link_id, day) DO UPDATE SET clicks = link_days.clicks + excluded.clicks"); err != nil {
		return err
	}
	// Only the rows really inserted come back: those customs are new to their link.
	columns := []string{"workspace_id", "link_id", "custom"}
	for len(customRows) > 0 {
		// A power of two rows per statement, as upsertRows does, keeps the
		// statement texts few.
		n := min(512, 1<<(bits.Len(uint(len(customRows)))-1))
		chunk := customRows[:n]
		customRows = customRows[n:]
		var args []any
		for _, row := range chunk {
			args = append(args, row...)
		}
		rows, err := t.query(ctx, insertSQL(t.s.dialect, "link_customs", columns, len(chunk),
			"ON CONFLICT (workspace_id, link_id, custom) DO NOTHING RETURNING link_id"), args...)
		if err != nil {
			return err
		}
		added, err := collect(rows, scanOne[string]) // the links that gained a custom
		if err != nil {
			return err
		}
		for _, id := range added {
			counters[id].customs++
		}
	}
	for _, id := range linkOrder {
		n := counters[id]
		if _, err := t.exec(ctx, `UPDATE links SET clicks = clicks + $1, customs = customs + $2,
			last_click_at = CASE WHEN last_click_at IS NULL OR last_click_at < $3 THEN $3 ELSE last_click_at END
			WHERE workspace_id = $4 AND id = $5`, n.clicks, n.customs, t.s.ts(n.last), workspaceID, id); err != nil {
			return err
		}
	}
	return nil
}

// insertLinkClicks writes the hit rows the cheapest way each engine offers:
// PostgreSQL takes them as five arrays in one small statement; SQLite, in
// process, runs one prepared single-row insert per hit (parsing a statement
// of thousands of placeholders cost more than the inserts).
func (t *Tx) insertLinkClicks(ctx context.Context, workspaceID string, clicks []LinkClick) error {
	if t.s.dialect == Postgres {
		links, subtags, customs := make([]string, len(clicks)), make([]string, len(clicks)), make([]string, len(clicks))
		at := make([]time.Time, len(clicks))
		for i, c := range clicks {
			links[i], subtags[i], customs[i], at[i] = c.LinkID, c.Subtag, c.Custom, c.ClickedAt.UTC()
		}
		_, err := t.exec(ctx, `INSERT INTO link_clicks (workspace_id, link_id, subtag, custom, clicked_at)
			SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])`, workspaceID, links, subtags, customs, at)
		return err
	}
	stmt, err := t.tx.PrepareContext(ctx, `INSERT INTO link_clicks (workspace_id, link_id, subtag, custom, clicked_at) VALUES ($1, $2, $3, $4, $5)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range clicks {
		if _, err := stmt.ExecContext(ctx, workspaceID, c.LinkID, c.Subtag, c.Custom, t.s.ts(c.ClickedAt)); err != nil {
			return err
		}
	}
	return nil
}

// countLinkClicks adds clicks to link_click_days by day, channel, program and custom.
func (t *Tx) countLinkClicks(ctx context.Context, workspaceID string, linkIDs []string, clicks []LinkClick) error {
	type place struct{ channel, program string }
	places := map[string]place{}
	for chunk := range listChunks(t.s.dialect, uniqueStrings(linkIDs)) {
		args := sqlArgs{workspaceID}
		rows, err := t.query(ctx, `SELECT id, channel, program FROM links WHERE workspace_id = $1
			AND `+inList(t.s.dialect, &args, "id", chunk), args...)
		if err != nil {
			return err
		}
		type linkPlace struct {
			id string
			place
		}
		found, err := collect(rows, func(r rowScanner) (linkPlace, error) {
			var l linkPlace
			return l, r.Scan(&l.id, &l.channel, &l.program)
		})
		if err != nil {
			return err
		}
		for _, l := range found {
			places[l.id] = l.place
		}
	}
	type group struct{ day, channel, program, custom string }
	counts := map[group]int64{}
	var order []group
	for _, c := range clicks {
		p, ok := places[c.LinkID]
		if !ok {
			return fmt.Errorf("link %s is not in this workspace", c.LinkID)
		}
		g := group{date(c.ClickedAt), p.channel, p.program, c.Custom}
		if counts[g] == 0 {
			order = append(order, g)
		}
		counts[g]++
	}
	rows := make([][]any, len(order))
	for i, g := range order {
		rows[i] = []any{workspaceID, g.day, g.channel, g.program, g.custom, counts[g]}
	}
	return t.upsertRows(ctx, "link_click_days", []string{"workspace_id", "day", "channel", "program", "custom", "clicks"}, rows,
		"ON CONFLICT (workspace_id, day, channel, program, custom) DO UPDATE SET clicks = link_click_days.clicks + excluded.clicks")
}

// LinkClicks lists a link's hits, oldest first.
func (s *Store) LinkClicks(ctx context.Context, workspaceID, linkID string) ([]LinkClick, error) {
	return s.linkClicks(ctx, `SELECT id, link_id, subtag, custom, clicked_at FROM link_clicks
		WHERE workspace_id = $1 AND link_id = $2 ORDER BY id`, workspaceID, linkID)
}

// LatestLinkClicks lists a link's last n hits, newest first.
func (s *Store) LatestLinkClicks(ctx context.Context, workspaceID, linkID string, n int) ([]LinkClick, error) {
	return s.linkClicks(ctx, `SELECT id, link_id, subtag, custom, clicked_at FROM link_clicks
		WHERE workspace_id = $1 AND link_id = $2 ORDER BY id DESC LIMIT $3`, workspaceID, linkID, n)
}

func (s *Store) linkClicks(ctx context.Context, query string, args ...any) ([]LinkClick, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list link clicks: %w", err)
	}
	return collect(rows, func(r rowScanner) (LinkClick, error) {
		var c LinkClick
		var at scanTime
		if err := r.Scan(&c.ID, &c.LinkID, &c.Subtag, &c.Custom, &at); err != nil {
			return c, fmt.Errorf("read link click: %w", err)
		}
		c.ClickedAt = at.T
		return c, nil
	})
}

// CustomsForSubtags maps minted subtags to the app customs they stand for.
func (t *Tx) CustomsForSubtags(ctx context.Context, workspaceID string, subtags []string) (map[string]string, error) {
	out := map[string]string{}
	for chunk := range listChunks(t.s.dialect, uniqueStrings(subtags)) {
		args := sqlArgs{workspaceID}
		rows, err := t.query(ctx, `SELECT subtag, custom FROM link_clicks WHERE workspace_id = $1 AND custom <> ''
			AND `+inList(t.s.dialect, &args, "subtag", chunk), args...)
		if err != nil {
			return nil, fmt.Errorf("customs for subtags: %w", err)
		}
		pairs, err := collect(rows, func(r rowScanner) ([2]string, error) {
			var p [2]string
			return p, r.Scan(&p[0], &p[1])
		})
		if err != nil {
			return nil, fmt.Errorf("customs for subtags: %w", err)
		}
		for _, p := range pairs {
			out[p[0]] = p[1]
		}
	}
	return out, nil
}

// LinkSales is what the transactions of a link's minted subtags add up to
// in one currency.
type LinkSales struct {
	Currency     string
	Transactions int64
	Commission   int64
}

// LinkSales sums, per currency, the transactions that carry a subtag one of
// the link's hits minted. It follows the link's hits (an index lookup each)
// and never reads other transactions, so it is for one link, not a list.
func (s *Store) LinkSales(ctx context.Context, workspaceID, linkID string) ([]LinkSales, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT t.currency, COUNT(*), COALESCE(SUM(t.commission), 0) FROM transactions t
		WHERE t.workspace_id = $1 AND t.id IN (SELECT c.transaction_id FROM link_clicks k
			JOIN transaction_customs c ON c.workspace_id = k.workspace_id AND c.custom = k.subtag
			WHERE k.workspace_id = $1 AND k.link_id = $2)
		GROUP BY t.currency ORDER BY t.currency`, workspaceID, linkID)
	if err != nil {
		return nil, fmt.Errorf("link sales: %w", err)
	}
	return collect(rows, func(r rowScanner) (LinkSales, error) {
		var ls LinkSales
		if err := r.Scan(&ls.Currency, &ls.Transactions, &ls.Commission); err != nil {
			return ls, fmt.Errorf("read link sales: %w", err)
		}
		return ls, nil
	})
}
