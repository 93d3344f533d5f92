package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/affsync/affsync/internal/collector"
	"github.com/affsync/affsync/internal/store"
)

func runConnection(env Env, args []string) error {
	const usage = "connection add amazon --connector ID --store-id ID [--name N] [--currency CUR] [--tracking-id TAG] [--mode orders|subtags]\n" +
		"       [--credential-id ID --secret S --credential-version V] [--api-base URL] [--token-url URL] [--marketplace www.amazon.com]\n" +
		"       [--transport creators|datafeed]\n" +
		"       connection add custom --name N [--currency CUR] [--program P] [--day-first] [--decimal dot|comma]"
	if len(args) < 2 || args[0] != "add" {
		return usagef("usage: affsync %s", usage)
	}
	switch args[1] {
	case "amazon":
	case "custom":
		return addCustomConnection(env, args[2:])
	default:
		return usagef("network %q is not supported by connection add; supported: amazon, custom", args[1])
	}
	fs, g := newFlags(env, "connection add amazon", usage)
	var a collector.AmazonAccount
	fs.StringVar(&a.Connector, "connector", "", "one of "+fmt.Sprint(collector.AmazonConnectors)+" (required)")
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
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	var box store.Sealer // only credentials need the key
	if a.Secret != "" {
		b, err := sealer(env, s)
		if err != nil {
			return err
		}
		box = b
	}
	c, err := collector.Connect(env.Context, s, box, ws.ID, a)
	var invalid *collector.InvalidError
	if errors.As(err, &invalid) {
		return usageError{invalid.Msg}
	}
	if err != nil {
		return err
	}
	return printJSON(env, connectionJSON(c))
}

// addCustomConnection adds a connection of the custom network (SPEC §4.4):
// its transactions come from CSV files given to 'affsync import'.
func addCustomConnection(env Env, args []string) error {
	fs, g := newFlags(env, "connection add custom", "connection add custom --name N [--currency CUR] [--program P] [--day-first] [--decimal dot|comma]")
	var a collector.CustomAccount
	fs.StringVar(&a.Name, "name", "", "display name of the network (required)")
	fs.StringVar(&a.Currency, "currency", "", "ISO 4217 currency of rows without a currency column")
	fs.StringVar(&a.Program, "program", "", "program of rows without a program column (default: the name)")
	fs.BoolVar(&a.DayFirst, "day-first", false, "slashed dates are day first (02/10/2026 is 2 October)")
	fs.StringVar(&a.Decimal, "decimal", "", "the decimal mark where an amount alone cannot tell (1,234): dot or comma")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := collector.ConnectCustom(env.Context, s, ws.ID, a)
	var invalid *collector.InvalidError
	if errors.As(err, &invalid) {
		return usageError{invalid.Msg}
	}
	if err != nil {
		return err
	}
	return printJSON(env, connectionJSON(c))
}

// connectionJSON is a connection as the CLI shows it: never its secrets.
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
