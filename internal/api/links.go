package api

import (
	"context"
	"errors"
	"github.com/affsync/affsync/client"
	"net/http"
	"strings"
	"sync"

	"github.com/affsync/affsync/internal/clickqueue"
	"github.com/affsync/affsync/internal/linkbuilder"
	"github.com/affsync/affsync/internal/store"
)

// Link is a link builder answer and a stored link.
type Link = client.Link

// createLink builds a tracked link. Without unique_per_click the answer is
// the Amazon URL with tag and ascsubtag=custom; with it, a stored link whose
// redirect mints a subtag per hit.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request) {
	var body client.NewLink
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	p, u, err := linkbuilder.Build(linkbuilder.Request{URL: body.URL, Channel: body.Channel, Custom: body.Custom, UniquePerClick: body.UniquePerClick})
	if err != nil {
		s.fail(w, r, badRequest{err.Error()})
		return
	}
	if !body.UniquePerClick {
		writeJSON(w, http.StatusOK, Link{URL: u, AmazonURL: u, Channel: body.Channel, Program: p.Program, ASIN: p.ASIN, Custom: body.Custom})
		return
	}
	l, err := s.store.CreateLink(r.Context(), store.Link{WorkspaceID: workspace(r), Code: linkbuilder.NewCode(),
		URL: u, Channel: body.Channel, Program: p.Program, Custom: body.Custom, UniquePerClick: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.linkJSON(r, l))
}

// linkFilter reads GET /v1/links: keyset pages, and since/until (inclusive
// dates) for the clicks counted.
func linkFilter(r *http.Request) (store.LinkFilter, error) {
	q := r.URL.Query()
	if err := onlyParams(q, "since", "until", "cursor", "limit"); err != nil {
		return store.LinkFilter{}, err
	}
	f := store.LinkFilter{Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = limitParam(q.Get("limit")); err != nil {
		return f, err
	}
	f.Since, f.Until, err = dateRange(q.Get("since"), q.Get("until"))
	return f, err
}

func (s *Server) listLinks(w http.ResponseWriter, r *http.Request) {
	f, err := linkFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.store.Links(r.Context(), workspace(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Link, len(list))
	for i, l := range list {
		out[i] = s.linkJSON(r, l)
	}
	writeJSON(w, http.StatusOK, newPage(out, next))
}

// linkRows walks every link, a store page at a time (exports).
func (s *Server) linkRows(r *http.Request, emit func(Link) error) error {
	f, err := linkFilter(r)
	if err != nil {
		return err
	}
	return walkPages(&f.Cursor, &f.Limit, func() ([]store.Link, string, error) { return s.store.Links(r.Context(), workspace(r), f) },
		func(l store.Link) Link { return s.linkJSON(r, l) }, emit)
}

// getLink answers a stored link with the sales of its minted subtags.
func (s *Server) getLink(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	ws := workspace(r)
	l, err := s.store.Link(r.Context(), ws, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sales, err := s.store.LinkSales(r.Context(), ws, l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := client.LinkDetail{Link: s.linkJSON(r, l), Sales: make([]client.LinkSales, len(sales))}
	for i, x := range sales {
		out.Sales[i] = client.LinkSales{Currency: x.Currency, Transactions: x.Transactions, Commission: amount(x.Commission, x.Currency)}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) linkJSON(r *http.Request, l store.Link) Link {
	out := Link{ID: l.ID, Code: l.Code, URL: l.URL, AmazonURL: l.URL, Channel: l.Channel, Program: l.Program, Custom: l.Custom,
		UniquePerClick: l.UniquePerClick, CreatedAt: &l.CreatedAt, Clicks: l.Clicks, Customs: l.Customs, LastClickAt: l.LastClickAt}
	if p, err := linkbuilder.Parse(l.URL); err == nil {
		out.ASIN = p.ASIN
	}
	if l.UniquePerClick {
		out.URL = linkbuilder.PublicBase(s.publicURL, r) + "/r/" + l.Code
	}
	return out
}

// redirect answers a hit of /r/{code}: it mints a subtag, queues the hit
// and sends the shopper on to Amazon. It reads the database only the first
// time it sees a code and never waits on a write.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request) {
	l, err := s.links.get(r.Context(), s.store, r.PathValue("code"))
	if errors.Is(err, store.ErrNotFound) {
		plainText(w, http.StatusNotFound, "No such link. Check the address you followed.\n")
		return
	}
	if err != nil {
		s.log.Error("redirect: look up link", "code", r.PathValue("code"), "err", err)
		plainText(w, http.StatusServiceUnavailable, "This link cannot be followed right now. Please try again.\n")
		return
	}
	custom := l.Custom
	if vs, ok := r.URL.Query()["custom"]; ok {
		// An unusable custom is refused, not cleaned: cleaning could turn
		// one user's id into another's and credit the wrong person.
		if len(vs) != 1 || linkbuilder.CheckSubtag("custom", vs[0]) != nil {
			plainText(w, http.StatusBadRequest, "This link is malformed: custom must be one value of at most 64 letters, digits, - and _.\n")
			return
		}
		if vs[0] != "" {
			custom = vs[0]
		}
	}
	h := w.Header()
	h["Cache-Control"] = []string{"no-store"} // every hit must come here for its own subtag
	if r.Method == http.MethodHead {
		// Link checkers and previews ask with HEAD; that is no shopper's click.
		h["Location"] = []string{l.URL}
		w.WriteHeader(http.StatusFound)
		return
	}
	now := s.now().UTC()
	subtag := linkbuilder.NewSubtag(now)
	s.hits.Add(clickqueue.Click{WorkspaceID: l.WorkspaceID,
		LinkClick: store.LinkClick{LinkID: l.ID, Subtag: subtag, Custom: custom, ClickedAt: now}})
	h["Location"] = []string{l.URL + "&ascsubtag=" + subtag}
	w.WriteHeader(http.StatusFound)
}

func plainText(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}

// linkCache keeps links by code: a link never changes once made, so a code
// is read from the database once. Unknown codes are not remembered (another
// instance may create them).
type linkCache struct {
	mu    sync.RWMutex
	links map[string]store.Link
}

// maxCachedLinks bounds the cache; when full it starts over, which costs one
// read per code and keeps memory flat.
const maxCachedLinks = 100_000

func newLinkCache() *linkCache { return &linkCache{links: map[string]store.Link{}} }

func (c *linkCache) get(ctx context.Context, s *store.Store, code string) (store.Link, error) {
	c.mu.RLock()
	l, ok := c.links[code]
	c.mu.RUnlock()
	if ok {
		return l, nil
	}
	if code == "" || len(code) > 64 || strings.ContainsAny(code, "/?") {
		return store.Link{}, store.ErrNotFound
	}
	l, err := s.LinkByCode(ctx, code)
	if err != nil {
		return l, err
	}
	c.mu.Lock()
	if len(c.links) >= maxCachedLinks {
		clear(c.links)
	}
	c.links[code] = l
	c.mu.Unlock()
	return l, nil
}
