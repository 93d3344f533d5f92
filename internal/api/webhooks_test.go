package api_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/webhook"
	"github.com/affsync/affsync/internal/wire"
)

type deliveryPage struct {
	Data       []api.Delivery `json:"data"`
	NextCursor *string        `json:"next_cursor"`
}

func TestWebhooksAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		srv := api.New(api.Config{Store: s, Sealer: box})
		ts := httptest.NewServer(srv.Handler())
		defer func() { ts.Close(); srv.Close() }()
		e := &env{t: t, s: s, url: ts.URL, client: ts.Client()}
		e.a, e.b = e.tenant("a"), e.tenant("b")

		var status atomic.Int32
		status.Store(http.StatusServiceUnavailable)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(status.Load())) }))
		defer receiver.Close()

		for _, tc := range []struct {
			name, method, path, key, body string
			status                        int
			code                          string
		}{
			{"no key", "GET", "/v1/webhooks", "", "", 401, "unauthorized"},
			{"read key creates", "POST", "/v1/webhooks", e.a.readKey, `{"url":"https://example.com/h","events":["transaction.created"]}`, 403, "forbidden"},
			{"read key deletes", "DELETE", "/v1/webhooks/wh_x", e.a.readKey, "", 403, "forbidden"},
			{"read key redelivers", "POST", "/v1/webhooks/wh_x/deliveries/1/redeliver", e.a.readKey, "", 403, "forbidden"},
			{"plain http elsewhere", "POST", "/v1/webhooks", e.a.writeKey, `{"url":"http://example.com/h","events":["transaction.created"]}`, 400, "bad_request"},
			{"not a URL", "POST", "/v1/webhooks", e.a.writeKey, `{"url":"example.com/h","events":["transaction.created"]}`, 400, "bad_request"},
			{"credentials in the URL", "POST", "/v1/webhooks", e.a.writeKey, `{"url":"https://u:p@example.com/h","events":["transaction.created"]}`, 400, "bad_request"},
			{"no events", "POST", "/v1/webhooks", e.a.writeKey, `{"url":"https://example.com/h","events":[]}`, 400, "bad_request"},
			{"unknown event", "POST", "/v1/webhooks", e.a.writeKey, `{"url":"https://example.com/h","events":["transaction.removed"]}`, 400, "bad_request"},
			{"unknown field", "POST", "/v1/webhooks", e.a.writeKey, `{"url":"https://example.com/h","events":["transaction.created"],"secret":"x"}`, 400, "bad_request"},
			{"missing webhook's log", "GET", "/v1/webhooks/wh_nope/deliveries", e.a.readKey, "", 404, "not_found"},
			{"missing webhook", "DELETE", "/v1/webhooks/wh_nope", e.a.writeKey, "", 404, "not_found"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got apiError
				if st := e.do(tc.method, tc.path, tc.key, tc.body, &got); st != tc.status || got.Error.Code != tc.code {
					t.Fatalf("%d %+v, want %d %s", st, got, tc.status, tc.code)
				}
			})
		}

		var created api.Webhook
		if st := e.do("POST", "/v1/webhooks", e.a.writeKey, `{"url":"`+receiver.URL+`/hook","events":["transaction.created","transaction.created"],"description":"app backend"}`, &created); st != 201 ||
			!strings.HasPrefix(created.Secret, "whsec_") || len(created.Events) != 1 || created.Description != "app backend" || !created.Active {
			t.Fatalf("create: %d %+v", st, created)
		}
		var list struct{ Data []api.Webhook }
		if e.do("GET", "/v1/webhooks", e.a.readKey, "", &list); len(list.Data) != 1 || list.Data[0].ID != created.ID || list.Data[0].Secret != "" {
			t.Fatalf("list: %+v", list.Data)
		}
		if e.do("GET", "/v1/webhooks", e.b.readKey, "", &list); len(list.Data) != 0 {
			t.Fatalf("b lists a's webhooks: %+v", list.Data)
		}

		// Two new transactions of a: two deliveries, sent once to a receiver that fails.
		if _, err := s.UpsertTransactions(ctx, e.a.ws.ID, txs(e.a.conn, 100, 2)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertTransactions(ctx, e.b.ws.ID, txs(e.b.conn, 100, 2)); err != nil {
			t.Fatal(err)
		}
		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test", Log: slog.New(slog.DiscardHandler)}
		if n, err := d.DeliverDue(ctx); n != 2 || err != nil {
			t.Fatalf("deliver: %d %v", n, err)
		}
		var log deliveryPage
		if st := e.do("GET", "/v1/webhooks/"+created.ID+"/deliveries", e.a.readKey, "", &log); st != 200 || len(log.Data) != 2 || log.NextCursor != nil {
			t.Fatalf("log: %d %+v", st, log)
		}
		newest := log.Data[0]
		var ev wire.Event
		if err := json.Unmarshal(newest.Payload, &ev); err != nil || ev.ID != newest.EventID || ev.Type != wire.EventTransactionCreated ||
			ev.Data.Transaction.Customs[0] != "u-101" {
			t.Fatalf("payload %s: %v", newest.Payload, err)
		}
		if newest.ID < log.Data[1].ID || newest.Status != "pending" || newest.NextAttemptAt == nil || len(newest.Attempts) != 1 ||
			newest.Attempts[0].StatusCode != 503 || !strings.Contains(newest.Attempts[0].Error, "503") {
			t.Fatalf("newest delivery: %+v", newest)
		}
		var page deliveryPage
		if e.do("GET", "/v1/webhooks/"+created.ID+"/deliveries?limit=1", e.a.readKey, "", &page); len(page.Data) != 1 || page.NextCursor == nil || page.Data[0].ID != newest.ID {
			t.Fatalf("first page: %+v", page)
		}
		if e.do("GET", "/v1/webhooks/"+created.ID+"/deliveries?limit=1&cursor="+*page.NextCursor, e.a.readKey, "", &page); len(page.Data) != 1 || page.Data[0].ID != log.Data[1].ID {
			t.Fatalf("second page: %+v", page)
		}
		var apiErr apiError
		if st := e.do("GET", "/v1/webhooks/"+created.ID+"/deliveries?cursor=x", e.a.readKey, "", &apiErr); st != 400 {
			t.Fatalf("bad cursor: %d", st)
		}

		// Another workspace cannot see, redeliver or delete it.
		redeliver := "/v1/webhooks/" + created.ID + "/deliveries/" + jsonInt(newest.ID) + "/redeliver"
		for _, c := range []struct{ method, path, key string }{
			{"GET", "/v1/webhooks/" + created.ID + "/deliveries", e.b.readKey},
			{"POST", redeliver, e.b.writeKey},
			{"DELETE", "/v1/webhooks/" + created.ID, e.b.writeKey},
			{"POST", "/v1/webhooks/" + created.ID + "/deliveries/999999/redeliver", e.a.writeKey},
			{"POST", "/v1/webhooks/" + created.ID + "/deliveries/abc/redeliver", e.a.writeKey},
		} {
			if st := e.do(c.method, c.path, c.key, "", &apiErr); st != 404 || apiErr.Error.Code != "not_found" {
				t.Fatalf("%s %s: %d", c.method, c.path, st)
			}
		}

		// Redelivered on demand, and this time the receiver takes it.
		var again api.Delivery
		if st := e.do("POST", redeliver, e.a.writeKey, "", &again); st != 202 || again.Status != "pending" || again.NextAttemptAt == nil ||
			again.NextAttemptAt.After(time.Now()) || len(again.Attempts) != 1 {
			t.Fatalf("redeliver: %d %+v", st, again)
		}
		status.Store(http.StatusOK)
		if n, err := d.DeliverDue(ctx); n != 1 || err != nil {
			t.Fatalf("deliver again: %d %v", n, err)
		}
		e.do("GET", "/v1/webhooks/"+created.ID+"/deliveries", e.a.readKey, "", &log)
		if x := log.Data[0]; x.ID != newest.ID || x.Status != "delivered" || x.DeliveredAt == nil || x.NextAttemptAt != nil ||
			len(x.Attempts) != 2 || x.Attempts[1].StatusCode != 200 || x.Attempts[1].Error != "" {
			t.Fatalf("after redelivery: %+v", x)
		}

		if res, body := e.raw("DELETE", "/v1/webhooks/"+created.ID, e.a.writeKey, ""); res.StatusCode != 204 {
			t.Fatalf("delete: %d %s", res.StatusCode, body)
		}
		if st := e.do("GET", "/v1/webhooks/"+created.ID+"/deliveries", e.a.readKey, "", &apiErr); st != 404 {
			t.Fatalf("log of a deleted webhook: %d", st)
		}
		if e.do("GET", "/v1/webhooks", e.a.readKey, "", &list); len(list.Data) != 0 {
			t.Fatalf("after delete: %+v", list.Data)
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestWebhookNeedsTheSecretKey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s) // a server without AFFSYNC_SECRET_KEY
		var apiErr apiError
		if st := e.do("POST", "/v1/webhooks", e.a.writeKey, `{"url":"https://example.com/h","events":["transaction.updated"]}`, &apiErr); st != 503 ||
			apiErr.Error.Code != "no_secret_key" {
			t.Fatalf("%d %+v", st, apiErr)
		}
	})
}

