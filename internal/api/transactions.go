package api

import (
	"github.com/affsync/affsync/client"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/wire"
)

// Transaction and Item are the JSON form of a transaction (package client
// holds the wire types); package wire shapes them, for the API and for the
// webhook events alike.
type (
	Transaction = client.Transaction
	Item        = client.Item
)

// TransactionDetail is a transaction with its history (GET /v1/transactions/{id}).
type TransactionDetail = client.TransactionDetail

// History is one change of a transaction.
type History = client.History

// amount formats minor units in a currency's own exponent.
var amount = money.FormatIn

func (s *Server) listTransactions(w http.ResponseWriter, r *http.Request) {
	f, err := transactionFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.store.Transactions(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	conv, err := s.store.Converter(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Transaction, len(list))
	for i, x := range list {
		out[i] = wire.TransactionOf(x, conv)
	}
	writeJSON(w, http.StatusOK, newPage(out, next))
}

// transactionRows walks every transaction the filters select, a store page
// at a time (exports).
func (s *Server) transactionRows(r *http.Request, emit func(Transaction) error) error {
	f, err := transactionFilter(r)
	if err != nil {
		return err
	}
	conv, err := s.store.Converter(r.Context(), workspace(r))
	if err != nil {
		return err
	}
	return walkPages(&f.Cursor, &f.Limit, func() ([]model.Transaction, string, error) { return s.store.Transactions(r.Context(), workspace(r), f) },
		func(x model.Transaction) Transaction { return wire.TransactionOf(x, conv) }, emit)
}

func (s *Server) getTransaction(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	ws, id := workspace(r), r.PathValue("id")
	x, err := s.store.Transaction(r.Context(), ws, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hist, err := s.store.TransactionHistory(r.Context(), ws, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	conv, err := s.store.Converter(r.Context(), ws)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := TransactionDetail{Transaction: wire.TransactionOf(x, conv), History: []History{}}
	for _, h := range hist {
		out.History = append(out.History, History{At: h.At, Changes: wire.ChangesOf(h.Changes), Reason: h.Reason, Source: h.Source})
	}
	writeJSON(w, http.StatusOK, out)
}

// transactionFilter reads the query of GET /v1/transactions.
func transactionFilter(r *http.Request) (store.TransactionFilter, error) {
	q := r.URL.Query()
	if err := onlyParams(q, "since", "until", "time_type", "status", "custom", "connection_id", "channel", "program", "cursor", "limit"); err != nil {
		return store.TransactionFilter{}, err
	}
	f := store.TransactionFilter{
		TimeType: store.TimeType(q.Get("time_type")), Status: model.Status(q.Get("status")), Custom: q.Get("custom"),
		ConnectionID: q.Get("connection_id"), Channel: q.Get("channel"), Program: q.Get("program"), Cursor: q.Get("cursor"),
	}
	// The updated feed tells removals too, so an app following it ends right (SPEC §4.2).
	f.Removed = f.TimeType == store.TimeUpdated
	switch f.TimeType {
	case "", store.TimeSold, store.TimeClicked, store.TimeChecked, store.TimeUpdated:
	default:
		return f, badRequest{"time_type must be sold, clicked, checked or updated"}
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, badRequest{"status must be pending, confirmed or declined"}
	}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return f, err
	}
	if f.Since, err = instantParam("since", q.Get("since"), false); err != nil {
		return f, err
	}
	if f.Until, err = instantParam("until", q.Get("until"), true); err != nil {
		return f, err
	}
	return f, nil
}

// limitParam reads limit: default 100, at most 1000.
func limitParam(v string) (int, error) {
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest{"limit must be a whole number from 1 to 1000"}
	}
	if n > 1000 {
		return 0, badRequest{"limit must be at most 1000"}
	}
	return n, nil
}

// instantParam reads a date (YYYY-MM-DD, a whole UTC day) or an RFC 3339
// instant. A date as the upper bound includes that whole day.
func instantParam(name, v string, upper bool) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		if upper {
			t = t.AddDate(0, 0, 1)
		}
		return &t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil, badRequest{name + " must be a date (2026-10-02) or an RFC 3339 time (2026-10-02T15:04:05Z)"}
	}
	t = t.UTC()
	if upper {
		t = t.Add(time.Nanosecond) // an instant bound is inclusive too
	}
	return &t, nil
}

// onlyParams rejects query parameters the endpoint does not know, so a typo
// never silently widens a filter.
func onlyParams(q map[string][]string, known ...string) error {
	for k := range q {
		if !slices.Contains(known, k) {
			if len(known) == 0 {
				return badRequest{"unknown query parameter " + strconv.Quote(k) + "; this endpoint takes none"}
			}
			return badRequest{"unknown query parameter " + strconv.Quote(k) + "; known: " + strings.Join(known, ", ")}
		}
	}
	return nil
}
