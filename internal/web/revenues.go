package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
)

// aggregatePageSize is how many groups a revenues or clicks page shows: a
// quarter of days fits on two.
const aggregatePageSize = 100

// aggregateQuery is the shared filter of the revenues and clicks pages.
type aggregateQuery struct {
	Query        url.Values
	Since, Until string
	GroupBy      string
	Kind         string
	Filter       store.AggregateFilter
	Groups       []string
}

func aggregateQueryOf(q url.Values) (aggregateQuery, error) {
	a := aggregateQuery{Query: q, Since: q.Get("since"), Until: q.Get("until"), GroupBy: q.Get("group_by"), Kind: q.Get("kind"),
		Groups: []string{"day", "channel", "program", "custom"}}
	if a.GroupBy == "" {
		a.GroupBy = "day"
	}
	if !contains(a.Groups, a.GroupBy) {
		return a, userError{"Group by day, channel, program or custom."}
	}
	if a.Kind != "" && a.Kind != "cps" && a.Kind != "cpc" {
		return a, userError{"Kind must be CPS or CPC."}
	}
	a.Filter = store.AggregateFilter{GroupBy: []string{a.GroupBy}, Kind: a.Kind, Channel: q.Get("channel"), Program: q.Get("program"),
		Custom: q.Get("custom"), ConnectionID: q.Get("connection"), Cursor: q.Get("cursor"), Limit: aggregatePageSize}
	for _, b := range []struct {
		name string
		dst  **time.Time
	}{{"since", &a.Filter.Since}, {"until", &a.Filter.Until}} {
		if v := q.Get(b.name); v != "" {
			d, err := time.Parse("2006-01-02", v)
			if err != nil {
				return a, userError{b.name + " must be a date like 2026-10-02."}
			}
			*b.dst = &d
		}
	}
	return a, nil
}

type revenuesData struct {
	aggregateQuery
	// Reporting is the workspace's reporting currency when the page shows
	// the rows converted into it (?currency=reporting), else "".
	Reporting string
	Currency  string // the workspace's reporting currency, to offer the switch
	Rows      []store.ReportingRevenueRow
	Next      string // the next page's cursor; "" on the last
}

// revenueRows reads the revenues a page or its export shows: per original
// currency, or with ?currency=reporting one row per group converted as
// GET /v1/revenues?currency=reporting does (SPEC §4.2a).
func (s *Server) revenueRows(r *http.Request, v *viewer) (revenuesData, error) {
	a, err := aggregateQueryOf(r.URL.Query())
	if err != nil {
		return revenuesData{}, err
	}
	d := revenuesData{aggregateQuery: a}
	ws, err := s.store.Workspace(r.Context(), v.WorkspaceID)
	if err != nil {
		return d, err
	}
	d.Currency = ws.Currency
	switch r.URL.Query().Get("currency") {
	case "":
		rows, next, err := s.store.Revenues(r.Context(), v.WorkspaceID, a.Filter)
		for _, row := range rows {
			d.Rows = append(d.Rows, store.ReportingRevenueRow{RevenueRow: row})
		}
		d.Next = next
		return d, err
	case "reporting":
		if ws.Currency == "" {
			return d, userError{"The workspace has no reporting currency yet; an admin sets it in Settings."}
		}
		d.Reporting = ws.Currency
		d.Rows, d.Next, err = s.store.ReportingRevenues(r.Context(), v.WorkspaceID, a.Filter)
		return d, err
	default:
		return d, userError{"currency must be reporting, or left out for the original currencies."}
	}
}

func (s *Server) revenues(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.revenueRows(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "revenues", "Revenues", "revenues", d)
}

// groupKey is the grouped value of a row, for tables and exports.
func groupKey(by string, date *time.Time, channel, program, custom string) string {
	switch by {
	case "day":
		if date != nil {
			return date.UTC().Format("2006-01-02")
		}
	case "channel":
		return channel
	case "program":
		return program
	case "custom":
		return custom
	}
	return ""
}

// Key is the row's grouped value.
func (d revenuesData) Key(r store.ReportingRevenueRow) string {
	return groupKey(d.GroupBy, r.Date, r.Channel, r.Program, r.Custom)
}

// exportRevenues writes every group the filter selects, page by page.
func (s *Server) exportRevenues(w http.ResponseWriter, r *http.Request, v *viewer) {
	a, err := aggregateQueryOf(r.URL.Query())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	f := a.Filter
	f.Limit = 1000
	reporting := r.URL.Query().Get("currency") == "reporting"
	header := []string{a.GroupBy, "kind", "currency", "sale_amount", "commission", "items_shipped", "items_returned", "transactions"}
	if reporting {
		header = append(header, "unconverted")
	}
	exportPages(s, w, r, v, "revenues", header, func(cursor string) ([]store.ReportingRevenueRow, string, error) {
		f.Cursor = cursor
		if reporting {
			return s.store.ReportingRevenues(r.Context(), v.WorkspaceID, f)
		}
		rows, next, err := s.store.Revenues(r.Context(), v.WorkspaceID, f)
		out := make([]store.ReportingRevenueRow, len(rows))
		for i, x := range rows {
			out[i].RevenueRow = x
		}
		return out, next, err
	}, func(x store.ReportingRevenueRow) []string {
		cells := []string{groupKey(a.GroupBy, x.Date, x.Channel, x.Program, x.Custom), x.Kind, x.Currency, money.FormatIn(x.SaleAmount, x.Currency),
			money.FormatIn(x.Commission, x.Currency), itoa(x.ItemsShipped), itoa(x.ItemsReturned), itoa(x.Transactions)}
		if reporting {
			var left []string
			for _, u := range x.Unconverted {
				left = append(left, u.Currency+" "+money.FormatIn(u.Commission, u.Currency)+" commission, "+money.FormatIn(u.SaleAmount, u.Currency)+" sales: "+u.Reason)
			}
			cells = append(cells, strings.Join(left, "; "))
		}
		return cells
	})
}
