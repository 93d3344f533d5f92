package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/webhook"
)

// Webhook is the JSON form of a webhook. Secret is there only in the answer
// to its creation: it is stored encrypted and never shown again.
type Webhook = client.Webhook

func webhookJSON(w store.Webhook) Webhook {
	return Webhook{ID: w.ID, URL: w.URL, Events: w.Events, Description: w.Description, Active: w.Active, CreatedAt: w.CreatedAt}
}

// Delivery is one event sent to a webhook, with its every attempt.
type Delivery = client.Delivery

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt = client.DeliveryAttempt

func deliveryJSON(d store.Delivery) Delivery {
	out := Delivery{ID: d.ID, EventID: d.EventID, Event: d.Event, Status: d.Status, CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt,
		Payload: json.RawMessage(d.Payload), Attempts: []DeliveryAttempt{}}
	if d.Status == store.DeliveryPending {
		out.NextAttemptAt = d.NextAttemptAt
	}
	for _, a := range d.Log {
		out.Attempts = append(out.Attempts, DeliveryAttempt{At: a.At, StatusCode: a.StatusCode, Error: a.Error, DurationMS: a.Duration.Milliseconds()})
	}
	return out
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.store.Webhooks(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Webhook, len(list))
	for i, x := range list {
		out[i] = webhookJSON(x)
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

// createWebhook subscribes a URL to event types and answers its signing secret, once.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var body client.NewWebhook
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := checkWebhookURL(body.URL); err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := eventTypes(body.Events)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if utf8.RuneCountInString(body.Description) > webhook.MaxDescription {
		s.fail(w, r, badRequest{"description must be at most 500 characters"})
		return
	}
	signing := "whsec_" + secret.RandomToken(24)
	hook, err := s.store.CreateWebhook(r.Context(), s.sealer, store.Webhook{WorkspaceID: workspace(r), URL: body.URL, Events: events,
		Description: body.Description}, signing)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := webhookJSON(hook)
	out.Secret = signing
	writeJSON(w, http.StatusCreated, out)
}

// checkWebhookURL and eventTypes answer webhook.CheckURL and
// webhook.CheckEvents as the API's 400s.
func checkWebhookURL(raw string) error {
	if err := webhook.CheckURL(raw); err != nil {
		return badRequest{err.Error()}
	}
	return nil
}

func eventTypes(in []string) ([]string, error) {
	out, err := webhook.CheckEvents(in)
	if err != nil {
		return nil, badRequest{err.Error()}
	}
	return out, nil
}

// updateWebhook edits, pauses or resumes a webhook: the fields the body
// leaves out stay, and the ones it has are checked as on creation.
func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) {
	var body client.WebhookUpdate
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	change := store.WebhookChange{URL: body.URL, Description: body.Description, Active: body.Active}
	if body.URL != nil {
		if err := checkWebhookURL(*body.URL); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if body.Events != nil {
		var err error
		if change.Events, err = eventTypes(*body.Events); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if body.Description != nil && utf8.RuneCountInString(*body.Description) > webhook.MaxDescription {
		s.fail(w, r, badRequest{"description must be at most 500 characters"})
		return
	}
	hook, err := s.store.UpdateWebhook(r.Context(), workspace(r), r.PathValue("id"), change, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, webhookJSON(hook))
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.store.DeleteWebhook(r.Context(), workspace(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listDeliveries is a webhook's delivery log, newest first.
func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) {
	ws, id := workspace(r), r.PathValue("id")
	q := r.URL.Query()
	if err := onlyParams(q, "cursor", "limit"); err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := limitParam(q.Get("limit"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var before int64
	if c := q.Get("cursor"); c != "" {
		if before, err = strconv.ParseInt(c, 10, 64); err != nil || before < 1 {
			s.fail(w, r, store.ErrBadCursor)
			return
		}
	}
	if _, err := s.store.Webhook(r.Context(), ws, id); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.store.Deliveries(r.Context(), ws, id, before, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Delivery, len(list))
	for i, d := range list {
		out[i] = deliveryJSON(d)
	}
	next := ""
	if len(list) == limit {
		next = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	writeJSON(w, http.StatusOK, newPage(out, next))
}

// redeliver queues a delivery again now, with a fresh day of retries.
func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) {
	ws, hook := workspace(r), r.PathValue("id")
	id, err := strconv.ParseInt(r.PathValue("delivery_id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	if err := s.store.Redeliver(r.Context(), ws, hook, id, s.now()); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.store.Delivery(r.Context(), ws, hook, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, deliveryJSON(d))
}
