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
	f, events, err := readWebhookForm(r)
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

// readWebhookForm reads the new and edit forms of a parsed request, with the
// checks of the API; f is what was sent, for showing the form again.
func readWebhookForm(r *http.Request) (f webhookForm, events []string, err error) {
	f = webhookForm{URL: strings.TrimSpace(r.PostForm.Get("url")), Description: strings.TrimSpace(r.PostForm.Get("description")),
		Events: r.PostForm["events"]}
	events, err = webhook.CheckEvents(f.Events)
	if err == nil {
		err = webhook.CheckURL(f.URL)
	}
	if err == nil && utf8.RuneCountInString(f.Description) > webhook.MaxDescription {
		err = userError{"The description may have at most " + itoa(webhook.MaxDescription) + " characters."}
	}
	return f, events, err
}

// editWebhook changes a webhook's URL, events and description; its secret
// and deliveries stay. A refused edit shows the form again with what was sent.
func (s *Server) editWebhook(w http.ResponseWriter, r *http.Request, v *viewer) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, v, userError{"The form could not be read."})
		return
	}
	id := r.PathValue("id")
	f, events, err := readWebhookForm(r)
	if err != nil {
		f.Error = err.Error()
		s.showWebhook(w, r, v, http.StatusBadRequest, id, 0, &f)
		return
	}
	hook, err := s.store.UpdateWebhook(r.Context(), v.WorkspaceID, id,
		store.WebhookChange{URL: &f.URL, Description: &f.Description, Events: events}, s.now())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("webhook edited", "webhook", hook.ID, "user", v.ID)
	redirect(w, r, "/webhooks/"+hook.ID, "Saved.")
}

func (s *Server) pauseWebhook(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setWebhookActive(w, r, v, false, "Paused: no new events are queued for it, and queued deliveries wait until it is resumed.")
}

func (s *Server) resumeWebhook(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setWebhookActive(w, r, v, true, "Resumed: deliveries that waited are sent now.")
}

// setWebhookActive pauses or resumes a webhook (see store.UpdateWebhook),
// then shows the page the button was on: the list, or the webhook's own.
func (s *Server) setWebhookActive(w http.ResponseWriter, r *http.Request, v *viewer, active bool, flash string) {
	hook, err := s.store.UpdateWebhook(r.Context(), v.WorkspaceID, r.PathValue("id"), store.WebhookChange{Active: &active}, s.now())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("webhook active", "webhook", hook.ID, "active", active, "user", v.ID)
	back := "/webhooks/" + hook.ID
	if r.PostFormValue("from") == "list" {
		back = "/webhooks"
	}
	redirect(w, r, back, flash)
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
	Before     int64       // the page's cursor: deliveries below this id
	Next       int64       // the next page's cursor; 0 on the last page
	Events     []string    // every event type, for the edit form's checkboxes
	Form       webhookForm // the edit form: the webhook, or a refused edit
}

// webhook is one webhook with its edit form and its delivery log, newest
// first, a page at a time.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request, v *viewer) {
	var before int64
	if c := r.URL.Query().Get("before"); c != "" {
		var err error
		if before, err = strconv.ParseInt(c, 10, 64); err != nil || before < 1 {
			s.fail(w, r, v, store.ErrBadCursor)
			return
		}
	}
	s.showWebhook(w, r, v, http.StatusOK, r.PathValue("id"), before, nil)
}

// showWebhook renders a webhook's page; form, when set, is a refused edit
// to show again instead of the webhook as stored.
func (s *Server) showWebhook(w http.ResponseWriter, r *http.Request, v *viewer, status int, id string, before int64, form *webhookForm) {
	ctx, ws := r.Context(), v.WorkspaceID
	d := webhookData{Before: before, Events: wire.EventTypes()}
	var err error
	if d.Hook, err = s.store.Webhook(ctx, ws, id); err != nil {
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
	d.Form = webhookForm{URL: d.Hook.URL, Description: d.Hook.Description, Events: d.Hook.Events}
	if form != nil {
		d.Form = *form
	}
	s.render(w, r, v, status, "webhook", "Webhook "+d.Hook.URL, "webhooks", d)
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
