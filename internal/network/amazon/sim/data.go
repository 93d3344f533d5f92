// Package sim is affsync's Amazon simulator: a deterministic Associates
// account (a function of a seed and today's date) served over the Creators
// API Reports protocol. Its report files are written by this package's own
// code, never by affsync's parser tables, so the two check each other; it
// keeps the ground truth that tests compare a sync against.
package sim

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// window is the return window the truth assumes (SPEC §3.3 default).
const window = 30

type line struct {
	asin, title, category string
	rate                  int64 // hundredths of a percent
	price                 int64 // cents
	qty                   int64
	ship                  time.Time
	returns               []ret
}

type ret struct {
	day time.Time
	qty int64
}

type click struct {
	subtag, tag string
	day         time.Time
	lines       []line
}

type bountyEvent struct {
	tag, name, subtag string
	day               time.Time
	fee               int64
}

// account is everything that happened, from which files and truth derive.
type account struct {
	tags     []string
	clicks   map[string]map[time.Time]int64 // tag → day → clicks
	orders   []click
	bounties []bountyEvent
}

var categories = []struct {
	name string
	rate int64
}{{"Electronics", 400}, {"Books", 450}, {"Home", 300}, {"Toys", 300}, {"Kitchen", 450}, {"Beauty", 600}, {"Garden", 450}}

var titles = []string{"USB-C cable 2m", "Paperback novel", "Desk lamp", "Building blocks", "Chef's knife", "Face cream", "Garden hose", "Headphones"}

const subtagAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-"

func generate(cfg Config) account {
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(cfg.Today.Unix())))
	acc := account{tags: []string{cfg.StoreID, strings.TrimSuffix(cfg.StoreID, "-20") + "-21"}, clicks: map[string]map[time.Time]int64{}}
	for _, t := range acc.tags {
		acc.clicks[t] = map[time.Time]int64{}
	}
	n := 0
	for d := cfg.Days; d >= 1; d-- {
		day := cfg.Today.AddDate(0, 0, -d)
		for _, tag := range acc.tags {
			clicks := int64(40 + r.IntN(60))
			acc.clicks[tag][day] = clicks
			for range clicks / 3 { // about a third of clicks buy
				n++
				sub := make([]byte, 10+r.IntN(12))
				for i := range sub {
					sub[i] = subtagAlphabet[r.IntN(len(subtagAlphabet))]
				}
				c := click{subtag: fmt.Sprintf("u%05d%s", n, sub), tag: tag, day: day}
				if r.IntN(12) == 0 {
					c.subtag = "" // a link without a subtag
				}
				for range 1 + r.IntN(2) {
					cat := categories[r.IntN(len(categories))]
					l := line{asin: fmt.Sprintf("B0%08d", r.IntN(1e8)), title: titles[r.IntN(len(titles))], category: cat.name, rate: cat.rate,
						price: []int64{799, 1299, 1999, 2999, 4550, 12345}[r.IntN(6)], qty: 1 + int64(r.IntN(3))}
					l.ship = day.AddDate(0, 0, r.IntN(5))
					if r.IntN(15) == 0 || !l.ship.Before(cfg.Today) {
						continue // never shipped (or not yet): only an order
					}
					switch x := r.IntN(20); {
					case x == 0:
						l.returns = append(l.returns, ret{l.ship.AddDate(0, 0, 2+r.IntN(15)), l.qty})
					case x == 1 && l.qty > 1:
						l.returns = append(l.returns, ret{l.ship.AddDate(0, 0, 2+r.IntN(15)), 1})
					}
					if len(l.returns) > 0 && !l.returns[0].day.Before(cfg.Today) {
						l.returns = nil
					}
					c.lines = append(c.lines, l)
				}
				acc.orders = append(acc.orders, c)
			}
			if r.IntN(4) == 0 {
				b := bountyEvent{tag: tag, name: []string{"Amazon Prime Free Trial", "Audible Free Trial"}[r.IntN(2)], day: day, fee: 300 + 200*int64(r.IntN(2))}
				if r.IntN(2) == 0 {
					b.subtag = fmt.Sprintf("b%05d", n)
				}
				acc.bounties = append(acc.bounties, b)
			}
		}
	}
	if len(acc.bounties) > 1 { // one sign-up cancelled: a negative bounty a few days later
		b := acc.bounties[0]
		b.day, b.fee, b.subtag = b.day.AddDate(0, 0, 3), -b.fee, ""
		if b.day.Before(cfg.Today) {
			acc.bounties = append(acc.bounties, b)
		}
	}
	return acc
}

// fee is an ad fee in cents, rounded half up: price × qty × rate.
func fee(price, qty, rate int64) int64 {
	p := price * qty * rate
	q, rem := p/10000, p%10000
	if rem >= 5000 {
		q++
	} else if rem <= -5000 {
		q--
	}
	return q
}

// cents renders cents as the DataFeed writes them.
func cents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// file is one report file as listed and served.
type file struct {
	name         string
	body         []byte
	md5          string
	lastModified time.Time
}

func gz(s string) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	w.ModTime = time.Time{} // byte-identical output for one seed and day
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func newFile(name, body string, modified time.Time) file {
	data := gz(body)
	sum := md5.Sum(data)
	return file{name: name, body: data, md5: hex.EncodeToString(sum[:]), lastModified: modified}
}

