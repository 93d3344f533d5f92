package amazon

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/amazon/files"
	"github.com/affsync/affsync/internal/network/amazon/transport"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// Name is the network's id on connections.
const Name = "amazon"

// The connectors of SPEC §3.2.
const (
	ConnectorCreators                = "creators"
	ConnectorCreatorsTracking        = "creators-tracking"
	ConnectorCreatorsSubtags         = "creators-subtags"
	ConnectorCreatorsSubtagsTracking = "creators-subtags-tracking"
	ConnectorImport                  = "import" // files only: nothing to sync
)

// Connectors are the connectors of SPEC §3.2.
var connectors = []string{ConnectorCreators, ConnectorCreatorsTracking, ConnectorCreatorsSubtags, ConnectorCreatorsSubtagsTracking, ConnectorImport}

// The transports a syncing connector pulls with.
const (
	TransportCreators = "creators" // Creators API Reports
	TransportDataFeed = "datafeed" // the legacy DataFeed
)

// Network is Amazon Associates.
type Network struct{}

var _ network.Network = Network{}

func (Network) Name() string { return Name }

func (Network) Connectors() []string { return slices.Clone(connectors) }

func (Network) NewAccount() network.Account { return &Account{} }

func (Network) Open(c store.Connection) (network.Connection, error) {
	s, err := decodeSettings(c.Connector, c.Currency, c.Settings)
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", c.ID, err)
	}
	return &connection{id: c.ID, connector: c.Connector, s: s}, nil
}

// Settings are an Amazon connection's typed settings; the stored form is a
// map (encode, decodeSettings), read nowhere else.
type Settings struct {
	StoreID           string
	Marketplace       Marketplace // with the connection's currency (SPEC §3.5)
	TrackingID        string      // only rows of this tracking ID ("" for all)
	Mode              lifecycle.Mode
	Transport         string // creators or datafeed (syncing connectors)
	CredentialID      string
	CredentialVersion string
	APIBase           string
	TokenURL          string
	ReturnWindowDays  int // 0: the lifecycle's default
}

// defaults are the one place an Amazon setting gets a default: the mode from
// the connector, the transport and the credential version.
func (s *Settings) defaults(connector string) {
	switch connector {
	case ConnectorCreatorsSubtags, ConnectorCreatorsSubtagsTracking:
		s.Mode = lifecycle.ModeSubtags
	case ConnectorImport:
		if s.Mode == "" {
			s.Mode = lifecycle.ModeOrders
		}
	default:
		s.Mode = lifecycle.ModeOrders
	}
	if s.Transport == "" {
		s.Transport = TransportCreators
	}
	if s.CredentialVersion == "" {
		s.CredentialVersion = "3.1"
	}
}

// decodeSettings reads the stored form.
func decodeSettings(connector, currency string, m map[string]string) (Settings, error) {
	s := Settings{StoreID: m["store_id"], APIBase: m["api_base"], TokenURL: m["token_url"], CredentialID: m["credential_id"],
		CredentialVersion: m["credential_version"], Transport: m["transport"]}
	if connector == ConnectorImport {
		switch m["mode"] {
		case "", string(lifecycle.ModeOrders):
		case string(lifecycle.ModeSubtags):
			s.Mode = lifecycle.ModeSubtags
		default:
			return s, fmt.Errorf("mode %q: want orders or subtags", m["mode"])
		}
	}
	if strings.HasSuffix(connector, "-tracking") || connector == ConnectorImport {
		s.TrackingID = m["tracking_id"]
	}
	s.defaults(connector)
	if s.Transport != TransportCreators && s.Transport != TransportDataFeed {
		return s, fmt.Errorf("transport %q: want creators or datafeed", s.Transport)
	}
	// The connection's currency, when it has one, is what its transactions
	// are in; its marketplace's forms read the files (SPEC §3.5).
	mk, err := StoredMarketplace(m["marketplace"], currency)
	if err != nil {
		return s, err
	}
	s.Marketplace = mk
	if v := m["return_window_days"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s, fmt.Errorf("return_window_days %q is not a number of days", v)
		}
		s.ReturnWindowDays = n
	}
	return s, nil
}

// connection is a stored Amazon connection, decoded.
type connection struct {
	id, connector string
	s             Settings
}

