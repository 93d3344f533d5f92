package connect_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/amazon"
	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/network/custom"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var ctx = context.Background()

// TestCreate connects each kind of account and reads back what was stored:
// a syncing Amazon account checked against the simulator over HTTP (due at
// once, its marketplace joined), a refused one (nothing stored), a file
// import one and a custom one (never due).
func TestCreate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		simulator, err := sim.New(sim.Config{Seed: 7, Days: 5, Today: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(simulator)
		t.Cleanup(srv.Close)
		ws, err := s.EnsureWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		opts := connect.Options{Now: func() time.Time { return now }}
		account := func(secretValue string) *amazon.Account {
			return &amazon.Account{Connector: amazon.ConnectorCreatorsSubtags, StoreID: simulator.StoreID(), CredentialID: "demo-credential",
				Secret: secretValue, APIBase: srv.URL, TokenURL: srv.URL + "/auth/o2/token"}
		}

		c, err := connect.Create(ctx, s, box, ws.ID, amazon.Network{}, account("demo-secret"), opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Connection(ctx, ws.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Network != "amazon" || got.Connector != "creators-subtags" || !got.HasSecret || got.NextRunAt == nil || !got.NextRunAt.Equal(now) {
			t.Fatalf("stored %+v", got)
		}
		if p, err := s.Program(ctx, ws.ID, c.ID, "amazon.com"); err != nil || p.Status != connect.ProgramJoined {
			t.Fatalf("program %+v %v", p, err)
		}

		_, err = connect.Create(ctx, s, box, ws.ID, amazon.Network{}, account("not-the-secret"), opts)
		var refused *connect.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(refused.Reason, "credentials rejected") || strings.Contains(err.Error(), "not-the-secret") {
			t.Fatalf("wrong secret: %v", err)
		}
		if _, err := connect.Create(ctx, s, nil, ws.ID, amazon.Network{}, account("demo-secret"), opts); !errors.Is(err, store.ErrNoSealer) {
			t.Fatalf("a secret without a sealer: %v", err)
		}

		imp, err := connect.Create(ctx, s, nil, ws.ID, amazon.Network{}, &amazon.Account{Connector: amazon.ConnectorImport, StoreID: "s-21",
			Currency: "GBP"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if imp.NextRunAt != nil || imp.Settings["marketplace"] != "www.amazon.co.uk" {
			t.Fatalf("import connection %+v", imp)
		}
		cu, err := connect.Create(ctx, s, nil, ws.ID, custom.Network{}, &custom.Account{Name: "Shop", Currency: "EUR", DayFirst: true}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if cu.Network != "custom" || cu.Connector != "import" || cu.NextRunAt != nil || cu.Settings["day_first"] != "true" {
			t.Fatalf("custom connection %+v", cu)
		}
		var invalid *network.InvalidError
		if _, err := connect.Create(ctx, s, nil, ws.ID, custom.Network{}, &custom.Account{}, opts); !errors.As(err, &invalid) {
			t.Fatalf("no name: %v", err)
		}
		all, err := s.Connections(ctx, ws.ID)
		if err != nil || len(all) != 3 {
			t.Fatalf("%d connections stored (%v), want 3: a refused or invalid account stores none", len(all), err)
		}
	})
}
