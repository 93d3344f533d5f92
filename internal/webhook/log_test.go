package webhook_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/webhook"
	"github.com/affsync/affsync/internal/wire"
)

// A receiver that cannot be reached is logged, once per attempt at info,
// without the token or password its URL carries, and the delivery log
// leaves them out too.
func TestUnreachableReceiverKeepsItsURLSecrets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box := newBox(t)
		a := newTenant(t, s, "a")
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close() // nothing listens there now
		hookURL := strings.Replace(gone.URL, "http://", "http://hook:pa55word@", 1) + "/in?token=tok3n"
		hook := a.hook(t, box, hookURL, "whsec_signing", wire.EventTransactionCreated)
		a.importFile(t, file("shop-20-earnings-report-subtags-20261001.tsv.gz", gzipped(day1)))

		var logs bytes.Buffer
		d := &webhook.Dispatcher{Store: s, Sealer: box, Owner: "test", Log: slog.New(slog.NewTextHandler(&logs, nil))}
		if n, err := d.DeliverDue(ctx); err != nil || n != 3 {
			t.Fatalf("claimed %d, %v", n, err)
		}
		list := a.deliveries(t, hook.ID)
		if len(list) != 3 {
			t.Fatalf("%d deliveries", len(list))
		}
		for _, x := range list {
			if len(x.Log) != 1 || x.Log[0].Error == "" || !strings.Contains(x.Log[0].Error, "/in") {
				t.Fatalf("delivery %d logged %+v", x.ID, x.Log)
			}
			for _, leak := range []string{"tok3n", "pa55word"} {
				if strings.Contains(x.Log[0].Error, leak) {
					t.Errorf("the delivery log holds %q: %s", leak, x.Log[0].Error)
				}
			}
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d log lines, want one per attempt:\n%s", len(lines), logs.String())
		}
		for _, l := range lines {
			if !strings.Contains(l, `level=INFO msg="webhook delivery"`) || !strings.Contains(l, "delivered=false") {
				t.Errorf("line: %s", l)
			}
			for _, leak := range []string{"tok3n", "pa55word", "whsec_signing"} {
				if strings.Contains(l, leak) {
					t.Errorf("log line holds %q: %s", leak, l)
				}
			}
		}
	})
}
