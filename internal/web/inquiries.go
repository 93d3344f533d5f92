package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
)

type inquiriesData struct {
	List        []store.Inquiry
	Connections []store.Connection
	Form        inquiryForm
}

type inquiryForm struct {
	Connection, Custom, OrderDate, Currency, Expected, Note, Error string
}

func (s *Server) inquiries(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.showInquiries(w, r, v, http.StatusOK, inquiryForm{Currency: "USD"})
}

func (s *Server) showInquiries(w http.ResponseWriter, r *http.Request, v *viewer, status int, f inquiryForm) {
	d := inquiriesData{Form: f}
	var err error
	if d.List, _, err = s.store.Inquiries(r.Context(), v.WorkspaceID, store.InquiryFilter{Limit: 200}); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Connections, err = s.store.Connections(r.Context(), v.WorkspaceID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, status, "inquiries", "Inquiries", "inquiries", d)
}

// createInquiry opens a claim for a missing or wrong commission; it is
// matched at once when a transaction with its custom is there, or by the
// import that brings one.
func (s *Server) createInquiry(w http.ResponseWriter, r *http.Request, v *viewer) {
	field := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := inquiryForm{Connection: field("connection"), Custom: field("custom"), OrderDate: field("order_date"),
		Currency: strings.ToUpper(field("currency")), Expected: field("expected_amount"), Note: field("note")}
	in, err := s.inquiryOf(r, v, f)
	var ue userError
	if errors.As(err, &ue) {
		f.Error = ue.msg
		s.showInquiries(w, r, v, http.StatusBadRequest, f)
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	in, err = s.store.CreateInquiry(r.Context(), in, s.now())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	msg := "Inquiry opened for " + in.Custom + "."
	if in.Status == store.InquiryMatched {
		msg = "Inquiry for " + in.Custom + " matched at once: the transaction is there."
	}
	redirect(w, r, "/inquiries", msg)
}

func (s *Server) inquiryOf(r *http.Request, v *viewer, f inquiryForm) (store.Inquiry, error) {
	if f.Custom == "" {
		return store.Inquiry{}, userError{"Custom is required: the subid the transaction should carry."}
	}
	orderDate, err := time.Parse("2006-01-02", f.OrderDate)
	if err != nil {
		return store.Inquiry{}, userError{"The order date must be a date like 2026-10-02."}
	}
	if f.Currency == "" {
		f.Currency = "USD"
	}
	cur, ok := money.LookupCurrency(f.Currency)
	if !ok {
		return store.Inquiry{}, userError{"Currency " + f.Currency + " is not an ISO 4217 code affsync knows."}
	}
	expected, err := money.ParseMinor(f.Expected, cur.Exponent, money.HintDot)
	if err != nil {
		return store.Inquiry{}, userError{"The expected amount must be a number like 12.34."}
	}
	if f.Connection != "" {
		if _, err := s.store.Connection(r.Context(), v.WorkspaceID, f.Connection); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				err = userError{"No such connection."}
			}
			return store.Inquiry{}, err
		}
	}
	return store.Inquiry{WorkspaceID: v.WorkspaceID, ConnectionID: f.Connection, Custom: f.Custom, OrderDate: orderDate,
		Currency: cur.Code, ExpectedAmount: expected, Note: f.Note}, nil
}