// PATCH /v1/webhooks/{id} changes what its body names, with the checks of
// creation, and answers the webhook as the list shows it.
func TestUpdateWebhookAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		e := newEnvWith(t, s, api.Config{Sealer: box})
		var hook api.Webhook
		if st := e.do("POST", "/v1/webhooks", e.a.writeKey, `{"url":"https://example.com/old","events":["transaction.created"],"description":"old"}`, &hook); st != 201 {
			t.Fatalf("create: %d", st)
		}
		path := "/v1/webhooks/" + hook.ID
		long := strings.Repeat("x", webhook.MaxDescription+1)
		for _, tc := range []struct {
			name, path, key, body string
			status                int
			code                  string
		}{
			{"no key", path, "", `{"active":false}`, 401, "unauthorized"},
			{"read key", path, e.a.readKey, `{"active":false}`, 403, "forbidden"},
			{"another workspace's", path, e.b.writeKey, `{"active":false}`, 404, "not_found"},
			{"missing", "/v1/webhooks/wh_nope", e.a.writeKey, `{"active":false}`, 404, "not_found"},
			{"plain http elsewhere", path, e.a.writeKey, `{"url":"http://example.com/h"}`, 400, "bad_request"},
			{"empty url", path, e.a.writeKey, `{"url":""}`, 400, "bad_request"},
			{"no events", path, e.a.writeKey, `{"events":[]}`, 400, "bad_request"},
			{"unknown event", path, e.a.writeKey, `{"events":["transaction.removed"]}`, 400, "bad_request"},
			{"unknown field", path, e.a.writeKey, `{"active":false,"secret":"x"}`, 400, "bad_request"},
			{"active not a bool", path, e.a.writeKey, `{"active":"no"}`, 400, "bad_request"},
			{"description too long", path, e.a.writeKey, `{"description":"` + long + `"}`, 400, "bad_request"},
			{"no body", path, e.a.writeKey, ``, 400, "bad_request"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got apiError
				if st := e.do("PATCH", tc.path, tc.key, tc.body, &got); st != tc.status || got.Error.Code != tc.code {
					t.Fatalf("%d %+v, want %d %s", st, got, tc.status, tc.code)
				}
			})
		}
		if w, _ := s.Webhook(ctx, e.a.ws.ID, hook.ID); w.URL != "https://example.com/old" || !w.Active || w.Description != "old" {
			t.Fatalf("refused requests changed the webhook: %+v", w)
		}

		// One field: the others stay; the answer is the list's entry, byte for byte.
		res, answer := e.raw("PATCH", path, e.a.writeKey, `{"active":false}`)
		patched := string(answer)
		if res.StatusCode != 200 {
			t.Fatalf("pause: %d %s", res.StatusCode, patched)
		}
		var list struct{ Data []json.RawMessage }
		e.do("GET", "/v1/webhooks", e.a.readKey, "", &list)
		if len(list.Data) != 1 || strings.TrimSpace(patched) != string(list.Data[0]) || strings.Contains(patched, "secret") {
			t.Fatalf("PATCH answered %s, the list shows %s", patched, list.Data)
		}
		var got api.Webhook
		if err := json.Unmarshal([]byte(patched), &got); err != nil || got.Active || got.URL != "https://example.com/old" ||
			got.Description != "old" || len(got.Events) != 1 {
			t.Fatalf("after the pause: %+v %v", got, err)
		}

		// Every field at once; repeated events count once.
		if st := e.do("PATCH", path, e.a.writeKey, `{"url":"https://example.com/new","events":["transaction.updated","transaction.created","transaction.updated"],"description":"","active":true}`, &got); st != 200 ||
			got.URL != "https://example.com/new" || got.Description != "" || !got.Active || strings.Join(got.Events, ",") != "transaction.updated,transaction.created" {
			t.Fatalf("edit: %d %+v", st, got)
		}
	})
}