// earningsRow is one shipment or return line of a day.
type earningsRow struct {
	day    time.Time
	click  click
	line   line
	qty    int64
	isBack bool
}

func (acc account) earningsRows() []earningsRow {
	var rows []earningsRow
	for _, c := range acc.orders {
		for _, l := range c.lines {
			rows = append(rows, earningsRow{day: l.ship, click: c, line: l, qty: l.qty})
			for _, rt := range l.returns {
				rows = append(rows, earningsRow{day: rt.day, click: c, line: l, qty: -rt.qty, isBack: true})
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].day.Before(rows[j].day) })
	return rows
}

// files writes every daily report of the account.
func (acc account) files(cfg Config) []file {
	var out []file
	earnings := map[time.Time][]earningsRow{}
	for _, r := range acc.earningsRows() {
		earnings[r.day] = append(earnings[r.day], r)
	}
	dateStyle := []string{"January 2, 2006", "2006-01-02"}[cfg.Seed%2]
	for d := cfg.Days; d >= 1; d-- {
		day := cfg.Today.AddDate(0, 0, -d)
		stamp := day.Format("20060102")
		modified := day.AddDate(0, 0, 1).Add(6 * time.Hour)
		tag := cfg.StoreID
		for _, subtags := range []bool{false, true} {
			var b strings.Builder
			fmt.Fprintf(&b, "Earnings report for %s on %s\n", tag, day.Format("2006-01-02"))
			b.WriteString("Product Line\tItem\tASIN\tSeller\tTracking ID\tDate Shipped\tPrice\tReferral Fee Rate\tQuantity\tRevenue\tEarnings")
			if subtags {
				b.WriteString("\tSub Tag")
			}
			b.WriteString("\n")
			for _, r := range earnings[day] {
				fmt.Fprintf(&b, "%s\t%s\t%s\tAmazon.com\t%s\t%s\t%s\t%d.%02d\t%d\t%s\t%s", r.line.category, r.line.title, r.line.asin, r.click.tag,
					day.Format(dateStyle), cents(r.line.price), r.line.rate/100, r.line.rate%100, r.qty, cents(r.line.price*r.qty),
					cents(fee(r.line.price, r.qty, r.line.rate)))
				if subtags {
					b.WriteString("\t" + r.click.subtag)
				}
				b.WriteString("\n")
			}
			name := fmt.Sprintf("%s-earnings-report-%s.tsv.gz", tag, stamp)
			if subtags {
				name = fmt.Sprintf("%s-earnings-report-subtags-%s.tsv.gz", tag, stamp)
			}
			out = append(out, newFile(name, b.String(), modified))
		}
		out = append(out, acc.ordersFile(tag, day, dateStyle, modified), acc.trackingFile(tag, day, modified), acc.bountyFile(tag, day, dateStyle, modified),
			newFile(fmt.Sprintf("%s-cp-utm-source-report-%s.tsv.gz", tag, stamp), "UTM source report\nSource\tClicks\nnewsletter\t3\n", modified))
	}
	return out
}

func (acc account) ordersFile(tag string, day time.Time, dateStyle string, modified time.Time) file {
	var b strings.Builder
	b.WriteString("Orders report\nProduct Line\tItem\tASIN\tDate Ordered\tLink Type\tTracking ID\tDirect Clicks\tTotal Ordered Quantity\tSub Tag\n")
	for _, c := range acc.orders {
		if !c.day.Equal(day) {
			continue
		}
		for _, l := range c.lines {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\tText\t%s\t1\t%d\t%s\n", l.category, l.title, l.asin, day.Format(dateStyle), c.tag, l.qty, c.subtag)
		}
	}
	return newFile(fmt.Sprintf("%s-orders-report-%s.tsv.gz", tag, day.Format("20060102")), b.String(), modified)
}

func (acc account) trackingFile(tag string, day time.Time, modified time.Time) file {
	var b strings.Builder
	b.WriteString("Tracking report\nTracking ID\tClicks\tItems Ordered\tItems Shipped\tShipped Revenue\tShipped Earnings\n")
	for _, t := range acc.tags {
		fmt.Fprintf(&b, "%s\t%d\t0\t0\t0.00\t0.00\n", t, acc.clicks[t][day])
	}
	return newFile(fmt.Sprintf("%s-tracking-report-%s.tsv.gz", tag, day.Format("20060102")), b.String(), modified)
}

func (acc account) bountyFile(tag string, day time.Time, dateStyle string, modified time.Time) file {
	var b strings.Builder
	b.WriteString("Bounty report\nName\tDate Shipped\tTracking Id\tQuantity\tAd Fees\tSub Tag\n")
	for _, e := range acc.bounties {
		if e.day.Equal(day) {
			fmt.Fprintf(&b, "%s\t%s\t%s\t1\t%s\t%s\n", e.name, day.Format(dateStyle), e.tag, cents(e.fee), e.subtag)
		}
	}
	return newFile(fmt.Sprintf("%s-bounty-report-%s.tsv.gz", tag, day.Format("20060102")), b.String(), modified)
}

func gunzip(b []byte) string {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return ""
	}
	var out bytes.Buffer
	out.ReadFrom(r)
	return out.String()
}
