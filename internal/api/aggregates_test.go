package api_test

import (
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
