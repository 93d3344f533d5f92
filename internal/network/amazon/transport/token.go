package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// tokenEarly is how long before its expiry a token stops being used, so
// that a call never leaves with a token about to lapse.
const tokenEarly = 30 * time.Second

// tokenStyle is how a credential version asks for a token (FORMATS §4).
type tokenStyle struct {
	json  bool   // Login with Amazon (3.x): a JSON body; Cognito (2.x): a form
	scope string // creatorsapi::default or creatorsapi/default
}

// tokenSource fetches OAuth2 client-credentials tokens and keeps the
// current one until shortly before it expires.
type tokenSource struct {
	url          string
	credentialID string
	secret       string
	style        tokenStyle
	client       *http.Client
	retry        retrier
	now          func() time.Time

	mu      sync.Mutex // held while fetching, so concurrent calls share one fetch
	token   string
	expires time.Time
}

// tokenAnswer is the token endpoint's 200 answer.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// get returns a token valid for at least tokenEarly more.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.expires.Add(-tokenEarly)) {
		return s.token, nil
	}
	issued := s.now()
	var answer tokenAnswer
	err := s.retry.run(ctx, "token", s.retry.policy.CallTimeout, func(ctx context.Context) error {
		var err error
		answer, err = s.fetch(ctx)
		return err
	})
	if err != nil {
		return "", err
	}
	if answer.ExpiresIn <= 0 {
		answer.ExpiresIn = 3600 // OAuth2 leaves it optional; Amazon's tokens last an hour
	}
	s.token, s.expires = answer.AccessToken, issued.Add(time.Duration(answer.ExpiresIn)*time.Second)
	return s.token, nil
}

// invalidate forgets tok after Amazon refused it, unless a newer token has
// already replaced it.
func (s *tokenSource) invalidate(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == tok {
		s.token, s.expires = "", time.Time{}
	}
}

func (s *tokenSource) fetch(ctx context.Context) (tokenAnswer, error) {
	var answer tokenAnswer
	req, err := s.request(ctx)
	if err != nil {
		return answer, permanent(err)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return answer, redact(err)
	}
	if res.StatusCode != http.StatusOK {
		return answer, errorFromResponse(res, s.now())
	}
	defer res.Body.Close()
	if err := json.NewDecoder(io.LimitReader(res.Body, maxErrorBody)).Decode(&answer); err != nil {
		return answer, decodeError("token", err)
	}
	if answer.AccessToken == "" {
		return answer, permanent(errors.New("token answer holds no access_token"))
	}
	return answer, nil
}

// request is the token request in the credential version's style: the same
// four fields as JSON (Login with Amazon) or as a form (Cognito).
func (s *tokenSource) request(ctx context.Context) (*http.Request, error) {
	fields := map[string]string{
		"grant_type":    "client_credentials",
		"client_id":     s.credentialID,
		"client_secret": s.secret,
		"scope":         s.style.scope,
	}
	var body []byte
	contentType := "application/x-www-form-urlencoded"
	if s.style.json {
		var err error
		if body, err = json.Marshal(fields); err != nil {
			return nil, fmt.Errorf("token request: %w", err)
		}
		contentType = "application/json"
	} else {
		form := url.Values{}
		for k, v := range fields {
			form.Set(k, v)
		}
		body = []byte(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("token request: %w", redact(err))
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	return req, nil
}
