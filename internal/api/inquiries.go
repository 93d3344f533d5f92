package api

import (
	"encoding/json"
	"errors"
	"github.com/affsync/affsync/client"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
)

// Inquiry is the JSON form of a transaction inquiry.
type Inquiry = client.Inquiry

func inquiryJSON(in store.Inquiry) Inquiry {
	out := Inquiry{ID: in.ID, Custom: in.Custom, OrderDate: in.OrderDate.Format("2006-01-02"), Currency: in.Currency,
		ExpectedAmount: amount(in.ExpectedAmount, in.Currency), Note: in.Note, Status: in.Status,
		CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
	if in.ConnectionID != "" {
		out.ConnectionID = &in.ConnectionID
	}
	if in.TransactionID != "" {
		out.TransactionID = &in.TransactionID
	}
	return out
}

func (s *Server) listInquiries(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.store.Inquiries(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Inquiry, len(list))
	for i, in := range list {
		out[i] = inquiryJSON(in)
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

// createInquiry opens a claim for a missing or wrong commission.
func (s *Server) createInquiry(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ConnectionID   string `json:"connection_id"`
		Custom         string `json:"custom"`
		OrderDate      string `json:"order_date"`
		Currency       string `json:"currency"`
		ExpectedAmount string `json:"expected_amount"`
		Note           string `json:"note"`
	}
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if strings.TrimSpace(body.Custom) == "" {
		s.fail(w, r, badRequest{"custom is required: the subid the transaction should carry"})
		return
	}
	orderDate, err := time.Parse("2006-01-02", body.OrderDate)
	if err != nil {
		s.fail(w, r, badRequest{"order_date must be a date like 2026-10-02"})
		return
	}
	if body.Currency == "" {
		body.Currency = "USD"
	}
	cur, ok := money.LookupCurrency(body.Currency)
	if !ok {
		s.fail(w, r, badRequest{"currency " + body.Currency + " is not an ISO 4217 code affsync knows"})
		return
	}
	expected, err := money.ParseMinor(body.ExpectedAmount, cur.Exponent, money.HintDot)
	if err != nil {
		s.fail(w, r, badRequest{"expected_amount must be a decimal string like \"12.34\""})
		return
	}
	if body.ConnectionID != "" {
		if _, err := s.store.Connection(r.Context(), workspace(r), body.ConnectionID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				err = badRequest{"connection_id: no such connection"}
			}
			s.fail(w, r, err)
			return
		}
	}
	in, err := s.store.CreateInquiry(r.Context(), store.Inquiry{WorkspaceID: workspace(r), ConnectionID: body.ConnectionID,
		Custom: body.Custom, OrderDate: orderDate, Currency: cur.Code, ExpectedAmount: expected, Note: body.Note})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, inquiryJSON(in))
}

// decodeJSON reads a bounded JSON body that must hold nothing unknown.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest{"the body must be a JSON object of this endpoint's fields: " + err.Error()}
	}
	return nil
}
