package sim

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// File is one report as listReports describes it.
type File struct {
	Name         string
	Size         int64
	MD5          string // lowercase hex of the gzip bytes
	LastModified time.Time
}

// report is a File and its bytes.
type report struct {
	File
	body []byte
}

func newReport(name, content string, modified time.Time) (report, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	if err != nil {
		return report{}, fmt.Errorf("gzip %s: %w", name, err)
	}
	// The gzip header's time and name stay empty: one seed and day give
	// byte-identical files.
	if _, err := w.Write([]byte(content)); err != nil {
		return report{}, fmt.Errorf("gzip %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		return report{}, fmt.Errorf("gzip %s: %w", name, err)
	}
	sum := md5.Sum(b.Bytes())
	return report{File: File{Name: name, Size: int64(b.Len()), MD5: hex.EncodeToString(sum[:]), LastModified: modified.UTC()}, body: b.Bytes()}, nil
}

// reportName is `<tag>-<type>-report[-subtags]-YYYYMMDD.<ext>.gz`.
func reportName(store, typ string, subtags bool, day time.Time, ext string) string {
	sub := ""
	if subtags {
		sub = "-subtags"
	}
	return fmt.Sprintf("%s-%s-report%s-%s.%s.gz", store, typ, sub, day.Format("20060102"), ext)
}

// dateLayouts are the two date spellings of DataFeed files; each file uses one.
var dateLayouts = []string{"January 2, 2006", "2006-01-02"}

// dateLayout picks a file's date spelling from the seed and its name.
func dateLayout(seed int64, name string) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d|%s", seed, name)
	return dateLayouts[h.Sum32()%uint32(len(dateLayouts))]
}

// amount writes cents as a decimal with a point: -12.05.
func amount(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// percent writes basis points as a percentage: 450 → 4.50.
func percent(bp int64) string { return amount(bp) }

// table builds a TSV report: a title line, a header line, data lines.
type table struct{ b strings.Builder }

func newTable(title string, header ...string) *table {
	t := &table{}
	t.b.WriteString(title + "\n")
	t.row(header...)
	return t
}

// row writes one line; a field holding a tab, quote or line break is quoted
// with doubled quotes, as FORMATS §2 says Amazon does.
func (t *table) row(fields ...string) {
	for i, f := range fields {
		if i > 0 {
			t.b.WriteByte('\t')
		}
		if strings.ContainsAny(f, "\t\"\r\n") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		t.b.WriteString(f)
	}
	t.b.WriteByte('\n')
}

func (t *table) String() string { return t.b.String() }

// title is the first line of a report, with the day range it covers.
func title(kind, store string, day time.Time) string {
	d := day.Format("01-02-2006")
	return fmt.Sprintf("%s reports for %s from %s to %s", kind, store, d, d)
}

func earningsTSV(store string, day time.Time, rows []earning, subtags bool, layout string) string {
	header := []string{"Product Line", "Item", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price", "Referral Fee Rate", "Quantity", "Revenue", "Earnings"}
	if subtags {
		header = append(header, "Sub Tag")
	}
	t := newTable(title("Fee-Earnings", store, day), header...)
	for _, e := range rows {
		f := []string{e.p.cat.name, e.p.title, e.p.asin, e.p.seller, e.tag, day.Format(layout), amount(e.p.price),
			percent(e.p.cat.rate), strconv.FormatInt(e.qty, 10), amount(e.revenue), amount(e.fee)}
		if subtags {
			f = append(f, e.subtag)
		}
		t.row(f...)
	}
	return t.String()
}

func ordersTSV(store string, day time.Time, orders []order, layout string) string {
	t := newTable(title("Fee-Orders", store, day), "Product Line", "Item", "ASIN", "Date Ordered", "Price", "Link Type", "Tracking ID",
		"Direct Conversion Percentage", "Direct Clicks", "Direct Ordered Quantity", "Indirect Ordered Quantity", "Total Ordered Quantity", "Sub Tag")
	for _, o := range orders {
		for _, l := range o.lines {
			q := strconv.FormatInt(l.qty, 10)
			t.row(l.p.cat.name, l.p.title, l.p.asin, day.Format(layout), amount(l.p.price), o.linkType, o.tag,
				"100.00", "1", q, "0", q, o.subtag)
		}
	}
	return t.String()
}

func trackingTSV(store string, day time.Time, rows []tracking) string {
	t := newTable(title("Fee-Tracking", store, day), "Associate ID", "Clicks", "Items Ordered", "Items Shipped",
		"Ordered Revenue", "Shipped Revenue", "Referral Fees", "Shipped Earnings")
	for _, r := range rows {
		t.row(r.tag, strconv.FormatInt(r.clicks, 10), strconv.FormatInt(r.itemsOrdered, 10), strconv.FormatInt(r.itemsShipped, 10),
			amount(r.orderedRevenue), amount(r.shippedRevenue), amount(r.earnings), amount(r.earnings))
	}
	return t.String()
}

func bountyTSV(store string, day time.Time, rows []bounty, layout string) string {
	t := newTable(title("Fee-Bounty", store, day), "Name", "Date Shipped", "Tracking Id", "Quantity", "Ad Fees", "Sub Tag")
	for _, b := range rows {
		t.row(b.name, day.Format(layout), b.tag, strconv.FormatInt(b.qty, 10), amount(b.fee), b.subtag)
	}
	return t.String()
}

// utmTSV is a report type affsync does not import; clients list and skip it.
func utmTSV(store string, day time.Time) string {
	t := newTable(title("Fee-UTM-Source", store, day), "UTM Source", "Clicks", "Items Ordered")
	t.row("newsletter", "42", "3")
	t.row("instagram", "17", "1")
	return t.String()
}
