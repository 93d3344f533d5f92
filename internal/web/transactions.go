package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/affsync/affsync/internal/cellsafe"
	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/wire"
)

const pageSize = 50

type transactionsData struct {
	Query       url.Values
	Filter      store.TransactionFilter
	Since       string
	Until       string
	List        []model.Transaction
	Next        string
	Connections []store.Connection
	Statuses    []model.Status
	TimeTypes   []store.TimeType
}

// transactionFilter reads the list's query: dates are whole days in the
// viewer's time zone.
func transactionFilter(q url.Values, loc *time.Location) (store.TransactionFilter, error) {
	f := store.TransactionFilter{TimeType: store.TimeType(q.Get("time_type")), Status: model.Status(q.Get("status")), Custom: q.Get("custom"),
		ConnectionID: q.Get("connection"), Channel: q.Get("channel"), Program: q.Get("program"), Cursor: q.Get("cursor"), Limit: pageSize}
	switch f.TimeType {
	case "", store.TimeSold, store.TimeClicked, store.TimeChecked, store.TimeUpdated:
	default:
		return f, userError{"Unknown date type; choose one from the list."}
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, userError{"Unknown status; choose one from the list."}
	}
	for _, b := range []struct {
		name string
		dst  **time.Time
		add  int
	}{{"since", &f.Since, 0}, {"until", &f.Until, 1}} {
		v := q.Get(b.name)
		if v == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			return f, userError{b.name + " must be a date like 2026-10-02."}
		}
		d = d.AddDate(0, 0, b.add).UTC()
		*b.dst = &d
	}
	return f, nil
}

func (s *Server) transactions(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	f, err := transactionFilter(q, v.Loc)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := transactionsData{Query: q, Filter: f, Since: q.Get("since"), Until: q.Get("until"),
		Statuses:  []model.Status{model.StatusPending, model.StatusConfirmed, model.StatusDeclined},
		TimeTypes: []store.TimeType{store.TimeSold, store.TimeClicked, store.TimeChecked, store.TimeUpdated}}
	if d.List, d.Next, err = s.store.Transactions(r.Context(), v.WorkspaceID, f); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Connections, err = s.store.Connections(r.Context(), v.WorkspaceID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "transactions", "Transactions", "transactions", d)
}

type transactionData struct {
	Tx         model.Transaction
	Connection store.Connection
	History    []model.HistoryEntry
	// In the reporting currency on the UTC date of sold_at, as the API's
	// converted; nil with the reason when no rate is known.
	Converted       *fxrate.Conversion
	ConvertedReason string
}

func (s *Server) transaction(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx, ws, id := r.Context(), v.WorkspaceID, r.PathValue("id")
	var d transactionData
	var err error
	if d.Tx, err = s.store.Transaction(ctx, ws, id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.History, err = s.store.TransactionHistory(ctx, ws, id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Connection, err = s.store.Connection(ctx, ws, d.Tx.ConnectionID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	conv, err := s.store.Converter(ctx, ws)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if c, err := conv.Convert(d.Tx.Currency, d.Tx.SoldAt.UTC(), d.Tx.SaleAmount, d.Tx.Commission); err != nil {
		d.ConvertedReason = wire.Reason(err)
	} else {
		d.Converted = &c
	}
	s.render(w, r, v, http.StatusOK, "transaction", "Transaction "+d.Tx.ID, "transactions", d)
}

// exportTransactions writes every transaction the filter selects, a page
// of the store at a time, as CSV or XLSX.
func (s *Server) exportTransactions(w http.ResponseWriter, r *http.Request, v *viewer) {
	f, err := transactionFilter(r.URL.Query(), v.Loc)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	f.Limit = 1000
	header := []string{"id", "connection_id", "program", "channel", "customs", "order_ref", "status", "network_status", "status_reason",
		"paid", "currency", "sale_amount", "commission", "commission_estimated", "quantity", "clicked_at", "sold_at", "checked_at", "updated_at"}
	exportPages(s, w, r, v, "transactions", header, func(cursor string) ([]model.Transaction, string, error) {
		f.Cursor = cursor
		return s.store.Transactions(r.Context(), v.WorkspaceID, f)
	}, func(x model.Transaction) []string {
		ref := ""
		if x.OrderRef != nil {
			ref = *x.OrderRef
		}
		return []string{x.ID, x.ConnectionID, x.Program, x.Channel, cellsafe.Join(x.Customs), ref, string(x.Status), x.NetworkStatus,
			x.StatusReason, boolText(x.Paid), x.Currency, money.FormatIn(x.SaleAmount, x.Currency), money.FormatIn(x.Commission, x.Currency),
			boolText(x.CommissionEstimated), itoa(x.Quantity), isoStamp(x.ClickedAt), isoStamp(&x.SoldAt), isoStamp(x.CheckedAt), isoStamp(&x.UpdatedAt)}
	})
}