func (c *connection) Rules() network.Rules {
	m := c.s.Marketplace
	return network.Rules{Reports: true, Files: files.Reports{}, Syncs: c.connector != ConnectorImport, Mode: c.s.Mode, ReturnWindowDays: c.s.ReturnWindowDays,
		DayFirst: m.DayFirst, Decimal: m.Decimal, Currency: m.Currency, Program: m.Program, AccountProgram: m.Program}
}

func (c *connection) Facts(t *reportfile.Table, emit func(model.Fact) error) (network.FactStats, error) {
	st, err := Normalise(t, NormaliseOptions{ConnectionID: c.id, Marketplace: c.s.Marketplace, TrackingID: c.s.TrackingID}, emit)
	return network.FactStats(st), err
}

// DealProgram reads a marketplace ("www.amazon.de", "amazon.de"), named as
// transactions name it ("amazon.de").
func (c *connection) DealProgram(v string) (string, error) {
	m, ok := LookupMarketplace(v)
	if !ok {
		return "", fmt.Errorf("%q is not an Amazon marketplace (like amazon.com or www.amazon.de)", v)
	}
	return m.Program, nil
}

// Source is the Creators API, or the legacy DataFeed when the settings say
// transport=datafeed.
func (c *connection) Source(secret string, o network.SourceOptions) (network.Source, error) {
	if c.connector == ConnectorImport {
		return nil, network.ErrNotSyncable
	}
	s := c.s
	if s.Transport == TransportDataFeed {
		return transport.NewDataFeed(transport.DataFeedConfig{BaseURL: s.APIBase, User: s.StoreID, Password: secret,
			HTTPClient: o.HTTPClient, Logger: o.Log, Retry: transport.RetryPolicy(o.Retry)})
	}
	return transport.NewCreators(transport.CreatorsConfig{APIBase: s.APIBase, TokenURL: s.TokenURL, CredentialID: s.CredentialID,
		Secret: secret, Version: s.CredentialVersion, Marketplace: s.Marketplace.Host, HTTPClient: o.HTTPClient, Logger: o.Log,
		Retry: transport.RetryPolicy(o.Retry)})
}

// Explain classifies a transport error (transport.Classify).
func (c *connection) Explain(err error) (string, string) {
	state, sentence := transport.Classify(err)
	switch state {
	case transport.StateCredentialsRejected, transport.StateNoReportAccess, transport.StateNotEligible:
		return state.String(), sentence
	}
	return "", sentence
}

// Account is what a person gives to connect an Amazon account (the CLI's
// flags, the API's body, the dashboard's form).
type Account struct {
	Connector         string `json:"connector"`
	StoreID           string `json:"store_id"`
	Name              string `json:"name"`
	Currency          string `json:"currency"` // default: the marketplace's; must be it when both are given
	TrackingID        string `json:"tracking_id"`
	Mode              string `json:"mode"` // import: orders (default) or subtags
	CredentialID      string `json:"credential_id"`
	Secret            string `json:"secret"`
	CredentialVersion string `json:"credential_version"` // default 3.1
	APIBase           string `json:"api_base"`
	TokenURL          string `json:"token_url"`
	Marketplace       string `json:"marketplace"` // default: the currency's (HomeMarketplace), else www.amazon.com
	Transport         string `json:"transport"`   // creators (default) or datafeed
}

// Usage is the synopsis of the account's flags.
func (a *Account) Usage() string {
	return "--connector ID --store-id ID [--name N] [--currency CUR] [--tracking-id TAG] [--mode orders|subtags]\n" +
		"       [--credential-id ID --secret S --credential-version V] [--api-base URL] [--token-url URL] [--marketplace www.amazon.com]\n" +
		"       [--transport creators|datafeed]"
}

