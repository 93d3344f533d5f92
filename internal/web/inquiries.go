package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
)

type inquiriesData struct {
	Query       url.Values
	Filter      store.InquiryFilter
	Statuses    []string
	List        []store.Inquiry
	Next        string
	Connections []store.Connection
	Form        inquiryForm
}

// inquiryStatuses are the statuses to filter by, in lifecycle order.
var inquiryStatuses = []string{store.InquiryOpen, store.InquiryMatched, store.InquiryAccepted, store.InquiryRejected, store.InquiryExpired}

// Decidable tells whether a person may still accept or reject an inquiry.
func decidable(status string) bool {
	return status == store.InquiryOpen || status == store.InquiryMatched
}

type inquiryForm struct {
	Connection, Custom, OrderDate, Currency, Expected, Note, Error string
}

func (s *Server) inquiries(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.showInquiries(w, r, v, http.StatusOK, inquiryForm{Currency: "USD"})
}

// inquiryFilter reads the list's query: a status from inquiryStatuses, or any.
func inquiryFilter(q url.Values) (store.InquiryFilter, error) {
	f := store.InquiryFilter{Status: q.Get("status"), Cursor: q.Get("cursor"), Limit: pageSize}
	if f.Status != "" && !contains(inquiryStatuses, f.Status) {
		return f, userError{"Unknown status; choose one from the list."}
	}
	return f, nil
}

func (s *Server) showInquiries(w http.ResponseWriter, r *http.Request, v *viewer, status int, f inquiryForm) {
	q := r.URL.Query()
	filter, err := inquiryFilter(q)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := inquiriesData{Query: q, Form: f, Statuses: inquiryStatuses, Filter: filter}
	if d.List, d.Next, err = s.store.Inquiries(r.Context(), v.WorkspaceID, d.Filter); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Connections, err = s.store.Connections(r.Context(), v.WorkspaceID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, status, "inquiries", "Inquiries", "inquiries", d)
}

// exportInquiries writes every inquiry the filter selects, a page of the
// store at a time, as CSV or XLSX.
func (s *Server) exportInquiries(w http.ResponseWriter, r *http.Request, v *viewer) {
	f, err := inquiryFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	f.Limit = 1000
	header := []string{"id", "created_at", "connection_id", "custom", "order_date", "currency", "expected_amount", "status",
		"transaction_id", "note", "updated_at"}
	exportPages(s, w, r, v, "inquiries", header, func(cursor string) ([]store.Inquiry, string, error) {
		f.Cursor = cursor
		return s.store.Inquiries(r.Context(), v.WorkspaceID, f)
	}, func(x store.Inquiry) []string {
		return []string{x.ID, isoStamp(&x.CreatedAt), x.ConnectionID, x.Custom, isoDay(&x.OrderDate), x.Currency,
			money.FormatIn(x.ExpectedAmount, x.Currency), x.Status, x.TransactionID, x.Note, isoStamp(&x.UpdatedAt)}
	})
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

type inquiryData struct {
	Inquiry    store.Inquiry
	History    []store.InquiryChange
	Connection string // the connection's name, when the inquiry names one
	Decidable  bool
}

// inquiry is one inquiry with its status history.
func (s *Server) inquiry(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx, ws := r.Context(), v.WorkspaceID
	var d inquiryData
	var err error
	if d.Inquiry, err = s.store.Inquiry(ctx, ws, r.PathValue("id")); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.History, err = s.store.InquiryHistory(ctx, ws, d.Inquiry.ID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Inquiry.ConnectionID != "" {
		c, err := s.store.Connection(ctx, ws, d.Inquiry.ConnectionID)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		d.Connection = c.Name
	}
	d.Decidable = decidable(d.Inquiry.Status)
	s.render(w, r, v, http.StatusOK, "inquiry", "Inquiry for "+d.Inquiry.Custom, "inquiries", d)
}

func (s *Server) acceptInquiry(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.decideInquiry(w, r, v, store.InquiryAccepted)
}

func (s *Server) rejectInquiry(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.decideInquiry(w, r, v, store.InquiryRejected)
}

// decideInquiry closes an open or matched inquiry; the optional note becomes
// the history's reason. A decided inquiry cannot be decided again.
func (s *Server) decideInquiry(w http.ResponseWriter, r *http.Request, v *viewer, status string) {
	id, note := r.PathValue("id"), strings.TrimSpace(r.PostFormValue("note"))
	in, err := s.store.DecideInquiry(r.Context(), v.WorkspaceID, id, status, note, s.now())
	var te *store.TransitionError
	if errors.As(err, &te) {
		s.fail(w, r, v, userError{"This inquiry is " + te.From + " already; it cannot become " + te.To + "."})
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("inquiry decided", "inquiry", in.ID, "status", status, "user", v.ID)
	redirect(w, r, "/inquiries/"+in.ID, "Inquiry "+status+".")
}
