package linkbuilder

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in            string
		host, program string
		asin          string
	}{
		{"https://www.amazon.com/dp/B0C1234567", "www.amazon.com", "amazon.com", "B0C1234567"},
		{"https://www.amazon.com/dp/B0C1234567/ref=sr_1_1?keywords=cable&tag=other-20&ascsubtag=old", "www.amazon.com", "amazon.com", "B0C1234567"},
		{"https://www.amazon.co.uk/Some-Cable-Name/dp/B0C1234567?th=1", "www.amazon.co.uk", "amazon.co.uk", "B0C1234567"},
		{"https://amazon.de/gp/product/3161484100", "www.amazon.de", "amazon.de", "3161484100"},
		{"http://www.amazon.fr/gp/product/b0c1234567/", "www.amazon.fr", "amazon.fr", "B0C1234567"},
		{"www.amazon.it/dp/B0C1234567", "www.amazon.it", "amazon.it", "B0C1234567"},
		{"https://WWW.AMAZON.ES/dp/B0C1234567", "www.amazon.es", "amazon.es", "B0C1234567"},
		{"https://www.amazon.ca/dp/product/B0C1234567", "www.amazon.ca", "amazon.ca", "B0C1234567"},
		{"https://www.amazon.co.jp/%E3%82%B1%E3%83%BC%E3%83%96%E3%83%AB/dp/B0C1234567", "www.amazon.co.jp", "amazon.co.jp", "B0C1234567"},
		{"https://www.amazon.in/gp/aw/d/B0C1234567", "www.amazon.in", "amazon.in", "B0C1234567"},
		{"https://www.amazon.com.au/dp/B0C1234567", "www.amazon.com.au", "amazon.com.au", "B0C1234567"},
		{"https://www.amazon.com.br/dp/B0C1234567", "www.amazon.com.br", "amazon.com.br", "B0C1234567"},
		{"https://www.amazon.com.mx/dp/B0C1234567", "www.amazon.com.mx", "amazon.com.mx", "B0C1234567"},
		{"https://www.amazon.nl/dp/B0C1234567", "www.amazon.nl", "amazon.nl", "B0C1234567"},
		{"https://www.amazon.se/dp/B0C1234567", "www.amazon.se", "amazon.se", "B0C1234567"},
		{"https://www.amazon.pl/dp/B0C1234567", "www.amazon.pl", "amazon.pl", "B0C1234567"},
		{"https://www.amazon.sg/dp/B0C1234567", "www.amazon.sg", "amazon.sg", "B0C1234567"},
		{"https://www.amazon.ae/dp/B0C1234567", "www.amazon.ae", "amazon.ae", "B0C1234567"},
		{"https://www.amazon.sa/dp/B0C1234567", "www.amazon.sa", "amazon.sa", "B0C1234567"},
		{"https://www.amazon.com.tr/dp/B0C1234567", "www.amazon.com.tr", "amazon.com.tr", "B0C1234567"},
		{"https://www.amazon.eg/dp/B0C1234567", "www.amazon.eg", "amazon.eg", "B0C1234567"},
		{"https://www.amazon.com.be/dp/B0C1234567", "www.amazon.com.be", "amazon.com.be", "B0C1234567"},
		{"https://smile.amazon.com/dp/B0C1234567", "www.amazon.com", "amazon.com", "B0C1234567"},
		{"  https://m.amazon.de/dp/B0C1234567  ", "www.amazon.de", "amazon.de", "B0C1234567"},
	} {
		p, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if p.Host != tc.host || p.Program != tc.program || p.ASIN != tc.asin {
			t.Errorf("Parse(%q) = %+v, want %s %s %s", tc.in, p, tc.host, tc.program, tc.asin)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ in, says string }{
		{"", "url is required"},
		{"https://amzn.to/3xYzAbC", "short link"},
		{"https://www.amzn.eu/d/abc", "short link"},
		{"https://a.co/d/abc123", "short link"},
		{"https://www.ebay.com/dp/B0C1234567", "not an Amazon marketplace"},
		{"https://amazon.com.evil.example/dp/B0C1234567", "not an Amazon marketplace"},
		{"https://www.amazon.cn/dp/B0C1234567", "not an Amazon marketplace"},
		{"https://www.amazon.com/s?k=cable", "not a product page"},
		{"https://www.amazon.com/dp/", "not a product page"},
		{"https://www.amazon.com/dp/B0C12345", "not a product page"},
		{"https://www.amazon.com/dp/B0C123456!", "not a product page"},
		{"https://www.amazon.com/gp/cart/view.html", "not a product page"},
		{"ftp://www.amazon.com/dp/B0C1234567", "http or https"},
		{"https://%zz", "not a URL"},
	} {
		_, err := Parse(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Parse(%q) = %v, want an error saying %q", tc.in, err, tc.says)
		}
	}
}

func TestURL(t *testing.T) {
	p, err := Parse("https://www.amazon.co.uk/Cable/dp/B0C1234567/ref=x?tag=other-21&ascsubtag=old&th=1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ channel, subtag, want string }{
		{"shop-21", "user_42", "https://www.amazon.co.uk/dp/B0C1234567?tag=shop-21&ascsubtag=user_42"},
		{"shop-21", "", "https://www.amazon.co.uk/dp/B0C1234567?tag=shop-21"},
	} {
		if got := p.URL(tc.channel, tc.subtag); got != tc.want {
			t.Errorf("URL(%q, %q) = %s, want %s", tc.channel, tc.subtag, got, tc.want)
		}
	}
}

func TestCheckSubtag(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"", true},
		{"user42", true},
		{"A-b_9", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{"user 42", false},
		{"user@42", false},
		{"über", false},
		{"a&tag=evil-20", false},
	} {
		if err := CheckSubtag("custom", tc.in); (err == nil) != tc.ok {
			t.Errorf("CheckSubtag(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		in string
		ok bool
	}{{"store-20", true}, {"", false}, {"store 20", false}, {"a&b", false}} {
		if err := CheckChannel(tc.in); (err == nil) != tc.ok {
			t.Errorf("CheckChannel(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestMinted(t *testing.T) {
	seen := map[string]bool{}
	start := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	prev := ""
	for i := range 3000 {
		s := NewSubtag(start.Add(time.Duration(i/3) * time.Millisecond)) // three clicks a millisecond
		if err := CheckSubtag("subtag", s); err != nil || len(s) != 18 {
			t.Fatalf("minted subtag %q: %v", s, err)
		}
		if seen[s] {
			t.Fatalf("subtag %q minted twice", s)
		}
		seen[s] = true
		if i%3 == 0 && s[:8] <= prev {
			t.Fatalf("subtag %q of a later millisecond sorts before %q", s, prev)
		}
		prev = s[:8]
	}
	if c := NewCode(); len(c) != 12 || CheckSubtag("code", c) != nil {
		t.Fatalf("code %q", c)
	}
}
