package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

type inquiryPage struct {
	Data       []api.Inquiry `json:"data"`
	NextCursor *string       `json:"next_cursor"`
}

func TestInquiryLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := &clock{now: time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)}
		e := newEnvWith(t, s, api.Config{Now: clk.Now})
		other, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: e.a.ws.ID, Network: "amazon", Connector: "import", Name: "other"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		create := func(key, body string) api.InquiryDetail {
			t.Helper()
			var in api.InquiryDetail
			if status := e.do("POST", "/v1/inquiries", key, body, &in); status != 201 {
				t.Fatalf("create %s: %d %+v", body, status, in)
			}
			return in
		}
		get := func(key, id string) api.InquiryDetail {
			t.Helper()
			var in api.InquiryDetail
			if status := e.do("GET", "/v1/inquiries/"+id, key, "", &in); status != 200 {
				t.Fatalf("get %s: %d", id, status)
			}
			return in
		}

		// Made before its transaction: open, until the import brings it.
		waiting := create(e.a.writeKey, `{"custom":"up-7","order_date":"2026-10-01","expected_amount":"2.40","connection_id":"`+e.a.conn.ID+`"}`)
		tooOld := create(e.a.writeKey, `{"custom":"up-7","order_date":"2026-06-01","expected_amount":"2.40"}`)
		otherConn := create(e.a.writeKey, `{"custom":"up-8","order_date":"2026-10-01","expected_amount":"1.00","connection_id":"`+other.ID+`"}`)
		otherWS := create(e.b.writeKey, `{"custom":"up-7","order_date":"2026-10-01","expected_amount":"2.40"}`)
		for _, in := range []api.InquiryDetail{waiting, tooOld, otherConn, otherWS} {
			if in.Status != "open" || in.TransactionID != nil || len(in.History) != 1 {
				t.Fatalf("before the import: %+v", in)
			}
		}
		file := uploadHeader +
			"Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tOctober 2, 2026\t29.99\t4.00\t2\t59.98\t2.40\tup-7\n" +
			"Electronics\tPlug\tB0C7654321\tAmazon.com\tstore-20\tOctober 2, 2026\t10.00\t4.00\t1\t10.00\t0.40\tup-8\n"
		if status, sum := upload(t, e, e.a.writeKey, e.a.conn.ID, map[string]string{"store-20-earnings-report-subtags-20261002.tsv": file}); status != 200 || sum.Transactions.Created != 2 {
			t.Fatalf("import: %d %+v", status, sum)
		}
		var txs txPage
		e.do("GET", "/v1/transactions?custom=up-7", e.a.readKey, "", &txs)
		if len(txs.Data) != 1 {
			t.Fatalf("imported transaction: %+v", txs.Data)
		}
		matched := get(e.a.readKey, waiting.ID)
		if matched.Status != "matched" || matched.TransactionID == nil || *matched.TransactionID != txs.Data[0].ID ||
			len(matched.History) != 2 || matched.History[1].From != "open" || !strings.Contains(matched.History[1].Reason, txs.Data[0].ID) {
			t.Fatalf("after the import: %+v", matched)
		}
		// Outside the window, of another connection, or of another workspace: still open.
		for _, c := range []struct{ key, id string }{{e.a.readKey, tooOld.ID}, {e.a.readKey, otherConn.ID}, {e.b.readKey, otherWS.ID}} {
			if in := get(c.key, c.id); in.Status != "open" {
				t.Fatalf("%s matched: %+v", c.id, in)
			}
		}

		// Made after its transaction: matched at once. u-3 is sold on 2026-10-05.
		atOnce := create(e.a.writeKey, `{"custom":"u-3","order_date":"2026-10-04","expected_amount":"2.40"}`)
		if atOnce.Status != "matched" || atOnce.TransactionID == nil || *atOnce.TransactionID != model.TransactionID(e.a.conn.ID, "s:u-3") {
			t.Fatalf("made after its transaction: %+v", atOnce)
		}
		// A transaction answers one inquiry.
		if again := create(e.a.writeKey, `{"custom":"u-3","order_date":"2026-10-04","expected_amount":"2.40"}`); again.Status != "open" {
			t.Fatalf("a second inquiry took the same transaction: %+v", again)
		}

		// Accept and reject, from matched and from open; then nothing moves.
		var decided api.InquiryDetail
		if status := e.do("POST", "/v1/inquiries/"+waiting.ID+"/accept", e.a.writeKey, `{"note":"paid in November"}`, &decided); status != 200 ||
			decided.Status != "accepted" || len(decided.History) != 3 || decided.History[2].Reason != "paid in November" {
			t.Fatalf("accept: %d %+v", status, decided)
		}
		if status := e.do("POST", "/v1/inquiries/"+otherConn.ID+"/reject", e.a.writeKey, "", &decided); status != 200 ||
			decided.Status != "rejected" || decided.History[1].Reason != "rejected" {
			t.Fatalf("reject without a body: %d %+v", status, decided)
		}
		for _, tc := range []struct {
			name, path, key, body string
			status                int
			code                  string
		}{
			{"accept accepted", "/v1/inquiries/" + waiting.ID + "/accept", e.a.writeKey, "", 409, "conflict"},
			{"reject accepted", "/v1/inquiries/" + waiting.ID + "/reject", e.a.writeKey, `{"note":"x"}`, 409, "conflict"},
			{"accept rejected", "/v1/inquiries/" + otherConn.ID + "/accept", e.a.writeKey, "", 409, "conflict"},
			{"read key", "/v1/inquiries/" + tooOld.ID + "/accept", e.a.readKey, "", 403, "forbidden"},
			{"other workspace", "/v1/inquiries/" + tooOld.ID + "/accept", e.b.writeKey, "", 404, "not_found"},
			{"unknown field", "/v1/inquiries/" + tooOld.ID + "/accept", e.a.writeKey, `{"reason":"x"}`, 400, "bad_request"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got apiError
				if status := e.do("POST", tc.path, tc.key, tc.body, &got); status != tc.status || got.Error.Code != tc.code || got.Error.Message == "" {
					t.Fatalf("%d %+v, want %d %s", status, got, tc.status, tc.code)
				}
			})
		}
		var apiErr apiError
		if status := e.do("GET", "/v1/inquiries/"+waiting.ID, e.b.readKey, "", &apiErr); status != 404 {
			t.Fatalf("b reads a's inquiry: %d", status)
		}

		// Expiry: 90 days after it was made, not a day sooner.
		if n, err := s.ExpireInquiries(ctx, e.a.ws.ID, clk.Now().AddDate(0, 0, 89)); err != nil || n != 0 {
			t.Fatalf("day 89: %d %v", n, err)
		}
		n, err := s.ExpireInquiries(ctx, e.a.ws.ID, clk.Now().AddDate(0, 0, 90))
		if err != nil || n != 2 { // tooOld and the second u-3 inquiry; matched and decided ones stay
			t.Fatalf("day 90: %d %v", n, err)
		}
		if in := get(e.a.readKey, tooOld.ID); in.Status != "expired" || in.History[len(in.History)-1].From != "open" {
			t.Fatalf("expired: %+v", in)
		}
		if in := get(e.a.readKey, atOnce.ID); in.Status != "matched" {
			t.Fatalf("a matched inquiry expired: %+v", in)
		}
		if in := get(e.b.readKey, otherWS.ID); in.Status != "open" {
			t.Fatalf("b's inquiry expired with a's: %+v", in)
		}
		if status := e.do("POST", "/v1/inquiries/"+tooOld.ID+"/accept", e.a.writeKey, "", &apiErr); status != 409 || apiErr.Error.Code != "conflict" {
			t.Fatalf("accept expired: %d %+v", status, apiErr)
		}

		// The list: status filter and pages.
		for q, want := range map[string]int{"": 5, "status=matched": 1, "status=expired": 2, "status=accepted": 1, "custom=up-7": 2,
			"connection_id=" + other.ID: 1} {
			var p inquiryPage
			if status := e.do("GET", "/v1/inquiries?"+q, e.a.readKey, "", &p); status != 200 || len(p.Data) != want {
				t.Errorf("%q: %d, %d rows, want %d", q, status, len(p.Data), want)
			}
		}
		if status := e.do("GET", "/v1/inquiries?status=lost", e.a.readKey, "", &apiErr); status != 400 {
			t.Fatalf("bad status filter: %d", status)
		}
	})
}

