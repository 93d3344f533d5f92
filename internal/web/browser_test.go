package web

import (
	"context"
	"errors"
	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network/amazon"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/affsync/affsync/internal/fxfeed"
	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/syncer"
)

// chromium finds a Chromium to drive: $AFFSYNC_CHROMIUM, else Debian's
// chromium (apt-get install chromium) or a Chrome on the PATH.
func chromium() string {
	if p := os.Getenv("AFFSYNC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser drives the dashboard in a real headless Chromium over the
// data of a first sync from the Amazon simulator (as `affsync demo` does).
// Screenshots are kept in testdata/artifacts/browser (or $AFFSYNC_ARTIFACTS).
// It runs on SQLite only: it tests the pages in a browser; the store's two
// engines are covered by the other tests.
func TestBrowser(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("no Chromium found (install Debian's chromium, or set AFFSYNC_CHROMIUM): browser tests skipped")
	}
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	artifacts := os.Getenv("AFFSYNC_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join("testdata", "artifacts")
	}
	artifacts = filepath.Join(artifacts, "browser")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", artifacts)

	bg := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := store.Open(bg, "sqlite:"+filepath.Join(t.TempDir(), "affsync.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(bg); err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	simulator, err := sim.New(sim.Config{Seed: 1, Days: 12})
	if err != nil {
		t.Fatal(err)
	}
	simSrv := httptest.NewServer(simulator)
	t.Cleanup(simSrv.Close)
	ws, err := s.EnsureWorkspace(bg, "default")
	if err != nil {
		t.Fatal(err)
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(bg, ws.ID, "admin@example.com", hash, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	ann, err := s.CreateUser(bg, ws.ID, "ann@example.com", hash, store.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	account := &amazon.Account{Connector: "creators-subtags", StoreID: simulator.StoreID(), Name: "Simulated " + simulator.StoreID(),
		Currency: "USD", CredentialID: "demo-credential", Secret: "demo-secret", APIBase: simSrv.URL, TokenURL: simSrv.URL + "/auth/o2/token"}
	conn, err := connect.Create(bg, s, box, ws.ID, amazon.Network{}, account, connect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sched := &syncer.Scheduler{Syncer: &syncer.Syncer{Store: s, Importer: importer.New(s, log), Sealer: box, Log: log}}
	if _, _, err := sched.SyncNow(bg, conn); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	if _, err := s.CreateConnection(bg, box, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "Uploads",
		Currency: "USD", Settings: map[string]string{"store_id": "upload-20", "mode": "subtags"}}, nil); err != nil {
		t.Fatal(err)
	}
	custom, withHistory := pickTransactions(t, s, ws.ID)
	// A second currency: a UK account's revenues in GBP over the last days,
	// and the simulator's ECB feed, so that the overview reports in EUR.
	uk, err := s.CreateConnection(bg, box, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "Amazon UK",
		Currency: "GBP", Settings: map[string]string{"store_id": "shop-21", "mode": "subtags"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(bg, func(w *store.Tx) error {
		var days []time.Time
		var revs []model.Revenue
		for i := range 5 {
			d := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -2-i)
			days = append(days, d)
			revs = append(revs, model.Revenue{Date: d, Channel: "shop-21", Program: "amazon.co.uk", Currency: "GBP", Kind: "cps",
				SaleAmount: 150000 + int64(i)*2500, Commission: 6000 + int64(i)*100, ItemsShipped: 3, Transactions: 2})
		}
		return w.ReplaceRevenues(bg, ws.ID, uk.ID, days, revs)
	}); err != nil {
		t.Fatal(err)
	}
	if err := fxfeed.New(s, fxfeed.Config{URL: simSrv.URL + "/eurofxref-hist.csv", Log: log}).Refresh(bg); err != nil {
		t.Fatalf("rates from the simulator: %v", err)
	}
	if _, err := s.SetReportingCurrency(bg, ws.ID, "EUR"); err != nil {
		t.Fatal(err)
	}

	srv, err := New(Config{Store: s, Sealer: box, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(srv.Handler())
	t.Cleanup(site.Close)

	// A fresh profile, removed by hand: Chromium's helpers may still be
	// writing to it when the browser context ends, which t.TempDir reports.
	profile, err := os.MkdirTemp("", "affsync-chromium-*")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.WindowSize(1366, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(bg, opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	browser, cancelTimeout := context.WithTimeout(browser, 3*time.Minute)
	defer cancelTimeout()

	run := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(browser, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644)
		})
	}
	// elementShot keeps one element at the screen's own scale, to read it.
	elementShot := func(sel, name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.Screenshot(sel, &png, chromedp.ByQuery).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(artifacts, name+".png"), png, 0o644)
		})
	}
	var text string
	var charts, lines int

	// Log in.
	run("log in", chromedp.Navigate(site.URL+"/"), chromedp.WaitVisible("#email", chromedp.ByID), shot("01-login"),
		chromedp.SendKeys("#email", "admin@example.com", chromedp.ByID), chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID), chromedp.WaitVisible(`svg.chart`, chromedp.ByQuery),
		chromedp.Text("main", &text, chromedp.ByQuery))

	// The overview shows charts drawn from the synced data.
	run("overview", chromedp.Evaluate(`document.querySelectorAll("svg.chart").length`, &charts),
		chromedp.Evaluate(`document.querySelectorAll("svg.chart g.series").length`, &lines), shot("02-overview"))
	if charts < 4 || lines < 3 {
		t.Fatalf("overview: %d charts, %d lines", charts, lines)
	}
	// In the reporting currency, the originals one click away.
	var kpis string
	run("totals", chromedp.Text("section.kpis", &kpis, chromedp.ByQuery))
	if !strings.HasPrefix(kpis, "Commission\nEUR ") || strings.HasPrefix(kpis, "Commission\nEUR 0.00") || !strings.Contains(kpis, "Clicks") ||
		!strings.Contains(text, "Commission and sales per day (EUR)") || strings.Contains(text, "left out of these totals") {
		t.Fatalf("overview shows no data in EUR:\n%s", text)
	}
	run("totals by original currency", chromedp.Click(`details.by-currency > summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`details.by-currency table`, chromedp.ByQuery), chromedp.Text(`details.by-currency table`, &text, chromedp.ByQuery),
		shot("02-overview-original-currencies"), chromedp.Click(`details.by-currency > summary`, chromedp.ByQuery))
	if !strings.Contains(text, "USD") || !strings.Contains(text, "GBP") {
		t.Fatalf("the totals by original currency:\n%s", text)
	}
	// The charts are readable as laid out: the main one across the content,
	// no text under the body's size, the day labels apart and inside.
	wide := chartLayout(t, run, "charts at 1366 px")
	if wide.Main < 1000 || wide.Axis != 7 {
		t.Errorf("at 1366 px: %+v; want the main chart over 1000 px wide with 7 day labels", wide)
	}
	run("overview at 360 px", chromedp.EmulateViewport(360, 740), chromedp.Reload(), chromedp.WaitVisible(`svg.chart`, chromedp.ByQuery),
		shot("03-overview-360px"), elementShot("figure.chart-main", "03-overview-360px-main-chart"))
	narrow := chartLayout(t, run, "charts at 360 px")
	if narrow.Axis != 3 || narrow.Columns != 1 {
		t.Errorf("at 360 px: %+v; want 3 day labels and the small charts stacked", narrow)
	}
	var overflow bool
	run("no sideways scroll at 360 px", chromedp.Evaluate(`document.documentElement.scrollWidth > 370`, &overflow),
		chromedp.EmulateViewport(1366, 900))
	if overflow {
		t.Errorf("the overview is wider than a 360 px screen")
	}

	// Filter transactions by custom.
	var rows int
	run("filter by custom", chromedp.Navigate(site.URL+"/transactions"), chromedp.WaitVisible("#custom", chromedp.ByID),
		chromedp.SendKeys("#custom", custom, chromedp.ByID), chromedp.Click(`form.filters button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#custom[value="`+custom+`"]`, chromedp.ByQuery), chromedp.WaitVisible(`a[href^="/transactions/tx_"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("tbody tr").length`, &rows), chromedp.Text("tbody", &text, chromedp.ByQuery), shot("04-transactions-by-custom"))
	if rows < 1 || strings.Count(text, custom) != rows {
		t.Fatalf("filter by %s: %d rows:\n%s", custom, rows, text)
	}

	// Open a detail with its history.
	run("detail", chromedp.Navigate(site.URL+"/transactions/"+withHistory), chromedp.WaitVisible("main h2", chromedp.ByQuery),
		chromedp.Text("main", &text, chromedp.ByQuery), shot("05-transaction-detail"))
	if !strings.Contains(text, "History") || !strings.Contains(text, "→") || !strings.Contains(text, "Items") {
		t.Fatalf("detail shows no history:\n%s", text)
	}

	// Add a connection to the simulator: a wrong secret is refused, the right one accepted.
	fill := func(secretValue string) []chromedp.Action {
		return []chromedp.Action{chromedp.Navigate(site.URL + "/connections/new"), chromedp.WaitVisible("#store_id", chromedp.ByID),
			chromedp.SetValue("#name", "Second account", chromedp.ByID), chromedp.SetValue("#store_id", simulator.StoreID(), chromedp.ByID),
			chromedp.SetValue("#credential_id", "demo-credential", chromedp.ByID), chromedp.SetValue("#secret", secretValue, chromedp.ByID),
			chromedp.SetValue("#api_base", simSrv.URL, chromedp.ByID), chromedp.SetValue("#token_url", simSrv.URL+"/auth/o2/token", chromedp.ByID),
			chromedp.Submit("#store_id", chromedp.ByID)}
	}
	run("wrong secret", append(fill("not-the-secret"), chromedp.WaitVisible(`p.error`, chromedp.ByQuery),
		chromedp.Text(`p.error`, &text, chromedp.ByQuery), shot("06-connection-refused"))...)
	if !strings.Contains(text, "refused") {
		t.Fatalf("a wrong secret: %q", text)
	}
	run("right secret", append(fill("demo-secret"), chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery), shot("07-connection-added"))...)
	if !strings.Contains(text, "Connected") || !strings.Contains(text, "Sync now") {
		t.Fatalf("after adding: %s", text)
	}

	// Upload an import file and read the summary (the script shows progress).
	file := filepath.Join(t.TempDir(), "upload-20-earnings-report-subtags-20250310.tsv")
	if err := os.WriteFile(file, []byte(uploadHeader+
		"Electronics\tCable\tB0C1234567\tAmazon.com\tupload-20\tMarch 10, 2025\t29.99\t4.00\t2\t59.98\t2.40\tup-1\n"+
		"Electronics\tCable\tB0C1234567\tAmazon.com\tupload-20\tMarch 10, 2025\t29.99\t4.00\t2\t59.98\tlots\tup-2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("upload", chromedp.Navigate(site.URL+"/import"), chromedp.WaitVisible("#files", chromedp.ByID),
		chromedp.SetUploadFiles("#files", []string{file}, chromedp.ByID), chromedp.Click(`#upload button`, chromedp.ByQuery),
		chromedp.WaitVisible("#summary", chromedp.ByID), chromedp.Text("#summary", &text, chromedp.ByID), shot("08-import-summary"))
	if !strings.Contains(text, "Files imported") || !strings.Contains(text, "lots") || !strings.Contains(text, filepath.Base(file)) {
		t.Fatalf("import summary:\n%s", text)
	}

	// Build links: a tracked Amazon URL, then a redirect link, then a short link refused.
	channel := simulator.StoreID()
	run("build a tracked link", chromedp.Navigate(site.URL+"/links"), chromedp.WaitVisible("#url", chromedp.ByID),
		chromedp.SendKeys("#url", "https://www.amazon.com/USB-C-Cable/dp/B0C1234567/ref=sr_1_3?tag=someone-else-20", chromedp.ByID),
		chromedp.SendKeys("#channel", channel, chromedp.ByID), chromedp.SendKeys("#custom", "newsletter-42", chromedp.ByID),
		chromedp.Click(`#link-form button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible("#built-url", chromedp.ByID),
		chromedp.Text("#built-url", &text, chromedp.ByID), shot("09-link-tracked"))
	if want := "https://www.amazon.com/dp/B0C1234567?tag=" + channel + "&ascsubtag=newsletter-42"; text != want {
		t.Fatalf("tracked link: %q, want %q", text, want)
	}
	var perUser string
	run("build a redirect link", chromedp.Click("#unique_per_click", chromedp.ByID),
		chromedp.Click(`#link-form button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible("#built-per-user", chromedp.ByID),
		chromedp.Text("#built-url", &text, chromedp.ByID), chromedp.Text("#built-per-user", &perUser, chromedp.ByID), shot("10-link-redirect"))
	links, _, err := s.Links(bg, ws.ID, store.LinkFilter{})
	if err != nil || len(links) != 1 {
		t.Fatalf("stored links: %v, %d", err, len(links))
	}
	if text != site.URL+"/r/"+links[0].Code || perUser != text+"?custom=USER_ID" {
		t.Fatalf("redirect link: %q and %q; stored code %s", text, perUser, links[0].Code)
	}
	run("refuse a short link", chromedp.SetValue("#url", "https://amzn.to/3xYz", chromedp.ByID),
		chromedp.Click(`#link-form button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible("p.error", chromedp.ByQuery),
		chromedp.Text("p.error", &text, chromedp.ByQuery), shot("11-link-refused"))
	if !strings.Contains(text, "short link") {
		t.Fatalf("a short link: %q", text)
	}

	// Subscribe a webhook: its secret shows once; then its (empty) delivery log.
	run("create a webhook", chromedp.Navigate(site.URL+"/webhooks"), chromedp.WaitVisible("#hook-url", chromedp.ByID),
		chromedp.SendKeys("#hook-url", "http://localhost:9/affsync", chromedp.ByID), chromedp.SendKeys("#description", "CRM", chromedp.ByID),
		chromedp.Submit("#hook-url", chromedp.ByID), chromedp.WaitVisible("code.secret", chromedp.ByQuery),
		chromedp.Text("code.secret", &text, chromedp.ByQuery), shot("12-webhook-created"))
	if !strings.HasPrefix(text, "whsec_") {
		t.Fatalf("webhook secret: %q", text)
	}
	run("delivery log", chromedp.Click(`a[href^="/webhooks/wh_"]`, chromedp.ByQuery), chromedp.WaitVisible("main h2", chromedp.ByQuery),
		chromedp.Text("main", &text, chromedp.ByQuery), shot("13-webhook-deliveries"))
	if !strings.Contains(text, "localhost:9/affsync") || !strings.Contains(text, "Deliveries") {
		t.Fatalf("delivery log:\n%s", text)
	}

	// Pick a time zone; the settings page shows the time in it.
	run("time zone", chromedp.Navigate(site.URL+"/settings"), chromedp.WaitVisible("#time_zone", chromedp.ByID),
		chromedp.SetValue("#time_zone", "Asia/Tokyo", chromedp.ByID), chromedp.Submit("#time_zone", chromedp.ByID),
		chromedp.WaitVisible("p.flash", chromedp.ByQuery), chromedp.Text("main", &text, chromedp.ByQuery), shot("14-settings"))
	if !strings.Contains(text, "Asia/Tokyo") || !strings.Contains(text, "JST") {
		t.Fatalf("settings after choosing Asia/Tokyo:\n%s", text)
	}

	// Make a member read-only, then remove them through the confirmation.
	run("change a role", chromedp.Navigate(site.URL+"/users"), chromedp.WaitVisible(`select[aria-label="Role of ann@example.com"]`, chromedp.ByQuery),
		chromedp.SetValue(`select[aria-label="Role of ann@example.com"]`, store.RoleReadOnly, chromedp.ByQuery),
		chromedp.Click(`button[aria-label="Save the role of ann@example.com"]`, chromedp.ByQuery),
		chromedp.WaitVisible("p.flash", chromedp.ByQuery), chromedp.Text("p.flash", &text, chromedp.ByQuery), shot("15-users-role"))
	if m, err := s.Member(bg, ws.ID, ann.ID); err != nil || m.Role != store.RoleReadOnly || text != "ann@example.com is now read-only." {
		t.Fatalf("role change: %q; stored %q %v", text, m.Role, err)
	}
	removeForm := `form[action="/users/` + ann.ID + `/remove"]`
	run("remove a member", chromedp.Click(`details:has(`+removeForm+`) > summary`, chromedp.ByQuery),
		chromedp.WaitVisible(removeForm+` button`, chromedp.ByQuery), shot("16-users-remove-confirm"),
		// The role change's flash is on the page already: wait for the form to go.
		chromedp.Click(removeForm+` button`, chromedp.ByQuery), chromedp.WaitNotPresent(removeForm, chromedp.ByQuery),
		chromedp.Text("p.flash", &text, chromedp.ByQuery))
	if _, err := s.Member(bg, ws.ID, ann.ID); !errors.Is(err, store.ErrNotFound) || text != "Removed ann@example.com from this workspace." {
		t.Fatalf("after removing ann: %v\n%s", err, text)
	}
	run("users at 360 px", chromedp.EmulateViewport(360, 740), chromedp.Reload(), chromedp.WaitVisible("table", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > 370`, &overflow), shot("17-users-360px"), chromedp.EmulateViewport(1366, 900))
	if overflow {
		t.Errorf("the users page is wider than a 360 px screen")
	}
}

// layout is how the overview's charts came out in the browser.
type layout struct {
	Main       float64 // the main chart's width in px
	Smallest   float64 // the smallest font size of a visible chart text, px
	Axis       int     // the main chart's visible day labels
	Overlap    bool    // two of them overlap
	Outside    bool    // a chart text reaches outside its chart
	Columns    int     // small charts side by side
	Unreadable string  // the first text under 15 px, if any
}

// chartLayout measures the overview's charts as drawn and fails on text
// under 15 px, overlapping day labels, or text outside its chart.
func chartLayout(t *testing.T, run func(string, ...chromedp.Action), step string) layout {
	t.Helper()
	var l layout
	run(step, chromedp.Evaluate(`(() => {
		const visible = el => getComputedStyle(el).display !== "none";
		const main = document.getElementById("main-t").closest("svg");
		const out = {Main: main.getBoundingClientRect().width, Smallest: 1000, Axis: 0, Overlap: false, Outside: false, Columns: 0, Unreadable: ""};
		for (const svg of document.querySelectorAll("svg.chart")) {
			const box = svg.getBoundingClientRect();
			for (const text of svg.querySelectorAll("text")) {
				if (!visible(text)) continue;
				const size = parseFloat(getComputedStyle(text).fontSize), r = text.getBoundingClientRect();
				if (size < out.Smallest) out.Smallest = size;
				if (size < 15 && !out.Unreadable) out.Unreadable = text.textContent;
				if (r.left < box.left - 1 || r.right > box.right + 1) out.Outside = true;
			}
		}
		const days = [...main.querySelectorAll("text.x")].filter(visible).map(t => t.getBoundingClientRect());
		out.Axis = days.length;
		for (let i = 1; i < days.length; i++) if (days[i].left < days[i-1].right + 4) out.Overlap = true;
		const tops = new Set([...document.querySelectorAll(".charts > figure")].map(f => Math.round(f.getBoundingClientRect().top)));
		out.Columns = document.querySelectorAll(".charts > figure").length / Math.max(tops.size, 1);
		return out;
	})()`, &l))
	if l.Smallest < 15 || l.Overlap || l.Outside {
		t.Errorf("%s: %+v", step, l)
	}
	return l
}

// pickTransactions finds a custom to filter by and a transaction with history.
func pickTransactions(t *testing.T, s *store.Store, ws string) (custom, withHistory string) {
	t.Helper()
	f := store.TransactionFilter{Limit: 500}
	for {
		list, next, err := s.Transactions(context.Background(), ws, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if custom == "" && len(x.Customs) > 0 {
				custom = x.Customs[0]
			}
			if withHistory == "" {
				h, err := s.TransactionHistory(context.Background(), ws, x.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(h) > 0 {
					withHistory = x.ID
				}
			}
			if custom != "" && withHistory != "" {
				return custom, withHistory
			}
		}
		if next == "" {
			t.Fatalf("the simulator's data has no transaction with a custom (%q) or none with history (%q)", custom, withHistory)
		}
		f.Cursor = next
	}
}
