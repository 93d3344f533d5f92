package cli

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestListCommands(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, err := s.EnsureWorkspace(ctx, "default")
		if err != nil {
			t.Fatal(err)
		}
		conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "files",
			Settings: map[string]string{"mode": "subtags"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		plain, prefix, hash, err := secret.NewAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAPIKey(ctx, ws.ID, "cli", store.ScopeWrite, prefix, hash); err != nil {
			t.Fatal(err)
		}
		srv := api.New(api.Config{Store: s})
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(func() { ts.Close(); srv.Close() })
		file := "Earnings report\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n" +
			"Electronics\tCable\tB0C1234567\tAmazon.com\tshop-20\tOctober 2, 2026\t29.99\t4.00\t2\t59.98\t2.40\tuser-1\n" +
			"Electronics\tCable\tB0C1234567\tAmazon.com\tshop-20\tOctober 3, 2026\t29.99\t4.00\t1\t29.99\t1.20\tuser-2\n"
		if _, err := client.New(ts.URL, plain).Import(ctx, conn.ID, client.ImportFile{Name: "shop-20-earnings-report-subtags-20261003.tsv", Body: strings.NewReader(file)}); err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{"AFFSYNC_URL": ts.URL, "AFFSYNC_API_KEY": plain}

		code, out, errOut := run(t, vars, "transactions", "--custom", "user-1", "--json")
		var tx client.Transaction
		if code != 0 || json.Unmarshal([]byte(out), &tx) != nil || tx.Commission != "2.40" || tx.Customs[0] != "user-1" {
			t.Fatalf("transactions --custom user-1 --json: exit %d, %q %q", code, out, errOut)
		}
		code, out, _ = run(t, vars, "transactions")
		if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(out, "1.20 USD") {
			t.Fatalf("transactions table: exit %d\n%s", code, out)
		}
		code, out, _ = run(t, vars, "revenues", "--group-by", "day")
		if code != 0 || !strings.Contains(out, "2026-10-02") || !strings.Contains(out, "2.40") || !strings.Contains(out, "2026-10-03") {
			t.Fatalf("revenues: exit %d\n%s", code, out)
		}
		code, out, _ = run(t, vars, "clicks", "--json")
		if code != 0 {
			t.Fatalf("clicks: exit %d\n%s", code, out)
		}
		for _, tc := range []struct {
			args []string
			vars map[string]string
			want string
		}{
			{[]string{"transactions"}, map[string]string{"AFFSYNC_URL": ts.URL}, "an API key is required"},
			{[]string{"transactions", "--since", "yesterday"}, vars, "since"},
			{[]string{"revenues", "--group-by", "month"}, vars, "group_by"},
			{[]string{"clicks", "--source", "tv"}, vars, "source must be report"},
		} {
			if code, out, errOut := run(t, tc.vars, tc.args...); code != 2 || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("affsync %v: exit %d, %q %q; want exit 2 with %q", tc.args, code, out, errOut, tc.want)
			}
		}
		if code, _, errOut := run(t, map[string]string{"AFFSYNC_URL": ts.URL, "AFFSYNC_API_KEY": "ak_wrong"}, "transactions"); code != 1 || !strings.Contains(errOut, "401") || !strings.Contains(errOut, "AFFSYNC_API_KEY") {
			t.Errorf("a wrong key: exit %d, %q", code, errOut)
		}
		if code, _, errOut := run(t, map[string]string{"AFFSYNC_URL": "http://127.0.0.1:1", "AFFSYNC_API_KEY": plain}, "clicks"); code != 1 || !strings.Contains(errOut, "is affsync serve running") {
			t.Errorf("no server: exit %d, %q", code, errOut)
		}
	})
}

// TestRevenuesFollowCursors: affsync revenues reads every page of a
// grouping larger than one page (1000 groups) and prints each group once.
func TestRevenuesFollowCursors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ws, err := s.EnsureWorkspace(ctx, "default")
		if err != nil {
			t.Fatal(err)
		}
		conn, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "files",
			Settings: map[string]string{"mode": "subtags"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		plain, prefix, hash, err := secret.NewAPIKey()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateAPIKey(ctx, ws.ID, "cli", store.ScopeWrite, prefix, hash); err != nil {
			t.Fatal(err)
		}
		srv := api.New(api.Config{Store: s})
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(func() { ts.Close(); srv.Close() })
		const n = 1003
		var b strings.Builder
		b.WriteString("Earnings report\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n")
		for i := range n {
			fmt.Fprintf(&b, "Electronics\tCable\tB0C1234567\tAmazon.com\tshop-20\tOctober 2, 2026\t29.99\t4.00\t1\t29.99\t1.20\tu%04d\n", i)
		}
		if _, err := client.New(ts.URL, plain).Import(ctx, conn.ID, client.ImportFile{Name: "shop-20-earnings-report-subtags-20261002.tsv", Body: strings.NewReader(b.String())}); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := run(t, map[string]string{"AFFSYNC_URL": ts.URL, "AFFSYNC_API_KEY": plain}, "revenues", "--group-by", "custom", "--json")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != 0 || len(lines) != n {
			t.Fatalf("revenues --group-by custom: exit %d, %d lines, %s", code, len(lines), errOut)
		}
		seen := map[string]bool{}
		for _, l := range lines {
			var r client.Revenue
			if err := json.Unmarshal([]byte(l), &r); err != nil || r.Custom == nil || seen[*r.Custom] || r.Commission != "1.20" {
				t.Fatalf("line %q: %v", l, err)
			}
			seen[*r.Custom] = true
		}
	})
}
