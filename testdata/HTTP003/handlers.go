// Package http003 changes the response header after it was sent.
package http003

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

func download(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("a,b\n"))
	w.Header().Set("Content-Type", "text/csv") // want `w.Header\(\).Set after the header was sent by w.Write \(line 13\) has no effect`
}

func cookieLate(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
	http.SetCookie(w, &http.Cookie{Name: "seen", Value: "1"}) // want `http.SetCookie after the header was sent by w.WriteHeader\(http.StatusOK\)`
}

// Through a variable holding the header map, and a map store.
func viaVariable(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(r.URL.Query())
	h["Cache-Control"] = []string{"no-store"} // want `h\[...\] = after the header was sent by json.NewEncoder\(w\).Encode`
	delete(w.Header(), "Etag")                // want `delete after the header was sent`
}

// Headers first, then the body: fine.
func inOrder(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Add("Vary", "Accept")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, "queued")
}

// Only on the path where an error response was already written.
func afterErrorPath(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("id") == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
	}
	w.Header().Set("X-Request-Id", r.FormValue("id")) // want `w.Header\(\).Set after the header was sent by http.Error`
}

// Informational statuses leave the header open.
func hints(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Link", "</app.js>; rel=preload")
	w.WriteHeader(http.StatusEarlyHints)
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, "<html>")
}

// Trailers: declared in the header, set after the body.
func trailers(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Trailer", "X-Checksum, X-Duration")
	start := time.Now()
	io.WriteString(w, "body")
	w.Header().Set("X-Checksum", "abc")
	w.Header().Set("X-Duration", time.Since(start).String())
	w.Header().Set("X-Undeclared", "dropped") // want `w.Header\(\).Set after the header was sent`
	w.Header().Set(http.TrailerPrefix+"X-Late", "ok")
	w.Header().Set("Trailer:X-Other", "ok")
}

// A failed write does not count on its error path.
func checkedWrite(w http.ResponseWriter, r *http.Request) {
	if _, err := w.Write([]byte("x")); err != nil {
		w.Header().Set("Connection", "close")
	}
}

// Branches: the header is set on a path that wrote nothing.
func branches(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Length", "4")
	} else {
		w.Write([]byte("body"))
	}
}
