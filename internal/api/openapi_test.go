package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// routeRecorder is a mux that only remembers what was registered.
type routeRecorder struct{ patterns []string }

func (r *routeRecorder) Handle(p string, _ http.Handler) { r.patterns = append(r.patterns, p) }
func (r *routeRecorder) HandleFunc(p string, _ func(http.ResponseWriter, *http.Request)) {
	r.patterns = append(r.patterns, p)
}

type openAPIDoc struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]schema `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Scope      string `json:"x-scope"`
	Parameters []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type schema struct {
	Ref        string            `json:"$ref"`
	Type       any               `json:"type"`
	Properties map[string]schema `json:"properties"`
	Required   []string          `json:"required"`
	Items      *schema           `json:"items"`
	AnyOf      []schema          `json:"anyOf"`
}

// TestOpenAPIMatchesRoutes keeps /v1/openapi.json true: it documents
// exactly the routes the server registers, with the scope each one
// enforces, the query parameters each one accepts, and answers that fit
// the documented schemas.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
		e := newEnvWith(t, s, api.Config{Sealer: box})
		var doc openAPIDoc
		if code := e.do("GET", "/v1/openapi.json", "", "", &doc); code != 200 {
			t.Fatalf("openapi.json: %d", code)
		}

		var documented []string
		for path, ops := range doc.Paths {
			for method := range ops {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
		rec := &routeRecorder{}
		api.New(api.Config{Store: s}).Register(rec)
		var served []string
		for _, p := range rec.patterns {
			if strings.Contains(p, " ") { // the catch-all "/v1/" has no method
				served = append(served, p)
			}
		}
		sort.Strings(documented)
		sort.Strings(served)
		if !slices.Equal(documented, served) {
			t.Fatalf("documented and served routes differ:\ndocumented %v\nserved     %v", documented, served)
		}

		inquiry := e.do("POST", "/v1/inquiries", e.a.writeKey, `{"custom":"c","order_date":"2026-10-01","expected_amount":"1.00"}`, nil)
		if inquiry != 201 {
			t.Fatalf("inquiry: %d", inquiry)
		}
		// One object of each kind, for the paths that name one.
		var inqs, keys, hooks struct{ Data []struct{ ID string } }
		e.do("GET", "/v1/inquiries", e.a.readKey, "", &inqs)
		e.do("GET", "/v1/apikeys", e.a.readKey, "", &keys)
		if code := e.do("POST", "/v1/webhooks", e.a.writeKey, `{"url":"http://127.0.0.1:9/hook","events":["transaction.created"]}`, nil); code != 201 {
			t.Fatalf("webhook: %d", code)
		}
		e.do("GET", "/v1/webhooks", e.a.readKey, "", &hooks)
		if _, err := s.UpsertTransactions(ctx, e.a.ws.ID, txs(e.a.conn, 100, 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetProgramStatus(ctx, e.a.ws.ID, e.a.conn.ID, "amazon.com", "active", "synced"); err != nil {
			t.Fatal(err)
		}
		var programs struct {
			Data []struct {
				ConnectionID string `json:"connection_id"`
				Program      string
			}
		}
		e.do("GET", "/v1/programs", e.a.readKey, "", &programs)
		var link struct{ ID, Code string }
		if code := e.do("POST", "/v1/links", e.a.writeKey, `{"url":"https://www.amazon.com/dp/B0C1234567","channel":"store-20","unique_per_click":true}`, &link); code != 201 {
			t.Fatalf("link: %d", code)
		}
		var deliveries struct{ Data []struct{ ID int64 } }
		e.do("GET", "/v1/webhooks/"+hooks.Data[0].ID+"/deliveries", e.a.readKey, "", &deliveries)
		if len(inqs.Data) == 0 || len(keys.Data) == 0 || len(deliveries.Data) == 0 {
			t.Fatalf("samples: %d inquiries, %d keys, %d deliveries", len(inqs.Data), len(keys.Data), len(deliveries.Data))
		}
		samples := map[string]string{
			"transactions/{id}": e.a.firstTxID, "connections/{id}": e.a.conn.ID, "inquiries/{id}": inqs.Data[0].ID,
			"apikeys/{id}": keys.Data[0].ID, "webhooks/{id}": hooks.Data[0].ID, "deliveries/{delivery_id}": itoa(int(deliveries.Data[0].ID)),
			"r/{code}": link.Code, "links/{id}": link.ID, "programs/{connection_id}": programs.Data[0].ConnectionID, "{connection_id}/{program}": programs.Data[0].Program,
		}
		for _, pattern := range served {
			method, path, _ := strings.Cut(pattern, " ")
			op := doc.Paths[path][strings.ToLower(method)]
			url := fillPath(t, path, samples)
			switch op.Scope {
			case "":
			case "read", "write":
				if code := e.do(method, url, "", "", nil); code != 401 {
					t.Errorf("%s without a key: %d, want 401", pattern, code)
				}
				if op.Scope == "write" {
					if code := e.do(method, url, e.a.readKey, "{}", nil); code != 403 {
						t.Errorf("%s with a read key: %d, want 403", pattern, code)
					}
				}
			default:
				t.Errorf("%s: scope %q", pattern, op.Scope)
			}
			if method != "GET" || op.Scope == "" {
				continue
			}
			var want []string
			for _, p := range op.Parameters {
				if p.In == "query" {
					want = append(want, p.Name)
				}
			}
			if i := slices.Index(want, "format"); i >= 0 { // exports: format is the wrapper's, not the list's
				want = slices.Delete(want, i, i+1)
				var bad errorShape
				if code := e.do("GET", url+"?format=pdf", e.a.readKey, "", &bad); code != 400 || !strings.Contains(bad.Error.Message, "csv or xlsx") {
					t.Errorf("%s documents format but takes pdf: %d %s", pattern, code, bad.Error.Message)
				}
			}
			var bad errorShape
			if code := e.do("GET", url+"?zz_unknown=1", e.a.readKey, "", &bad); code != 400 {
				t.Errorf("%s does not refuse an unknown parameter: %d", pattern, code)
			} else if got := knownParams(bad.Error.Message); !sameSet(got, want) {
				t.Errorf("%s accepts %v, documents %v", pattern, got, want)
			}
			var body any
			if code := e.do("GET", url, e.a.readKey, "", &body); code != 200 {
				t.Errorf("%s: %d", pattern, code)
				continue
			}
			resp, ok := op.Responses["200"].Content["application/json"]
			if !ok {
				t.Errorf("%s: no documented 200 JSON answer", pattern)
				continue
			}
			if err := conforms(doc, resp.Schema, body, "$"); err != "" {
				t.Errorf("%s answers what its schema does not say: %s", pattern, err)
			}
		}
	})
}

type errorShape struct {
	Error struct{ Code, Message string } `json:"error"`
}

// fillPath puts a sample id in each {param} of a path, chosen by the
// segment before it ("webhooks/{id}").
func fillPath(t *testing.T, path string, samples map[string]string) string {
	pattern := strings.Split(path, "/")
	segs := slices.Clone(pattern)
	for i, seg := range pattern {
		if strings.HasPrefix(seg, "{") {
			id, ok := samples[pattern[i-1]+"/"+seg]
			if !ok {
				t.Fatalf("no sample id for %s in %s: add one to the test", seg, path)
			}
			segs[i] = id
		}
	}
	return strings.Join(segs, "/")
}

func knownParams(msg string) []string {
	_, list, ok := strings.Cut(msg, "known: ")
	if !ok {
		return nil
	}
	return strings.Split(list, ", ")
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// conforms checks a decoded JSON value against a schema: every property it
// has is documented, every required one is there, and types agree.
func conforms(doc openAPIDoc, s schema, v any, at string) string {
	if s.Ref != "" {
		return conforms(doc, doc.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")], v, at)
	}
	if len(s.AnyOf) > 0 {
		for _, alt := range s.AnyOf {
			if conforms(doc, alt, v, at) == "" {
				return ""
			}
		}
		return at + ": matches no alternative"
	}
	types := []string{}
	switch ty := s.Type.(type) {
	case string:
		types = append(types, ty)
	case []any:
		for _, x := range ty {
			types = append(types, x.(string))
		}
	}
	var got string
	switch v.(type) {
	case nil:
		got = "null"
	case string:
		got = "string"
	case bool:
		got = "boolean"
	case float64:
		got = "integer"
	case []any:
		got = "array"
	case map[string]any:
		got = "object"
	}
	if len(types) > 0 && !slices.Contains(types, got) {
		return at + ": a " + got + ", documented as " + strings.Join(types, " or ")
	}
	switch x := v.(type) {
	case []any:
		if s.Items != nil {
			for i, el := range x {
				if err := conforms(doc, *s.Items, el, at+"["+itoa(i)+"]"); err != "" {
					return err
				}
			}
		}
	case map[string]any:
		if s.Properties == nil {
			return ""
		}
		for k, el := range x {
			ps, ok := s.Properties[k]
			if !ok {
				return at + "." + k + ": not documented"
			}
			if err := conforms(doc, ps, el, at+"."+k); err != "" {
				return err
			}
		}
		for _, k := range s.Required {
			if _, ok := x[k]; !ok {
				return at + "." + k + ": documented as required, missing"
			}
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
