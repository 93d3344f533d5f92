package collector

import (
	"context"
	"fmt"
	"slices"
	"time"

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
	Currency          string `json:"currency"`
	TrackingID        string `json:"tracking_id"`
	Mode              string `json:"mode"` // import: orders (default) or subtags
	CredentialID      string `json:"credential_id"`
	Secret            string `json:"secret"`
	CredentialVersion string `json:"credential_version"` // default 3.1
	APIBase           string `json:"api_base"`
	TokenURL          string `json:"token_url"`
	Marketplace       string `json:"marketplace"` // default www.amazon.com
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
	if a.Marketplace == "" {
		a.Marketplace = "www.amazon.com"
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
	return s.CreateConnection(ctx, sealer, store.Connection{WorkspaceID: workspaceID, Network: "amazon", Connector: a.Connector,
		Name: a.Name, Currency: a.Currency, Settings: settings, NextRunAt: next}, secrets)
}
