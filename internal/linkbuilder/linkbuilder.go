// Package linkbuilder turns an Amazon product URL into a tracked link: the
// channel (tracking ID) as tag and a custom (subid) as ascsubtag.
//
// The tracked URL is canonical: https://www.amazon.<tld>/dp/<ASIN>?tag=…&ascsubtag=…
// Everything else of the pasted URL (slug, ref=, another publisher's tag or
// linkCode, session parameters) is dropped, so that a link carries exactly
// one attribution and the same product always gives the same link.
package linkbuilder

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/network/amazon"
)

// MaxSubtag is the longest ascsubtag Amazon reports back.
const MaxSubtag = 64

// Product is an Amazon product page on one marketplace.
type Product struct {
	Host    string // "www.amazon.de"
	Program string // "amazon.de", the program of its transactions and clicks
	ASIN    string
}

// shortHosts are Amazon's link shorteners: they hide the product behind a
// redirect that affsync would have to follow, so they are refused.
var shortHosts = map[string]bool{"amzn.to": true, "amzn.eu": true, "amzn.asia": true, "a.co": true, "amzn.com": true}

// Parse reads a product URL of any Amazon marketplace: paths /dp/ASIN,
// /gp/product/ASIN, /<slug>/dp/ASIN, /gp/aw/d/ASIN (mobile), with or without
// trailing segments and parameters. A URL without a scheme is read as https.
func Parse(raw string) (Product, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Product{}, errors.New("url is required: an Amazon product URL like https://www.amazon.com/dp/B0C1234567")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return Product{}, fmt.Errorf("url %q is not a URL; paste an Amazon product URL like https://www.amazon.com/dp/B0C1234567", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Product{}, fmt.Errorf("url must be http or https, not %s", u.Scheme)
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if shortHosts[strings.TrimPrefix(host, "www.")] {
		return Product{}, fmt.Errorf("%s is a short link, which hides the product: open it in a browser and paste the full amazon product URL (…/dp/ASIN)", host)
	}
	bare := host
	for _, p := range []string{"www.", "smile.", "m."} {
		bare = strings.TrimPrefix(bare, p)
	}
	m, ok := amazon.LookupMarketplace(bare)
	if !ok {
		return Product{}, fmt.Errorf("%s is not an Amazon marketplace; the link builder takes product URLs of amazon.com, amazon.co.uk, amazon.de and the other Amazon stores", host)
	}
	asin, ok := asinOf(u.EscapedPath())
	if !ok {
		return Product{}, fmt.Errorf("%s is not a product page: want a path with /dp/ASIN or /gp/product/ASIN", u.Path)
	}
	return Product{Host: m.Host, Program: m.Program, ASIN: asin}, nil
}

// asinOf finds the ASIN after dp, gp/product, gp/aw/d or dp/product.
func asinOf(path string) (string, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		next := parts[i+1]
		switch {
		case parts[i] == "dp" && next == "product" && i+2 < len(parts):
			next = parts[i+2]
		case parts[i] == "dp":
		case parts[i] == "gp" && (next == "product" || next == "aw") && i+2 < len(parts):
			next = parts[i+2]
			if next == "d" && i+3 < len(parts) {
				next = parts[i+3]
			}
		default:
			continue
		}
		if isASIN(next) {
			return strings.ToUpper(next), true
		}
		return "", false
	}
	return "", false
}

// isASIN: ten letters and digits (ISBN-10s of books included).
func isASIN(s string) bool {
	if len(s) != 10 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// URL is the tracked product URL. An empty subtag leaves ascsubtag out.
func (p Product) URL(channel, subtag string) string {
	u := "https://" + p.Host + "/dp/" + p.ASIN + "?tag=" + url.QueryEscape(channel)
	if subtag != "" {
		u += "&ascsubtag=" + subtag // checked by CheckSubtag: nothing to escape
	}
	return u
}

// CheckChannel validates a tracking ID (store-20): Amazon's are letters,
// digits and hyphens.
func CheckChannel(channel string) error {
	if channel == "" {
		return errors.New("channel is required: the Amazon tracking ID to credit, like store-20")
	}
	if len(channel) > MaxSubtag || !safe(channel) {
		return fmt.Errorf("channel %q is not a tracking ID: up to %d letters, digits, - and _", channel, MaxSubtag)
	}
	return nil
}

// CheckSubtag validates a custom that goes to Amazon as ascsubtag: Amazon
// reports back at most 64 characters, and only [A-Za-z0-9_-] survives its
// reports unchanged. Empty is allowed (no subtag).
func CheckSubtag(name, v string) error {
	if len(v) > MaxSubtag {
		return fmt.Errorf("%s is %d characters; Amazon keeps at most %d", name, len(v), MaxSubtag)
	}
	if !safe(v) {
		return fmt.Errorf("%s %q may only hold letters, digits, - and _", name, v)
	}
	return nil
}

func safe(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// NewSubtag mints the subtag of one click at now: 8 characters of the
// millisecond then 10 random ones (60 bits), 18 in all. Leading with the time
// makes the subtags of successive clicks sort in order, so storing one adds
// to the end of the subtag index instead of a random page of it; the random
// part keeps two clicks of one millisecond apart.
func NewSubtag(now time.Time) string {
	var b [18]byte
	ms := uint64(now.UnixMilli())
	for i := 7; i >= 0; i-- {
		b[i] = sortedAlphabet[ms&63]
		ms >>= 6
	}
	var r [8]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails (Go 1.24+)
	n := binary.LittleEndian.Uint64(r[:])
	for i := 8; i < len(b); i++ {
		b[i] = sortedAlphabet[n&63]
		n >>= 6
	}
	return string(b[:])
}

// sortedAlphabet is base64's 64 URL-safe characters in byte order, so that
// encoded numbers compare as the numbers do.
const sortedAlphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// NewCode makes a link's public code: 72 random bits, 12 URL-safe characters,
// short enough to share and too many to guess or collide.
func NewCode() string { return random(9) }

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Request is what a tracked link is built from: a product URL, the channel
// (tracking ID) and the app's custom; with UniquePerClick, a redirect link
// that mints a subtag per hit.
type Request struct {
	URL, Channel, Custom string
	UniquePerClick       bool
}

// Build checks a request and answers its product and the tracked Amazon
// URL: with ascsubtag=custom, or for a redirect link without it (each hit
// adds its own). The API and the dashboard both build links through it.
func Build(req Request) (Product, string, error) {
	p, err := Parse(req.URL)
	if err == nil {
		err = CheckChannel(req.Channel)
	}
	if err == nil {
		err = CheckSubtag("custom", req.Custom)
	}
	if err != nil {
		return Product{}, "", err
	}
	if req.UniquePerClick {
		return p, p.URL(req.Channel, ""), nil
	}
	return p, p.URL(req.Channel, req.Custom), nil
}

// PublicBase is where shoppers reach this server: the configured public URL,
// or else the scheme and host the request came to.
func PublicBase(configured string, r *http.Request) string {
	if configured != "" {
		return configured
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
