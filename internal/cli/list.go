package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/affsync/affsync/client"
)

// The list commands read a running server through its API, as an app would:
// affsync transactions --custom user42, affsync revenues --group-by day.

// apiFlags are where the list commands find the server.
type apiFlags struct {
	url, key *string
	json     *bool
}

func addAPIFlags(fs *flag.FlagSet) apiFlags {
	return apiFlags{
		url:  fs.String("url", "", "server URL (default $AFFSYNC_URL or http://127.0.0.1:8080)"),
		key:  fs.String("api-key", "", "API key (default $AFFSYNC_API_KEY)"),
		json: fs.Bool("json", false, "print JSON, one object per line, instead of a table"),
	}
}

func (a apiFlags) client(env Env) (*client.Client, error) {
	url, key := *a.url, *a.key
	if url == "" {
		url = env.Getenv("AFFSYNC_URL")
	}
	if url == "" {
		url = "http://127.0.0.1:8080"
	}
	if key == "" {
		key = env.Getenv("AFFSYNC_API_KEY")
	}
	if key == "" {
		return nil, usagef("an API key is required: --api-key or AFFSYNC_API_KEY (affsync apikey create prints one)")
	}
	return client.New(url, key), nil
}

// apiError says what to do about an error of the API: a 400 is a usage
// error (exit 2); a wrong key or a server that does not answer says which
// setting to look at.
func apiError(err error) error {
	var e *client.Error
	switch {
	case errors.As(err, &e) && e.Status == 400:
		return usageError{e.Message}
	case errors.As(err, &e) && e.Status == 401:
		return fmt.Errorf("%w (check --api-key or AFFSYNC_API_KEY; affsync apikey create makes one)", err)
	case errors.As(err, &e):
		return err
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w (is affsync serve running there? set --url or AFFSYNC_URL)", err)
	}
	return err
}

func runTransactions(env Env, args []string) error {
	fs, _ := newFlags(env, "transactions", "transactions [--custom C] [--status S] [--since D] [--until D] [--time-type T] [--max N] [--json]")
	af := addAPIFlags(fs)
	var q client.TransactionQuery
	fs.StringVar(&q.Custom, "custom", "", "only transactions carrying this subid")
	fs.StringVar(&q.Status, "status", "", "pending, confirmed or declined")
	fs.StringVar(&q.Since, "since", "", "from this date or RFC 3339 instant (inclusive)")
	fs.StringVar(&q.Until, "until", "", "up to this date or instant (exclusive)")
	fs.StringVar(&q.TimeType, "time-type", "", "what since/until apply to: sold (default), clicked, checked, updated")
	fs.StringVar(&q.ConnectionID, "connection", "", "only this connection")
	fs.StringVar(&q.Channel, "channel", "", "only this channel (tracking ID)")
	fs.StringVar(&q.Program, "program", "", "only this program (e.g. amazon.com)")
	limit := fs.Int("max", 0, "stop after this many (0: all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	q.Limit = 1000
	tw := newTable(env.Stdout, *af.json, "ID", "SOLD", "STATUS", "CHANNEL", "CUSTOMS", "QTY", "SALE", "COMMISSION")
	n := 0
	for tx, err := range c.AllTransactions(env.Context, q) {
		if err != nil {
			return apiError(err)
		}
		if err := tw.row(tx, tx.ID, tx.SoldAt.Format("2006-01-02"), tx.Status, tx.Channel, strings.Join(tx.Customs, ","),
			fmt.Sprint(tx.Quantity), tx.SaleAmount+" "+tx.Currency, tx.Commission+" "+tx.Currency); err != nil {
			return err
		}
		if n++; *limit > 0 && n >= *limit {
			break
		}
	}
	return tw.flush()
}

func aggregateFlags(fs *flag.FlagSet) (*client.AggregateQuery, *string) {
	q := &client.AggregateQuery{}
	fs.StringVar(&q.Since, "since", "", "from this date (inclusive)")
	fs.StringVar(&q.Until, "until", "", "to this date (inclusive)")
	fs.StringVar(&q.ConnectionID, "connection", "", "only this connection")
	fs.StringVar(&q.Channel, "channel", "", "only this channel")
	fs.StringVar(&q.Program, "program", "", "only this program")
	fs.StringVar(&q.Custom, "custom", "", "only this subid")
	groupBy := fs.String("group-by", "day", "comma-separated: day, channel, program, custom")
	return q, groupBy
}

func runRevenues(env Env, args []string) error {
	fs, _ := newFlags(env, "revenues", "revenues [--group-by day,channel,program,custom] [--since D] [--until D] [--kind cps|cpc] [--json]")
	af := addAPIFlags(fs)
	q, groupBy := aggregateFlags(fs)
	fs.StringVar(&q.Kind, "kind", "", "cps (sales) or cpc (clicks); default both")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	q.GroupBy, q.Limit = splitList(*groupBy), 1000
	tw := newTable(env.Stdout, *af.json, "DATE", "CHANNEL", "PROGRAM", "CUSTOM", "KIND", "CURRENCY", "SALE", "COMMISSION", "SHIPPED", "RETURNED", "TRANSACTIONS")
	for r, err := range c.AllRevenues(env.Context, *q) {
		if err != nil {
			return apiError(err)
		}
		if err := tw.row(r, opt(r.Date), opt(r.Channel), opt(r.Program), opt(r.Custom), r.Kind, r.Currency, r.SaleAmount, r.Commission,
			fmt.Sprint(r.ItemsShipped), fmt.Sprint(r.ItemsReturned), fmt.Sprint(r.Transactions)); err != nil {
			return err
		}
	}
	return tw.flush()
}

func runClicks(env Env, args []string) error {
	fs, _ := newFlags(env, "clicks", "clicks [--group-by day,channel,program,custom,source] [--source report|redirect] [--since D] [--until D] [--json]")
	af := addAPIFlags(fs)
	q, groupBy := aggregateFlags(fs)
	fs.StringVar(&q.Source, "source", "", "report (a network's reports) or redirect (affsync's /r/ links); default both")
	if err := parse(fs, args); err != nil {
		return err
	}
	c, err := af.client(env)
	if err != nil {
		return err
	}
	q.GroupBy, q.Limit = splitList(*groupBy), 1000
	tw := newTable(env.Stdout, *af.json, "DATE", "CHANNEL", "PROGRAM", "CUSTOM", "SOURCE", "CLICKS")
	for r, err := range c.AllClicks(env.Context, *q) {
		if err != nil {
			return apiError(err)
		}
		if err := tw.row(r, opt(r.Date), opt(r.Channel), opt(r.Program), opt(r.Custom), opt(r.Source), fmt.Sprint(r.Clicks)); err != nil {
			return err
		}
	}
	return tw.flush()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func opt(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

// table prints rows aligned, or as JSON lines.
type table struct {
	tw   *tabwriter.Writer
	json *json.Encoder
}

func newTable(w io.Writer, asJSON bool, header ...string) *table {
	if asJSON {
		return &table{json: json.NewEncoder(w)}
	}
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	fmt.Fprintln(t.tw, strings.Join(header, "\t"))
	return t
}

// row prints v as JSON, or the cells as a table row.
func (t *table) row(v any, cells ...string) error {
	if t.json != nil {
		return t.json.Encode(v)
	}
	_, err := fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
	return err
}

func (t *table) flush() error {
	if t.tw != nil {
		return t.tw.Flush()
	}
	return nil
}
