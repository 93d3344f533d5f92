package transport

import (
	"errors"
	"fmt"
	"net/http"
)

// State classifies an error for the connection's status.
type State int

const (
	StateOther               State = iota // anything else; the sentence is the error
	StateCredentialsRejected              // the credential ID and secret (or DataFeed password) were refused
	StateNotEligible                      // the account may not use the Creators API
	StateNoReportAccess                   // the account has no reports (access, or files)
	StateUnavailable                      // Amazon kept failing until the retries ran out
)

// String is the status wording of SPEC §2 ("credentials rejected"…).
func (s State) String() string {
	switch s {
	case StateCredentialsRejected:
		return "credentials rejected"
	case StateNotEligible:
		return "account not eligible"
	case StateNoReportAccess:
		return "no report access"
	case StateUnavailable:
		return "unavailable"
	default:
		return "error"
	}
}

// Classify says what an error means for the connection, with a sentence
// for the user. Give-ups are classified by the fact that they gave up, not
// by their last refusal, except that a refusal Amazon never retries wins.
func Classify(err error) (State, string) {
	if err == nil {
		return StateOther, ""
	}
	if errors.Is(err, ErrNoReportFiles) {
		return StateNoReportAccess, "no report files are listed for this account yet"
	}
	var api *APIError
	if errors.As(err, &api) {
		if st, msg, ok := classifyAPI(api); ok {
			return st, msg
		}
	}
	var un *UnavailableError
	if errors.As(err, &un) {
		return StateUnavailable, fmt.Sprintf("Amazon is unavailable: %s gave up after %d attempts (last: %v)", un.Op, un.Attempts, un.Last)
	}
	return StateOther, err.Error()
}

func classifyAPI(e *APIError) (State, string, bool) {
	switch {
	case e.Type == "invalid_client" || e.Type == "unauthorized_client" || e.Reason == "InvalidClient":
		return StateCredentialsRejected, "credentials rejected: Amazon did not accept the credential ID and secret; check them and the credential version", true
	case e.Type == digestRefused:
		return StateCredentialsRejected, "credentials rejected: the DataFeed did not accept the user and password", true
	case e.Reason == "AssociateNotEligible":
		return StateNotEligible, "account not eligible: Amazon does not let this account use the Creators API yet (it asks for about 10 qualifying sales in the last 30 days)", true
	case e.Reason == "ReportsNotAvailable":
		return StateNoReportAccess, "no report access: this account has the Creators API but not its Reports", true
	case e.Status == http.StatusForbidden && e.Type == "AccessDeniedException":
		return StateNoReportAccess, "no report access: Amazon refused access to the reports (" + e.Error() + ")", true
	}
	return StateOther, "", false
}
