package lifecycle

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// earn is an Earnings row of tracking ID shop-20 at 29.99: quantity, revenue
// and ad fees in cents. Its key is content plus an occurrence, as SPEC §3.4.
func earn(d, subtag, asin string, qty, revenue, fees int64) model.Fact {
	f := model.Fact{ConnectionID: "conn_1", Report: model.ReportEarnings, Day: day(d), TrackingID: "shop-20", Subtag: subtag,
		ASIN: asin, Name: "Item " + asin, Seller: "Amazon.com", Price: 2999, Quantity: qty, Revenue: revenue, Commission: fees,
		Category: "Electronics", Device: "DESKTOP", LinkType: "Text", Program: "amazon.com", Currency: "USD", File: "earnings-" + d + ".tsv"}
	return keyed(f, fmt.Sprintf("%d|%d|%d", qty, revenue, fees))
}

func bounty(d, name string, fees int64) model.Fact {
	f := model.Fact{ConnectionID: "conn_1", Report: model.ReportBounty, Day: day(d), TrackingID: "shop-20", Name: name, Quantity: 1,
		Commission: fees, Program: "amazon.com", Currency: "USD", File: "bounty-" + d + ".tsv"}
	return keyed(f, fmt.Sprint(fees))
}

func order(d, subtag, asin string, qty int64) model.Fact {
	f := model.Fact{ConnectionID: "conn_1", Report: model.ReportOrders, Day: day(d), TrackingID: "shop-20", Subtag: subtag, ASIN: asin,
		Name: "Item " + asin, Price: 2999, Quantity: qty, Revenue: 2999 * qty, Category: "Electronics", Device: "PHONE",
		LinkType: "Text", Program: "amazon.com", Currency: "USD", File: "orders-" + d + ".tsv"}
	return keyed(f, fmt.Sprint(qty))
}

func tracking(d, tag string, clicks int64) model.Fact {
	f := model.Fact{ConnectionID: "conn_1", Report: model.ReportTracking, Day: day(d), TrackingID: tag, Clicks: clicks,
		Program: "amazon.com", Currency: "USD", File: "tracking-" + d + ".tsv"}
	return keyed(f, "")
}

// keyed gives a fact its identity key: content and occurrence #1.
func keyed(f model.Fact, extra string) model.Fact {
	f.Key = strings.Join([]string{string(f.Report), f.TrackingID, f.Subtag, f.ASIN, f.Day.Format("2006-01-02"), f.Name, extra}, "|") + "#1"
	return f
}

// again is a second identical row: the same content, the next occurrence.
func again(f model.Fact) model.Fact {
	f.Key = strings.TrimSuffix(f.Key, "#1") + "#2"
	return f
}

// rows numbers facts within their files in the order given (a title and a
// header come first), so every source "file:line" is distinct.
func rows(fs ...model.Fact) []model.Fact {
	next := map[string]int{}
	out := make([]model.Fact, len(fs))
	for i, f := range fs {
		next[f.File]++
		f.Line = next[f.File] + 2
		out[i] = f
	}
	return out
}

func with(f model.Fact, change func(*model.Fact)) model.Fact {
	change(&f)
	return f
}

// brief is the part of a transaction a reader checks at a glance.
func brief(x model.Transaction) string {
	checked := "-"
	if x.CheckedAt != nil {
		checked = x.CheckedAt.Format("2006-01-02")
	}
	est := ""
	if x.CommissionEstimated {
		est = " estimated"
	}
	reason := ""
	if x.StatusReason != "" {
		reason = " (" + x.StatusReason + ")"
	}
	return fmt.Sprintf("%s %s%s q=%d sale=%d comm=%d%s sold=%s checked=%s customs=%v items=%d",
		x.Status, x.NetworkStatus, reason, x.Quantity, x.SaleAmount, x.Commission, est, x.SoldAt.Format("2006-01-02"), checked,
		x.Customs, len(x.Items))
}

// golden compares got, as indented JSON, with testdata/<name>.json, or
// rewrites the file under -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(b) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, b)
	}
}

func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}
