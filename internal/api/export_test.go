package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/cellsafe"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// exportTxs are n transactions with amounts that differ in every digit, in
// USD and JPY (no minor unit), and two customs each.
func exportTxs(conn store.Connection, n int) []store.TxWrite {
	out := make([]store.TxWrite, n)
	for i := range out {
		cur := "USD"
		if i%7 == 0 {
			cur = "JPY"
		}
		out[i] = store.TxWrite{Tx: model.Transaction{
			ConnectionID: conn.ID, Network: "amazon", SourceKey: fmt.Sprintf("x:%d", i), Program: "amazon.com", Channel: "store-21",
			Customs: []string{fmt.Sprintf("x-%d", i), "app-user"}, Status: model.StatusPending, NetworkStatus: "shipped", Currency: cur,
			SaleAmount: int64(100000 + 37*i), Commission: int64(-i), Quantity: 1, SoldAt: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		}}
	}
	return out
}

// records reads a CSV answer into its header and rows (as maps by column).
func records(t *testing.T, body []byte) ([]string, []map[string]string) {
	t.Helper()
	all, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(all) == 0 {
		t.Fatalf("CSV: %v in %.200s", err, body)
	}
	var rows []map[string]string
	for _, rec := range all[1:] {
		m := map[string]string{}
		for i, col := range all[0] {
			m[col] = rec[i]
		}
		rows = append(rows, m)
	}
	return all[0], rows
}

func TestExportTransactions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := &clock{now: time.Date(2026, 12, 2, 15, 4, 5, 0, time.UTC)}
		e := newEnvWith(t, s, api.Config{Now: clk.Now})
		const n = 2500 // more than two store pages of the export
		extra := exportTxs(e.a.conn, n)
		if _, err := s.UpsertTransactions(ctx, e.a.ws.ID, extra); err != nil {
			t.Fatal(err)
		}
		want := map[string]model.Transaction{}
		for _, w := range extra {
			want[model.TransactionID(w.Tx.ConnectionID, w.Tx.SourceKey)] = w.Tx
		}

		// limit and cursor do not cut an export short.
		res, body := e.raw("GET", "/v1/transactions?format=csv&channel=store-21&limit=10", e.a.readKey, "")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			res.Header.Get("Content-Disposition") != `attachment; filename="transactions-2026-12-02.csv"` {
			t.Fatalf("CSV answer: %d %v", res.StatusCode, res.Header)
		}
		header, rows := records(t, body)
		for _, col := range []string{"id", "customs", "currency", "sale_amount", "commission", "sold_at", "order_ref", "paid"} {
			if !slices.Contains(header, col) {
				t.Fatalf("header %v lacks %s", header, col)
			}
		}
		if slices.Contains(header, "items") {
			t.Fatalf("header has items: %v", header)
		}
		if len(rows) != n {
			t.Fatalf("%d rows, want %d", len(rows), n)
		}
		seen := map[string]bool{}
		for _, row := range rows {
			x, ok := want[row["id"]]
			if !ok || seen[row["id"]] {
				t.Fatalf("row %v: unknown or repeated", row)
			}
			seen[row["id"]] = true
			if row["sale_amount"] != money.FormatIn(x.SaleAmount, x.Currency) || row["commission"] != money.FormatIn(x.Commission, x.Currency) ||
				row["currency"] != x.Currency || row["customs"] != x.Customs[0]+";app-user" || row["sold_at"] != "2026-09-01T00:00:00Z" ||
				row["order_ref"] != "" || row["paid"] != "false" {
				t.Fatalf("row %v, want %+v", row, x)
			}
		}

		// Filters apply as on the JSON list; another workspace sees only its own.
		for q, wantRows := range map[string]int{"custom=u-3": 1, "channel=store-20": 5, "custom=app-user&until=2026-09-01": n, "since=2026-10-01": 5} {
			if _, rows := records(t, second(e.raw("GET", "/v1/transactions?format=csv&"+q, e.a.readKey, ""))); len(rows) != wantRows {
				t.Errorf("%s: %d rows, want %d", q, len(rows), wantRows)
			}
		}
		if _, rows := records(t, second(e.raw("GET", "/v1/transactions?format=csv", e.b.readKey, ""))); len(rows) != 5 {
			t.Errorf("b's export: %d rows", len(rows))
		}
		// An empty export is a header alone.
		if header, rows := records(t, second(e.raw("GET", "/v1/transactions?format=csv&custom=nobody", e.a.readKey, ""))); len(rows) != 0 || header[0] != "id" {
			t.Errorf("empty export: %v %v", header, rows)
		}

		// XLSX: the same rows, in a sheet named after the list.
		res, body = e.raw("GET", "/v1/transactions?format=xlsx&channel=store-21", e.a.readKey, "")
		if res.StatusCode != 200 || res.Header.Get("Content-Disposition") != `attachment; filename="transactions-2026-12-02.xlsx"` {
			t.Fatalf("XLSX answer: %d %v", res.StatusCode, res.Header)
		}
		book, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer book.Close()
		sheet, err := book.GetRows("transactions")
		if err != nil || len(sheet) != n+1 || !slices.Equal(sheet[0], header) {
			t.Fatalf("sheet: %d rows, %v, header %v", len(sheet), err, sheet[0])
		}
		col := slices.Index(header, "sale_amount")
		idCol := slices.Index(header, "id")
		for _, row := range sheet[1:] {
			if x := want[row[idCol]]; row[col] != money.FormatIn(x.SaleAmount, x.Currency) {
				t.Fatalf("sheet row %v, want sale amount %s", row, money.FormatIn(x.SaleAmount, x.Currency))
			}
		}

		// Bad requests are JSON errors, as on the list.
		for _, q := range []string{"format=pdf", "format=csv&status=paid", "format=xlsx&since=yesterday", "format=csv&costum=x"} {
			var apiErr apiError
			if status := e.do("GET", "/v1/transactions?"+q, e.a.readKey, "", &apiErr); status != 400 || apiErr.Error.Code != "bad_request" {
				t.Errorf("%s: %d %+v", q, status, apiErr)
			}
		}
	})
}

