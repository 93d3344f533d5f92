package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

type paymentPage struct {
	Data       []api.Payment `json:"data"`
	NextCursor *string       `json:"next_cursor"`
}

type dealPage struct {
	Data       []api.Deal `json:"data"`
	NextCursor *string    `json:"next_cursor"`
}

func TestPaymentsAndDealsAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		// Payments and deals come in through the same upload as reports.
		var rows strings.Builder
		rows.WriteString("payment_id,paid_on,month,currency,amount,method\n")
		for m := 1; m <= 5; m++ {
			fmt.Fprintf(&rows, "P-%d,2026-%02d-28,2026-%02d,USD,\"1,00%d.50\",Direct deposit\n", m, m+2, m, m)
		}
		status, sum := upload(t, e, e.a.writeKey, e.a.conn.ID, map[string]string{
			"payments.csv": rows.String(),
			"deals.csv":    "id,marketplace,title,code,url,starts,ends\nD-1,amazon.com,10% off,SAVE10,https://www.amazon.com/d,2026-10-01,2026-10-31\nD-2,amazon.com,Prime Day,,,2026-07-08,2026-07-09\n",
		})
		if status != 200 || sum.Payments.Created != 5 || sum.Deals.Created != 2 {
			t.Fatalf("upload: %d %+v", status, sum)
		}

		// Pages of two, in a stable order, each payment once.
		var seen []string
		cursor := ""
		for pages := 0; ; pages++ {
			var p paymentPage
			path := "/v1/payments?limit=2"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			if code := e.do("GET", path, e.a.readKey, "", &p); code != 200 || pages > 3 {
				t.Fatalf("GET %s: %d after %d pages", path, code, pages)
			}
			for _, x := range p.Data {
				seen = append(seen, x.Reference)
			}
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
		}
		if strings.Join(seen, " ") != "P-1 P-2 P-3 P-4 P-5" {
			t.Fatalf("payments paged: %v", seen)
		}
		var p paymentPage
		e.do("GET", "/v1/payments?since=2026-04-01&until=2026-05-28&connection_id="+e.a.conn.ID, e.a.readKey, "", &p)
		if len(p.Data) != 2 || p.Data[0].Reference != "P-2" || p.Data[0].Amount != "1002.50" || p.Data[0].PaidOn != "2026-04-28" ||
			p.Data[0].PeriodStart != "2026-02-01" || p.Data[0].PeriodEnd != "2026-02-28" || p.Data[0].Method != "Direct deposit" ||
			p.Data[0].Source != "payments.csv:3" || !strings.HasPrefix(p.Data[0].ID, "pay_") {
			t.Fatalf("payments since/until: %+v", p.Data)
		}
		p.Data = nil
		e.do("GET", "/v1/payments", e.b.readKey, "", &p)
		if len(p.Data) != 0 {
			t.Fatalf("b sees a's payments: %+v", p.Data)
		}
		var bad apiError
		if code := e.do("GET", "/v1/payments?since=yesterday", e.a.readKey, "", &bad); code != 400 || bad.Error.Code != "bad_request" {
			t.Fatalf("bad since: %d %+v", code, bad)
		}
		if code := e.do("GET", "/v1/payments?cursor=nonsense", e.a.readKey, "", &bad); code != 400 {
			t.Fatalf("bad cursor: %d", code)
		}

		var d dealPage
		e.do("GET", "/v1/deals?since=2026-10-15", e.a.readKey, "", &d)
		if len(d.Data) != 1 || d.Data[0].Reference != "D-1" || d.Data[0].Code != "SAVE10" || *d.Data[0].StartsOn != "2026-10-01" ||
			*d.Data[0].EndsOn != "2026-10-31" || d.Data[0].Program != "amazon.com" {
			t.Fatalf("deals valid after 10-15: %+v", d.Data)
		}
		d.Data = nil
		e.do("GET", "/v1/deals?limit=1", e.a.readKey, "", &d)
		if len(d.Data) != 1 || d.NextCursor == nil || d.Data[0].Reference != "D-1" {
			t.Fatalf("deals page 1: %+v", d)
		}
		e.do("GET", "/v1/deals?limit=1&cursor="+*d.NextCursor, e.a.readKey, "", &d)
		if len(d.Data) != 1 || d.NextCursor != nil || d.Data[0].Reference != "D-2" {
			t.Fatalf("deals page 2: %+v", d)
		}
		d.Data = nil
		e.do("GET", "/v1/deals", e.b.readKey, "", &d)
		if len(d.Data) != 0 {
			t.Fatalf("b sees a's deals: %+v", d.Data)
		}
	})
}

func TestCustomConnectionAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		var conn api.Connection
		if code := e.do("POST", "/v1/connections", e.a.writeKey, `{"network":"custom","name":"Other network","currency":"usd"}`, &conn); code != 201 ||
			conn.Network != "custom" || conn.Currency != "USD" {
			t.Fatalf("create custom connection: %d %+v", code, conn)
		}
		var bad apiError
		if code := e.do("POST", "/v1/connections", e.a.writeKey, `{"network":"custom"}`, &bad); code != 400 || !strings.Contains(bad.Error.Message, "name") {
			t.Fatalf("custom without a name: %d %+v", code, bad)
		}
		if code := e.do("POST", "/v1/connections", e.a.writeKey, `{"network":"custom","name":"x","store_id":"s-20"}`, &bad); code != 400 {
			t.Fatalf("custom with an Amazon field: %d %+v", code, bad)
		}
		csv := "id,clicked,sold,revenue,price,status,custom_1\nX-1,2026-10-01T08:00:00Z,2026-10-01T09:00:00Z,2.40,59.98,pending,user-9\n"
		status, sum := upload(t, e, e.a.writeKey, conn.ID, map[string]string{"sales.csv": csv})
		if status != 200 || sum.Transactions.Created != 1 {
			t.Fatalf("upload: %d %+v", status, sum)
		}
		var p txPage
		e.do("GET", "/v1/transactions?custom=user-9", e.a.readKey, "", &p)
		if len(p.Data) != 1 || p.Data[0].Network != "custom" || p.Data[0].Commission != "2.40" || p.Data[0].SaleAmount != "59.98" ||
			p.Data[0].OrderRef == nil || *p.Data[0].OrderRef != "X-1" || p.Data[0].ClickedAt == nil {
			t.Fatalf("custom transaction: %+v", p.Data)
		}
		status, sum = upload(t, e, e.a.writeKey, conn.ID, map[string]string{"sales-2.csv": strings.Replace(csv, "pending", "declined", 1)})
		if status != 200 || sum.Transactions.Updated != 1 || sum.Transactions.Created != 0 {
			t.Fatalf("changed status: %d %+v", status, sum)
		}
		var detail api.TransactionDetail
		e.do("GET", "/v1/transactions/"+p.Data[0].ID, e.a.readKey, "", &detail)
		if detail.Status != "declined" || len(detail.History) != 1 || detail.History[0].Reason != "declined" {
			t.Fatalf("after the status change: %+v", detail)
		}
		if code := e.do("POST", "/v1/connections/"+conn.ID+"/sync", e.a.writeKey, "", &bad); code != 400 {
			t.Fatalf("sync of a custom connection: %d", code)
		}
	})
}

func TestProgramHistoryAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, st := range []string{"joined", "no report access", "active"} {
			if err := s.SetProgramStatus(ctx, e.a.ws.ID, e.a.conn.ID, "amazon.com", st, "because "+st); err != nil {
				t.Fatal(err)
			}
		}
		var h struct {
			Data []api.ProgramChange `json:"data"`
		}
		if code := e.do("GET", "/v1/programs/"+e.a.conn.ID+"/amazon.com/history", e.a.readKey, "", &h); code != 200 || len(h.Data) != 3 ||
			h.Data[1].From != "joined" || h.Data[1].To != "no report access" || h.Data[2].Reason != "because active" {
			t.Fatalf("history: %d %+v", code, h.Data)
		}
		var bad apiError
		if code := e.do("GET", "/v1/programs/"+e.a.conn.ID+"/amazon.com/history", e.b.readKey, "", &bad); code != 404 {
			t.Fatalf("another workspace's program: %d", code)
		}
		var progs struct {
			Data []api.Program `json:"data"`
		}
		e.do("GET", "/v1/programs?connection_id="+e.a.conn.ID, e.a.readKey, "", &progs)
		if len(progs.Data) != 1 || progs.Data[0].Status != "active" || len(progs.Data[0].History) != 3 {
			t.Fatalf("programs: %+v", progs.Data)
		}
		progs.Data = nil
		e.do("GET", "/v1/programs?connection_id=other", e.a.readKey, "", &progs)
		if len(progs.Data) != 0 {
			t.Fatalf("programs of another connection: %+v", progs.Data)
		}
	})
}
