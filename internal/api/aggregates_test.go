package api_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestRevenuesClicksChannelsPrograms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		d1, d2 := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ReplaceRevenues(ctx, e.a.ws.ID, e.a.conn.ID, []time.Time{d1, d2}, []model.Revenue{
				{Date: d1, Channel: "store-20", Program: "amazon.com", Custom: "u1", Currency: "USD", Kind: "cps", SaleAmount: 5998, Commission: 240, ItemsShipped: 2, Transactions: 1},
				{Date: d2, Channel: "store-20", Program: "amazon.com", Custom: "u1", Currency: "USD", Kind: "cps", SaleAmount: -2999, Commission: -120, ItemsReturned: 1, Transactions: 1},
				{Date: d2, Channel: "store-21", Program: "amazon.com", Currency: "USD", Kind: "cps", SaleAmount: 1000, Commission: 40, ItemsShipped: 1, Transactions: 1},
			}); err != nil {
				return err
			}
			if err := tx.ReplaceClicks(ctx, e.a.ws.ID, e.a.conn.ID, []time.Time{d1, d2}, []model.Click{
				{Date: d1, Channel: "store-20", Program: "amazon.com", Clicks: 40}, {Date: d2, Channel: "store-21", Program: "amazon.com", Clicks: 2},
			}); err != nil {
				return err
			}
			if err := tx.EnsureChannels(ctx, e.a.ws.ID, e.a.conn.ID, []string{"store-20", "store-21"}); err != nil {
				return err
			}
			return tx.SetProgramStatus(ctx, e.a.ws.ID, e.a.conn.ID, "amazon.com", "active", "reports received")
		})
		if err != nil {
			t.Fatal(err)
		}
		var revs struct {
			Data []map[string]any `json:"data"`
		}
		e.do("GET", "/v1/revenues?group_by=day,channel&since=2026-10-02&until=2026-10-03", e.a.readKey, "", &revs)
		if len(revs.Data) != 3 || revs.Data[0]["date"] != "2026-10-02" || revs.Data[0]["channel"] != "store-20" || revs.Data[0]["sale_amount"] != "59.98" ||
			revs.Data[1]["commission"] != "-1.20" || revs.Data[0]["custom"] != nil || revs.Data[0]["kind"] != "cps" {
			t.Fatalf("revenues by day and channel: %+v", revs.Data)
		}
		revs.Data = nil // decoding into old maps would merge their keys
		e.do("GET", "/v1/revenues?until=2026-10-02", e.a.readKey, "", &revs)
		if len(revs.Data) != 1 || revs.Data[0]["sale_amount"] != "59.98" || revs.Data[0]["date"] != nil {
			t.Fatalf("revenues until day 1: %+v", revs.Data)
		}
		revs.Data = nil
		e.do("GET", "/v1/revenues?group_by=custom&custom=u1", e.a.readKey, "", &revs)
		if len(revs.Data) != 1 || revs.Data[0]["custom"] != "u1" || revs.Data[0]["sale_amount"] != "29.99" {
			t.Fatalf("revenues of a custom: %+v", revs.Data)
		}
		revs.Data = nil
		e.do("GET", "/v1/revenues", e.b.readKey, "", &revs)
		if len(revs.Data) != 0 {
			t.Fatalf("b sees a's revenues: %+v", revs.Data)
		}
		var clicks struct {
			Data []map[string]any `json:"data"`
		}
		e.do("GET", "/v1/clicks?group_by=channel", e.a.readKey, "", &clicks)
		if len(clicks.Data) != 2 || clicks.Data[0]["channel"] != "store-20" || clicks.Data[0]["clicks"] != float64(40) {
			t.Fatalf("clicks: %+v", clicks.Data)
		}
		var list struct {
			Data []map[string]any `json:"data"`
		}
		e.do("GET", "/v1/channels", e.a.readKey, "", &list)
		if len(list.Data) != 2 {
			t.Fatalf("channels: %+v", list.Data)
		}
		list.Data = nil
		e.do("GET", "/v1/programs", e.a.readKey, "", &list)
		if len(list.Data) != 1 || list.Data[0]["status"] != "active" || len(list.Data[0]["history"].([]any)) != 1 {
			t.Fatalf("programs: %+v", list.Data)
		}
		var apiErr apiError
		for _, q := range []string{"/v1/revenues?group_by=color", "/v1/revenues?kind=cpa", "/v1/clicks?since=yesterday", "/v1/clicks?kind=cps"} {
			if status := e.do("GET", q, e.a.readKey, "", &apiErr); status != 400 || !strings.Contains(apiErr.Error.Code, "bad_request") {
				t.Errorf("%s: %d %+v", q, status, apiErr)
			}
		}
	})
}