func second[A, B any](_ A, b B) B { return b }

func TestExportOtherLists(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		clk := &clock{now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
		e := newEnvWith(t, s, api.Config{Now: clk.Now})
		d := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ReplaceRevenues(ctx, e.a.ws.ID, e.a.conn.ID, []time.Time{d}, []model.Revenue{
				{Date: d, Channel: "store-20", Program: "amazon.com", Currency: "USD", Kind: "cps", SaleAmount: 5998, Commission: 240, ItemsShipped: 2, Transactions: 1},
				{Date: d, Channel: "store-21", Program: "amazon.com", Currency: "USD", Kind: "cps", SaleAmount: -2999, Commission: -120, ItemsReturned: 1, Transactions: 1},
			}); err != nil {
				return err
			}
			if err := tx.ReplaceClicks(ctx, e.a.ws.ID, e.a.conn.ID, []time.Time{d}, []model.Click{{Date: d, Channel: "store-20", Program: "amazon.com", Clicks: 40}}); err != nil {
				return err
			}
			return tx.EnsureChannels(ctx, e.a.ws.ID, e.a.conn.ID, []string{"store-20", "store-21"})
		})
		if err != nil {
			t.Fatal(err)
		}
		e.do("POST", "/v1/inquiries", e.a.writeKey, `{"custom":"lost","order_date":"2026-10-01","expected_amount":"12.34"}`, nil)
		var link client.Link
		if status := e.do("POST", "/v1/links", e.a.writeKey,
			`{"url":"https://www.amazon.com/dp/B0C1234567","channel":"store-20","custom":"app","unique_per_click":true}`, &link); status != 201 {
			t.Fatalf("create link: %d", status)
		}

		for _, tc := range []struct {
			query string
			file  string
			rows  int
			check func(map[string]string) bool
		}{
			{"/v1/revenues?group_by=channel&format=csv", "revenues-2026-12-02.csv", 2,
				func(r map[string]string) bool {
					return r["channel"] == "store-20" && r["sale_amount"] == "59.98" && r["items_shipped"] == "2"
				}},
			{"/v1/revenues?group_by=channel&channel=store-21&format=csv", "revenues-2026-12-02.csv", 1,
				func(r map[string]string) bool { return r["commission"] == "-1.20" }},
			{"/v1/clicks?group_by=day&format=csv", "clicks-2026-12-02.csv", 1,
				func(r map[string]string) bool { return r["date"] == "2026-10-02" && r["clicks"] == "40" }},
			{"/v1/channels?format=csv", "channels-2026-12-02.csv", 2,
				func(r map[string]string) bool { return r["code"] == "store-20" && r["connection_id"] == e.a.conn.ID }},
			{"/v1/programs?format=csv", "programs-2026-12-02.csv", 0, nil},
			{"/v1/inquiries?status=open&format=csv", "inquiries-2026-12-02.csv", 1,
				func(r map[string]string) bool {
					return r["custom"] == "lost" && r["expected_amount"] == "12.34" && r["status"] == "open"
				}},
			{"/v1/inquiries?status=matched&format=csv", "inquiries-2026-12-02.csv", 0, nil},
			{"/v1/links?format=csv", "links-2026-12-02.csv", 1,
				func(r map[string]string) bool {
					return r["id"] == link.ID && r["code"] == cellsafe.Text(link.Code) && r["unique_per_click"] == "true" && r["clicks"] == "0" &&
						r["last_click_at"] == ""
				}},
		} {
			res, body := e.raw("GET", tc.query, e.a.readKey, "")
			if res.StatusCode != 200 || res.Header.Get("Content-Disposition") != `attachment; filename="`+tc.file+`"` {
				t.Fatalf("%s: %d %v %s", tc.query, res.StatusCode, res.Header, body)
			}
			_, rows := records(t, body)
			if len(rows) != tc.rows || (tc.check != nil && !tc.check(rows[0])) {
				t.Errorf("%s: %v", tc.query, rows)
			}
		}
		var apiErr apiError
		if status := e.do("GET", "/v1/revenues?format=csv&kind=cpm", e.a.readKey, "", &apiErr); status != 400 {
			t.Fatalf("bad kind on export: %d", status)
		}
		if status := e.do("GET", "/v1/clicks?format=json", e.a.readKey, "", &apiErr); status != 400 {
			t.Fatalf("format=json: %d", status)
		}
	})
}

