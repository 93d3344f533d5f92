// Package clickqueue records redirect hits without making the redirect wait
// on the database: hits go on a bounded in-memory queue that one goroutine
// drains in batches. When the queue is full a hit is dropped and counted,
// and the shopper is redirected all the same.
package clickqueue

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// Click is one hit of a link of a workspace.
type Click struct {
	WorkspaceID string
	store.LinkClick
}

// Options size the queue; zero values take the defaults.
type Options struct {
	Size  int           // hits held in memory at most (default 65536)
	Batch int           // hits per write at most (default 2000)
	Every time.Duration // longest a hit waits before it is written (default 250ms)
}

// Stats counts what became of the hits since start.
type Stats struct {
	Written uint64 // stored
	Dropped uint64 // not queued: the queue was full or closed
	Failed  uint64 // queued, but the write failed after retries
	Queued  int    // in memory now, waiting to be written
}

// Queue is the bounded queue and its batch writer.
type Queue struct {
	store *store.Store
	log   *slog.Logger
	opt   Options

	hits  chan Click
	flush chan chan struct{}
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once

	retryWaits []time.Duration

	closed                   atomic.Bool
	written, dropped, failed atomic.Uint64
}

// New starts a queue writing to s; Close stops it.
func New(s *store.Store, log *slog.Logger, opt Options) *Queue {
	q := newQueue(s, log, opt)
	go q.run()
	return q
}

func newQueue(s *store.Store, log *slog.Logger, opt Options) *Queue {
	if opt.Size <= 0 {
		opt.Size = 65536
	}
	if opt.Batch <= 0 {
		opt.Batch = 2000
	}
	if opt.Every <= 0 {
		opt.Every = 250 * time.Millisecond
	}
	if log == nil {
		log = slog.Default()
	}
	return &Queue{
		store: s, log: log, opt: opt,
		hits:  make(chan Click, opt.Size),
		flush: make(chan chan struct{}),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		// Pauses between attempts of a failed write: long enough to ride out
		// a busy database, short enough that the queue does not fill.
		retryWaits: []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second},
	}
}

// Add queues a hit and never blocks; false means it was dropped.
func (q *Queue) Add(c Click) bool {
	if q.closed.Load() {
		q.dropped.Add(1)
		return false
	}
	select {
	case q.hits <- c:
		return true
	default:
		q.dropped.Add(1)
		return false
	}
}

// Stats reports the counts so far.
func (q *Queue) Stats() Stats {
	return Stats{Written: q.written.Load(), Dropped: q.dropped.Load(), Failed: q.failed.Load(), Queued: len(q.hits)}
}

// Flush returns once every hit queued before the call has been written (or
// has failed to be).
func (q *Queue) Flush(ctx context.Context) error {
	ack := make(chan struct{})
	select {
	case q.flush <- ack:
	case <-q.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes what is queued and stops. Call it after the HTTP server has
// stopped taking requests; hits added later are dropped.
func (q *Queue) Close() {
	q.once.Do(func() {
		q.closed.Store(true)
		close(q.stop)
	})
	<-q.done
}

func (q *Queue) run() {
	defer close(q.done)
	tick := time.NewTicker(q.opt.Every)
	defer tick.Stop()
	batch := make([]Click, 0, q.opt.Batch)
	var reportedDrops uint64
	for {
		select {
		case c := <-q.hits:
			batch = append(batch, c)
			if len(batch) >= q.opt.Batch {
				batch = q.write(batch)
			}
		case <-tick.C:
			batch = q.write(batch)
			// Drops are logged here, at most once a tick, not on the redirect's path.
			if d := q.dropped.Load(); d != reportedDrops {
				q.log.Warn("click queue full: redirect hits not recorded", "dropped", d-reportedDrops, "dropped_total", d)
				reportedDrops = d
			}
		case ack := <-q.flush:
			batch = q.write(q.drain(batch))
			close(ack)
		case <-q.stop:
			q.write(q.drain(batch))
			return
		}
	}
}

// drain moves every hit waiting in the channel into batches, writing each full one.
func (q *Queue) drain(batch []Click) []Click {
	for {
		select {
		case c := <-q.hits:
			batch = append(batch, c)
			if len(batch) >= q.opt.Batch {
				batch = q.write(batch)
			}
		default:
			return batch
		}
	}
}

// write stores a batch, one transaction per workspace, and returns the batch
// emptied for reuse.
func (q *Queue) write(batch []Click) []Click {
	if len(batch) == 0 {
		return batch
	}
	byWorkspace := map[string][]store.LinkClick{}
	for _, c := range batch {
		byWorkspace[c.WorkspaceID] = append(byWorkspace[c.WorkspaceID], c.LinkClick)
	}
	for ws, clicks := range byWorkspace {
		var err error
		for attempt := 0; ; attempt++ {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			err = q.store.RecordLinkClicks(ctx, ws, clicks)
			cancel()
			if err == nil || attempt == len(q.retryWaits) {
				break
			}
			time.Sleep(q.retryWaits[attempt])
		}
		if err != nil {
			q.failed.Add(uint64(len(clicks)))
			q.log.Error("record redirect hits", "workspace", ws, "hits", len(clicks), "err", err)
			continue
		}
		q.written.Add(uint64(len(clicks)))
	}
	return batch[:0]
}
