package importer

import (
	"context"
	"net/url"
	"strings"

	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// readDeals stores the rows of a deals file (README "Deals file"), each by
// its id, or without one by its program, title, code, URL and start.
func (im *Importer) readDeals(ctx context.Context, tx *store.Tx, conn store.Connection, st settings, t *reportfile.Table, run *fileRun) error {
	if err := needColumns(t, "a deals file", "title"); err != nil {
		return err
	}
	lines := map[string]int{}
	return eachRow(t, run, func(row reportfile.Row) error {
		c := &reportfile.Cells{Table: t, Row: row}
		d := store.Deal{WorkspaceID: conn.WorkspaceID, ConnectionID: conn.ID, Reference: c.Str("id"), Title: c.Required("title"),
			Description: c.Str("description"), Code: c.Str("code"), URL: c.Str("url"), Source: sourceOf(t, row)}
		d.Program = dealProgram(c, st)
		if d.URL != "" {
			if u, err := url.Parse(d.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				c.Fail(row.Column("url"), "%s %q is not an http or https URL", row.Header("url"), d.URL)
			}
		}
		d.StartsOn, d.EndsOn = c.Day("starts", st.dayFirst), c.Day("ends", st.dayFirst)
		if c.Err() == nil && d.StartsOn != nil && d.EndsOn != nil && d.EndsOn.Before(*d.StartsOn) {
			c.Fail(row.Column("ends"), "%s %s is before %s %s", row.Header("ends"), d.EndsOn.Format("2006-01-02"),
				row.Header("starts"), d.StartsOn.Format("2006-01-02"))
		}
		if c.Err() != nil {
			return c.Err()
		}
		if d.Reference == "" {
			starts := ""
			if d.StartsOn != nil {
				starts = d.StartsOn.Format("2006-01-02")
			}
			// Without an id a deal is what it offers; a changed end date or
			// description updates it, a changed title or code is a new deal.
			d.Reference = strings.Join([]string{d.Program, d.Title, d.Code, d.URL, starts}, "\x1f")
		}
		if first, dup := lines[d.Reference]; dup {
			c.Fail(firstOf1(row.Column("id"), row.Column("title")), "this deal is already on line %d of this file", first)
			return c.Err()
		}
		lines[d.Reference] = row.Line
		_, what, err := tx.UpsertDeal(ctx, d)
		if err != nil {
			return err
		}
		run.sum.Deals.count(what)
		return nil
	})
}

// dealProgram reads the program as the connection's network names programs
// (for Amazon a marketplace, "www.amazon.de" → "amazon.de"); the
// connection's own program when empty.
func dealProgram(c *reportfile.Cells, st settings) string {
	v := c.Str("program")
	if v == "" {
		return st.program
	}
	p, err := st.conn.DealProgram(v)
	if err != nil {
		c.Fail(c.Row.Column("program"), "%s %s", c.Row.Header("program"), err.Error())
		return ""
	}
	return p
}