// Flags binds the account to the flags of `affsync connection add amazon`.
func (a *Account) Flags(fs *flag.FlagSet) {
	fs.StringVar(&a.Connector, "connector", "", "one of "+fmt.Sprint(connectors)+" (required)")
	fs.StringVar(&a.StoreID, "store-id", "", "Associates store ID, e.g. mystore-20 (required)")
	fs.StringVar(&a.Name, "name", "", "display name (default: the store ID)")
	fs.StringVar(&a.Currency, "currency", "", "ISO 4217 currency of the account's reports (default: the marketplace's); alone, it picks its marketplace (GBP: www.amazon.co.uk, EUR: www.amazon.de)")
	fs.StringVar(&a.TrackingID, "tracking-id", "", "only rows of this tracking ID (required by *-tracking connectors)")
	fs.StringVar(&a.Mode, "mode", "orders", "import connector: orders or subtags")
	fs.StringVar(&a.CredentialID, "credential-id", "", "Creators API credential ID")
	fs.StringVar(&a.Secret, "secret", "", "Creators API secret, or DataFeed password (stored encrypted)")
	fs.StringVar(&a.CredentialVersion, "credential-version", "3.1", "credential version: 2.1–2.3 (Cognito) or 3.1–3.3 (Login with Amazon)")
	fs.StringVar(&a.APIBase, "api-base", "", "Creators API base URL (default https://creatorsapi.amazon), or the DataFeed host")
	fs.StringVar(&a.TokenURL, "token-url", "", "token URL (default from the credential version)")
	fs.StringVar(&a.Marketplace, "marketplace", "", "marketplace host (default: the one selling in --currency, else www.amazon.com); must sell in --currency when both are given")
	fs.StringVar(&a.Transport, "transport", "creators", "creators (Creators API Reports) or datafeed (legacy DataFeed: store ID and secret, Digest auth)")
}

// Check validates the account and makes its stored form; the settings'
// defaults are Settings.defaults, the same the stored form is read with.
func (a *Account) Check() (network.Draft, error) {
	s := Settings{Mode: lifecycle.Mode(a.Mode), Transport: a.Transport, CredentialVersion: a.CredentialVersion}
	s.defaults(a.Connector)
	a.Transport, a.CredentialVersion = s.Transport, s.CredentialVersion
	if a.Mode == "" {
		a.Mode = string(lifecycle.ModeOrders)
	}
	invalid := network.Invalid
	syncs := a.Connector != ConnectorImport
	switch {
	case !slices.Contains(connectors, a.Connector):
		return network.Draft{}, invalid("connector must be one of %v", connectors)
	case a.StoreID == "":
		return network.Draft{}, invalid("store ID is required")
	case a.Mode != string(lifecycle.ModeOrders) && a.Mode != string(lifecycle.ModeSubtags):
		return network.Draft{}, invalid("mode must be orders or subtags")
	case strings.HasSuffix(a.Connector, "-tracking") && a.TrackingID == "":
		return network.Draft{}, invalid("a tracking ID is required by the %s connector", a.Connector)
	case a.Transport != TransportCreators && a.Transport != TransportDataFeed:
		return network.Draft{}, invalid("transport must be creators or datafeed")
	case syncs && a.Transport == TransportCreators && (a.CredentialID == "" || a.Secret == ""):
		return network.Draft{}, invalid("a credential ID and a secret are required by the %s connector", a.Connector)
	case syncs && a.Transport == TransportDataFeed && a.Secret == "":
		return network.Draft{}, invalid("the secret (the DataFeed password) is required with the datafeed transport")
	}
	// The marketplace and the currency decide each other (SPEC §3.5); both
	// are stored, so every reader of the connection sees the same pair.
	m, err := ConnectionMarketplace(a.Marketplace, a.Currency)
	if err != nil {
		return network.Draft{}, invalid("%s", err.Error())
	}
	a.Marketplace, a.Currency = m.Host, m.Currency
	if a.Name == "" {
		a.Name = a.StoreID
	}
	return network.Draft{Network: Name, Connector: a.Connector, Name: a.Name, Currency: a.Currency, Settings: a.settings(),
		Secret: a.Secret}, nil
}

// settings is the stored form of a checked account.
func (a *Account) settings() map[string]string {
	settings := map[string]string{"store_id": a.StoreID, "marketplace": a.Marketplace}
	for k, v := range map[string]string{"tracking_id": a.TrackingID, "api_base": a.APIBase, "token_url": a.TokenURL, "credential_id": a.CredentialID} {
		if v != "" {
			settings[k] = v
		}
	}
	switch {
	case a.Connector == ConnectorImport:
		settings["mode"] = a.Mode
	case a.Transport == TransportDataFeed:
		settings["transport"] = TransportDataFeed
	default:
		settings["credential_version"] = a.CredentialVersion
	}
	return settings
}
