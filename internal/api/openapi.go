package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/wire"
)

// The OpenAPI 3.1 document is built from the table below and from the wire
// types themselves (package client), so field lists cannot drift; the test
// in openapi_test.go checks the table against the routes the server really
// serves, their scopes and the query parameters each one accepts.

// endpoint documents one route.
type endpoint struct {
	pattern  string // as registered: "GET /v1/transactions"
	scope    string // read, write, or "" for no authentication
	summary  string
	query    []string // query parameters, described in paramDocs
	body     any      // request body type (JSON), nil for none
	status   int      // success status
	response any      // success body type, nil for none
}

var endpoints = []endpoint{
	{"GET /healthz", "", "Health: 200 when the database answers; details of the exchange rates and their last refresh", nil, nil, 200, client.Health{}},
	{"GET /v1/openapi.json", "", "This document", nil, nil, 200, nil},
	{"GET /r/{code}", "", "A redirect link: records the click, mints a fresh subtag, answers 302 to Amazon (custom: the app's user)", []string{"custom"}, nil, 302, nil},

	{"GET /v1/transactions", "read", "List transactions", []string{"since", "until", "time_type", "status", "custom", "connection_id", "channel", "program", "cursor", "limit", "format"}, nil, 200, client.Page[client.Transaction]{}},
	{"GET /v1/transactions/{id}", "read", "One transaction with its history", nil, nil, 200, client.TransactionDetail{}},

	{"GET /v1/revenues", "read", "Revenues grouped by day, channel, program and/or custom; one row per group and currency, or with currency=reporting one row per group in the reporting currency (each original currency's total of each date converted at that date's rate, rounded once per currency, group and date, then summed; totals of dates without a rate are left out of the sums and listed in unconverted); in pages in the order of the group key (the grouped fields as given, then currency and kind; with currency=reporting, kind)", []string{"since", "until", "group_by", "connection_id", "channel", "program", "custom", "kind", "currency", "cursor", "limit", "format"}, nil, 200, client.Page[client.Revenue]{}},
	{"GET /v1/clicks", "read", "Clicks grouped by day, channel, program, custom and/or source (report: a network's reports; redirect: affsync's redirect links, which the network's reports count again), in pages in the order of the group key (the grouped fields as given)", []string{"since", "until", "group_by", "connection_id", "channel", "program", "custom", "source", "cursor", "limit", "format"}, nil, 200, client.Page[client.Click]{}},
	{"GET /v1/channels", "read", "Channels (Amazon tracking IDs)", []string{"format"}, nil, 200, client.Page[client.Channel]{}},
	{"GET /v1/programs", "read", "Program statuses per connection and marketplace, with history", []string{"connection_id", "program", "format"}, nil, 200, client.Page[client.Program]{}},
	{"GET /v1/programs/{connection_id}/{program}/history", "read", "A program's status history", nil, nil, 200, client.Page[client.ProgramChange]{}},
	{"GET /v1/payments", "read", "Payments (since/until on the day paid, inclusive)", []string{"since", "until", "connection_id", "cursor", "limit", "format"}, nil, 200, client.Page[client.Payment]{}},
	{"GET /v1/deals", "read", "Deals valid on some day of since..until", []string{"since", "until", "connection_id", "program", "cursor", "limit", "format"}, nil, 200, client.Page[client.Deal]{}},

	{"GET /v1/inquiries", "read", "List transaction inquiries, newest first", []string{"status", "custom", "connection_id", "cursor", "limit", "format"}, nil, 200, client.Page[client.Inquiry]{}},
	{"POST /v1/inquiries", "write", "Open a transaction inquiry (matched at once when the transaction is there)", nil, client.NewInquiry{}, 201, client.InquiryDetail{}},
	{"GET /v1/inquiries/{id}", "read", "One inquiry with its history", nil, nil, 200, client.InquiryDetail{}},
	{"POST /v1/inquiries/{id}/accept", "write", "Accept an open or matched inquiry (409 otherwise)", nil, client.Decision{}, 200, client.InquiryDetail{}},
	{"POST /v1/inquiries/{id}/reject", "write", "Reject an open or matched inquiry (409 otherwise)", nil, client.Decision{}, 200, client.InquiryDetail{}},

	{"POST /v1/imports", "write", "Import report files (multipart/form-data, one or more file parts); 422 with the summary when a file is rejected", []string{"connection_id"}, nil, 200, client.ImportSummary{}},

	{"GET /v1/links", "read", "List redirect links, newest first, with their clicks (since/until: of those days, inclusive), distinct customs and last click", []string{"since", "until", "cursor", "limit", "format"}, nil, 200, client.Page[client.Link]{}},
	{"GET /v1/links/{id}", "read", "A redirect link with its clicks and the sales (transactions, commission per currency) of its minted subtags", nil, nil, 200, client.LinkDetail{}},
	{"POST /v1/links", "write", "Build a tracked link (200), or a redirect link with unique_per_click (201)", nil, client.NewLink{}, 201, client.Link{}},

	{"GET /v1/apikeys", "read", "List API keys (never their secrets)", nil, nil, 200, client.Page[client.APIKey]{}},
	{"POST /v1/apikeys", "write", "Create an API key; the answer holds its secret, this once", nil, client.NewAPIKey{}, 201, client.CreatedAPIKey{}},
	{"DELETE /v1/apikeys/{id}", "write", "Revoke an API key", nil, nil, 204, nil},

	{"GET /v1/webhooks", "read", "List webhooks (never their secrets)", nil, nil, 200, client.Page[client.Webhook]{}},
	{"POST /v1/webhooks", "write", "Subscribe a URL to events; the answer holds the signing secret, this once", nil, client.NewWebhook{}, 201, client.Webhook{}},
	{"PATCH /v1/webhooks/{id}", "write", "Edit a webhook, pause it (active false: no new events are queued, queued ones wait) or resume it (they are sent at once); absent fields stay", nil, client.WebhookUpdate{}, 200, client.Webhook{}},
	{"DELETE /v1/webhooks/{id}", "write", "Delete a webhook", nil, nil, 204, nil},
	{"GET /v1/webhooks/{id}/deliveries", "read", "A webhook's delivery log, newest first, with every attempt", []string{"cursor", "limit"}, nil, 200, client.Page[client.Delivery]{}},
	{"POST /v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", "write", "Send a delivery again now (same event id and body)", nil, nil, 202, client.Delivery{}},

	{"GET /v1/workspace", "read", "The key's workspace and its reporting currency", nil, nil, 200, client.Workspace{}},
	{"PATCH /v1/workspace", "write", "Set the reporting currency; converted amounts follow at once, without touching updated_at or sending webhook events", nil, client.WorkspaceUpdate{}, 200, client.Workspace{}},

	{"GET /v1/connections", "read", "List connections (never their secrets)", nil, nil, 200, client.Page[client.Connection]{}},
	{"POST /v1/connections", "write", "Connect an account, checked for real first (422 connection_refused)", nil, client.NewAmazonConnection{}, 201, client.Connection{}},
	{"POST /v1/connections/{id}/sync", "write", "Sync a connection now", nil, nil, 202, nil},
	{"GET /v1/connections/{id}/runs", "read", "A connection's syncs, newest first", []string{"limit"}, nil, 200, client.Page[client.Run]{}},
}

