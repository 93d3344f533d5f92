package web

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var listedLink = regexp.MustCompile(`<tr><td><a href="/links/(lnk_[a-z0-9]+)">[^<]*</a></td>.*\n<td class="num">([0-9,]+)</td><td class="num">([0-9,]+)</td><td>([^<]*|<span class="muted">none yet</span>)</td>`)

// TestLinkStatsPages: the link builder lists the workspace's links a page at
// a time with their clicks, customs and last click; a link's page shows its
// clicks per day, latest hits and the sales of their subtags.
func TestLinkStatsPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		reader := e.login("reader@example.com")
		var made []store.Link
		for i := range pageSize + 3 {
			l, err := s.CreateLink(ctx, store.Link{WorkspaceID: e.ws.ID, Code: fmt.Sprintf("page-link-%03d", i),
				URL: "https://www.amazon.com/dp/B0C1234567?tag=store-20", Channel: "store-20", Program: "amazon.com", UniquePerClick: true})
			if err != nil {
				t.Fatal(err)
			}
			made = append(made, l)
		}
		hot := made[len(made)-1] // the newest: first on the first page
		mar18, mar20 := today.Add(-48*time.Hour), today.Add(-time.Hour)
		if err := s.RecordLinkClicks(ctx, e.ws.ID, []store.LinkClick{
			{LinkID: hot.ID, Subtag: "minted-1", Custom: "app-user-1", ClickedAt: mar18},
			{LinkID: hot.ID, Subtag: "minted-2", Custom: "app-user-2", ClickedAt: mar18},
			{LinkID: hot.ID, Subtag: "minted-3", Custom: "app-user-1", ClickedAt: mar20},
		}); err != nil {
			t.Fatal(err)
		}
		foreignWS, err := s.EnsureWorkspace(ctx, "globex")
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := s.CreateLink(ctx, store.Link{WorkspaceID: foreignWS.ID, Code: "foreign-link",
			URL: "https://www.amazon.com/dp/B0C1234567?tag=other-20", Channel: "other-20", Program: "amazon.com", UniquePerClick: true})
		if err != nil {
			t.Fatal(err)
		}

		// Every link once, over pages of at most pageSize, newest first.
		seen := map[string][]string{}
		var order []string
		for path := "/links"; path != ""; {
			status, body := reader.get(path)
			if status != http.StatusOK {
				t.Fatalf("%s: %d", path, status)
			}
			rows := listedLink.FindAllStringSubmatch(body, -1)
			if len(rows) == 0 || len(rows) > pageSize {
				t.Fatalf("%s: %d links on a page", path, len(rows))
			}
			for _, m := range rows {
				if seen[m[1]] != nil {
					t.Fatalf("%s: link %s twice", path, m[1])
				}
				seen[m[1]], order = m[2:], append(order, m[1])
			}
			path = ""
			if m := nextPage.FindStringSubmatch(body); m != nil {
				path = html.UnescapeString(m[1])
			}
		}
		if len(seen) != len(made)+1 { // and the seed's link
			t.Fatalf("the pages list %d links, want %d", len(seen), len(made)+1)
		}
		if order[0] != hot.ID {
			t.Fatalf("first listed %s, want the newest %s", order[0], hot.ID)
		}
		if got := seen[hot.ID]; got[0] != "3" || got[1] != "2" || got[2] != "2025-03-20 14:30 UTC" {
			t.Fatalf("the hot link's row: %q", got)
		}
		if got := seen[made[0].ID]; got[0] != "0" || got[1] != "0" || !strings.Contains(got[2], "none yet") {
			t.Fatalf("a link without clicks: %q", got)
		}

		// A sale of one of the hot link's subtags.
		if _, err := s.UpsertTransactions(ctx, e.ws.ID, []store.TxWrite{{Tx: model.Transaction{ConnectionID: e.conn.ID, Network: "amazon",
			SourceKey: "s:minted-2", Program: "amazon.com", Channel: "store-20", Customs: []string{"minted-2", "app-user-2"},
			Status: model.StatusPending, NetworkStatus: "shipped", Currency: "USD", SaleAmount: 2999, Commission: 120, Quantity: 1,
			SoldAt: mar18}, Group: "s:minted-2", Reason: "shipped", Source: "test.tsv:1"}}); err != nil {
			t.Fatal(err)
		}
		status, body := reader.get("/links/" + hot.ID)
		if status != http.StatusOK {
			t.Fatalf("link page: %d", status)
		}
		for _, want := range []string{
			`<dt>Clicks</dt><dd>3</dd>`, `<dt>Distinct customs</dt><dd>2</dd>`, `<dt>Last click</dt><dd>2025-03-20 14:30 UTC</dd>`,
			`id="link-clicks`, // the chart
			`<td>USD</td><td class="num">1</td><td class="num">USD 1.20</td>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the link page lacks %s", want)
			}
		}
		// The latest clicks, newest first, each with its custom and subtag.
		latest := regexp.MustCompile(`<tr><td>([^<]+)</td><td><a href="/transactions\?custom=[^"]+">([^<]+)</a></td><td><a href="[^"]+"><code>([^<]+)</code></a></td></tr>`).
			FindAllStringSubmatch(body, -1)
		var got []string
		for _, m := range latest {
			got = append(got, strings.Join(m[1:], " "))
		}
		if want := []string{"2025-03-20 14:30 UTC app-user-1 minted-3", "2025-03-18 15:30 UTC app-user-2 minted-2", "2025-03-18 15:30 UTC app-user-1 minted-1"}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("latest clicks: %q, want %q", got, want)
		}
		// The chart covers the thirty days up to today.
		if !strings.Contains(body, "30 days from 2025-02-19 to 2025-03-20") {
			t.Error("the chart does not cover 2025-02-19 to 2025-03-20")
		}

		// A link of another workspace, or none: not found.
		for _, id := range []string{foreign.ID, "lnk_nosuchlink"} {
			if status, _ := reader.get("/links/" + id); status != http.StatusNotFound {
				t.Errorf("/links/%s: %d, want 404", id, status)
			}
		}
	})
}
