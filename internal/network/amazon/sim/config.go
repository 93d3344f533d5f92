package sim

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// Config describes a simulated Associates account. Zero fields take the
// defaults noted beside them.
type Config struct {
	Seed         int64
	Days         int       // days of reports before Today; default 60
	Today        time.Time // the account's today, a UTC date; default today by Now
	StoreID      string    // default "demo-20"
	CredentialID string    // default "demo-credential"
	Secret       string    // default "demo-secret"
	// FailRate is the share of API calls (reports, catalog, DataFeed)
	// answered 429 with Retry-After: 1 or 500; the sequence follows Seed.
	FailRate    float64
	Marketplace string           // default "www.amazon.com"
	Now         func() time.Time // clock of tokens, nonces and URL expiry; default time.Now

	TokenTTL time.Duration // lifetime of access tokens; default 3600 s
	// ReportsNotAvailable makes the report calls answer 403
	// AccessDeniedException/ReportsNotAvailable, as for an account that has
	// the API but no report access.
	ReportsNotAvailable bool
}

// marketplaceCurrency is the currency of each marketplace the simulator
// serves; all of them write amounts with two decimals and a point.
var marketplaceCurrency = map[string]string{
	"www.amazon.com":    "USD",
	"www.amazon.ca":     "CAD",
	"www.amazon.co.uk":  "GBP",
	"www.amazon.de":     "EUR",
	"www.amazon.fr":     "EUR",
	"www.amazon.it":     "EUR",
	"www.amazon.es":     "EUR",
	"www.amazon.com.au": "AUD",
}

// storeIDPattern is what Associates store and tracking IDs look like.
var storeIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.]*-[0-9]{2}$`)

// withDefaults fills the zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Days == 0 {
		c.Days = 60
	}
	if c.Days < 1 || c.Days > 3660 {
		return c, fmt.Errorf("days %d: want 1 to 3660", c.Days)
	}
	if c.Today.IsZero() {
		c.Today = c.Now()
	}
	t := c.Today.UTC()
	c.Today = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if c.StoreID == "" {
		c.StoreID = "demo-20"
	}
	if !storeIDPattern.MatchString(c.StoreID) {
		return c, fmt.Errorf("store ID %q: want a name and a two-digit suffix, like demo-20", c.StoreID)
	}
	if c.CredentialID == "" {
		c.CredentialID = "demo-credential"
	}
	if c.Secret == "" {
		c.Secret = "demo-secret"
	}
	if c.FailRate < 0 || c.FailRate >= 1 {
		return c, fmt.Errorf("fail rate %v: want 0 ≤ rate < 1", c.FailRate)
	}
	if c.Marketplace == "" {
		c.Marketplace = "www.amazon.com"
	}
	if _, ok := marketplaceCurrency[c.Marketplace]; !ok {
		return c, fmt.Errorf("marketplace %q: not simulated", c.Marketplace)
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = time.Hour
	}
	return c, nil
}

// trackingIDs are the account's tracking IDs: the store ID and a second one
// with the next suffix, as a site with a newsletter would have.
func trackingIDs(storeID string) []string {
	second := "21"
	if strings.HasSuffix(storeID, "-21") {
		second = "22"
	}
	return []string{storeID, storeID[:len(storeID)-2] + second}
}

// DefaultAddr is where `affsync amazon-sim` listens without --addr.
const DefaultAddr = "127.0.0.1:8081"

// ParseFlags reads the flags of `affsync amazon-sim`. Today is left zero
// (the real today) unless --today names a date.
func ParseFlags(args []string) (cfg Config, addr string, err error) {
	fs := flag.NewFlagSet("amazon-sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&addr, "addr", DefaultAddr, "listen address")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the account's data")
	fs.IntVar(&cfg.Days, "days", 60, "days of reports")
	fs.StringVar(&cfg.StoreID, "store-id", "demo-20", "store ID")
	fs.StringVar(&cfg.CredentialID, "credential-id", "demo-credential", "Creators API credential ID")
	fs.StringVar(&cfg.Secret, "secret", "demo-secret", "Creators API secret (and DataFeed password)")
	fs.Float64Var(&cfg.FailRate, "fail-rate", 0, "share of API calls answering 429 or 500")
	fs.StringVar(&cfg.Marketplace, "marketplace", "www.amazon.com", "marketplace host")
	today := fs.String("today", "", "the account's today, YYYY-MM-DD (default the real today)")
	if err := fs.Parse(args); err != nil {
		return Config{}, "", fmt.Errorf("amazon-sim: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, "", fmt.Errorf("amazon-sim: unexpected argument %q", fs.Arg(0))
	}
	if cfg.Days < 1 { // zero would mean the default in Config
		return Config{}, "", fmt.Errorf("amazon-sim: --days %d: want at least 1", cfg.Days)
	}
	if *today != "" {
		if cfg.Today, err = time.Parse(time.DateOnly, *today); err != nil {
			return Config{}, "", fmt.Errorf("amazon-sim: --today: %w", err)
		}
	}
	if _, err := cfg.withDefaults(); err != nil {
		return Config{}, "", fmt.Errorf("amazon-sim: %w", err)
	}
	return cfg, addr, nil
}