// TestAggregatePages follows next_cursor through revenues and clicks grouped
// by custom, and checks limit's bounds; exports stream every page.
func TestAggregatePages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		d := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
		var revs []model.Revenue
		var clicks []model.Click
		const n = 1005 // more than an export's page of 1000
		for i := range n {
			c := fmt.Sprintf("u%04d", i)
			revs = append(revs, model.Revenue{Date: d, Channel: "store-20", Program: "amazon.com", Custom: c, Currency: "USD", Kind: "cps", Commission: int64(i)})
			clicks = append(clicks, model.Click{Date: d, Channel: "store-20", Program: "amazon.com", Custom: c, Clicks: int64(i)})
		}
		err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.ReplaceRevenues(ctx, e.a.ws.ID, e.a.conn.ID, []time.Time{d}, revs); err != nil {
				return err
			}
			return tx.ReplaceClicks(ctx, e.a.ws.ID, e.a.conn.ID, []time.Time{d}, clicks)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/v1/revenues", "/v1/clicks"} {
			t.Run(path, func(t *testing.T) {
				var customs []string
				pages := 0
				for q := path + "?group_by=custom&limit=400"; ; pages++ {
					var p struct {
						Data       []map[string]any `json:"data"`
						NextCursor *string          `json:"next_cursor"`
					}
					if status := e.do("GET", q, e.a.readKey, "", &p); status != 200 || len(p.Data) > 400 {
						t.Fatalf("%s: %d, %d rows", q, status, len(p.Data))
					}
					for _, r := range p.Data {
						customs = append(customs, r["custom"].(string))
					}
					if p.NextCursor == nil {
						break
					}
					q = path + "?group_by=custom&limit=400&cursor=" + url.QueryEscape(*p.NextCursor)
				}
				if pages != 2 || len(customs) != n || !slices.IsSorted(customs) || len(slices.Compact(slices.Clone(customs))) != n {
					t.Fatalf("%d pages, %d customs", pages+1, len(customs))
				}
				var def struct {
					Data       []any   `json:"data"`
					NextCursor *string `json:"next_cursor"`
				}
				e.do("GET", path+"?group_by=custom", e.a.readKey, "", &def)
				if len(def.Data) != 100 || def.NextCursor == nil {
					t.Fatalf("default limit: %d rows, next %v", len(def.Data), def.NextCursor)
				}
				var apiErr apiError
				for _, q := range []string{"?limit=1001", "?limit=0", "?group_by=custom&cursor=bm9wZQ", "?group_by=custom,custom"} {
					if status := e.do("GET", path+q, e.a.readKey, "", &apiErr); status != 400 || apiErr.Error.Code != "bad_request" {
						t.Errorf("%s%s: %d %+v", path, q, status, apiErr)
					}
				}
				res, err := e.client.Do(mustRequest(t, e, path+"?group_by=custom&format=csv&limit=3"))
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				recs, err := csv.NewReader(res.Body).ReadAll()
				if err != nil || len(recs) != n+1 || recs[1][3] != "u0000" || recs[n][3] != fmt.Sprintf("u%04d", n-1) {
					t.Fatalf("export: %d records %v %v", len(recs), recs[:min(3, len(recs))], err)
				}
			})
		}
	})
}

func mustRequest(t *testing.T, e *env, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", e.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.a.readKey)
	return req
}
