// Package webhook sends the events that the store queues (table
// webhook_deliveries) to their webhooks: signed POSTs, retried with
// exponential backoff for a day, every attempt logged.
package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/store"
)

// Dispatcher delivers due webhook deliveries. The database is the queue:
// deliveries are claimed with a lease, so several instances on one
// PostgreSQL database never send one delivery at once, and a dead
// instance's claims come due again when their lease ends.
type Dispatcher struct {
	Store  *store.Store
	Sealer store.Sealer // opens the signing secrets
	Log    *slog.Logger
	Client *http.Client // default: follows no redirects
	Owner  string       // this instance; default host:pid:random
	// Metrics counts the attempts; nil: none.
	Metrics *metrics.Metrics

	Poll     time.Duration // how often the queue is looked at when idle; default 5 seconds
	Timeout  time.Duration // per POST; default 10 seconds
	Batch    int           // deliveries claimed and sent at once; default 16
	RetryFor time.Duration // retries stop this long after the first attempt; default 24 hours
	// RetryBase is the pause after a first failed attempt, doubling on each
	// next one up to an hour; default 30 seconds (see Backoff).
	RetryBase time.Duration
	// RetainFor is how long ended deliveries stay in the log; default 30
	// days. Run prunes older ones once an hour.
	RetainFor time.Duration
	Now       func() time.Time
	// Jitter returns a number in [0, 1) that spreads retries; default math/rand.
	Jitter func() float64
}

func (d *Dispatcher) defaults() {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Timeout <= 0 {
		d.Timeout = 10 * time.Second
	}
	if d.Client == nil {
		// A redirect is an answer, not a place to send a signed body to.
		d.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if d.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		d.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if d.Poll <= 0 {
		d.Poll = 5 * time.Second
	}
	if d.Batch <= 0 {
		d.Batch = 16
	}
	if d.RetryFor <= 0 {
		d.RetryFor = 24 * time.Hour
	}
	if d.RetryBase <= 0 {
		d.RetryBase = DefaultRetryBase
	}
	if d.RetainFor <= 0 {
		d.RetainFor = 30 * 24 * time.Hour
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Jitter == nil {
		d.Jitter = mrand.Float64
	}
}

// Run delivers until ctx ends, with at most Batch POSTs in flight. Each
// delivery gives its slot back when it ends, and a freed slot is filled at
// once: a receiver that hangs until the timeout holds only its own slots,
// never a whole batch of other receivers' deliveries behind it.
func (d *Dispatcher) Run(ctx context.Context) {
	d.defaults()
	t := time.NewTicker(d.Poll)
	defer t.Stop()
	free := make(chan struct{}, d.Batch)
	for range d.Batch {
		free <- struct{}{}
	}
	freed := make(chan struct{}, 1) // a slot came back: look again
	var inflight sync.WaitGroup
	defer inflight.Wait()
	var pruned time.Time
	for {
		if now := d.Now(); now.Sub(pruned) >= time.Hour {
			pruned = now
			if _, err := d.Prune(ctx); err != nil && ctx.Err() == nil {
				d.Log.Warn("webhook log retention", "err", err)
			}
		}
		n, more := len(free), false
		if n > 0 {
			claimed, secrets, err := d.claim(ctx, n)
			if err != nil && ctx.Err() == nil {
				d.Log.Warn("webhook deliveries", "err", err)
			}
			for _, o := range claimed {
				<-free
				inflight.Go(func() {
					defer func() {
						free <- struct{}{}
						select {
						case freed <- struct{}{}:
						default:
						}
					}()
					if err := d.deliverOrRelease(ctx, o, secrets[o.WebhookID]); err != nil && ctx.Err() == nil {
						d.Log.Warn("webhook deliveries", "err", err)
					}
				})
			}
			more = err == nil && len(claimed) == n // the queue may hold more
		}
		if more && len(free) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-freed:
			if !more {
				// The queue was empty at the last look: wait for the poll,
				// not for every delivery's end.
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}
	}
}

// claim takes up to n due deliveries, with a lease that outlasts the POST
// so that no one else takes a delivery in flight, and their webhooks' secrets.
func (d *Dispatcher) claim(ctx context.Context, n int) ([]store.Outgoing, map[string]secret, error) {
	claimed, err := d.Store.ClaimDeliveries(ctx, d.Owner, d.Now(), d.Timeout+time.Minute, n)
	if err != nil {
		return nil, nil, err
	}
	return claimed, d.secrets(ctx, claimed), nil
}

// deliverOrRelease makes one attempt; when the shutdown cut it short, the
// delivery goes back at once, so another instance sends it now, not when
// the lease runs out. The error is the attempt's (nil when given back).
func (d *Dispatcher) deliverOrRelease(ctx context.Context, o store.Outgoing, sec secret) error {
	err := d.deliver(ctx, o, sec)
	if !errors.Is(err, errUnsent) {
		return err
	}
	release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	// Logged here: Run says nothing of errors once ctx has ended.
	if n, err := d.Store.ReleaseDeliveries(release, d.Owner, d.Now(), []int64{o.ID}); err != nil {
		d.Log.Warn("webhook delivery left to its lease", "delivery", o.ID, "err", err)
	} else if n > 0 {
		d.Log.Info("webhook delivery released for another instance", "delivery", o.ID)
	}
	return nil
}

// Prune deletes the ended deliveries older than RetainFor.
func (d *Dispatcher) Prune(ctx context.Context) (int64, error) {
	d.defaults()
	return d.Store.PruneDeliveries(ctx, d.Now().Add(-d.RetainFor))
}

// DeliverDue claims one batch of due deliveries, sends them at once and
// records each outcome. It answers how many it claimed.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	d.defaults()
	claimed, secrets, err := d.claim(ctx, d.Batch)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(claimed))
	for i, o := range claimed {
		wg.Go(func() { errs[i] = d.deliverOrRelease(ctx, o, secrets[o.WebhookID]) })
	}
	wg.Wait()
	return len(claimed), errors.Join(errs...)
}

