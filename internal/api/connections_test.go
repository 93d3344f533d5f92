package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestConnectionsAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		simulator, err := sim.New(sim.Config{Seed: 4, Days: 3})
		if err != nil {
			t.Fatal(err)
		}
		amazon := httptest.NewServer(simulator)
		defer amazon.Close()
		box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		srv := api.New(api.Config{Store: s, Sealer: box})
		ts := httptest.NewServer(srv.Handler())
		defer func() { ts.Close(); srv.Close() }()
		e := &env{t: t, s: s, url: ts.URL, client: ts.Client()}
		e.a, e.b = e.tenant("a"), e.tenant("b")

		body := func(secretValue string) string {
			return `{"network":"amazon","connector":"creators-subtags","store_id":"demo-20","credential_id":"demo-credential","secret":"` +
				secretValue + `","api_base":"` + amazon.URL + `","token_url":"` + amazon.URL + `/auth/o2/token"}`
		}
		var apiErr apiError
		if status := e.do("POST", "/v1/connections", e.a.writeKey, body("wrong-secret"), &apiErr); status != 422 ||
			apiErr.Error.Code != "connection_refused" || !strings.Contains(apiErr.Error.Message, "credentials rejected") {
			t.Fatalf("wrong secret: %d %+v", status, apiErr)
		}
		if status := e.do("POST", "/v1/connections", e.a.writeKey, `{"network":"amazon","connector":"creators"}`, &apiErr); status != 400 {
			t.Fatalf("missing fields: %d %+v", status, apiErr)
		}
		// A marketplace that contradicts the currency given (SPEC §3.5).
		if status := e.do("POST", "/v1/connections", e.a.writeKey, `{"network":"amazon","connector":"import","store_id":"s-21","currency":"GBP","marketplace":"www.amazon.com"}`, &apiErr); status != 400 ||
			apiErr.Error.Message != "marketplace www.amazon.com sells in USD, not in the currency given, GBP: give currency USD, or give the marketplace that sells in GBP (www.amazon.co.uk) or leave it out" {
			t.Fatalf("contradicting marketplace: %d %+v", status, apiErr)
		}
		var gbp api.Connection
		if status := e.do("POST", "/v1/connections", e.a.writeKey, `{"network":"amazon","connector":"import","store_id":"s-21","currency":"GBP"}`, &gbp); status != 201 ||
			gbp.Currency != "GBP" || gbp.Settings["marketplace"] != "www.amazon.co.uk" {
			t.Fatalf("currency alone: %d %+v", status, gbp)
		}
		if status := e.do("POST", "/v1/connections", e.a.readKey, body("demo-secret"), &apiErr); status != 403 {
			t.Fatalf("read key: %d", status)
		}
		var c api.Connection
		if status := e.do("POST", "/v1/connections", e.a.writeKey, body("demo-secret"), &c); status != 201 || !c.HasSecret || c.NextRunAt == nil {
			t.Fatalf("create: %d %+v", status, c)
		}
		var list struct{ Data []api.Connection }
		e.do("GET", "/v1/connections", e.a.readKey, "", &list)
		if len(list.Data) != 3 { // the tenant's import connection, the GBP one and this one
			t.Fatalf("list: %+v", list.Data)
		}
		for _, x := range list.Data {
			if x.Settings["secret"] != "" {
				t.Fatal("a secret in the listing")
			}
		}
		if status := e.do("POST", "/v1/connections/"+c.ID+"/sync", e.b.writeKey, "", &apiErr); status != 404 {
			t.Fatalf("another workspace syncs it: %d", status)
		}
		var accepted map[string]string
		if status := e.do("POST", "/v1/connections/"+c.ID+"/sync", e.a.writeKey, "", &accepted); status != 202 || accepted["status"] != "scheduled" {
			t.Fatalf("sync now: %d %v", status, accepted)
		}
		var runs struct{ Data []api.Run }
		if status := e.do("GET", "/v1/connections/"+c.ID+"/runs", e.a.readKey, "", &runs); status != 200 || len(runs.Data) != 0 {
			t.Fatalf("runs: %d %+v", status, runs)
		}
		if status := e.do("GET", "/v1/connections/"+c.ID+"/runs", e.b.readKey, "", &apiErr); status != 404 {
			t.Fatalf("another workspace's runs: %d", status)
		}
	})
}
