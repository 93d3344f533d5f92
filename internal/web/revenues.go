package web

import (
	"net/http"
	"net/url"
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
	Rows []store.RevenueRow
	Next string // the next page's cursor; "" on the last
}

// revenueRows reads the revenues a page shows.
func (s *Server) revenueRows(r *http.Request, v *viewer) (revenuesData, error) {
	a, err := aggregateQueryOf(r.URL.Query())
	if err != nil {
		return revenuesData{}, err
	}
	rows, next, err := s.store.Revenues(r.Context(), v.WorkspaceID, a.Filter)
	return revenuesData{a, rows, next}, err
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
func (d revenuesData) Key(r store.RevenueRow) string {
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
	header := []string{a.GroupBy, "kind", "currency", "sale_amount", "commission", "items_shipped", "items_returned", "transactions"}
	exportPages(s, w, r, v, "revenues", header, func(cursor string) ([]store.RevenueRow, string, error) {
		f.Cursor = cursor
		return s.store.Revenues(r.Context(), v.WorkspaceID, f)
	}, func(x store.RevenueRow) []string {
		return []string{groupKey(a.GroupBy, x.Date, x.Channel, x.Program, x.Custom), x.Kind, x.Currency, money.FormatIn(x.SaleAmount, x.Currency),
			money.FormatIn(x.Commission, x.Currency), itoa(x.ItemsShipped), itoa(x.ItemsReturned), itoa(x.Transactions)}
	})
}
