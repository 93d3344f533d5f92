package clickqueue

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var ctx = context.Background()

func setup(t *testing.T, s *store.Store) (store.Workspace, store.Link) {
	t.Helper()
	ws, err := s.EnsureWorkspace(ctx, "q")
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.CreateLink(ctx, store.Link{WorkspaceID: ws.ID, Code: "c-" + ws.ID, URL: "https://www.amazon.com/dp/B0C1234567?tag=s-20",
		Channel: "s-20", Program: "amazon.com", UniquePerClick: true})
	if err != nil {
		t.Fatal(err)
	}
	return ws, l
}

func hit(ws store.Workspace, l store.Link, i int) Click {
	return Click{WorkspaceID: ws.ID, LinkClick: store.LinkClick{LinkID: l.ID, Subtag: fmt.Sprintf("st-%d", i), Custom: "u", ClickedAt: time.Now()}}
}

func stored(t *testing.T, s *store.Store, ws store.Workspace, l store.Link) int {
	t.Helper()
	got, err := s.LinkClicks(ctx, ws.ID, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(got)
}

func TestQueue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ws, l := setup(t, s)

		t.Run("flush writes every hit queued before it, in batches", func(t *testing.T) {
			q := New(s, nil, Options{Batch: 3, Every: time.Hour})
			defer q.Close()
			for i := range 10 {
				if !q.Add(hit(ws, l, i)) {
					t.Fatalf("hit %d dropped", i)
				}
			}
			if err := q.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if n := stored(t, s, ws, l); n != 10 {
				t.Fatalf("stored %d hits, want 10", n)
			}
			if st := q.Stats(); st != (Stats{Written: 10}) {
				t.Fatalf("stats = %+v", st)
			}
		})

		t.Run("a full queue drops and counts, close writes what it holds", func(t *testing.T) {
			q := newQueue(s, nil, Options{Size: 2, Every: time.Hour}) // not running yet: nothing drains
			for i := 100; i < 103; i++ {
				q.Add(hit(ws, l, i))
			}
			if st := q.Stats(); st.Dropped != 1 || st.Queued != 2 {
				t.Fatalf("stats = %+v, want one drop, two queued", st)
			}
			go q.run()
			q.Close()
			if n := stored(t, s, ws, l); n != 12 {
				t.Fatalf("stored %d hits, want 12", n)
			}
			if q.Add(hit(ws, l, 200)) {
				t.Fatal("a closed queue took a hit")
			}
			if st := q.Stats(); st != (Stats{Written: 2, Dropped: 2}) {
				t.Fatalf("stats = %+v", st)
			}
		})

		t.Run("a write that keeps failing is counted, and the queue goes on", func(t *testing.T) {
			q := newQueue(s, nil, Options{Every: time.Hour})
			q.retryWaits = []time.Duration{0, 0}
			go q.run()
			defer q.Close()
			q.Add(Click{WorkspaceID: ws.ID, LinkClick: store.LinkClick{LinkID: "lnk_gone", Subtag: "x", ClickedAt: time.Now()}})
			if err := q.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			q.Add(hit(ws, l, 300))
			if err := q.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if st := q.Stats(); st != (Stats{Written: 1, Failed: 1}) {
				t.Fatalf("stats = %+v", st)
			}
			if n := stored(t, s, ws, l); n != 13 {
				t.Fatalf("stored %d hits, want 13", n)
			}
		})
	})
}
