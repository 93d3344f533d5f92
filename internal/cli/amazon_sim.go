package cli

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
)

const amazonSimUsage = `Usage: affsync amazon-sim [--addr ADDR] [--seed N] [--days N] [--store-id ID] [--credential-id ID --secret S] [--fail-rate F]
                          [--marketplace www.amazon.com] [--today YYYY-MM-DD]

Serves a simulated Associates account: Creators API tokens (/auth/o2/token JSON, /oauth2/token form),
/reports/v1/listReports, /reports/v1/getReport (pre-signed URLs valid 5 minutes), the DataFeed
(/datafeed/listReports, /datafeed/getReport, HTTP Digest with the store ID and secret) and
/catalog/v1/getItems. Its data is a function of --seed and today's date.

Defaults: --addr ` + sim.DefaultAddr + ` --seed 1 --days 60 --store-id demo-20 --credential-id demo-credential --secret demo-secret --fail-rate 0
`

func runAmazonSim(env Env, args []string) error {
	if slices.ContainsFunc(args, func(a string) bool { return a == "-h" || a == "--help" || a == "-help" }) {
		fmt.Fprint(env.Stderr, amazonSimUsage)
		return flag.ErrHelp
	}
	cfg, addr, err := sim.ParseFlags(args)
	if err != nil {
		return usagef("%v", err)
	}
	s, err := sim.New(cfg)
	if err != nil {
		return usagef("%v", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	fmt.Fprintf(env.Stdout, "Amazon simulator for %s at http://%s (Creators API, DataFeed, catalog)\n", s.StoreID(), ln.Addr())
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-env.Context.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
