package sim

import (
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"time"
)

// The account is an event model: clicks, orders with their shipments,
// returns and refunds, and bounty events. Report files and the truth are
// both derived from it, separately.

type category struct {
	name string
	glID int   // Amazon's product-group id, as the XML flavour writes it
	rate int64 // referral fee rate in basis points (hundredths of a percent)
}

var categories = []category{
	{"Books", 14, 450}, {"Electronics", 23, 400}, {"Kitchen", 79, 450}, {"Toys", 21, 300},
	{"Beauty", 121, 600}, {"Garden", 86, 450}, {"Video Games", 65, 100}, {"Luxury Beauty", 194, 1000},
	{"Home", 60, 300},
}

// nouns per category name make product titles.
var nouns = map[string][]string{
	"Books":         {"Paperback Novel", "Cookbook", "Field Guide to Birds", "Children's Picture Book"},
	"Electronics":   {"USB-C Cable, 2 m", "Wireless Earbuds", "Power Bank 10000mAh", "HDMI Switch"},
	"Kitchen":       {"Cast Iron Skillet, 12\"", "Salt & Pepper Grinder Set", "Chef's Knife", "French Press"},
	"Toys":          {"Building Blocks Set", "Wooden Puzzle", "Plush Bear", "Card Game"},
	"Beauty":        {"Face Cream", "Shampoo Bar", "Lip Balm 3-Pack", "Nail File Set"},
	"Garden":        {"Garden Hose 15 m", "Pruning Shears", "Seed Starter Kit", "Bird Feeder"},
	"Video Games":   {"Controller Charging Dock", "Racing Game", "Puzzle Adventure", "Headset Stand"},
	"Luxury Beauty": {"Eau de Parfum 50 ml", "Serum Intensif", "Night Repair Cream", "Silk Pillowcase"},
	"Home":          {"Desk Lamp", "Throw Blanket", "Picture Frame Set", "Storage Baskets"},
}

var adjectives = []string{"Compact", "Deluxe", "Classic", "Everyday", "Premium", "Eco"}

var thirdPartySellers = []string{"Anker Direct", "HomeGoods Outlet", "Crafty Corner"}

// product is one catalog item.
type product struct {
	asin, title, seller string
	cat                 category
	price               int64 // cents
}

// line is one ASIN of an order and what happened to it afterwards.
type line struct {
	p       product
	qty     int64
	shipped bool
	ship    time.Time
	returns []returned
	refunds []refunded
}

// returned is items sent back (a negative quantity row).
type returned struct {
	day time.Time
	qty int64
}

// refunded is money given back without a return (negative amounts only).
type refunded struct {
	day    time.Time
	amount int64
}

// order is one click that bought something; its subtag is the click's.
type order struct {
	tag, subtag, linkType string
	day                   time.Time
	lines                 []line
}

// bounty is one sign-up event, or its cancellation (negative fee).
type bounty struct {
	tag, name, subtag string
	day               time.Time
	qty, fee          int64
}

type dayClicks struct {
	day    time.Time
	tag    string
	clicks int64
}

type account struct {
	days     []time.Time // oldest first, Today excluded
	tags     []string
	currency string
	catalog  []product
	clicks   []dayClicks
	orders   []order
	bounties []bounty
}

var bountyPrograms = []struct {
	name string
	fee  int64
}{{"Amazon Prime Free Trial", 300}, {"Audible Free Trial", 500}, {"Kindle Unlimited", 300}, {"Amazon Music Unlimited", 300}}

var linkTypes = []string{"Text", "Image", "Product Link"}

// subtagAlphabet is what minted subtags are made of.
const subtagAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-"

// generator draws the account from a seeded source; its counter keeps
// subtags unique.
type generator struct {
	r      *rand.Rand
	minted int64
}

// subtag mints a unique 10–22 character subtag: noise, then a base-36
// counter that keeps it unique.
func (g *generator) subtag() string {
	g.minted++
	var b []byte
	for range 6 + g.r.IntN(13) {
		b = append(b, subtagAlphabet[g.r.IntN(len(subtagAlphabet))])
	}
	n := strconv.FormatInt(g.minted, 36)
	for len(n) < 4 {
		n = "0" + n
	}
	return string(b) + n
}

// pick draws an index by weights.
func (g *generator) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := g.r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// seedOf mixes what the account is a function of into the second PCG word.
func seedOf(cfg Config) uint64 {
	h := fnv.New64a()
	h.Write([]byte(cfg.Today.Format(time.DateOnly) + "|" + strconv.Itoa(cfg.Days) + "|" + cfg.StoreID))
	return h.Sum64()
}

func generate(cfg Config) *account {
	g := &generator{r: rand.New(rand.NewPCG(uint64(cfg.Seed), seedOf(cfg)))}
	acc := &account{tags: trackingIDs(cfg.StoreID), currency: marketplaceCurrency[cfg.Marketplace]}
	for d := cfg.Days; d >= 1; d-- {
		acc.days = append(acc.days, cfg.Today.AddDate(0, 0, -d))
	}
	acc.catalog = g.catalog(120)
	for _, day := range acc.days {
		for _, tag := range acc.tags {
			n := int64(400 + g.r.IntN(500))
			acc.clicks = append(acc.clicks, dayClicks{day: day, tag: tag, clicks: n})
			for range n {
				if g.r.IntN(13) == 0 { // about one click in thirteen buys
					acc.orders = append(acc.orders, g.order(acc.catalog, tag, day, cfg.Today))
				}
			}
			for range g.r.IntN(3) {
				b := bountyPrograms[g.r.IntN(len(bountyPrograms))]
				e := bounty{tag: tag, name: b.name, day: day, qty: 1, fee: b.fee}
				if g.r.IntN(3) > 0 {
					e.subtag = g.subtag()
				}
				acc.bounties = append(acc.bounties, e)
			}
		}
	}
	acc.cancelOneBounty(g, cfg.Today)
	return acc
}

