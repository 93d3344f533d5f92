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

// InquiryDetail is an inquiry with its status history (GET /v1/inquiries/{id}).
type InquiryDetail = client.InquiryDetail

// InquiryChange is one status change of an inquiry.
type InquiryChange = client.InquiryChange

// inquiryFilter reads the query of GET /v1/inquiries.
func inquiryFilter(r *http.Request) (store.InquiryFilter, error) {
	q := r.URL.Query()
	if err := onlyParams(q, "status", "custom", "connection_id", "cursor", "limit"); err != nil {
		return store.InquiryFilter{}, err
	}
	f := store.InquiryFilter{Status: q.Get("status"), Custom: q.Get("custom"), ConnectionID: q.Get("connection_id"), Cursor: q.Get("cursor")}
	switch f.Status {
	case "", store.InquiryOpen, store.InquiryMatched, store.InquiryAccepted, store.InquiryRejected, store.InquiryExpired:
	default:
		return f, badRequest{"status must be open, matched, accepted, rejected or expired"}
	}
	var err error
	f.Limit, err = limitParam(q.Get("limit"))
	return f, err
}

func (s *Server) listInquiries(w http.ResponseWriter, r *http.Request) {
	f, err := inquiryFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.store.Inquiries(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Inquiry, len(list))
	for i, in := range list {
		out[i] = inquiryJSON(in)
	}
	writeJSON(w, http.StatusOK, newPage(out, next))
}

// inquiryRows walks every inquiry the filters select, a page at a time (exports).
func (s *Server) inquiryRows(r *http.Request, emit func(Inquiry) error) error {
	f, err := inquiryFilter(r)
	if err != nil {
		return err
	}
	return walkPages(&f.Cursor, &f.Limit, func() ([]store.Inquiry, string, error) { return s.store.Inquiries(r.Context(), workspace(r), f) },
		inquiryJSON, emit)
}

func (s *Server) getInquiry(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	ws, id := workspace(r), r.PathValue("id")
	in, err := s.store.Inquiry(r.Context(), ws, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeInquiryDetail(w, r, http.StatusOK, in)
}

func (s *Server) writeInquiryDetail(w http.ResponseWriter, r *http.Request, status int, in store.Inquiry) {
	hist, err := s.store.InquiryHistory(r.Context(), in.WorkspaceID, in.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := InquiryDetail{Inquiry: inquiryJSON(in), History: make([]InquiryChange, len(hist))}
	for i, h := range hist {
		out.History[i] = InquiryChange{At: h.At, From: h.FromStatus, To: h.ToStatus, Reason: h.Reason}
	}
	writeJSON(w, status, out)
}

func (s *Server) acceptInquiry(w http.ResponseWriter, r *http.Request) {
	s.decideInquiry(w, r, store.InquiryAccepted)
}

func (s *Server) rejectInquiry(w http.ResponseWriter, r *http.Request) {
	s.decideInquiry(w, r, store.InquiryRejected)
}

// decideInquiry closes an open or matched inquiry; the body, optional, may
// hold a note that becomes the history's reason.
func (s *Server) decideInquiry(w http.ResponseWriter, r *http.Request, status string) {
	var body struct {
		Note string `json:"note"`
	}
	if err := decodeJSON(r, &body); err != nil && err != errEmptyBody {
		s.fail(w, r, err)
		return
	}
	in, err := s.store.DecideInquiry(r.Context(), workspace(r), r.PathValue("id"), status, strings.TrimSpace(body.Note), s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeInquiryDetail(w, r, http.StatusOK, in)
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
	// The transaction may be stored already: then the answer is matched.
	in, err := s.store.CreateInquiry(r.Context(), store.Inquiry{WorkspaceID: workspace(r), ConnectionID: body.ConnectionID,
		Custom: body.Custom, OrderDate: orderDate, Currency: cur.Code, ExpectedAmount: expected, Note: body.Note}, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeInquiryDetail(w, r, http.StatusCreated, in)
}

// errEmptyBody is a request without a body, where one may be optional.
var errEmptyBody = badRequest{"the body is empty; send a JSON object"}

// decodeJSON reads a bounded JSON body that must hold nothing unknown.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errEmptyBody
		}
		return badRequest{"the body must be a JSON object of this endpoint's fields: " + err.Error()}
	}
	return nil
}
