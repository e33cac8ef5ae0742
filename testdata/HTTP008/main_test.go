package http008

import (
	"net/http"
	"testing"
)

// Test servers are not checked.
func TestServer(t *testing.T) {
	srv := &http.Server{Addr: "localhost:0"}
	_ = srv
	go http.ListenAndServe("localhost:0", nil)
}
