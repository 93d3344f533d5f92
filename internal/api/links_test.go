package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/linkbuilder"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

type linkPage struct {
	Data       []api.Link `json:"data"`
	NextCursor *string    `json:"next_cursor"`
}

func TestLinkBuilderAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		const product = `"url":"https://www.amazon.de/Kabel/dp/B0C1234567/ref=sr_1?tag=other-21&th=1"`
		for _, tc := range []struct {
			name, key, body string
			status          int
			says            string
		}{
			{"no key", "", `{` + product + `,"channel":"shop-21"}`, 401, "API key"},
			{"read key", e.a.readKey, `{` + product + `,"channel":"shop-21"}`, 403, "may only read"},
			{"short link", e.a.writeKey, `{"url":"https://amzn.to/3xYzAbC","channel":"shop-21"}`, 400, "short link"},
			{"not amazon", e.a.writeKey, `{"url":"https://www.ebay.de/dp/B0C1234567","channel":"shop-21"}`, 400, "not an Amazon marketplace"},
			{"not a product", e.a.writeKey, `{"url":"https://www.amazon.de/s?k=kabel","channel":"shop-21"}`, 400, "not a product page"},
			{"no url", e.a.writeKey, `{"channel":"shop-21"}`, 400, "url is required"},
			{"no channel", e.a.writeKey, `{` + product + `}`, 400, "channel is required"},
			{"custom too long", e.a.writeKey, `{` + product + `,"channel":"shop-21","custom":"` + strings.Repeat("u", 65) + `"}`, 400, "at most 64"},
			{"custom with a space", e.a.writeKey, `{` + product + `,"channel":"shop-21","custom":"user 42"}`, 400, "letters, digits"},
			{"unknown field", e.a.writeKey, `{` + product + `,"channel":"shop-21","tag":"x"}`, 400, "unknown field"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got apiError
				if status := e.do("POST", "/v1/links", tc.key, tc.body, &got); status != tc.status || !strings.Contains(got.Error.Message, tc.says) {
					t.Fatalf("%d %+v, want %d saying %q", status, got, tc.status, tc.says)
				}
			})
		}

		var direct api.Link
		if status := e.do("POST", "/v1/links", e.a.writeKey, `{`+product+`,"channel":"shop-21","custom":"user_42"}`, &direct); status != 200 ||
			direct.URL != "https://www.amazon.de/dp/B0C1234567?tag=shop-21&ascsubtag=user_42" || direct.AmazonURL != direct.URL ||
			direct.Program != "amazon.de" || direct.ASIN != "B0C1234567" || direct.ID != "" {
			t.Fatalf("direct link: %d %+v", status, direct)
		}

		var made api.Link
		if status := e.do("POST", "/v1/links", e.a.writeKey, `{`+product+`,"channel":"shop-21","custom":"dflt","unique_per_click":true}`, &made); status != 201 ||
			made.ID == "" || made.URL != e.url+"/r/"+made.Code || made.AmazonURL != "https://www.amazon.de/dp/B0C1234567?tag=shop-21" ||
			made.Custom != "dflt" || !made.UniquePerClick || made.CreatedAt == nil {
			t.Fatalf("redirect link: %d %+v", status, made)
		}
		var list linkPage
		if status := e.do("GET", "/v1/links", e.a.readKey, "", &list); status != 200 || len(list.Data) != 1 || list.Data[0].ID != made.ID {
			t.Fatalf("list: %d %+v", status, list)
		}
		if list.Data[0].URL != made.URL || list.Data[0].ASIN != "B0C1234567" {
			t.Fatalf("listed link: %+v, made %+v", list.Data[0], made)
		}
		if e.do("GET", "/v1/links", e.b.readKey, "", &list); len(list.Data) != 0 {
			t.Fatalf("b sees a's links: %+v", list.Data)
		}
		if status := e.do("GET", "/v1/links", "", "", nil); status != 401 {
			t.Fatalf("list without key: %d", status)
		}
	})
}

