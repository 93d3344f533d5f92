package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/store"
)

type settingsData struct {
	TimeZone string
	Zones    []string // suggestions; any IANA name is accepted
	Now      string   // the current time in the chosen zone, as a check
	Error    string
	// The workspace's reporting currency ("" until chosen or taken from
	// the first connection), and the form's refusal of another.
	Currency      string
	CurrencyError string
	Rates         store.RatesStatus
}

// commonZones are offered in the form's list; the field takes any IANA name.
var commonZones = []string{"UTC", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Sao_Paulo",
	"Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw",
	"Europe/Istanbul", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"}

func (s *Server) settings(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.showSettings(w, r, v, http.StatusOK, settingsData{TimeZone: v.TimeZone})
}

func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, v *viewer, status int, d settingsData) {
	d.Zones = commonZones
	d.Now = s.now().In(v.Loc).Format("2006-01-02 15:04 MST")
	ws, err := s.store.Workspace(r.Context(), v.WorkspaceID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.CurrencyError == "" {
		d.Currency = ws.Currency
	}
	if d.Rates, err = s.store.RatesStatus(r.Context()); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, status, "settings", "Settings", "settings", d)
}

// setTimeZone stores the zone the viewer sees dates in. Changing one's own
// view is no change of the workspace's data, so every role may.
func (s *Server) setTimeZone(w http.ResponseWriter, r *http.Request, v *viewer) {
	zone := strings.TrimSpace(r.PostFormValue("time_zone"))
	if _, err := time.LoadLocation(zone); zone == "" || zone == "Local" || err != nil {
		s.showSettings(w, r, v, http.StatusBadRequest, settingsData{TimeZone: zone,
			Error: "“" + zone + "” is not a time zone; use an IANA name like Europe/Berlin or America/New_York."})
		return
	}
	err := s.store.SetUserTimeZone(r.Context(), v.WorkspaceID, v.ID, zone)
	if errors.Is(err, store.ErrBadTimeZone) {
		s.showSettings(w, r, v, http.StatusBadRequest, settingsData{TimeZone: zone, Error: "“" + zone + "” is not a time zone this server knows."})
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/settings", "Dates now show in "+zone+".")
}

// setCurrency sets the workspace's reporting currency (admins): converted
// values follow at once, with nothing rewritten (SPEC §4.2a).
func (s *Server) setCurrency(w http.ResponseWriter, r *http.Request, v *viewer) {
	code := strings.ToUpper(strings.TrimSpace(r.PostFormValue("currency")))
	_, err := s.store.SetReportingCurrency(r.Context(), v.WorkspaceID, code)
	if errors.Is(err, store.ErrUnknownCurrency) {
		s.showSettings(w, r, v, http.StatusBadRequest, settingsData{TimeZone: v.TimeZone, Currency: code,
			CurrencyError: "“" + code + "” is not an ISO 4217 currency code affsync knows; use one like EUR, USD or GBP."})
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/settings", "The workspace now reports in "+code+".")
}
