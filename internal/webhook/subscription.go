package webhook

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/affsync/affsync/internal/wire"
)

// CheckURL admits https anywhere, and plain http only to this machine (a
// receiver under development): signed bodies carry customers' sub-ids and
// amounts. The API and the dashboard both subscribe through it.
func CheckURL(raw string) error {
	rule := errors.New("url must be an absolute https:// URL (http:// only to localhost or 127.0.0.1)")
	if raw == "" || len(raw) > 2048 {
		return rule
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return rule
	}
	if u.User != nil {
		return errors.New("url must hold no user name or password: deliveries are signed, and the URL is stored unencrypted")
	}
	if u.Fragment != "" {
		return errors.New("url must have no #fragment")
	}
	switch host := u.Hostname(); {
	case u.Scheme == "https":
	case u.Scheme == "http" && (host == "localhost" || host == "127.0.0.1" || host == "::1"):
	default:
		return rule
	}
	return nil
}

// CheckEvents checks a subscription: known types, at least one, each once.
func CheckEvents(in []string) ([]string, error) {
	known := wire.EventTypes()
	if len(in) == 0 {
		return nil, errors.New("events must name at least one of " + strings.Join(known, ", "))
	}
	var out []string
	for _, e := range in {
		if !slices.Contains(known, e) {
			return nil, errors.New("unknown event " + strconv.Quote(e) + "; known: " + strings.Join(known, ", "))
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// MaxDescription is the longest webhook description, in characters.
const MaxDescription = 500
