package amazon

import (
	"errors"
	"maps"
	"testing"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/amazon/files"
	"github.com/affsync/affsync/internal/store"
)

// TestAccountRoundTrip: what Check stores is read back by Open into the
// rules the importer and the syncer follow, with the same defaults.
func TestAccountRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a        Account
		settings map[string]string
		rules    network.Rules
	}{
		{"subtags over the Creators API", Account{Connector: ConnectorCreatorsSubtags, StoreID: "s-20", CredentialID: "id", Secret: "x"},
			map[string]string{"store_id": "s-20", "marketplace": "www.amazon.com", "credential_id": "id", "credential_version": "3.1"},
			network.Rules{Reports: true, Files: files.Reports{}, Syncs: true, Mode: lifecycle.ModeSubtags, Currency: "USD", Program: "amazon.com", AccountProgram: "amazon.com",
				Decimal: mustMarketplace(t, "www.amazon.com").Decimal}},
		{"orders over the DataFeed, by currency", Account{Connector: ConnectorCreators, StoreID: "s-21", Secret: "pw", Transport: TransportDataFeed, Currency: "EUR"},
			map[string]string{"store_id": "s-21", "marketplace": "www.amazon.de", "transport": "datafeed"},
			network.Rules{Reports: true, Files: files.Reports{}, Syncs: true, Mode: lifecycle.ModeOrders, Currency: "EUR", Program: "amazon.de", AccountProgram: "amazon.de",
				DayFirst: true, Decimal: mustMarketplace(t, "www.amazon.de").Decimal}},
		{"file import in subtags mode", Account{Connector: ConnectorImport, StoreID: "s-22", Mode: "subtags", TrackingID: "tag-20"},
			map[string]string{"store_id": "s-22", "marketplace": "www.amazon.com", "mode": "subtags", "tracking_id": "tag-20"},
			network.Rules{Reports: true, Files: files.Reports{}, Mode: lifecycle.ModeSubtags, Currency: "USD", Program: "amazon.com", AccountProgram: "amazon.com",
				Decimal: mustMarketplace(t, "www.amazon.com").Decimal}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.a.Check()
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(d.Settings, tc.settings) {
				t.Fatalf("stored %v, want %v", d.Settings, tc.settings)
			}
			c, err := Network{}.Open(store.Connection{ID: "c1", Network: d.Network, Connector: d.Connector, Currency: d.Currency, Settings: d.Settings})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Rules(); got != tc.rules {
				t.Fatalf("rules %+v, want %+v", got, tc.rules)
			}
		})
	}
}

func mustMarketplace(t *testing.T, host string) Marketplace {
	m, ok := LookupMarketplace(host)
	if !ok {
		t.Fatalf("no marketplace %s", host)
	}
	return m
}

func TestAccountInvalid(t *testing.T) {
	for _, tc := range []struct {
		a    Account
		want string
	}{
		{Account{Connector: "creatorz", StoreID: "s"}, "connector must be one of [creators creators-tracking creators-subtags creators-subtags-tracking import]"},
		{Account{Connector: ConnectorImport}, "store ID is required"},
		{Account{Connector: ConnectorImport, StoreID: "s", Mode: "clicks"}, "mode must be orders or subtags"},
		{Account{Connector: ConnectorCreatorsTracking, StoreID: "s", CredentialID: "i", Secret: "x"}, "a tracking ID is required by the creators-tracking connector"},
		{Account{Connector: ConnectorCreators, StoreID: "s", Transport: "ftp"}, "transport must be creators or datafeed"},
		{Account{Connector: ConnectorCreators, StoreID: "s", Secret: "x"}, "a credential ID and a secret are required by the creators connector"},
		{Account{Connector: ConnectorCreators, StoreID: "s", Transport: TransportDataFeed}, "the secret (the DataFeed password) is required with the datafeed transport"},
	} {
		_, err := tc.a.Check()
		var invalid *network.InvalidError
		if !errors.As(err, &invalid) || invalid.Msg != tc.want {
			t.Errorf("%+v: %v, want %q", tc.a, err, tc.want)
		}
	}
}

// TestOpenRefusesBadStoredForms: a stored form that was not written by
// Check is an error naming the connection, not a silent default.
func TestOpenRefusesBadStoredForms(t *testing.T) {
	for _, tc := range []struct {
		connector string
		settings  map[string]string
		want      string
	}{
		{ConnectorImport, map[string]string{"mode": "clicks"}, `connection c1: mode "clicks": want orders or subtags`},
		{ConnectorCreators, map[string]string{"transport": "ftp"}, `connection c1: transport "ftp": want creators or datafeed`},
		{ConnectorImport, map[string]string{"return_window_days": "-3"}, `connection c1: return_window_days "-3" is not a number of days`},
	} {
		_, err := Network{}.Open(store.Connection{ID: "c1", Network: Name, Connector: tc.connector, Settings: tc.settings})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: %v, want %q", tc.settings, err, tc.want)
		}
	}
	c, err := Network{}.Open(store.Connection{ID: "c1", Network: Name, Connector: ConnectorImport, Settings: map[string]string{"return_window_days": "7"}})
	if err != nil || c.Rules().ReturnWindowDays != 7 {
		t.Fatalf("return window: %v", err)
	}
	if _, err := c.Source("", network.SourceOptions{}); !errors.Is(err, network.ErrNotSyncable) {
		t.Fatalf("an import connection's source: %v", err)
	}
}
