package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/chart"
	"github.com/affsync/affsync/internal/linkbuilder"
	"github.com/affsync/affsync/internal/store"
)

type linksData struct {
	Channels []string // the workspace's tracking IDs, offered as choices
	Links    []linkRow
	Query    url.Values
	Cursor   string // of the page shown; empty on the first
	Next     string
	Form     linkForm
	Built    *builtLink // the answer to the form, shown once under it
}

type linkForm struct {
	URL, Channel, Custom string
	UniquePerClick       bool
	Error                string
}

// builtLink is what the link builder made: the URL to share and, for a
// redirect link, the Amazon URL it leads to.
type builtLink struct {
	URL, AmazonURL, ASIN, Program string
	Redirect                      bool
	PerUser                       string // the redirect URL with ?custom=, which credits one of the app's users
}

type linkRow struct {
	store.Link
	Share string // the URL to share: /r/{code} on this server, or the tracked Amazon URL
}

func (s *Server) links(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.showLinks(w, r, v, http.StatusOK, linksData{})
}

func (s *Server) showLinks(w http.ResponseWriter, r *http.Request, v *viewer, status int, d linksData) {
	ctx, ws := r.Context(), v.WorkspaceID
	channels, err := s.store.Channels(ctx, ws)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	for _, c := range channels {
		if !contains(d.Channels, c.Code) {
			d.Channels = append(d.Channels, c.Code)
		}
	}
	d.Query, d.Cursor = r.URL.Query(), r.URL.Query().Get("cursor")
	if r.Method != http.MethodGet {
		d.Query, d.Cursor = url.Values{}, "" // after building a link, the newest come first
	}
	links, next, err := s.store.Links(ctx, ws, store.LinkFilter{Cursor: d.Cursor, Limit: pageSize})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.Next = next
	for _, l := range links {
		d.Links = append(d.Links, linkRow{Link: l, Share: s.shareURL(r, l)})
	}
	s.render(w, r, v, status, "links", "Link builder", "links", d)
}

// exportLinks writes every stored link, a page of the store at a time, as
// CSV or XLSX: url is the one to share, amazon_url where it leads (the
// names of the API's fields).
func (s *Server) exportLinks(w http.ResponseWriter, r *http.Request, v *viewer) {
	header := []string{"id", "created_at", "url", "code", "channel", "program", "custom", "unique_per_click", "clicks", "customs",
		"last_click_at", "amazon_url"}
	exportPages(s, w, r, v, "links", header, func(cursor string) ([]store.Link, string, error) {
		return s.store.Links(r.Context(), v.WorkspaceID, store.LinkFilter{Cursor: cursor, Limit: 1000})
	}, func(l store.Link) []string {
		return []string{l.ID, isoStamp(&l.CreatedAt), s.shareURL(r, l), l.Code, l.Channel, l.Program, l.Custom, boolText(l.UniquePerClick),
			itoa(l.Clicks), itoa(l.Customs), isoStamp(l.LastClickAt), l.URL}
	})
}

// createLink builds a tracked link as POST /v1/links does: without "unique
// per click" the answer is the Amazon URL with tag and ascsubtag=custom and
// nothing is stored; with it, a stored link whose redirect (/r/{code}) mints
// a subtag per hit.
func (s *Server) createLink(w http.ResponseWriter, r *http.Request, v *viewer) {
	f := linkForm{URL: strings.TrimSpace(r.PostFormValue("url")), Channel: strings.TrimSpace(r.PostFormValue("channel")),
		Custom: strings.TrimSpace(r.PostFormValue("custom")), UniquePerClick: r.PostFormValue("unique_per_click") != ""}
	p, u, err := linkbuilder.Build(linkbuilder.Request{URL: f.URL, Channel: f.Channel, Custom: f.Custom, UniquePerClick: f.UniquePerClick})
	if err != nil {
		f.Error = err.Error()
		s.showLinks(w, r, v, http.StatusBadRequest, linksData{Form: f})
		return
	}
	if !f.UniquePerClick {
		s.showLinks(w, r, v, http.StatusOK, linksData{Form: f, Built: &builtLink{URL: u, AmazonURL: u, ASIN: p.ASIN, Program: p.Program}})
		return
	}
	l, err := s.store.CreateLink(r.Context(), store.Link{WorkspaceID: v.WorkspaceID, Code: linkbuilder.NewCode(),
		URL: u, Channel: f.Channel, Program: p.Program, Custom: f.Custom, UniquePerClick: true})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	share := s.shareURL(r, l)
	s.log.Info("link created", "link", l.ID, "user", v.ID)
	s.showLinks(w, r, v, http.StatusOK, linksData{Form: f, Built: &builtLink{URL: share, AmazonURL: l.URL, ASIN: p.ASIN, Program: p.Program,
		Redirect: true, PerUser: share + "?custom=USER_ID"}})
}

// shareURL is the URL to give out for a stored link.
func (s *Server) shareURL(r *http.Request, l store.Link) string {
	if !l.UniquePerClick {
		return l.URL
	}
	return linkbuilder.PublicBase(s.publicURL, r) + "/r/" + l.Code
}

// linkChartDays is how many days, up to today, a link's page draws.
const linkChartDays = 30

// latestLinkClicks is how many of a link's hits its page lists.
const latestLinkClicks = 20

type linkData struct {
	Link   linkRow
	Chart  template.HTML // clicks per day of the last linkChartDays days
	Latest []store.LinkClick
	Sales  []store.LinkSales
}

// link shows one stored link: its counts, clicks per day, its latest hits
// with the subtags they minted, and the sales of those subtags.
func (s *Server) link(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx, ws := r.Context(), v.WorkspaceID
	l, err := s.store.Link(ctx, ws, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d := linkData{Link: linkRow{Link: l, Share: s.shareURL(r, l)}}
	until := s.now().UTC().Truncate(24 * time.Hour)
	since := until.AddDate(0, 0, 1-linkChartDays)
	days, err := s.store.LinkDays(ctx, ws, l.ID, since, until)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.Chart = linkChart(since, days)
	if d.Latest, err = s.store.LatestLinkClicks(ctx, ws, l.ID, latestLinkClicks); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Sales, err = s.store.LinkSales(ctx, ws, l.ID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "link", "Link "+l.Code, "links", d)
}

// linkChart draws clicks per UTC day from since, a point for every day.
func linkChart(since time.Time, days []store.LinkDay) template.HTML {
	dates := make([]time.Time, linkChartDays)
	for i := range dates {
		dates[i] = since.AddDate(0, 0, i)
	}
	labels, axis := dayLabels(dates)
	series := chart.Series{Name: "clicks", Values: make([]int64, linkChartDays)}
	index := make(map[string]int, linkChartDays)
	for i, l := range labels {
		index[l] = i
	}
	for _, d := range days {
		if i, ok := index[d.Day.UTC().Format("2006-01-02")]; ok {
			series.Values[i] = d.Clicks
		}
	}
	return trusted(chart.Line{ID: "link-clicks", Title: "Clicks per day (UTC)", Labels: labels, Axis: axis,
		Panels: []chart.Panel{{Series: []chart.Series{series}, Format: formatCount, Height: 120}}}.SVG())
}
