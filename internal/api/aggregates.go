package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// Revenue is one group of revenues; the grouping fields present as grouped.
type Revenue struct {
	Date          *string `json:"date,omitempty"`
	Channel       *string `json:"channel,omitempty"`
	Program       *string `json:"program,omitempty"`
	Custom        *string `json:"custom,omitempty"`
	Currency      string  `json:"currency"`
	Kind          string  `json:"kind"`
	SaleAmount    string  `json:"sale_amount"`
	Commission    string  `json:"commission"`
	ItemsShipped  int64   `json:"items_shipped"`
	ItemsReturned int64   `json:"items_returned"`
	Transactions  int64   `json:"transactions"`
}

// Click is one group of clicks.
type Click struct {
	Date    *string `json:"date,omitempty"`
	Channel *string `json:"channel,omitempty"`
	Program *string `json:"program,omitempty"`
	Custom  *string `json:"custom,omitempty"`
	Clicks  int64   `json:"clicks"`
}

// aggregateFilter reads the query shared by revenues and clicks.
func aggregateFilter(r *http.Request, extra ...string) (store.AggregateFilter, error) {
	q := r.URL.Query()
	known := append([]string{"since", "until", "group_by", "connection_id", "channel", "program", "custom"}, extra...)
	if err := onlyParams(q, known...); err != nil {
		return store.AggregateFilter{}, err
	}
	f := store.AggregateFilter{ConnectionID: q.Get("connection_id"), Channel: q.Get("channel"), Program: q.Get("program"), Custom: q.Get("custom")}
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
	if g := q.Get("group_by"); g != "" {
		for _, part := range strings.Split(g, ",") {
			switch part {
			case "day", "channel", "program", "custom":
				f.GroupBy = append(f.GroupBy, part)
			default:
				return f, badRequest{"group_by takes day, channel, program and custom, comma-separated"}
			}
		}
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
	f, err := aggregateFilter(r, "kind")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch f.Kind = r.URL.Query().Get("kind"); f.Kind {
	case "", "cps", "cpc":
	default:
		s.fail(w, r, badRequest{"kind must be cps or cpc"})
		return
	}
	rows, err := s.store.Revenues(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Revenue, len(rows))
	for i, x := range rows {
		out[i] = Revenue{Channel: grouped(f, "channel", x.Channel), Program: grouped(f, "program", x.Program), Custom: grouped(f, "custom", x.Custom),
			Currency: x.Currency, Kind: x.Kind, SaleAmount: amount(x.SaleAmount, x.Currency), Commission: amount(x.Commission, x.Currency),
			ItemsShipped: x.ItemsShipped, ItemsReturned: x.ItemsReturned, Transactions: x.Transactions}
		if x.Date != nil {
			out[i].Date = grouped(f, "day", x.Date.Format("2006-01-02"))
		}
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

func (s *Server) listClicks(w http.ResponseWriter, r *http.Request) {
	f, err := aggregateFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.store.Clicks(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Click, len(rows))
	for i, x := range rows {
		out[i] = Click{Channel: grouped(f, "channel", x.Channel), Program: grouped(f, "program", x.Program), Custom: grouped(f, "custom", x.Custom), Clicks: x.Clicks}
		if x.Date != nil {
			out[i].Date = grouped(f, "day", x.Date.Format("2006-01-02"))
		}
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

// Channel is where traffic comes from (an Amazon tracking ID).
type Channel struct {
	Code         string    `json:"code"`
	ConnectionID string    `json:"connection_id"`
	Name         string    `json:"name"`
	CreatedAt    time.Time `json:"created_at"`
}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.Channels(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Channel, len(list))
	for i, c := range list {
		out[i] = Channel{Code: c.Code, ConnectionID: c.ConnectionID, Name: c.Name, CreatedAt: c.CreatedAt}
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}
