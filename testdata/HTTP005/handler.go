// Package http005 drops the requests that WithContext and Clone return.
package http005

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
)

type userKey struct{}

// withUser forgets the new request: the handler below sees no user.
func withUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), userKey{}, "gopher")
		r.WithContext(ctx) // want "result of \(\*http\.Request\)\.WithContext is discarded; the request keeps its old context"
		next.ServeHTTP(w, r)
	})
}

// The correct ways to use the result are silent.
func withUserFixed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), userKey{}, "gopher")
		next.ServeHTTP(w, r.WithContext(ctx))
		r = r.WithContext(ctx)
		r2 := r.Clone(ctx)
		var r3 = r.WithContext(ctx)
		next.ServeHTTP(w, r2)
		next.ServeHTTP(w, r3)
	})
}

func attach(r *http.Request, ctx context.Context) *http.Request {
	return r.WithContext(ctx)
}

func newRequests(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequest("GET", "http://example.com", nil)
	if err != nil {
		return nil, err
	}
	req.WithContext(ctx) // want "\.WithContext is discarded"
	req.Clone(ctx)       // want "\(\*http\.Request\)\.Clone is discarded"

	req2, err := http.NewRequestWithContext(ctx, "GET", "/", nil)
	if err != nil {
		return nil, err
	}
	(req2.WithContext(ctx)) // want "WithContext is discarded"

	// The inner call's result is used as the receiver; the outer one is lost.
	req2.WithContext(ctx).WithContext(context.Background()) // want "WithContext is discarded"
	req2.Clone(ctx).
		WithContext(ctx) // want@-1 "WithContext is discarded"

	var req3, err3 = http.NewRequest("GET", "/", nil)
	_ = err3
	req3.WithContext(ctx) // want "WithContext is discarded"

	if req4, err := http.ReadRequest(bufio.NewReader(nil)); err == nil {
		req4.Clone(ctx) // want "Clone is discarded"
	}
	return req, nil
}

func discardedInOtherWays(ctx context.Context, r *http.Request) {
	defer r.WithContext(ctx) // want "WithContext is discarded by defer"
	go r.Clone(ctx)          // want "Clone is discarded by the go statement"
	_ = r.WithContext(ctx)   // want "WithContext is assigned to _"
	var _ = r.Clone(ctx)     // want "Clone is assigned to _"
	n := 0
	n, _ = 1, r.WithContext(ctx) // want "WithContext is assigned to _"
	_ = n

	// A value is used, and assigning to a variable is fine.
	x, y := r.WithContext(ctx), r.Clone(ctx)
	_, _ = x, y
}

func constructors(ctx context.Context) {
	a := httptest.NewRequest("GET", "/", nil)
	a.WithContext(ctx) // want "WithContext is discarded"

	b := httptest.NewRequestWithContext(ctx, "GET", "/", nil)
	b.Clone(ctx) // want "Clone is discarded"

	httptest.NewRequest("GET", "/", nil).WithContext(ctx) // want "WithContext is discarded"

	c := &http.Request{Method: "GET"}
	c.WithContext(ctx) // want "WithContext is discarded"

	d := new(http.Request)
	d.WithContext(ctx) // want "WithContext is discarded"

	var e any = c
	e.(*http.Request).WithContext(ctx) // want "WithContext is discarded"
	if f, ok := e.(*http.Request); ok {
		f.WithContext(ctx) // want "WithContext is discarded"
	}

	var g http.Request
	g.WithContext(ctx) // want "WithContext is discarded"

	h := c
	h.WithContext(ctx) // want "WithContext is discarded"
}

var base = httptest.NewRequest("GET", "/", nil)

func packageLevel(ctx context.Context) {
	base.WithContext(ctx) // want "WithContext is discarded"
}

type server struct {
	req     *http.Request
	pending []*http.Request
	byName  map[string]*http.Request
	queue   chan *http.Request
	keyed   map[*http.Request]bool
}

func (s *server) current() *http.Request { return s.req }

func (s *server) fields(ctx context.Context) {
	s.req.WithContext(ctx)        // want "WithContext is discarded"
	s.pending[0].WithContext(ctx) // want "WithContext is discarded"
	s.byName["a"].Clone(ctx)      // want "Clone is discarded"
	s.current().WithContext(ctx)  // want "WithContext is discarded"
	for _, p := range s.pending {
		p.WithContext(ctx) // want "WithContext is discarded"
	}
	for name, p := range s.byName {
		_ = name
		p.Clone(ctx) // want "Clone is discarded"
	}
	for p := range s.queue {
		p.WithContext(ctx) // want "WithContext is discarded"
	}
	next := <-s.queue
	next.WithContext(ctx) // want "WithContext is discarded"
	select {
	case got, ok := <-s.queue:
		_ = ok
		got.Clone(ctx) // want "Clone is discarded"
	default:
	}
	for _, p := range [...]*http.Request{s.req} {
		p.WithContext(ctx) // want "WithContext is discarded"
	}
	if p, ok := s.byName["b"]; ok {
		p.WithContext(ctx) // want "WithContext is discarded"
	}
	for key := range s.keyed {
		key.WithContext(ctx) // want "WithContext is discarded"
	}
	for i := range s.pending {
		_ = i // an index, not a request
	}
	s.req = s.req.WithContext(ctx)
}

func build(method string) (*http.Request, error) {
	return http.NewRequest(method, "/", nil)
}

func local(ctx context.Context, rs ...*http.Request) {
	r, err := build("GET")
	if err != nil {
		return
	}
	r.WithContext(ctx) // want "WithContext is discarded"

	mk := func() *http.Request { return r }
	mk().WithContext(ctx) // want "WithContext is discarded"

	rs[0].WithContext(ctx) // want "WithContext is discarded"
	for _, each := range rs {
		each.Clone(ctx) // want "Clone is discarded"
	}

	var v any = r
	switch t := v.(type) {
	case *http.Request:
		t.WithContext(ctx) // want "WithContext is discarded"
	case *http.Response, nil:
		_ = t // t is not a request here
	}

	(*http.Request)(r).WithContext(ctx) // want "WithContext is discarded"
}

// req is an alias of http.Request; its methods are Request's.
type req = http.Request

func aliased(ctx context.Context, r *req) {
	r.WithContext(ctx) // want "WithContext is discarded"
}
