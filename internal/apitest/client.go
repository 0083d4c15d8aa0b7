// Package apitest is a small JSON client for tests that drive the HTTP API.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Client calls the API at BaseURL, as the user of Token.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
	// spec, when set (Checked), checks every JSON answer of Do against the
	// server's OpenAPI document.
	spec *spec
}

// spec is a server's OpenAPI document ready to check answers against.
type spec struct {
	router routers.Router
}

// Checked returns the client with its answers checked against the OpenAPI
// document the server itself serves: a JSON answer that does not match
// its route's documented response fails the test.
func (c Client) Checked(tb testing.TB) Client {
	tb.Helper()
	r := c.Do(tb, http.MethodGet, "/api/v1/openapi.json", nil)
	if r.Status != http.StatusOK {
		tb.Fatalf("GET /api/v1/openapi.json: %d %s", r.Status, r.Body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(r.Body)
	if err != nil {
		tb.Fatalf("load the OpenAPI document: %v", err)
	}
	// The document names paths only; the router matches requests to this
	// server.
	doc.Servers = openapi3.Servers{{URL: c.BaseURL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		tb.Fatalf("route the OpenAPI document: %v", err)
	}
	c.spec = &spec{router: router}
	return c
}

// check validates a JSON answer against the route's documented responses.
func (s *spec) check(req *http.Request, r Response) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return nil
	}
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("no documented route: %w", err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: r.Status, Header: r.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(r.Body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// Response is a status and a raw JSON body.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// Decode unmarshals the body into v or fails the test.
func (r Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorCode returns error.code of an error body, "" otherwise.
func (r Response) ErrorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// As returns a client for the same server with another token.
func (c Client) As(token string) Client {
	c.Token = token
	return c
}

// Do sends body (a string is sent as is, anything else as JSON) and returns
// the response; headers are name, value pairs.
func (c Client) Do(tb testing.TB, method, path string, body any, headers ...string) Response {
	tb.Helper()
	r, err := c.Try(method, path, body, headers...)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	if c.spec != nil {
		req, _ := http.NewRequest(method, c.BaseURL+path, nil)
		if err := c.spec.check(req, r); err != nil {
			tb.Errorf("%s %s answered %d, not as the OpenAPI document says: %v\n%.600s", method, path, r.Status, err, r.Body)
		}
	}
	return r
}

// Try sends like Do but returns transport errors instead of failing the
// test, so that a caller can retry while the server restarts (crash tests),
// and it may be called from any goroutine.
func (c Client) Try(method, path string, body any, headers ...string) (Response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return Response{}, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.BaseURL+path, rd)
	if err != nil {
		return Response{}, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: resp.StatusCode, Body: data, Header: resp.Header}, nil
}

// Must sends like Do and fails the test unless the status is want.
func (c Client) Must(tb testing.TB, want int, method, path string, body any, headers ...string) Response {
	tb.Helper()
	r := c.Do(tb, method, path, body, headers...)
	if r.Status != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// Login returns a token for username or fails the test.
func (c Client) Login(tb testing.TB, username, password string) string {
	tb.Helper()
	var out struct {
		Token string `json:"token"`
	}
	c.Token = ""
	c.Must(tb, http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"username": username, "password": password}).Decode(tb, &out)
	return out.Token
}
