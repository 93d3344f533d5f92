package custom

import (
	"errors"
	"maps"
	"testing"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/store"
)

func TestAccountRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a        Account
		settings map[string]string
		rules    network.Rules
	}{
		{"defaults", Account{Name: " Shop "}, map[string]string{}, network.Rules{Transactions: true, Files: files, Program: "Shop"}},
		{"all given", Account{Name: "Shop", Currency: "eur", Program: "shop.de", DayFirst: true, Decimal: DecimalComma},
			map[string]string{"program": "shop.de", "day_first": "true", "decimal": "comma"},
			network.Rules{Transactions: true, Files: files, Currency: "EUR", Program: "shop.de", DayFirst: true, Decimal: money.HintComma}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.a.Check()
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(d.Settings, tc.settings) {
				t.Fatalf("stored %v, want %v", d.Settings, tc.settings)
			}
			c, err := Network{}.Open(store.Connection{ID: "c1", Name: d.Name, Network: d.Network, Connector: d.Connector, Currency: d.Currency, Settings: d.Settings})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Rules(); got != tc.rules {
				t.Fatalf("rules %+v, want %+v", got, tc.rules)
			}
			if _, err := c.Source("", network.SourceOptions{}); !errors.Is(err, network.ErrNotSyncable) {
				t.Fatalf("source: %v", err)
			}
		})
	}
}

func TestAccountInvalid(t *testing.T) {
	for _, tc := range []struct {
		a    Account
		want string
	}{
		{Account{Name: " "}, "a name is required"},
		{Account{Name: "n", Currency: "XYZ"}, `currency "XYZ" is not an ISO 4217 code`},
		{Account{Name: "n", Decimal: "space"}, "decimal must be dot or comma"},
	} {
		_, err := tc.a.Check()
		var invalid *network.InvalidError
		if !errors.As(err, &invalid) || invalid.Msg != tc.want {
			t.Errorf("%+v: %v, want %q", tc.a, err, tc.want)
		}
	}
	if _, err := (Network{}).Open(store.Connection{ID: "c1", Settings: map[string]string{"decimal": "space"}}); err == nil ||
		err.Error() != `connection c1: decimal "space": want dot or comma` {
		t.Fatalf("bad stored decimal: %v", err)
	}
}

func TestStatus(t *testing.T) {
	for word, want := range map[string]string{"Approved": "confirmed", "open": "pending", "REVERSED": "declined"} {
		if got, ok := Status(word); !ok || string(got) != want {
			t.Errorf("%s: %s %v", word, got, ok)
		}
	}
	if _, ok := Status("maybe"); ok {
		t.Error("maybe is a status")
	}
}
