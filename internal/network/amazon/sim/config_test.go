package sim

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     Config
		wantAddr string
		wantErr  string
	}{
		{"defaults", nil, Config{Seed: 1, Days: 60, StoreID: "demo-20", CredentialID: "demo-credential", Secret: "demo-secret",
			Marketplace: "www.amazon.com"}, DefaultAddr, ""},
		{"every flag", []string{"--addr", ":9000", "--seed", "42", "--days", "7", "--store-id", "shop-21", "--credential-id", "cid",
			"--secret", "s3", "--fail-rate", "0.25", "--marketplace", "www.amazon.de", "--today", "2026-03-01"},
			Config{Seed: 42, Days: 7, StoreID: "shop-21", CredentialID: "cid", Secret: "s3", FailRate: 0.25,
				Marketplace: "www.amazon.de", Today: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, ":9000", ""},
		{"single dash", []string{"-seed=3"}, Config{Seed: 3, Days: 60, StoreID: "demo-20", CredentialID: "demo-credential",
			Secret: "demo-secret", Marketplace: "www.amazon.com"}, DefaultAddr, ""},
		{"unknown flag", []string{"--nope"}, Config{}, "", "flag provided but not defined"},
		{"fail rate of one", []string{"--fail-rate", "1"}, Config{}, "", "fail rate"},
		{"bad store ID", []string{"--store-id", "demo"}, Config{}, "", "store ID"},
		{"unknown marketplace", []string{"--marketplace", "www.amazon.xx"}, Config{}, "", "marketplace"},
		{"bad today", []string{"--today", "15/10/2026"}, Config{}, "", "--today"},
		{"zero days", []string{"--days", "0"}, Config{}, "", "days"},
		{"positional", []string{"serve"}, Config{}, "", "unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, addr, err := ParseFlags(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Now != nil {
				t.Error("Now set; the CLI leaves it to New")
			}
			if addr != tc.wantAddr || !reflect.DeepEqual(cfg, tc.want) {
				t.Errorf("got %+v at %q, want %+v at %q", cfg, addr, tc.want, tc.wantAddr)
			}
		})
	}
}

func TestTrackingIDs(t *testing.T) {
	tests := []struct {
		store string
		want  [2]string
	}{
		{"demo-20", [2]string{"demo-20", "demo-21"}},
		{"shop-21", [2]string{"shop-21", "shop-22"}},
		{"a.b-05", [2]string{"a.b-05", "a.b-21"}},
	}
	for _, tc := range tests {
		got := trackingIDs(tc.store)
		if len(got) != 2 || got[0] != tc.want[0] || got[1] != tc.want[1] {
			t.Errorf("trackingIDs(%q) = %v, want %v", tc.store, got, tc.want)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	now := time.Date(2026, 5, 6, 23, 59, 0, 0, time.FixedZone("X", -5*3600)) // already May 7 in UTC
	s, err := New(Config{Now: func() time.Time { return now }, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config()
	if !c.Today.Equal(time.Date(2026, 5, 7, 0, 0, 0, 0, time.UTC)) || c.TokenTTL != time.Hour || c.StoreID != "demo-20" {
		t.Errorf("defaults %+v", c)
	}
	if f := s.Files(); len(f) != fileKinds+1 || !strings.HasSuffix(f[0].Name, "-20260506.tsv.gz") {
		t.Errorf("files of a one-day account: %+v", f)
	}
}
