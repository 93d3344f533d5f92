package cli

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
)

func runAmazonSim(env Env, args []string) error {
	fs, _ := newFlags(env, "amazon-sim", "amazon-sim [--addr ADDR] [--seed N] [--days N] [--store-id ID] [--credential-id ID --secret S] [--fail-rate F]")
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	seed := fs.Int64("seed", 1, "seed of the account's data")
	days := fs.Int("days", 60, "days of reports, up to yesterday")
	storeID := fs.String("store-id", "demo-20", "store ID (tracking ID prefix)")
	credID := fs.String("credential-id", "demo-credential", "the credential ID the token endpoints accept")
	secretValue := fs.String("secret", "demo-secret", "the secret the token endpoints accept")
	failRate := fs.Float64("fail-rate", 0, "share of API calls answered 429 or 500, 0 to 0.99")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *days < 1 || *days > 3650 {
		return usagef("--days must be from 1 to 3650")
	}
	s, err := sim.New(sim.Config{Seed: *seed, Days: *days, StoreID: *storeID, CredentialID: *credID, Secret: *secretValue, FailRate: *failRate})
	if err != nil {
		return usagef("%v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	fmt.Fprintf(env.Stdout, "Amazon simulator for %s at http://%s (token: /auth/o2/token JSON, /oauth2/token form)\n", *storeID, ln.Addr())
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-env.Context.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}
