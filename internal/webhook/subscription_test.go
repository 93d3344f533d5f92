package webhook_test

import (
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/webhook"
)

func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		url  string
		want string // "" accepted, else a part of the refusal
	}{
		{"https://hooks.example.com/in?x=1", ""},
		{"http://localhost:8080/in", ""},
		{"http://127.0.0.1/in", ""},
		{"http://[::1]:9000/in", ""},
		{"http://example.com/in", "https://"},
		{"http://localhost.example.com/in", "https://"},
		{"ftp://example.com/in", "https://"},
		{"https:///nohost", "https://"},
		{"", "https://"},
		{"https://" + strings.Repeat("a", 2050) + ".com", "https://"},
		{"https://me:pw@example.com/in", "no user name"},
		{"https://example.com/in#top", "fragment"},
	} {
		err := webhook.CheckURL(c.url)
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckURL(%.40q) = %v, want %q", c.url, err, c.want)
		}
	}
}

func TestCheckEvents(t *testing.T) {
	got, err := webhook.CheckEvents([]string{"transaction.updated", "transaction.created", "transaction.updated"})
	if err != nil || strings.Join(got, ",") != "transaction.updated,transaction.created" {
		t.Fatalf("duplicates: %q, %v", got, err)
	}
	if got, err := webhook.CheckEvents([]string{"transaction.deleted"}); err != nil || len(got) != 1 {
		t.Fatalf("transaction.deleted: %q, %v", got, err)
	}
	for _, in := range [][]string{nil, {}, {"transaction.removed"}, {"transaction.created", ""}} {
		if _, err := webhook.CheckEvents(in); err == nil {
			t.Errorf("CheckEvents(%q) accepted", in)
		}
	}
}