func (g *generator) catalog(n int) []product {
	const asinChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	out := make([]product, 0, n)
	seen := map[string]bool{}
	for len(out) < n {
		b := []byte("B0")
		for range 8 {
			b = append(b, asinChars[g.r.IntN(len(asinChars))])
		}
		if seen[string(b)] {
			continue
		}
		seen[string(b)] = true
		c := categories[g.r.IntN(len(categories))]
		p := product{asin: string(b), cat: c, seller: "Amazon.com",
			title: adjectives[g.r.IntN(len(adjectives))] + " " + nouns[c.name][g.r.IntN(len(nouns[c.name]))],
			price: g.price()}
		if g.r.IntN(5) == 0 {
			p.seller = thirdPartySellers[g.r.IntN(len(thirdPartySellers))]
		}
		out = append(out, p)
	}
	return out
}

// price draws a shelf price in cents: mostly cheap, sometimes dear.
func (g *generator) price() int64 {
	dollars := []int{5 + g.r.IntN(25), 30 + g.r.IntN(70), 100 + g.r.IntN(300)}[g.pick(60, 30, 10)]
	return int64(dollars)*100 - []int64{1, 5, 51, 100}[g.r.IntN(4)]
}

// order draws one purchase and its fate: shipped 0–5 days later or never,
// sometimes returned in full or in part, rarely refunded.
func (g *generator) order(catalog []product, tag string, day, today time.Time) order {
	o := order{tag: tag, day: day, linkType: linkTypes[g.r.IntN(len(linkTypes))]}
	if g.r.IntN(12) > 0 { // some links carry no subtag
		o.subtag = g.subtag()
	}
	inOrder := map[string]bool{}
	for range 1 + g.pick(70, 20, 10) {
		l := line{p: catalog[g.r.IntN(len(catalog))], qty: 1 + int64(g.pick(75, 18, 7))}
		if inOrder[l.p.asin] {
			continue // one line per ASIN: a basket holds an item once, in some quantity
		}
		inOrder[l.p.asin] = true
		l.ship = day.AddDate(0, 0, g.r.IntN(6))
		l.shipped = g.r.IntN(15) > 0 && l.ship.Before(today)
		if l.shipped {
			switch x := g.r.IntN(25); {
			case x == 0:
				l.returns = append(l.returns, returned{day: l.ship.AddDate(0, 0, 2+g.r.IntN(12)), qty: l.qty})
			case x == 1 && l.qty > 1:
				l.returns = append(l.returns, returned{day: l.ship.AddDate(0, 0, 2+g.r.IntN(12)), qty: 1})
			case x == 2 && g.r.IntN(10) == 0:
				l.refunds = append(l.refunds, refunded{day: l.ship.AddDate(0, 0, 3+g.r.IntN(10)), amount: l.p.price / 2})
			}
			if len(l.returns) > 0 && !l.returns[0].day.Before(today) {
				l.returns = nil // not yet happened
			}
			if len(l.refunds) > 0 && !l.refunds[0].day.Before(today) {
				l.refunds = nil
			}
		}
		o.lines = append(o.lines, l)
	}
	return o
}

// cancelOneBounty adds one negative bounty row two days after a sign-up, and
// drops any other sign-up it could be confused with (same name, tracking ID
// and fee in between), so the cancellation is unambiguous.
func (acc *account) cancelOneBounty(g *generator, today time.Time) {
	var candidates []int
	for i, b := range acc.bounties {
		if b.day.AddDate(0, 0, 2).Before(today) {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return
	}
	orig := acc.bounties[candidates[g.r.IntN(len(candidates))]]
	neg := orig
	neg.day, neg.qty, neg.fee = orig.day.AddDate(0, 0, 2), -1, -orig.fee
	kept := acc.bounties[:0]
	for _, b := range acc.bounties {
		twin := b.tag == orig.tag && b.name == orig.name && b.fee == orig.fee
		if twin && (b.day.After(orig.day) && !b.day.After(neg.day) || b.day.Equal(orig.day) && b != orig) {
			continue
		}
		kept = append(kept, b)
	}
	acc.bounties = append(kept, neg)
}

// correct changes a day the way a re-issued report does: one item of an
// earlier shipment comes back that day; with nothing to return, a late
// shipment is booked instead.
func (acc *account) correct(day time.Time) {
	for oi := len(acc.orders) - 1; oi >= 0; oi-- {
		o := &acc.orders[oi]
		for li := range o.lines {
			l := &o.lines[li]
			if !l.shipped || !l.ship.Before(day) || len(l.refunds) > 0 || l.net() < 1 {
				continue
			}
			l.returns = append(l.returns, returned{day: day, qty: 1})
			return
		}
	}
	p := acc.catalog[0]
	acc.orders = append(acc.orders, order{tag: acc.tags[0], subtag: "reissue-" + day.Format("20060102"), linkType: "Text", day: day,
		lines: []line{{p: p, qty: 1, shipped: true, ship: day}}})
}

// net is what is left of a line after its returns.
func (l line) net() int64 {
	n := l.qty
	for _, r := range l.returns {
		n -= r.qty
	}
	return n
}
