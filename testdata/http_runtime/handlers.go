// Package httpruntime holds handlers that tests/test_http_runtime.py serves
// with the real net/http: each one that HTTP002 reports must make the server
// log "superfluous response.WriteHeader call", each one that HTTP003
// reports must lose its X-Late header, and no other handler may do either.
// Every handler answers a plain GET of "/".
package httpruntime

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

func writeThenStatus(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "body")
	w.WriteHeader(http.StatusInternalServerError)
}

func statusTwice(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusCreated)
	w.WriteHeader(http.StatusAccepted)
}

func flushThenStatus(w http.ResponseWriter, r *http.Request) {
	w.(http.Flusher).Flush()
	w.WriteHeader(http.StatusAccepted)
}

func writeThenError(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "partial")
	http.Error(w, "failed", http.StatusInternalServerError)
}

func streamThenStatus(w http.ResponseWriter, r *http.Request) {
	for i := 0; i < 3; i++ {
		if i == 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, i)
	}
}

func earlyHints(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Link", "</a.css>; rel=preload")
	w.WriteHeader(http.StatusEarlyHints)
	w.WriteHeader(http.StatusEarlyHints)
	w.Header().Set("X-Late", "kept")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "page")
}

func failedEncode(w http.ResponseWriter, r *http.Request) {
	if err := json.NewEncoder(w).Encode(func() {}); err != nil {
		w.Header().Set("X-Late", "kept")
		http.Error(w, "cannot encode", http.StatusInternalServerError)
	}
}

func exclusiveBranches(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/other" {
		io.WriteString(w, "other")
	}
	if r.URL.Path == "/" {
		w.Header().Set("X-Late", "kept")
	}
}

func chosenThenSet(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/other" {
		io.WriteString(w, "other")
	} else {
		w.WriteHeader(http.StatusNotFound)
	}
	w.Header().Set("X-Late", "lost")
}

func headerAfterWrite(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "body")
	w.Header().Set("X-Late", "lost")
}

func headerAfterStatus(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	w.WriteHeader(http.StatusOK)
	h.Set("X-Late", "lost")
}

func headerAfterError(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "no", http.StatusBadRequest)
	w.Header()["X-Late"] = []string{"lost"}
}

func headerAfterFlush(w http.ResponseWriter, r *http.Request) {
	http.NewResponseController(w).Flush()
	w.Header().Add("X-Late", "lost")
}

func declaredTrailer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Trailer", "X-Late")
	io.WriteString(w, "body")
	w.Header().Set("X-Late", "kept")
}

// An undeclared trailer travels only in a chunked body: flush to get one.
func prefixedTrailer(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "body")
	w.(http.Flusher).Flush()
	w.Header().Set(http.TrailerPrefix+"X-Late", "kept")
}

func headerFirst(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Late", "kept")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "body")
}