// TestInquiryPages walks the list a page at a time while inquiries change
// status: none is skipped or repeated, newest first.
func TestInquiryPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := &clock{now: time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)}
		e := newEnvWith(t, s, api.Config{Now: clk.Now})
		var ids []string
		for i := range 7 {
			if i%3 != 0 { // several made in the same instant: the id breaks the tie
				clk.Advance(time.Second)
			}
			var in api.Inquiry
			e.do("POST", "/v1/inquiries", e.a.writeKey, fmt.Sprintf(`{"custom":"p-%d","order_date":"2026-10-01","expected_amount":"1.00"}`, i), &in)
			ids = append(ids, in.ID)
		}
		seen := map[string]bool{}
		var order []api.Inquiry
		path := "/v1/inquiries?limit=3"
		for pages := 0; ; pages++ {
			var p inquiryPage
			if status := e.do("GET", path, e.a.readKey, "", &p); status != 200 || pages > 5 {
				t.Fatalf("page %d: %d", pages, status)
			}
			for _, in := range p.Data {
				if seen[in.ID] {
					t.Fatalf("%s repeated", in.ID)
				}
				seen[in.ID] = true
				order = append(order, in)
			}
			if p.NextCursor == nil {
				break
			}
			// A change of status between pages moves nothing.
			e.do("POST", "/v1/inquiries/"+p.Data[0].ID+"/reject", e.a.writeKey, "", nil)
			path = "/v1/inquiries?limit=3&cursor=" + *p.NextCursor
		}
		if len(order) != len(ids) {
			t.Fatalf("%d of %d inquiries listed", len(order), len(ids))
		}
		for i := 1; i < len(order); i++ {
			if order[i].CreatedAt.After(order[i-1].CreatedAt) {
				t.Fatalf("not newest first: %v after %v", order[i].CreatedAt, order[i-1].CreatedAt)
			}
		}
		var apiErr apiError
		if status := e.do("GET", "/v1/inquiries?cursor=zzz", e.a.readKey, "", &apiErr); status != 400 {
			t.Fatalf("bad cursor: %d", status)
		}
	})
}
