package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/webhook"
	"github.com/affsync/affsync/internal/wire"
)

type webhooksData struct {
	Hooks     []store.Webhook
	Events    []string // every event type, for the form's checkboxes
	Form      webhookForm
	NewSecret string // the signing secret, shown once right after creation
	Created   string // the URL of the webhook just created
}

type webhookForm struct {
	URL, Description string
	Events           []string
	Error            string
}

// Wants tells whether the form has event e checked.
func (f webhookForm) Wants(e string) bool { return contains(f.Events, e) }

func (s *Server) webhooks(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.showWebhooks(w, r, v, http.StatusOK, webhooksData{Form: webhookForm{Events: wire.EventTypes()}})
}

func (s *Server) showWebhooks(w http.ResponseWriter, r *http.Request, v *viewer, status int, d webhooksData) {
	var err error
	if d.Hooks, err = s.store.Webhooks(r.Context(), v.WorkspaceID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.Events = wire.EventTypes()
	s.render(w, r, v, status, "webhooks", "Webhooks", "webhooks", d)
}

// createWebhook subscribes a URL to event types, with the checks of POST
// /v1/webhooks, and shows its signing secret on this one answer (not a
// redirect, so that it never lands in a URL or the history); the store
// keeps it sealed.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, v *viewer) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, v, userError{"The form could not be read."})
		return
	}
	f := webhookForm{URL: strings.TrimSpace(r.PostForm.Get("url")), Description: strings.TrimSpace(r.PostForm.Get("description")),
		Events: r.PostForm["events"]}
	events, err := webhook.CheckEvents(f.Events)
	if err == nil {
		err = webhook.CheckURL(f.URL)
	}
	if err == nil && utf8.RuneCountInString(f.Description) > webhook.MaxDescription {
		err = userError{"The description may have at most " + itoa(webhook.MaxDescription) + " characters."}
	}
	if err != nil {
		f.Error = err.Error()
		s.showWebhooks(w, r, v, http.StatusBadRequest, webhooksData{Form: f})
		return
	}
	signing := "whsec_" + secret.RandomToken(24)
	hook, err := s.store.CreateWebhook(r.Context(), s.sealer, store.Webhook{WorkspaceID: v.WorkspaceID, URL: f.URL, Events: events,
		Description: f.Description}, signing)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("webhook created", "webhook", hook.ID, "user", v.ID)
	s.showWebhooks(w, r, v, http.StatusOK, webhooksData{Form: webhookForm{Events: wire.EventTypes()}, NewSecret: signing, Created: hook.URL})
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, v *viewer) {
	hook, err := s.store.Webhook(r.Context(), v.WorkspaceID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if err := s.store.DeleteWebhook(r.Context(), v.WorkspaceID, hook.ID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("webhook deleted", "webhook", hook.ID, "user", v.ID)
	redirect(w, r, "/webhooks", "Deleted the webhook to "+hook.URL+".")
}

const deliveriesPerPage = 50

type webhookData struct {
	Hook       store.Webhook
	Deliveries []store.Delivery
	Before     int64 // the page's cursor: deliveries below this id
	Next       int64 // the next page's cursor; 0 on the last page
}

// webhook is one webhook's delivery log, newest first, a page at a time.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx, ws := r.Context(), v.WorkspaceID
	var d webhookData
	var err error
	if c := r.URL.Query().Get("before"); c != "" {
		if d.Before, err = strconv.ParseInt(c, 10, 64); err != nil || d.Before < 1 {
			s.fail(w, r, v, store.ErrBadCursor)
			return
		}
	}
	if d.Hook, err = s.store.Webhook(ctx, ws, r.PathValue("id")); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Deliveries, err = s.store.Deliveries(ctx, ws, d.Hook.ID, d.Before, deliveriesPerPage); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if len(d.Deliveries) == deliveriesPerPage {
		d.Next = d.Deliveries[len(d.Deliveries)-1].ID
	}
	s.render(w, r, v, http.StatusOK, "webhook", "Webhook "+d.Hook.URL, "webhooks", d)
}

// redeliver queues a delivery again now, with a fresh day of retries.
func (s *Server) redeliver(w http.ResponseWriter, r *http.Request, v *viewer) {
	hook := r.PathValue("id")
	id, err := strconv.ParseInt(r.PathValue("delivery"), 10, 64)
	if err != nil {
		s.fail(w, r, v, store.ErrNotFound)
		return
	}
	if err := s.store.Redeliver(r.Context(), v.WorkspaceID, hook, id, s.now()); err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/webhooks/"+hook, "Delivery "+itoa(id)+" is queued again.")
}
