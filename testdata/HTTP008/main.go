// Package http008 starts servers without read timeouts.
package http008

import (
	"crypto/tls"
	"log"
	"net"
	"net/http"
	"time"
)

func plain() {
	log.Fatal(http.ListenAndServe(":8080", nil)) // want `http.ListenAndServe serves without timeouts`
}

func tlsPlain() error {
	return http.ListenAndServeTLS(":8443", "cert.pem", "key.pem", nil) // want `http.ListenAndServeTLS serves without timeouts`
}

func onListener(l net.Listener, h http.Handler) error {
	return http.Serve(l, h) // want `http.Serve serves without timeouts`
}

func noTimeouts(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h} // want `http.Server without ReadHeaderTimeout or ReadTimeout`
	return srv.ListenAndServe()
}

func zeroTimeout(h http.Handler) error {
	srv := http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: 0, WriteTimeout: time.Minute} // want `http.Server without ReadHeaderTimeout`
	return srv.ListenAndServe()
}

func direct(h http.Handler) error {
	return (&http.Server{Addr: ":8080", Handler: h}).ListenAndServe() // want `http.Server without`
}

// ReadHeaderTimeout, or ReadTimeout alone (it bounds the header too).
func headerTimeout(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: 5 * time.Second}
	return srv.ListenAndServe()
}

func readTimeoutOnly(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h, ReadTimeout: 30 * time.Second}
	return srv.ListenAndServe()
}

// Set after the literal.
func setLater(h http.Handler, cfg *tls.Config) error {
	srv := &http.Server{Addr: ":8443", Handler: h, TLSConfig: cfg}
	srv.ReadHeaderTimeout = 10 * time.Second
	return srv.ListenAndServeTLS("", "")
}

// Handed to a function that may set them: not reported.
func configure(srv *http.Server) {
	srv.ReadTimeout = time.Minute
}

func passedOn(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h}
	configure(srv)
	return srv.ListenAndServe()
}

// Returned from a constructor: the package sets ReadTimeout somewhere (in
// configure), so a caller may as well.
func newServer(h http.Handler) *http.Server {
	return &http.Server{Addr: ":8080", Handler: h}
}
