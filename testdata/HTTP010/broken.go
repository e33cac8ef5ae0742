//go:build never

// These do not compile: net/http rejects each handler. The rule says why.
package http010

import "net/http"

func extraResult(w http.ResponseWriter, r *http.Request) error { return nil } // want `handler returns a result, but handlers return nothing`

func onlyWriter(w http.ResponseWriter) {} // want `handler takes 1 parameter of other types`

func register(mux *http.ServeMux) {
	http.HandleFunc("/result", extraResult) // the report is on the declaration
	mux.HandleFunc("/writer", onlyWriter)
	mux.HandleFunc("/swap", func(r *http.Request, w http.ResponseWriter) {}) // want `handler takes its parameters in the wrong order; expected func\(w http.ResponseWriter, r \*http.Request\)`
	_ = http.HandlerFunc(func(w http.ResponseWriter, r http.Request) {}) // want `handler takes http.Request by value`
	http.DefaultServeMux.HandleFunc("/ptr", func(w *http.ResponseWriter, r *http.Request) {}) // want `handler takes a pointer to http.ResponseWriter`
}
