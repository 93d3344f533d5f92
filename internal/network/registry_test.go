package network_test

import (
	"slices"
	"testing"

	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/amazon"
	"github.com/affsync/affsync/internal/network/networks"
	"github.com/affsync/affsync/internal/store"
)

func TestRegistry(t *testing.T) {
	reg := networks.Builtin()
	if got := reg.Names(); !slices.Equal(got, []string{"amazon", "custom"}) {
		t.Fatalf("names %v", got)
	}
	for _, tc := range []struct {
		c    store.Connection
		want string // "" when it opens
		sync bool
	}{
		{store.Connection{ID: "c1", Network: "amazon", Connector: "creators", Settings: map[string]string{}}, "", true},
		{store.Connection{ID: "c2", Network: "amazon", Connector: "import", Settings: map[string]string{}}, "", false},
		{store.Connection{ID: "c3", Network: "custom", Connector: "import", Name: "Shop", Settings: map[string]string{}}, "", false},
		{store.Connection{ID: "c4", Network: "ebay", Connector: "import"}, `connection c4: network "ebay" is not one of [amazon custom]`, false},
		{store.Connection{ID: "c5", Network: "custom", Connector: "creators"}, `connection c5: connector "creators" is not one of custom's [import]`, false},
	} {
		_, err := reg.Open(tc.c)
		if (err == nil) != (tc.want == "") || (err != nil && err.Error() != tc.want) {
			t.Errorf("%s: %v, want %q", tc.c.ID, err, tc.want)
		}
		if reg.Syncs(tc.c) != tc.sync {
			t.Errorf("%s: syncs %v", tc.c.ID, !tc.sync)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a network registered twice did not panic")
		}
	}()
	network.NewRegistry(amazon.Network{}, amazon.Network{})
}
