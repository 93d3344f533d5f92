package sim

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The DataFeed sits behind HTTP Digest authentication (RFC 7616, qop=auth,
// SHA-256 preferred, MD5 accepted). Nonces are stateless: an expiry and an
// HMAC of it, so any nonce this server issued is checked without memory.

const (
	digestRealm   = "assoc-datafeeds"
	nonceLifetime = 5 * time.Minute
)

// digestAlgorithms in order of preference, as the challenges list them.
var digestAlgorithms = []struct {
	name string
	hash func() hash.Hash
}{{"SHA-256", sha256.New}, {"MD5", md5.New}}

func (s *Server) nonce() string {
	exp := s.cfg.Now().Add(nonceLifetime).Unix()
	return strconv.FormatInt(exp, 10) + "-" + s.sign("nonce", "", exp)[:32]
}

// nonceState says whether a nonce is ours, and whether it is still fresh.
func (s *Server) nonceState(n string) (valid, fresh bool) {
	e, sig, ok := strings.Cut(n, "-")
	exp, err := strconv.ParseInt(e, 10, 64)
	if !ok || err != nil || !equal(sig, s.sign("nonce", "", exp)[:32]) {
		return false, false
	}
	return true, s.cfg.Now().Unix() <= exp
}

func (s *Server) challenge(w http.ResponseWriter, stale bool) {
	n := s.nonce()
	for _, a := range digestAlgorithms {
		c := fmt.Sprintf(`Digest realm="%s", qop="auth", algorithm=%s, nonce="%s", opaque="%s"`, digestRealm, a.name, n, digestRealm)
		if stale {
			c += ", stale=true"
		}
		w.Header().Add("WWW-Authenticate", c)
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprint(w, "<HTML><BODY>401 Unauthorized</BODY></HTML>")
}

// digest guards a DataFeed endpoint.
func (s *Server) digest(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := parseDigest(r.Header.Get("Authorization"))
		if !ok {
			s.challenge(w, false)
			return
		}
		valid, fresh := s.nonceState(p["nonce"])
		if !valid || !s.digestMatches(r, p) {
			s.challenge(w, false)
			return
		}
		if !fresh {
			s.challenge(w, true) // right password, old nonce: retry with a new one
			return
		}
		if s.injectFault(w) {
			return
		}
		h(w, r)
	}
}

// digestMatches checks the response of RFC 7616 §3.4.1 with qop=auth:
// H(H(user:realm:password):nonce:nc:cnonce:qop:H(method:uri)).
func (s *Server) digestMatches(r *http.Request, p map[string]string) bool {
	user := p["username"]
	if !equal(user, s.cfg.StoreID) && !equal(user, s.cfg.CredentialID) {
		return false
	}
	if p["realm"] != digestRealm || p["qop"] != "auth" || p["uri"] != r.URL.RequestURI() || p["nc"] == "" || p["cnonce"] == "" {
		return false
	}
	alg := p["algorithm"]
	if alg == "" {
		alg = "MD5"
	}
	for _, a := range digestAlgorithms {
		if !strings.EqualFold(a.name, alg) {
			continue
		}
		h := func(s string) string {
			x := a.hash()
			x.Write([]byte(s))
			return hex.EncodeToString(x.Sum(nil))
		}
		ha1 := h(user + ":" + digestRealm + ":" + s.cfg.Secret)
		ha2 := h(r.Method + ":" + p["uri"])
		want := h(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], "auth", ha2}, ":"))
		return equal(strings.ToLower(p["response"]), want)
	}
	return false
}

// parseDigest reads the parameters of an `Authorization: Digest …` header:
// comma-separated key=value pairs, values plain or quoted with \-escapes.
func parseDigest(header string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(header, "Digest ")
	if !ok {
		return nil, false
	}
	p := map[string]string{}
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			return p, p["response"] != "" && p["nonce"] != "" && p["username"] != ""
		}
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return nil, false
		}
		key = strings.ToLower(strings.TrimSpace(key))
		after = strings.TrimLeft(after, " \t")
		var val strings.Builder
		if strings.HasPrefix(after, `"`) {
			i, closed := 1, false
			for ; i < len(after); i++ {
				c := after[i]
				if c == '\\' && i+1 < len(after) {
					i++
					val.WriteByte(after[i])
					continue
				}
				if c == '"' {
					closed = true
					break
				}
				val.WriteByte(c)
			}
			if !closed {
				return nil, false
			}
			rest = after[i+1:]
		} else {
			end := strings.IndexByte(after, ',')
			if end < 0 {
				end = len(after)
			}
			val.WriteString(strings.TrimSpace(after[:end]))
			rest = after[end:]
		}
		p[key] = val.String()
	}
}

// datafeedTime is the listing's date spelling: Thu Jun 07 14:42:40 GMT 2012.
const datafeedTime = "Mon Jan 02 15:04:05 GMT 2006"

// datafeedList answers the HTML table of samples/datafeed-listReports.html.
func (s *Server) datafeedList(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString(`<HTML><HEAD><LINK href='stylesheets/style.css' rel='stylesheet' type='text/css'/></HEAD><BODY><TABLE class='datatable'>`)
	b.WriteString(`<TR><TH>Filename</TH><TH>Last Modified</TH><TH>MD5</TH><TH>Size</TH><TH>Download URL</TH></TR>`)
	for _, f := range s.Files() {
		fmt.Fprintf(&b, `<TR><TD>%s</TD><TD>%s</TD><TD>"%s"</TD><TD>%d</TD><TD><a href='getReport?filename=%s'>click to download</a></TD></TR>`,
			html.EscapeString(f.Name), f.LastModified.UTC().Format(datafeedTime), f.MD5, f.Size, html.EscapeString(url.QueryEscape(f.Name)))
	}
	b.WriteString(`</TABLE></BODY></HTML>`)
	s.counts.lists.Add(1)
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, b.String())
}

func (s *Server) datafeedGet(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("filename")
	rep, ok := s.report(name)
	if !ok {
		http.Error(w, "No such report: "+name, http.StatusNotFound)
		return
	}
	s.serveReport(w, rep)
}
