package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/zip"

	"github.com/affsync/affsync/internal/model"
)

// collected is one table as read, for comparisons.
type collected struct {
	table *Table
	rows  []map[string]string
}

func readAll(t *testing.T, name string, data []byte, lim Limits) ([]collected, error) {
	t.Helper()
	var out []collected
	err := Open(name, bytes.NewReader(data), lim, func(tb *Table) error {
		c := collected{table: tb}
		for {
			r, err := tb.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			m := map[string]string{}
			for _, col := range tb.Columns {
				v, _, _ := r.Get(col)
				m[col] = v
			}
			c.rows = append(c.rows, m)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestRealXMLSample(t *testing.T) {
	data, err := os.ReadFile("../../../shared/amazon/samples/earnings-one-item.xml")
	if err != nil {
		t.Skip("shared samples not beside the checkout: " + err.Error())
	}
	tables, err := readAll(t, "gynny-21-earnings-report-20120506.xml", data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || len(tables[0].rows) != 1 || tables[0].table.Report != model.ReportEarnings {
		t.Fatalf("tables = %+v", tables)
	}
	row := tables[0].rows[0]
	if row["subtag"] != "92164|1|ma" || row["commission"] != "0.60" || row["price"] != "7.99" || row["tracking_id"] != "cse-ce- 20" ||
		row["category"] != "14" || row["name"] != "Double Shot (Goldy Culinary Mysteries, Book 12)" {
		t.Fatalf("row = %v", row)
	}
}

func TestTextFlavours(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		data       []byte
		report     model.ReportType
		format     string
		rows       int
		check      map[string]string
	}{
		{"datafeed tsv.gz", "shop-20-earnings-report-subtags-20261002.tsv.gz",
			gz(t, "Earnings report for 2026-10-02\nProduct Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings\tSub Tag\n"+
				"Electronics\t\"USB \"\"C\"\" cable\"\tB0C1234567\tAmazon.com\tshop-20\tOctober 2, 2026\t29.99\t4.00\t2\t59.98\t2.40\tk3J9x\n"),
			model.ReportEarnings, "tsv", 1, map[string]string{"name": `USB "C" cable`, "subtag": "k3J9x", "quantity": "2", "date": "October 2, 2026"}},
		{"central csv with BOM, CRLF, title, total", "Fee-Earnings.csv",
			[]byte("\ufeffFee-Earnings reports from 12-01-2020 to 12-31-2020\r\nCategory,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,Revenue($),Ad Fees($),Device Type Group\r\n" +
				"Books,\"A, B\",0060527307,Amazon.com,shop-20,2020-12-05,7.99,1,0,7.99,0.60,DESKTOP\r\nTotal,,,,,,,1,0,7.99,0.60,\r\n"),
			model.ReportEarnings, "csv", 1, map[string]string{"name": "A, B", "commission": "0.60", "items_shipped": "1"}},
		{"windows-1252", "shop-21-orders-report-20261002.tsv",
			append([]byte("Category\tName\tASIN\tDate\tQty\tPrice\tLink Type\tTag\tIndirect Sales\tDevice Type Group\n"), []byte("Garten\tK\xfcchenmesser\tB000000001\t02.10.2026\t1\t12,34\tText\tshop-21\tDI\tPHONE\n")...),
			model.ReportOrders, "tsv", 1, map[string]string{"name": "Küchenmesser", "price": "12,34"}},
		{"zero bytes", "shop-20-bounty-report-20261002.tsv", nil, model.ReportBounty, "tsv", 0, nil},
		{"title and header only", "shop-20-tracking-report-20261002.tsv.gz", gz(t, "Tracking report\nTracking ID\tClicks\tItems Ordered\tItems Shipped\tRevenue\tAd Fees\n"),
			model.ReportTracking, "tsv", 0, nil},
		{"semicolon", "report.csv", []byte("Name;Date Shipped;Tracking Id;Quantity;Ad Fees(€)\nPrime;2026-10-02;shop-21;1;3,00\n"), model.ReportBounty, "csv", 1, map[string]string{"name": "Prime"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tables, err := readAll(t, tc.file, tc.data, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(tables) != 1 {
				t.Fatalf("%d tables", len(tables))
			}
			tb := tables[0]
			if tb.table.Report != tc.report || (tc.rows > 0 && tb.table.Format != tc.format) || len(tb.rows) != tc.rows {
				t.Fatalf("report %q format %q rows %d; want %q %q %d", tb.table.Report, tb.table.Format, len(tb.rows), tc.report, tc.format, tc.rows)
			}
			for k, v := range tc.check {
				if tb.rows[0][k] != v {
					t.Errorf("%s = %q, want %q (row %v)", k, tb.rows[0][k], v, tb.rows[0])
				}
			}
		})
	}
}

func TestCoverageAndHints(t *testing.T) {
	tables, err := readAll(t, "Fee-Earnings.csv", []byte("Fee-Earnings reports from 12-01-2020 to 12-31-2020\nCategory,Name,ASIN,Seller,Tracking ID,Date Shipped,Price(£),Items Shipped,Returns,Revenue(£),Ad Fees(£)\n"), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	tb := tables[0].table
	if tb.Coverage[0].Format("2006-01-02") != "2020-12-01" || tb.Coverage[1].Format("2006-01-02") != "2020-12-31" || tb.CurrencyHint != "GBP" || tb.Subtags {
		t.Fatalf("coverage %v hint %q", tb.Coverage, tb.CurrencyHint)
	}
}

func TestZip(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"Fee-Earnings.tsv": "Category\tName\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tItems Shipped\tReturns\tRevenue\tAd Fees\nBooks\tX\tB1\tAmazon.com\tshop-20\t2026-10-02\t1.00\t1\t0\t1.00\t0.04\n",
		"Fee-Orders.tsv":   "Category\tName\tASIN\tDate\tQty\tPrice\tLink Type\tTag\nBooks\tX\tB1\t2026-10-01\t1\t1.00\tText\tshop-20\n",
		"Fee-Unknown.tsv":  "Something\tElse\n1\t2\n",
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	tables, err := readAll(t, "download.zip", b.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	reports := map[string]model.ReportType{}
	for _, tb := range tables {
		reports[tb.table.Name] = tb.table.Report
	}
	if len(tables) != 3 || reports["download.zip/Fee-Earnings.tsv"] != model.ReportEarnings || reports["download.zip/Fee-Orders.tsv"] != model.ReportOrders ||
		reports["download.zip/Fee-Unknown.tsv"] != "" {
		t.Fatalf("members: %v", reports)
	}
	// A member whose name and header say nothing is bad input, located.
	b.Reset()
	zw = zip.NewWriter(&b)
	w, _ := zw.Create("notes.txt")
	w.Write([]byte("hello\nworld\nagain\n"))
	zw.Close()
	if _, err := readAll(t, "download.zip", b.Bytes(), DefaultLimits()); err == nil || !strings.Contains(err.Error(), "download.zip/notes.txt:2:1") {
		t.Fatalf("junk member: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxLineBytes = 100
	lim.MaxMemberBytes = 10 << 10
	lim.MaxXMLDepth = 4
	full := gz(t, "Title\nASIN\tEarnings\tDate Shipped\nB1\t1.00\t2026-10-02\n")
	bomb := gz(t, "ASIN\tEarnings\n"+strings.Repeat("B1\t1.00\n", 5000))
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"truncated gzip", "a.tsv.gz", full[:len(full)-6], "a.tsv.gz"},
		{"binary junk", "a.tsv", []byte{0x00, 0x01, 0x02, 0xff, 0x10}, "a.tsv:1:1: not a report"},
		{"huge line", "a.tsv", []byte("ASIN\tEarnings\n" + strings.Repeat("x", 200) + "\n"), "a.tsv:2: line longer than the 100-byte limit"},
		{"gzip bomb", "a.tsv.gz", bomb, "decompresses to more than the 10 KiB limit"},
		{"unclosed quote", "a.tsv", []byte("ASIN\tEarnings\n\"B1\t1.00\n"), "a.tsv:2:1: a quoted value is not closed"},
		{"no header", "a.tsv", []byte("hello\nworld\nagain\n"), "no report header found"},
		{"xml doctype", "a.xml", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Data/>`), "DOCTYPE"},
		{"xml entity", "a.xml", []byte(`<Data><Items><Item ASIN="&boom;"/></Items></Data>`), "invalid XML"},
		{"xml too deep", "a.xml", []byte(`<Data><a><b><c><d></d></c></b></a></Data>`), "a.xml:1:"},
		{"bad zip", "a.zip", []byte("PK\x03\x04garbage"), "a.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(t, tc.file, tc.data, lim)
			var ie *Error
			if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v; want an *Error containing %q", err, tc.want)
			}
		})
	}
}
