package api

import (
	"github.com/affsync/affsync/client"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// Revenue is one group of revenues; the grouping fields present as grouped.
type Revenue = client.Revenue

// Click is one group of clicks.
type Click = client.Click

// aggregateFilter reads the query shared by revenues and clicks: filters,
// grouping and keyset pages (limit, cursor).
func aggregateFilter(r *http.Request, extra ...string) (store.AggregateFilter, error) {
	q := r.URL.Query()
	known := append([]string{"since", "until", "group_by", "connection_id", "channel", "program", "custom", "limit", "cursor"}, extra...)
	if err := onlyParams(q, known...); err != nil {
		return store.AggregateFilter{}, err
	}
	f := store.AggregateFilter{ConnectionID: q.Get("connection_id"), Channel: q.Get("channel"), Program: q.Get("program"), Custom: q.Get("custom"),
		Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return f, err
	}
	for _, name := range []string{"since", "until"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return f, badRequest{name + " must be a date like 2026-10-02 (inclusive)"}
		}
		if name == "since" {
			f.Since = &d
		} else {
			f.Until = &d
		}
	}
	clicks := slices.Contains(extra, "source") // the clicks' own dimension
	if g := q.Get("group_by"); g != "" {
		for _, part := range strings.Split(g, ",") {
			switch {
			case slices.Contains(f.GroupBy, part):
				return f, badRequest{"group_by names " + part + " twice"}
			case part == "day", part == "channel", part == "program", part == "custom", clicks && part == "source":
				f.GroupBy = append(f.GroupBy, part)
			case clicks:
				return f, badRequest{"group_by takes day, channel, program, custom and source, comma-separated"}
			default:
				return f, badRequest{"group_by takes day, channel, program and custom, comma-separated"}
			}
		}
	}
	switch f.Source = q.Get("source"); f.Source {
	case "", store.ClickSourceReport, store.ClickSourceRedirect:
	default:
		return f, badRequest{"source must be report (a network's reports) or redirect (affsync's redirect links)"}
	}
	return f, nil
}

// grouped returns v's address when the list was grouped by field.
func grouped(f store.AggregateFilter, field, v string) *string {
	for _, g := range f.GroupBy {
		if g == field {
			return &v
		}
	}
	return nil
}

func (s *Server) listRevenues(w http.ResponseWriter, r *http.Request) {
	f, err := revenueFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, next, err := s.revenuePage(r, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(rows, next))
}

// revenueRows walks every group of GET /v1/revenues for an export, page by page.
func (s *Server) revenueRows(r *http.Request, emit func(Revenue) error) error {
	f, err := revenueFilter(r)
	if err != nil {
		return err
	}
	return walkPages(&f.Cursor, &f.Limit, func() ([]Revenue, string, error) { return s.revenuePage(r, f) },
		func(x Revenue) Revenue { return x }, emit)
}

// revenueFilter reads GET /v1/revenues: the aggregate filter, kind and currency.
func revenueFilter(r *http.Request) (store.AggregateFilter, error) {
	f, err := aggregateFilter(r, "kind", "currency")
	if err != nil {
		return f, err
	}
	switch f.Kind = r.URL.Query().Get("kind"); f.Kind {
	case "", "cps", "cpc":
	default:
		return f, badRequest{"kind must be cps or cpc"}
	}
	switch r.URL.Query().Get("currency") {
	case "", "reporting":
	default:
		return f, badRequest{"currency takes reporting (one row per group in the workspace's reporting currency); without it rows stay per original currency"}
	}
	return f, nil
}

// revenuePage answers one page of GET /v1/revenues: per original currency,
// or with currency=reporting one row per group in the reporting currency
// (SPEC §4.2a).
func (s *Server) revenuePage(r *http.Request, f store.AggregateFilter) ([]Revenue, string, error) {
	if r.URL.Query().Get("currency") != "reporting" {
		rows, next, err := s.store.Revenues(r.Context(), workspace(r), f)
		return mapSlice(rows, revenueJSON(f)), next, err
	}
	rows, next, err := s.store.ReportingRevenues(r.Context(), workspace(r), f)
	if err != nil {
		return nil, "", err
	}
	shape := revenueJSON(f)
	out := make([]Revenue, len(rows))
	for i, x := range rows {
		out[i] = shape(x.RevenueRow)
		for _, u := range x.Unconverted {
			out[i].Unconverted = append(out[i].Unconverted, client.UnconvertedRevenue{Currency: u.Currency,
				SaleAmount: amount(u.SaleAmount, u.Currency), Commission: amount(u.Commission, u.Currency), Reason: u.Reason})
		}
	}
	return out, next, nil
}

// revenueJSON shapes a group of revenues: the grouped fields, then the sums.
func revenueJSON(f store.AggregateFilter) func(store.RevenueRow) Revenue {
	return func(x store.RevenueRow) Revenue {
		out := Revenue{Channel: grouped(f, "channel", x.Channel), Program: grouped(f, "program", x.Program), Custom: grouped(f, "custom", x.Custom),
			Currency: x.Currency, Kind: x.Kind, SaleAmount: amount(x.SaleAmount, x.Currency), Commission: amount(x.Commission, x.Currency),
			ItemsShipped: x.ItemsShipped, ItemsReturned: x.ItemsReturned, Transactions: x.Transactions}
		if x.Date != nil {
			out.Date = grouped(f, "day", x.Date.Format("2006-01-02"))
		}
		return out
	}
}

// emitAll hands each row of a list answered whole to emit (exports).
func emitAll[T any](list func(*http.Request) ([]T, error), r *http.Request, emit func(T) error) error {
	rows, err := list(r)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := emit(row); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) listClicks(w http.ResponseWriter, r *http.Request) {
	f, err := aggregateFilter(r, "source")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, next, err := s.store.Clicks(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(mapSlice(rows, clickJSON(f)), next))
}

// clickRows walks every group of GET /v1/clicks for an export, page by page.
func (s *Server) clickRows(r *http.Request, emit func(Click) error) error {
	f, err := aggregateFilter(r, "source")
	if err != nil {
		return err
	}
	return walkPages(&f.Cursor, &f.Limit, func() ([]store.ClickRow, string, error) { return s.store.Clicks(r.Context(), workspace(r), f) },
		clickJSON(f), emit)
}

// clickJSON shapes a group of clicks: the grouped fields, then the sum.
func clickJSON(f store.AggregateFilter) func(store.ClickRow) Click {
	return func(x store.ClickRow) Click {
		out := Click{Channel: grouped(f, "channel", x.Channel), Program: grouped(f, "program", x.Program), Custom: grouped(f, "custom", x.Custom),
			Source: grouped(f, "source", x.Source), Clicks: x.Clicks}
		if x.Date != nil {
			out.Date = grouped(f, "day", x.Date.Format("2006-01-02"))
		}
		return out
	}
}

// Channel is where traffic comes from (an Amazon tracking ID).
type Channel = client.Channel

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) {
	out, err := s.channels(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

func (s *Server) channelRows(r *http.Request, emit func(Channel) error) error {
	return emitAll(s.channels, r, emit)
}

func (s *Server) channels(r *http.Request) ([]Channel, error) {
	if err := onlyParams(r.URL.Query()); err != nil {
		return nil, err
	}
	list, err := s.store.Channels(r.Context(), workspace(r))
	if err != nil {
		return nil, err
	}
	out := make([]Channel, len(list))
	for i, c := range list {
		out[i] = Channel{Code: c.Code, ConnectionID: c.ConnectionID, Name: c.Name, CreatedAt: c.CreatedAt}
	}
	return out, nil
}
