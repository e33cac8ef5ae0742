// Package http010 declares handlers with the wrong shape. Passing them to
// net/http does not compile, so those calls sit in a file the build skips
// (see broken.go); the ServeHTTP methods here compile but do not make a
// http.Handler.
package http010

import (
	"fmt"
	web "net/http"
)

type pointerWriter struct{}

func (pointerWriter) ServeHTTP(w *web.ResponseWriter, r *web.Request) { // want `ServeHTTP takes a pointer to http.ResponseWriter, an interface; expected func\(w web.ResponseWriter, r \*web.Request\)`
	fmt.Fprintln(*w, "hi")
}

type valueRequest struct{}

func (valueRequest) ServeHTTP(w web.ResponseWriter, r web.Request) { // want `ServeHTTP takes http.Request by value`
	fmt.Fprintln(w, r.URL)
}

type swapped struct{}

func (swapped) ServeHTTP(r *web.Request, w web.ResponseWriter) { // want `ServeHTTP takes its parameters in the wrong order`
	fmt.Fprintln(w, r.URL)
}

// An error-returning ServeHTTP is another framework's interface: fine.
type errorHandler struct{}

func (errorHandler) ServeHTTP(w web.ResponseWriter, r *web.Request) error {
	_, err := fmt.Fprintln(w, r.URL)
	return err
}

// A ServeHTTP that has nothing to do with net/http: fine.
type rpcService struct{}

func (rpcService) ServeHTTP(method string, args []byte) ([]byte, error) {
	return args, nil
}

// The right shape, in every form.
type good struct{}

func (good) ServeHTTP(w web.ResponseWriter, r *web.Request) {}

func routes(mux *web.ServeMux) {
	mux.HandleFunc("/", func(w web.ResponseWriter, r *web.Request) {})
	web.HandleFunc("/a", index)
	mux.Handle("/b", web.HandlerFunc(index))
	var s server
	mux.HandleFunc("/c", s.status)
}

func index(w web.ResponseWriter, r *web.Request) {}

type server struct{}

func (server) status(w web.ResponseWriter, r *web.Request) {}

// A router whose HandleFunc takes error-returning handlers.
type router struct{}

func (router) HandleFunc(pattern string, h any) {}

func custom(rt router) {
	rt.HandleFunc("/", func(w web.ResponseWriter, r *web.Request) error { return nil })
	rt.HandleFunc("/x", func(w *web.ResponseWriter, r *web.Request) error { return nil }) // want `handler takes a pointer to http.ResponseWriter`
}
