package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/affsync/affsync/internal/collector"
	"github.com/affsync/affsync/internal/store"
)

// amazonConnectors are the connectors of SPEC §3.2.
var amazonConnectors = []string{"creators", "creators-tracking", "creators-subtags", "creators-subtags-tracking", "import"}

func runConnection(env Env, args []string) error {
	const usage = "connection add amazon --connector ID --store-id ID [--name N] [--currency CUR] [--tracking-id TAG] [--mode orders|subtags]\n" +
		"       [--credential-id ID --secret S --credential-version V] [--api-base URL] [--token-url URL] [--marketplace www.amazon.com]"
	if len(args) < 2 || args[0] != "add" {
		return usagef("usage: affsync %s", usage)
	}
	if args[1] != "amazon" {
		return usagef("network %q is not supported by connection add; supported: amazon", args[1])
	}
	fs, g := newFlags(env, "connection add amazon", usage)
	connector := fs.String("connector", "", "one of "+fmt.Sprint(amazonConnectors)+" (required)")
	storeID := fs.String("store-id", "", "Associates store ID, e.g. mystore-20 (required)")
	name := fs.String("name", "", "display name (default: the store ID)")
	currency := fs.String("currency", "", "ISO 4217 currency (default: the marketplace's)")
	trackingID := fs.String("tracking-id", "", "only rows of this tracking ID (required by *-tracking connectors)")
	mode := fs.String("mode", "orders", "import connector: orders or subtags")
	credentialID := fs.String("credential-id", "", "Creators API credential ID")
	secretValue := fs.String("secret", "", "Creators API secret (stored encrypted)")
	version := fs.String("credential-version", "3.1", "credential version: 2.1–2.3 (Cognito) or 3.1–3.3 (Login with Amazon)")
	apiBase := fs.String("api-base", "", "Creators API base URL (default https://creatorsapi.amazon)")
	tokenURL := fs.String("token-url", "", "token URL (default from the credential version)")
	marketplace := fs.String("marketplace", "www.amazon.com", "marketplace host")
	transport := fs.String("transport", "creators", "creators (Creators API Reports) or datafeed (legacy DataFeed: store ID and secret, Digest auth; --api-base is its host)")
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	switch {
	case !slices.Contains(amazonConnectors, *connector):
		return usagef("--connector must be one of %v", amazonConnectors)
	case *storeID == "":
		return usagef("--store-id is required")
	case *mode != "orders" && *mode != "subtags":
		return usagef("--mode must be orders or subtags")
	case (*connector == "creators-tracking" || *connector == "creators-subtags-tracking") && *trackingID == "":
		return usagef("--tracking-id is required by the %s connector", *connector)
	case *transport != "creators" && *transport != "datafeed":
		return usagef("--transport must be creators or datafeed")
	case *connector != "import" && *transport == "creators" && (*credentialID == "" || *secretValue == ""):
		return usagef("--credential-id and --secret are required by the %s connector", *connector)
	case *connector != "import" && *transport == "datafeed" && *secretValue == "":
		return usagef("--secret (the DataFeed password) is required with --transport datafeed")
	}
	s, err := g.openStore(env)
	if err != nil {
		return err
	}
	defer s.Close()
	ws, err := s.EnsureWorkspace(env.Context, g.workspaceName(env))
	if err != nil {
		return err
	}
	settings := map[string]string{"store_id": *storeID, "marketplace": *marketplace}
	for k, v := range map[string]string{"tracking_id": *trackingID, "api_base": *apiBase, "token_url": *tokenURL, "credential_id": *credentialID} {
		if v != "" {
			settings[k] = v
		}
	}
	switch {
	case *connector == "import":
		settings["mode"] = *mode
	case *transport == "datafeed":
		settings["transport"] = "datafeed"
	default:
		settings["credential_version"] = *version
	}
	var secrets map[string]string
	if *secretValue != "" {
		secrets = map[string]string{"secret": *secretValue}
	}
	var box store.Sealer // only credentials need the key
	if secrets != nil {
		b, err := sealer(env, s)
		if err != nil {
			return err
		}
		box = b
	}
	if *connector != "import" {
		// Connecting checks the account for real: a token and a listed report.
		src, err := collector.NewSource(settings, *secretValue, nil, nil)
		if err != nil {
			return usagef("%v", err)
		}
		if err := collector.Validate(env.Context, src); err != nil {
			return fmt.Errorf("connection refused: %w", err)
		}
	}
	if *name == "" {
		*name = *storeID
	}
	var next *time.Time
	if *connector != "import" {
		now := time.Now().UTC()
		next = &now // the scheduler of 'affsync serve' syncs it at once
	}
	c, err := s.CreateConnection(env.Context, box, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: *connector,
		Name: *name, Currency: *currency, Settings: settings, NextRunAt: next}, secrets)
	if err != nil {
		return err
	}
	return printJSON(env, connectionJSON(c))
}

// connectionJSON is a connection as the CLI and API show it: never its secrets.
func connectionJSON(c store.Connection) map[string]any {
	return map[string]any{
		"id": c.ID, "network": c.Network, "connector": c.Connector, "name": c.Name, "currency": c.Currency,
		"settings": c.Settings, "has_secret": c.HasSecret, "status": c.Status, "last_error": c.LastError,
		"created_at": c.CreatedAt.Format(time.RFC3339),
	}
}

func printJSON(env Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
