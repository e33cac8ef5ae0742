package http001

import (
	"fmt"
	"log"
	nethttp "net/http"
	"sync"
)

// A middleware that refuses the request but still calls the next handler.
func requireToken(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.Header.Get("Authorization") == "" {
			nethttp.Error(w, "unauthorized", nethttp.StatusUnauthorized) // want `http.Error does not end the handler; a path goes on to next.ServeHTTP`
		}
		next.ServeHTTP(w, r)
	})
}

func requireTokenFixed(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.Header.Get("Authorization") == "" {
			nethttp.Error(w, "unauthorized", nethttp.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Logging after next is fine; it writes nothing.
func logged(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		next.ServeHTTP(w, r)
		log.Printf("%s %s", r.Method, r.URL)
	})
}

type counter struct {
	mu sync.Mutex
	n  int
}

// A handler method that redirects without returning.
func (c *counter) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	if r.URL.Path != "/" {
		nethttp.Redirect(w, r, "/", nethttp.StatusFound) // want `http.Redirect does not end the handler; a path goes on to fmt.Fprintf`
	}
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	fmt.Fprintf(w, "%d\n", n)
}

// A closure returned by a constructor.
func greeter(name string) nethttp.HandlerFunc {
	return func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if name == "" {
			w.WriteHeader(nethttp.StatusInternalServerError) // want `w.WriteHeader\(nethttp.StatusInternalServerError\) does not end`
			fmt.Fprint(w, "no name configured")
		}
		fmt.Fprintf(w, "hello, %s", name)
	}
}

func routes(mux *nethttp.ServeMux) {
	mux.HandleFunc("GET /files/{name}", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		name := r.PathValue("name")
		if name == "secret" {
			nethttp.NotFound(w, r)
			return
		}
		nethttp.ServeFile(w, r, name)
	})
	mux.HandleFunc("/twice", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		nethttp.ServeFile(w, r, "index.html") // want `http.ServeFile does not end the handler; a path goes on to w.Write`
		w.Write([]byte("<!-- served -->"))
	})
}

// A shadowed writer is another writer.
func shadowed(w nethttp.ResponseWriter, r *nethttp.Request, other nethttp.ResponseWriter) {
	nethttp.Error(w, "gone", nethttp.StatusGone)
	{
		w := other
		w.Write([]byte("to the other writer"))
	}
}
