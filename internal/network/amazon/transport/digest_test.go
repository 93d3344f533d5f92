package transport

import (
	"net/http"
	"testing"

	"github.com/icholy/digest"
)

// TestDigestRFC7616Vectors checks the Digest computation the DataFeed
// client relies on against RFC 7616 §3.9.1: MD5 and SHA-256 with qop=auth.
func TestDigestRFC7616Vectors(t *testing.T) {
	const (
		nonce  = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
		opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
		cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	)
	tests := []struct {
		algorithm, response string
	}{
		{"MD5", "8ca523f5e9506fed4657c9700eebdbec"},
		{"SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	}
	for _, tc := range tests {
		t.Run(tc.algorithm, func(t *testing.T) {
			h := http.Header{}
			h.Add("WWW-Authenticate", `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=`+tc.algorithm+`, nonce="`+nonce+`", opaque="`+opaque+`"`)
			chal, err := digest.FindChallenge(h)
			if err != nil {
				t.Fatal(err)
			}
			cred, err := digest.Digest(chal, digest.Options{Method: "GET", URI: "/dir/index.html", Username: "Mufasa", Password: "Circle of Life", Cnonce: cnonce, Count: 1})
			if err != nil {
				t.Fatal(err)
			}
			if cred.Response != tc.response || cred.QOP != "auth" || cred.Nc != 1 {
				t.Errorf("response %s (qop %s, nc %d), want %s with qop auth, nc 1", cred.Response, cred.QOP, cred.Nc, tc.response)
			}
		})
	}
}
