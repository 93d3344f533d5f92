package store

import (
	"context"
	"fmt"
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
	l.ID, l.CreatedAt = newID("lnk"), time.Now().UTC()
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

const linkColumns = `id, workspace_id, code, url, channel, program, custom, unique_per_click, created_at`

func scanLink(r rowScanner) (Link, error) {
	var l Link
	var created scanTime
	if err := r.Scan(&l.ID, &l.WorkspaceID, &l.Code, &l.URL, &l.Channel, &l.Program, &l.Custom, &l.UniquePerClick, &created); err != nil {
		return l, notFound(err, "link")
	}
	l.CreatedAt = created.T
	return l, nil
}

// LinkByCode finds a link by its public code (redirects are not scoped by a key).
func (s *Store) LinkByCode(ctx context.Context, code string) (Link, error) {
	return scanLink(s.read.QueryRowContext(ctx, `SELECT `+linkColumns+` FROM links WHERE code = $1`, code))
}

// Links lists a workspace's links, newest first.
func (s *Store) Links(ctx context.Context, workspaceID string) ([]Link, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+linkColumns+` FROM links WHERE workspace_id = $1 ORDER BY created_at DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list links: %w", err)
	}
	return collect(rows, scanLink)
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
		return nil
	})
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
	for chunk := range slicesChunk(uniqueStrings(linkIDs), 900) {
		args := []any{workspaceID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := t.query(ctx, `SELECT id, channel, program FROM links WHERE workspace_id = $1
			AND id IN (`+placeholders(t.s.dialect, 2, len(chunk))+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var p place
			if err := rows.Scan(&id, &p.channel, &p.program); err != nil {
				rows.Close()
				return err
			}
			places[id] = p
		}
		if err := rows.Close(); err != nil {
			return err
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
	rows, err := s.read.QueryContext(ctx, `SELECT id, link_id, subtag, custom, clicked_at FROM link_clicks
		WHERE workspace_id = $1 AND link_id = $2 ORDER BY id`, workspaceID, linkID)
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
	for chunk := range slicesChunk(uniqueStrings(subtags), 900) {
		args := []any{workspaceID}
		for _, s := range chunk {
			args = append(args, s)
		}
		rows, err := t.query(ctx, `SELECT subtag, custom FROM link_clicks WHERE workspace_id = $1 AND custom <> ''
			AND subtag IN (`+placeholders(t.s.dialect, 2, len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("customs for subtags: %w", err)
		}
		for rows.Next() {
			var st, c string
			if err := rows.Scan(&st, &c); err != nil {
				rows.Close()
				return nil, err
			}
			out[st] = c
		}
		rows.Close()
	}
	return out, nil
}
