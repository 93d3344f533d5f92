package collector

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/network/amazon"

	"github.com/affsync/affsync/internal/store"
)

// AmazonConnectors are the connectors of SPEC §3.2.
var AmazonConnectors = []string{"creators", "creators-tracking", "creators-subtags", "creators-subtags-tracking", "import"}

// AmazonAccount is what a person gives to connect an Amazon account (the
// CLI's flags, the API's body, the dashboard's form).
type AmazonAccount struct {
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
	Marketplace       string `json:"marketplace"` // default: the currency's (amazon.HomeMarketplace), else www.amazon.com
	Transport         string `json:"transport"`   // creators (default) or datafeed
}

// InvalidError is a mistake in what was given; the message says which.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// RefusedError is an account that did not pass the real check.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "connection refused: " + e.Reason }

func (a *AmazonAccount) check() error {
	if a.Mode == "" {
		a.Mode = "orders"
	}
	if a.Transport == "" {
		a.Transport = "creators"
	}
	if a.CredentialVersion == "" {
		a.CredentialVersion = "3.1"
	}
	invalid := func(format string, args ...any) error { return &InvalidError{fmt.Sprintf(format, args...)} }
	switch {
	case !slices.Contains(AmazonConnectors, a.Connector):
		return invalid("connector must be one of %v", AmazonConnectors)
	case a.StoreID == "":
		return invalid("store ID is required")
	case a.Mode != "orders" && a.Mode != "subtags":
		return invalid("mode must be orders or subtags")
	case (a.Connector == "creators-tracking" || a.Connector == "creators-subtags-tracking") && a.TrackingID == "":
		return invalid("a tracking ID is required by the %s connector", a.Connector)
	case a.Transport != "creators" && a.Transport != "datafeed":
		return invalid("transport must be creators or datafeed")
	case a.Connector != "import" && a.Transport == "creators" && (a.CredentialID == "" || a.Secret == ""):
		return invalid("a credential ID and a secret are required by the %s connector", a.Connector)
	case a.Connector != "import" && a.Transport == "datafeed" && a.Secret == "":
		return invalid("the secret (the DataFeed password) is required with the datafeed transport")
	}
	// The marketplace and the currency decide each other (SPEC §3.5); both
	// are stored, so every reader of the connection sees the same pair.
	m, err := amazon.ConnectionMarketplace(a.Marketplace, a.Currency)
	if err != nil {
		return invalid("%s", err.Error())
	}
	a.Marketplace, a.Currency = m.Host, m.Currency
	return nil
}

func (a AmazonAccount) settings() map[string]string {
	settings := map[string]string{"store_id": a.StoreID, "marketplace": a.Marketplace}
	for k, v := range map[string]string{"tracking_id": a.TrackingID, "api_base": a.APIBase, "token_url": a.TokenURL, "credential_id": a.CredentialID} {
		if v != "" {
			settings[k] = v
		}
	}
	switch {
	case a.Connector == "import":
		settings["mode"] = a.Mode
	case a.Transport == "datafeed":
		settings["transport"] = "datafeed"
	default:
		settings["credential_version"] = a.CredentialVersion
	}
	return settings
}

// Connect checks an Amazon account for real (a token and at least one
// listed report; file import needs neither) and stores the connection, its
// secret sealed, due to sync at once. sealer may be nil when no secret is given.
func Connect(ctx context.Context, s *store.Store, sealer store.Sealer, workspaceID string, a AmazonAccount) (store.Connection, error) {
	if err := a.check(); err != nil {
		return store.Connection{}, err
	}
	settings := a.settings()
	var secrets map[string]string
	if a.Secret != "" {
		if sealer == nil {
			return store.Connection{}, store.ErrNoSealer
		}
		secrets = map[string]string{"secret": a.Secret}
	}
	var next *time.Time
	if a.Connector != "import" {
		src, err := NewSource(settings, a.Secret, nil, nil)
		if err != nil {
			return store.Connection{}, &InvalidError{err.Error()}
		}
		if err := Validate(ctx, src); err != nil {
			return store.Connection{}, &RefusedError{err.Error()}
		}
		now := time.Now().UTC()
		next = &now // the scheduler of 'affsync serve' syncs it at once
	}
	if a.Name == "" {
		a.Name = a.StoreID
	}
	c, err := s.CreateConnection(ctx, sealer, store.Connection{WorkspaceID: workspaceID, Network: "amazon", Connector: a.Connector,
		Name: a.Name, Currency: a.Currency, Settings: settings, NextRunAt: next}, secrets)
	if err != nil {
		return c, err
	}
	if p := ProgramOf(c); p != "" {
		if err := s.SetProgramStatus(ctx, workspaceID, c.ID, p, ProgramJoined, "connected"); err != nil {
			return c, err
		}
	}
	return c, nil
}

// CustomAccount is a connection of the custom network (SPEC §4.4): a
// network affsync has no connector for, whose transactions a person imports
// as CSV files.
type CustomAccount struct {
	Name     string `json:"name"`
	Currency string `json:"currency"`  // default currency of rows without one
	Program  string `json:"program"`   // program of rows without one (default: the name)
	DayFirst bool   `json:"day_first"` // slashed dates are day first (02/10/2026 is 2 October)
	Decimal  string `json:"decimal"`   // "dot" or "comma" where an amount alone cannot tell ("1,234"); default: refuse such amounts
}

// ConnectCustom stores a custom network connection. Nothing is checked
// against a network; it is never synced, only imported into.
func ConnectCustom(ctx context.Context, s *store.Store, workspaceID string, a CustomAccount) (store.Connection, error) {
	a.Currency = strings.ToUpper(strings.TrimSpace(a.Currency))
	switch {
	case strings.TrimSpace(a.Name) == "":
		return store.Connection{}, &InvalidError{"a name is required"}
	case a.Currency != "" && !knownCurrency(a.Currency):
		return store.Connection{}, &InvalidError{fmt.Sprintf("currency %q is not an ISO 4217 code", a.Currency)}
	case a.Decimal != "" && a.Decimal != "dot" && a.Decimal != "comma":
		return store.Connection{}, &InvalidError{"decimal must be dot or comma"}
	}
	settings := map[string]string{}
	if a.Program != "" {
		settings["program"] = a.Program
	}
	if a.DayFirst {
		settings["day_first"] = "true"
	}
	if a.Decimal != "" {
		settings["decimal"] = a.Decimal
	}
	return s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: workspaceID, Network: "custom", Connector: "import",
		Name: strings.TrimSpace(a.Name), Currency: a.Currency, Settings: settings}, nil)
}

func knownCurrency(code string) bool {
	_, ok := money.LookupCurrency(code)
	return ok
}