// errorAnswers documents the error answers of a route worth telling apart
// from the default one.
var errorAnswers = map[string]map[int]string{
	"GET /v1/transactions/{id}": {
		http.StatusNotFound: "not_found: no such transaction in this workspace",
		http.StatusGone:     "deleted: the transaction was removed (its report rows no longer make it); it was shown once more in time_type=updated listings and as a transaction.deleted event",
	},
}

// paramDocs describes every query parameter once.
var paramDocs = map[string]struct{ desc, typ string }{
	"since":         {"from this date or RFC 3339 instant (inclusive)", "string"},
	"until":         {"transactions: up to this date or instant (exclusive); revenues and clicks: to this date (inclusive)", "string"},
	"time_type":     {"what since/until apply to: sold (default), clicked, checked, updated; updated also orders by last change and lists each removed transaction once more, as its last state with deleted true and deleted_at", "string"},
	"status":        {"pending, confirmed or declined", "string"},
	"custom":        {"a subid (Amazon ascsubtag, or the app's custom of a redirect link)", "string"},
	"connection_id": {"a connection's id", "string"},
	"channel":       {"a channel (Amazon tracking ID)", "string"},
	"program":       {"a program (e.g. amazon.com)", "string"},
	"cursor":        {"next_cursor of the previous page", "string"},
	"limit":         {"page size, 1 to 1000 (default 100)", "integer"},
	"group_by":      {"comma-separated: day, channel, program, custom (clicks also source); pages follow this order", "string"},
	"kind":          {"cps or cpc", "string"},
	"currency":      {"revenues: reporting, to sum every currency into the workspace's reporting currency", "string"},
	"source":        {"clicks only: report (a network's reports) or redirect (affsync's redirect links)", "string"},
	"format":        {"csv or xlsx: the whole list as a file instead of a JSON page", "string"},
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, openAPIDocument())
}

