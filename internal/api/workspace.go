package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/wire"
)

// Workspace is the API key's workspace with its reporting currency.
type Workspace = client.Workspace

func workspaceJSON(ws store.Workspace) Workspace {
	out := Workspace{ID: ws.ID, Name: ws.Name}
	if ws.Currency != "" {
		out.ReportingCurrency = &ws.Currency
	}
	return out
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	ws, err := s.store.Workspace(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, workspaceJSON(ws))
}

// updateWorkspace sets the reporting currency. Converted values follow at
// once; no transaction is written and no webhook event is sent.
func (s *Server) updateWorkspace(w http.ResponseWriter, r *http.Request) {
	var body client.WorkspaceUpdate
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	ws, err := s.store.SetReportingCurrency(r.Context(), workspace(r), body.ReportingCurrency)
	if errors.Is(err, store.ErrUnknownCurrency) {
		err = badRequest{"reporting_currency must be an ISO 4217 code affsync knows, like EUR, USD, GBP or JPY"}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, workspaceJSON(ws))
}

// convertedAmount converts one amount (a payment's, on its paid date).
func convertedAmount(conv fxrate.Converter, currency string, minor int64, on time.Time) (*client.ConvertedAmount, string) {
	c, err := conv.Convert(currency, on, minor)
	if err != nil {
		return nil, wire.Reason(err)
	}
	return &client.ConvertedAmount{Currency: c.Currency, Amount: amount(c.Minor[0], c.Currency), Rate: c.Quote.Rate(),
		RateDate: wire.Date(c.Quote.RateDate)}, ""
}