// TestExportGuardsFormulas: a CSV cell that a spreadsheet would run as a
// formula is written as text, as the dashboard's exports write it (both
// through cellsafe); a negative amount stays a number.
func TestExportGuardsFormulas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		if _, err := s.UpsertTransactions(ctx, e.a.ws.ID, []store.TxWrite{{Tx: model.Transaction{
			ConnectionID: e.a.conn.ID, Network: "amazon", SourceKey: "x:evil", Program: "amazon.com", Channel: "@store-21",
			Customs: []string{`=HYPERLINK("http://evil.example")`, "user-1"}, Status: model.StatusDeclined, NetworkStatus: "-1+cmd|' /C calc'!A0",
			Currency: "USD", SaleAmount: -2999, Commission: -120, Quantity: -1, SoldAt: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC),
		}}}); err != nil {
			t.Fatal(err)
		}
		res, body := e.raw("GET", "/v1/transactions?format=csv&channel=%40store-21", e.a.readKey, "")
		if res.StatusCode != 200 {
			t.Fatalf("CSV: %d", res.StatusCode)
		}
		_, rows := records(t, body)
		if len(rows) != 1 {
			t.Fatalf("%d rows", len(rows))
		}
		for col, want := range map[string]string{
			"customs": `'=HYPERLINK("http://evil.example");user-1`, "channel": "'@store-21", "network_status": "'-1+cmd|' /C calc'!A0",
			"sale_amount": "-29.99", "commission": "-1.20", "quantity": "-1",
		} {
			if rows[0][col] != want {
				t.Errorf("%s = %q, want %q", col, rows[0][col], want)
			}
		}
	})
}