// errUnsent marks a claimed delivery whose attempt the shutdown cut short.
var errUnsent = errors.New("not sent: shutting down")

// secret is a webhook's signing secret, or why it cannot be had.
type secret struct {
	value string
	err   error
}

// secrets opens each webhook's secret once per batch.
func (d *Dispatcher) secrets(ctx context.Context, claimed []store.Outgoing) map[string]secret {
	out := map[string]secret{}
	for _, o := range claimed {
		if _, ok := out[o.WebhookID]; !ok {
			v, err := d.Store.WebhookSecret(ctx, d.Sealer, o.WorkspaceID, o.WebhookID)
			out[o.WebhookID] = secret{v, err}
		}
	}
	return out
}

// deliver makes one attempt and records it.
func (d *Dispatcher) deliver(ctx context.Context, o store.Outgoing, sec secret) error {
	if errors.Is(sec.err, store.ErrNotFound) {
		return nil // the webhook was deleted since the claim, and its queue with it
	}
	at := d.Now()
	started := time.Now() // a duration of real time, whatever clock the schedule runs on
	code, errText := 0, ""
	if sec.err != nil {
		d.Log.Error("webhook secret", "webhook", o.WebhookID, "err", sec.err)
		errText = "the signing secret cannot be opened on this server"
	} else {
		code, errText = d.post(ctx, o, sec.value, at)
	}
	if ctx.Err() != nil {
		return errUnsent // not the receiver's fault: DeliverDue gives it back
	}
	res := store.AttemptResult{
		Attempt:    store.Attempt{At: at, StatusCode: code, Error: errText, Duration: time.Since(started)},
		DeliveryID: o.ID, WorkspaceID: o.WorkspaceID, Owner: d.Owner, Delivered: errText == "",
	}
	if !res.Delivered {
		res.NextAttemptAt = d.retryAt(o, at)
	}
	if _, err := d.Store.RecordAttempt(ctx, res); err != nil {
		return fmt.Errorf("delivery %d: %w", o.ID, err)
	}
	d.Metrics.Delivery(res.Delivered, res.NextAttemptAt != nil, res.Duration)
	// One line per attempt; the body and the signature stay out of it.
	d.Log.Info("webhook delivery", "delivery", o.ID, "webhook", o.WebhookID, "event", o.Event, "status", code,
		"delivered", res.Delivered, "err", errText, "retry_at", res.NextAttemptAt, "duration", res.Duration.Round(time.Millisecond))
	return nil
}

// post sends a delivery; errText is "" exactly when the receiver answered 2xx.
func (d *Dispatcher) post(ctx context.Context, o store.Outgoing, secret string, at time.Time) (code int, errText string) {
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	body := []byte(o.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "affsync-webhooks/1")
	req.Header.Set(SignatureHeader, Sign(secret, at, body))
	req.Header.Set(EventHeader, o.EventID)
	req.Header.Set(EventTypeHeader, o.Event)
	req.Header.Set(DeliveryHeader, strconv.FormatInt(o.ID, 10))
	res, err := d.Client.Do(req)
	if err != nil {
		// The error names the URL; a receiver's query may hold its own
		// token, which belongs in neither the log nor the delivery log.
		var ue *url.Error
		if errors.As(err, &ue) {
			if u, perr := url.Parse(ue.URL); perr == nil && (u.RawQuery != "" || u.User != nil) {
				u.RawQuery, u.User = "", nil
				ue.URL = u.String()
			}
		}
		return 0, err.Error()
	}
	defer res.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // lets the connection be reused
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return res.StatusCode, ""
	}
	return res.StatusCode, "HTTP " + res.Status + answerExcerpt(head)
}

// answerExcerpt is the start of a receiver's answer, for the delivery log.
func answerExcerpt(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "")), " ")
	if s == "" {
		return ""
	}
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return ": " + s
}

// DefaultRetryBase is the pause after a first failed attempt.
const DefaultRetryBase = 30 * time.Second

// Backoff is the pause after the nth failed attempt, before jitter: 30
// seconds, doubling, at most an hour.
func Backoff(n int) time.Duration { return backoff(DefaultRetryBase, n) }

// backoff is the pause after the nth failed attempt from a first pause of
// base, doubling, at most an hour.
func backoff(base time.Duration, n int) time.Duration {
	const most = time.Hour
	if n < 1 {
		n = 1
	}
	for ; n > 1 && base < most; n-- {
		base *= 2
	}
	return min(base, most)
}

// retryAt is when a failed delivery is tried next: after its backoff give or
// take a fifth, and never past the end of its retry window, where a last
// attempt is made; nil when the window is over.
func (d *Dispatcher) retryAt(o store.Outgoing, now time.Time) *time.Time {
	first := now
	if o.FirstAttemptAt != nil {
		first = *o.FirstAttemptAt
	}
	deadline := first.Add(d.RetryFor)
	if !now.Before(deadline) {
		return nil
	}
	pause := backoff(d.RetryBase, o.Attempts+1)
	pause = time.Duration(float64(pause) * (0.8 + 0.4*d.Jitter()))
	next := now.Add(pause)
	if next.After(deadline) {
		next = deadline
	}
	return &next
}
