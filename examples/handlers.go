package example

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	_ "net/http/pprof" // HTTP009: /debug/pprof/ on the mux Serve exposes
)

// Lookup forgets to return after the error (HTTP001).
func Lookup(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
	}
	json.NewEncoder(w).Encode(map[string]string{"id": id})
}

// Report chooses the status after the body went out (HTTP002), and sets a
// header that can no longer be sent (HTTP003).
func Report(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "report")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusAccepted)
}

// Export writes from a goroutine the handler does not wait for (HTTP004).
func Export(w http.ResponseWriter, r *http.Request) {
	go func() {
		fmt.Fprintln(w, "rows")
	}()
}

// Logged meant to call the embedded handler (HTTP007), and a pointer to
// an interface makes Audit no http.Handler (HTTP010).
type Logged struct{ http.Handler }

func (l Logged) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	log.Println(r.Method, r.URL)
	l.ServeHTTP(w, r)
}

type Audit struct{}

func (Audit) ServeHTTP(w *http.ResponseWriter, r *http.Request) {}

// Serve has no timeouts (HTTP008) and serves the default mux publicly.
func Serve() error {
	return http.ListenAndServe(":8080", nil)
}
