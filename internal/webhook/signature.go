package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Headers of a delivery.
const (
	// SignatureHeader is "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
	SignatureHeader = "Affsync-Signature"
	// EventHeader is the event id (evt_…): the same in every delivery and
	// redelivery of one event, so receivers can drop duplicates by it.
	EventHeader = "Affsync-Event"
	// EventTypeHeader is the event type: transaction.created, transaction.updated or transaction.deleted.
	EventTypeHeader = "Affsync-Event-Type"
	// DeliveryHeader is the delivery id, as the delivery log shows it.
	DeliveryHeader = "Affsync-Delivery"
)

// Errors of Verify.
var (
	ErrMalformedSignature = errors.New("webhook signature header lacks t= or v1=")
	ErrSignatureMismatch  = errors.New("webhook signature does not match the body")
	ErrSignatureExpired   = errors.New("webhook signature timestamp is outside the tolerance")
)

// Sign is the Affsync-Signature value of body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks that header (the Affsync-Signature of a delivery) signs body
// with secret, and that it was made within tolerance of now, so a recorded
// delivery cannot be replayed later. Any of several v1= values may match
// (room for a secret rotation).
func Verify(secret, header string, body []byte, tolerance time.Duration) error {
	return verifyAt(secret, header, body, tolerance, time.Now())
}

func verifyAt(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrMalformedSignature
	}
	if now.Sub(time.Unix(unix, 0)).Abs() > tolerance {
		return ErrSignatureExpired
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if got, err := hex.DecodeString(s); err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignatureMismatch
}
