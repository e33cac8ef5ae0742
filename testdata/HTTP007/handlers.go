// Package http007 has handlers that serve the request with themselves.
package http007

import (
	"log"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The embedded handler was meant.
type logged struct{ http.Handler }

func (l logged) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log.Println(r.Method, r.URL)
	l.ServeHTTP(w, r) // want `ServeHTTP calls itself on l: every request that gets here recurses`
}

type loggedFixed struct{ http.Handler }

func (l loggedFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log.Println(r.Method, r.URL)
	l.Handler.ServeHTTP(w, r)
}

// A named next field, and an early return that changes nothing.
type auth struct {
	next  http.Handler
	token string
}

func (a *auth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != a.token {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	a.ServeHTTP(w, r) // want `ServeHTTP calls itself on a`
}

// Wrapping itself and serving the wrapper.
type slow struct{ h http.Handler }

func (s *slow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.TimeoutHandler(s, time.Second, "timeout").ServeHTTP(w, r) // want `ServeHTTP serves itself through http.TimeoutHandler\(s, time.Second, "timeout"\)`
}

type viaFunc struct{}

func (v viaFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := http.HandlerFunc(v.ServeHTTP)
	h.ServeHTTP(w, r) // want `serves itself through http.HandlerFunc\(v.ServeHTTP\)`
}

// A middleware given itself as next.
func withHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type secure struct{ inner http.Handler }

func (s secure) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	withHeader(s).ServeHTTP(w, r) // want `serves itself through withHeader\(s\)`
}

type secureFixed struct{ inner http.Handler }

func (s secureFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	withHeader(s.inner).ServeHTTP(w, r)
}

// A HandlerFunc-like type calling itself instead of the function.
type handlerFunc func(http.ResponseWriter, *http.Request)

func (f handlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.ServeHTTP(w, r) // want `calls itself on f`
}

type handlerFuncFixed func(http.ResponseWriter, *http.Request)

func (f handlerFuncFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f(w, r)
}

// Re-dispatch after rewriting the path: the next round takes the other branch.
type canonical struct{ mux *http.ServeMux }

func (c *canonical) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/") && r.URL.Path != "/" {
		r.URL.Path = strings.TrimSuffix(r.URL.Path, "/")
		c.ServeHTTP(w, r)
		return
	}
	c.mux.ServeHTTP(w, r)
}

// Lazy setup: state changes before the second call, which then returns early.
type lazy struct {
	once  sync.Once
	ready bool
	real  http.Handler
}

func (l *lazy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if l.ready {
		l.real.ServeHTTP(w, r)
		return
	}
	l.real = http.NotFoundHandler()
	l.ready = true
	l.ServeHTTP(w, r)
}

// StripPrefix ends the recursion once the prefix is gone.
type strip struct{}

func (s strip) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		http.NotFound(w, r)
		return
	}
	http.StripPrefix("/api", s).ServeHTTP(w, r)
}

// A shadowing variable is another handler.
type outer struct{ inner http.Handler }

func (o outer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o2 := o.inner
	{
		o := o2
		o.ServeHTTP(w, r)
	}
}