// The configured public URL is the base of redirect links, whatever host the request used.
func TestLinkPublicURL(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		srv := api.New(api.Config{Store: s, PublicURL: "https://go.example.com/"})
		ts := httptest.NewServer(srv.Handler())
		defer func() { ts.Close(); srv.Close() }()
		e := &env{t: t, s: s, srv: srv, url: ts.URL, client: ts.Client()}
		e.a = e.tenant("a")
		var made api.Link
		if status := e.do("POST", "/v1/links", e.a.writeKey, `{"url":"https://www.amazon.com/dp/B0C1234567","channel":"s-20","unique_per_click":true}`, &made); status != 201 ||
			made.URL != "https://go.example.com/r/"+made.Code {
			t.Fatalf("%d %+v", status, made)
		}
	})
}

// A redirect hit records a click under a fresh subtag; the transaction that
// Amazon later reports for that subtag carries the app's custom, and the
// click counts in /v1/clicks under that custom.
func TestRedirectEndToEnd(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		var made api.Link
		if status := e.do("POST", "/v1/links", e.a.writeKey,
			`{"url":"https://www.amazon.com/Cable/dp/B0C1234567","channel":"store-20","custom":"dflt","unique_per_click":true}`, &made); status != 201 {
			t.Fatalf("create: %d", status)
		}
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(path string) (*http.Response, string) {
			t.Helper()
			res, err := noFollow.Get(e.url + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			return res, string(body)
		}
		follow := func(path string) string {
			t.Helper()
			res, body := get(path)
			if res.StatusCode != http.StatusFound || res.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("GET %s: %d %v %s", path, res.StatusCode, res.Header, body)
			}
			to, err := url.Parse(res.Header.Get("Location"))
			if err != nil || to.Host != "www.amazon.com" || to.Path != "/dp/B0C1234567" || to.Query().Get("tag") != "store-20" {
				t.Fatalf("GET %s went to %s", path, res.Header.Get("Location"))
			}
			sub := to.Query().Get("ascsubtag")
			if sub == "" || linkbuilder.CheckSubtag("subtag", sub) != nil {
				t.Fatalf("minted subtag %q", sub)
			}
			return sub
		}
		first := follow("/r/" + made.Code + "?custom=user42")
		second := follow("/r/" + made.Code + "?custom=user42")
		byDefault := follow("/r/" + made.Code)
		if first == second || second == byDefault || first == byDefault {
			t.Fatalf("subtags not fresh per hit: %s %s %s", first, second, byDefault)
		}
		for path, want := range map[string]int{
			"/r/nosuchcode":                                          404,
			"/r/" + made.Code + "?custom=a%20b":                      400,
			"/r/" + made.Code + "?custom=" + strings.Repeat("x", 65): 400,
			"/r/" + made.Code + "?custom=a&custom=b":                 400,
		} {
			res, body := get(path)
			if res.StatusCode != want || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") || body == "" {
				t.Fatalf("GET %s: %d %q %q, want %d in plain text", path, res.StatusCode, res.Header.Get("Content-Type"), body, want)
			}
		}

		// A HEAD (a link checker, a preview) is sent on without a subtag and counts no click.
		head, err := noFollow.Head(e.url + "/r/" + made.Code + "?custom=user42")
		if err != nil {
			t.Fatal(err)
		}
		head.Body.Close()
		if head.StatusCode != http.StatusFound || head.Header.Get("Location") != made.AmazonURL {
			t.Fatalf("HEAD: %d %s", head.StatusCode, head.Header.Get("Location"))
		}

		if err := e.srv.FlushClicks(ctx); err != nil {
			t.Fatal(err)
		}
		clicks, err := s.LinkClicks(ctx, e.a.ws.ID, made.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range clicks {
			got[c.Subtag] = c.Custom
		}
		if len(clicks) != 3 || got[first] != "user42" || got[second] != "user42" || got[byDefault] != "dflt" {
			t.Fatalf("recorded clicks: %+v", clicks)
		}

		// Amazon's Earnings report of that day names the minted subtag.
		row := "Electronics\tCable\tB0C1234567\tAmazon.com\tstore-20\tOctober 2, 2026\t29.99\t4.00\t1\t29.99\t1.20\t" + first + "\n"
		if status, sum := upload(t, e, e.a.writeKey, e.a.conn.ID, map[string]string{"store-20-earnings-report-subtags-20261002.tsv": uploadHeader + row}); status != 200 || sum.Transactions.Created != 1 {
			t.Fatalf("import: %d %+v", status, sum)
		}
		var p txPage
		e.do("GET", "/v1/transactions?custom=user42", e.a.readKey, "", &p)
		if len(p.Data) != 1 || !slices.Equal(p.Data[0].Customs, []string{first, "user42"}) || p.Data[0].Commission != "1.20" {
			t.Fatalf("transactions of user42: %+v", p.Data)
		}
		if e.do("GET", "/v1/transactions?custom="+first, e.a.readKey, "", &p); len(p.Data) != 1 {
			t.Fatalf("transactions of the subtag: %+v", p.Data)
		}

		var cp struct{ Data []api.Click }
		e.do("GET", "/v1/clicks?group_by=channel,program,custom&custom=user42", e.a.readKey, "", &cp)
		if len(cp.Data) != 1 || cp.Data[0].Clicks != 2 || *cp.Data[0].Custom != "user42" || *cp.Data[0].Channel != "store-20" || *cp.Data[0].Program != "amazon.com" {
			t.Fatalf("clicks of user42: %+v", cp.Data)
		}
		if e.do("GET", "/v1/clicks?custom=user42", e.b.readKey, "", &cp); len(cp.Data) != 1 || cp.Data[0].Clicks != 0 {
			t.Fatalf("b sees a's clicks: %+v", cp.Data)
		}

		// The link's own counts: three hits (HEAD is none) by two customs,
		// and the sale of its first subtag. A link without hits has none.
		var quiet api.Link
		if status := e.do("POST", "/v1/links", e.a.writeKey,
			`{"url":"https://www.amazon.com/dp/B0C1234568","channel":"store-20","unique_per_click":true}`, &quiet); status != 201 {
			t.Fatalf("create: %d", status)
		}
		var list linkPage
		if status := e.do("GET", "/v1/links?limit=1", e.a.readKey, "", &list); status != 200 || len(list.Data) != 1 || list.Data[0].ID != quiet.ID ||
			list.Data[0].Clicks != 0 || list.Data[0].Customs != 0 || list.Data[0].LastClickAt != nil || list.NextCursor == nil {
			t.Fatalf("first page: %d %+v", status, list)
		}
		e.do("GET", "/v1/links?limit=1&cursor="+*list.NextCursor, e.a.readKey, "", &list)
		if len(list.Data) != 1 || list.Data[0].ID != made.ID || list.Data[0].Clicks != 3 || list.Data[0].Customs != 2 ||
			list.Data[0].LastClickAt == nil || list.NextCursor != nil {
			t.Fatalf("second page: %+v", list)
		}
		// since/until count the clicks of those days only.
		hitDay := list.Data[0].LastClickAt.UTC().Truncate(24 * time.Hour)
		days := func(from, to int) string {
			return "since=" + hitDay.AddDate(0, 0, from).Format("2006-01-02") + "&until=" + hitDay.AddDate(0, 0, to).Format("2006-01-02")
		}
		for q, want := range map[string]int64{days(-1, 1): 3, days(-3, -1): 0, days(1, 2): 0} {
			if status := e.do("GET", "/v1/links?"+q, e.a.readKey, "", &list); status != 200 || len(list.Data) != 2 || list.Data[1].Clicks != want ||
				list.Data[1].Customs != 2 {
				t.Fatalf("links?%s: %d %+v, want %d clicks", q, status, list, want)
			}
		}
		if status := e.do("GET", "/v1/links?since=2026-13-01", e.a.readKey, "", nil); status != 400 {
			t.Fatalf("bad since: %d", status)
		}
		var detail client.LinkDetail
		if status := e.do("GET", "/v1/links/"+made.ID, e.a.readKey, "", &detail); status != 200 || detail.Clicks != 3 || detail.Customs != 2 ||
			len(detail.Sales) != 1 || detail.Sales[0] != (client.LinkSales{Currency: "USD", Transactions: 1, Commission: "1.20"}) {
			t.Fatalf("GET link: %d %+v", status, detail)
		}
		if status := e.do("GET", "/v1/links/"+made.ID, e.b.readKey, "", nil); status != 404 {
			t.Fatalf("b reads a's link: %d", status)
		}
	})
}