var openAPIDocument = sync.OnceValue(func() map[string]any {
	schemas := map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{"code": typ("string"), "message": typ("string")}, "code", "message")}, "error"),
	}
	paths := map[string]map[string]any{}
	for _, e := range endpoints {
		method, path, _ := strings.Cut(e.pattern, " ")
		op := map[string]any{
			"summary":     e.summary,
			"operationId": operationID(method, path),
			"responses":   map[string]any{"default": jsonContent("an error", ref("Error"))},
		}
		if e.scope == "" {
			op["security"] = []any{}
		} else {
			op["x-scope"] = e.scope
			op["description"] = "Needs an API key with scope " + e.scope + "."
		}
		var params []any
		for _, name := range pathParams(path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": typ("string")})
		}
		for _, name := range e.query {
			p := paramDocs[name]
			params = append(params, map[string]any{"name": name, "in": "query", "description": p.desc, "schema": typ(p.typ)})
		}
		if params != nil {
			op["parameters"] = params
		}
		if e.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(e.body), schemas)}}}
		}
		ok := map[string]any{"description": http.StatusText(e.status)}
		if e.response != nil {
			ok = jsonContent(http.StatusText(e.status), schemaOf(reflect.TypeOf(e.response), schemas))
		}
		op["responses"].(map[string]any)[strconv.Itoa(e.status)] = ok
		for code, desc := range errorAnswers[e.pattern] {
			op["responses"].(map[string]any)[strconv.Itoa(code)] = jsonContent(desc, ref("Error"))
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = op
	}
	// The body of every webhook delivery, with the event types it may have.
	event := map[string]any{"post": map[string]any{
		"summary": "A webhook delivery: an event, signed with the webhook's secret (header Affsync-Signature)",
		"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
			"schema": schemaOf(reflect.TypeOf(client.Event{}), schemas)}}},
		"responses": map[string]any{"2XX": map[string]any{"description": "received; anything else is retried"}},
	}}
	schemas["Event"].(map[string]any)["properties"].(map[string]any)["type"] = map[string]any{"type": "string", "enum": wire.EventTypes()}
	return map[string]any{
		"openapi":  "3.1.0",
		"webhooks": map[string]any{"transaction": event},
		"info": map[string]any{"title": "affsync API", "version": "1",
			"description": "Affiliate data of a workspace: transactions, clicks, revenues, payments, channels, programs, deals, inquiries, connections, links, webhooks. Amounts are decimal strings in the currency's own exponent."},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
				"apiKey": map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"apiKey": []any{}}},
	}
})

func jsonContent(desc string, schema any) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
}

func typ(t string) map[string]any { return map[string]any{"type": t} }

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func pathParams(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, strings.Trim(seg, "{}"))
		}
	}
	return out
}

// operationID is e.g. getV1TransactionsId.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '.' || r == '{' || r == '}' || r == '_' }) {
		b.WriteString(strings.ToUpper(seg[:1]) + seg[1:])
	}
	return b.String()
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// schemaOf describes a Go type by its JSON encoding; named structs become
// components, referenced by name.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	nullable := false
	if t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var s map[string]any
	switch {
	case t == timeType:
		s = map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		s = map[string]any{"description": "any JSON value"}
	case t.Kind() == reflect.String:
		s = typ("string")
	case t.Kind() == reflect.Bool:
		s = typ("boolean")
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		s = typ("integer")
	case t.Kind() == reflect.Slice:
		s = map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case t.Kind() == reflect.Map:
		s = map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case t.Kind() == reflect.Struct:
		name := schemaName(t)
		if _, done := schemas[name]; !done {
			schemas[name] = nil // a placeholder against recursion
			props, required := map[string]any{}, []string{}
			structFields(t, schemas, props, &required)
			sort.Strings(required)
			schemas[name] = obj(props, required...)
		}
		s = ref(name)
	default:
		s = map[string]any{}
	}
	if nullable {
		if ty, ok := s["type"].(string); ok {
			s["type"] = []string{ty, "null"}
		} else {
			s = map[string]any{"anyOf": []any{s, typ("null")}}
		}
	}
	return s
}

func structFields(t reflect.Type, schemas, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			structFields(f.Type, schemas, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, schemas)
		if !strings.Contains(opts, "omitempty") {
			*required = append(*required, name)
		}
	}
}

// schemaName names a struct's component: Transaction, or TransactionPage
// for client.Page[client.Transaction].
func schemaName(t reflect.Type) string {
	name := t.Name()
	if strings.HasPrefix(name, "Page[") {
		elem, _ := t.FieldByName("Data")
		return elem.Type.Elem().Name() + "Page"
	}
	return name
}
