package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// AFFSYNC_LOG_FORMAT and AFFSYNC_LOG_LEVEL pick the handler and the level;
// a value not understood is said and the default kept.
func TestLoggerSettings(t *testing.T) {
	for _, c := range []struct {
		format, level string
		debug, json   bool
		warning       string
	}{
		{"", "", false, false, ""},
		{"text", "info", false, false, ""},
		{"json", "", false, true, ""},
		{"JSON", "DEBUG", true, true, ""},
		{"", "warn", false, false, ""},
		{"xml", "", false, false, "AFFSYNC_LOG_FORMAT is not text or json"},
		{"json", "loud", false, true, "AFFSYNC_LOG_LEVEL is not debug, info, warn or error"},
	} {
		var out strings.Builder
		log := logger(Env{Stderr: &out, Getenv: func(k string) string {
			return map[string]string{"AFFSYNC_LOG_FORMAT": c.format, "AFFSYNC_LOG_LEVEL": c.level}[k]
		}})
		warned := out.String()
		out.Reset()
		log.Debug("a debug line")
		log.Info("an info line")
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		name := c.format + "/" + c.level
		switch {
		case c.level == "warn" && out.Len() != 0:
			t.Errorf("%s: info logged at warn: %q", name, out.String())
		case c.level != "warn" && c.debug != (len(lines) == 2):
			t.Errorf("%s: %d lines, debug on: %v", name, len(lines), c.debug)
		}
		for _, l := range lines {
			if l == "" {
				continue
			}
			if isJSON := json.Valid([]byte(l)); isJSON != c.json {
				t.Errorf("%s: line %q, want JSON: %v", name, l, c.json)
			}
		}
		if c.warning == "" && warned != "" || c.warning != "" && !strings.Contains(warned, c.warning) {
			t.Errorf("%s: warned %q, want %q", name, warned, c.warning)
		}
	}
}
