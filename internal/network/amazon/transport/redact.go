package transport

import (
	"errors"
	"fmt"
	"net/url"
)

// redact removes a request URL's query (a pre-signed URL's signature) from
// the *url.Error the HTTP client returns, keeping the cause.
func redact(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return fmt.Errorf("%s %s: %w", ue.Op, safeURL(ue.URL), ue.Err)
}

// safeURL is a URL without query, fragment or user information: fit to log.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}
