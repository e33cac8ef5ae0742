// Package http002 sends a status after the status was already sent.
package http002

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"os"
)

var page = template.Must(template.New("p").Parse("{{.}}"))

func render(w io.Writer) error {
	_, err := io.WriteString(w, "rows")
	return err
}

// The status cannot change once the body started.
func lateStatus(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "results:")
	if err := render(w); err != nil {
		w.WriteHeader(http.StatusInternalServerError) // want `superfluous w.WriteHeader\(http.StatusInternalServerError\): the status was already sent by fmt.Fprintln \(line 23\)`
	}
}

// http.Error sets the status too.
func lateError(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("partial"))
	f, err := os.Open("/nonexistent")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError) // want `superfluous http.Error: the status was already sent by w.Write`
		return
	}
	defer f.Close()
	io.Copy(w, f)
}

// Twice: the second status is dropped.
func twice(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusCreated)
	if r.Method == http.MethodPut {
		w.WriteHeader(http.StatusOK) // want `superfluous w.WriteHeader\(http.StatusOK\): the status was already sent by w.WriteHeader\(http.StatusCreated\)`
	}
}

// Informational statuses may come first and repeat.
func earlyHints(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Link", "</style.css>; rel=preload; as=style")
	w.WriteHeader(http.StatusEarlyHints)
	w.WriteHeader(103)
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("page"))
}

// A failed encode or template wrote nothing the status could follow.
func checkedWrites(w http.ResponseWriter, r *http.Request) {
	if err := json.NewEncoder(w).Encode(r.URL.Query()); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func checkedEncoder(w http.ResponseWriter, r *http.Request) {
	enc := json.NewEncoder(w)
	err := enc.Encode(r.Header)
	if err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
	}
}

func checkedTemplate(w http.ResponseWriter, r *http.Request) {
	if err := page.Execute(w, r.URL.Path); err != nil {
		http.Error(w, "render", http.StatusInternalServerError)
	}
}

// Buffer first, then decide: nothing reaches w before the status.
func buffered(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		http.Error(w, "render", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	buf.WriteTo(w)
}

// Different branches: each path sends one status.
func branches(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" {
		w.Write([]byte("home"))
	} else {
		w.WriteHeader(http.StatusNotFound)
	}
}

// Flush sends the header.
func flushed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.(http.Flusher).Flush()
	w.WriteHeader(http.StatusAccepted) // want `superfluous w.WriteHeader\(http.StatusAccepted\): the status was already sent by Flush`
}

// Streaming in a loop, then a status: every iteration wrote.
func streaming(w http.ResponseWriter, r *http.Request, rows []string) {
	for _, row := range rows {
		if row == "" {
			w.WriteHeader(http.StatusBadRequest) // want `superfluous w.WriteHeader\(http.StatusBadRequest\): the status was already sent by fmt.Fprintln \(line 113\)`
			return
		}
		fmt.Fprintln(w, row)
	}
}

// Conditions on one value against different literals exclude each other.
func byPath(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/a" {
		w.Write([]byte("a"))
	}
	if r.URL.Path == "/b" {
		http.Error(w, "no b", http.StatusNotFound)
	}
	if r.Method == http.MethodGet {
		w.Write([]byte("get"))
	}
	if r.Method == "POST" {
		w.WriteHeader(http.StatusCreated)
	}
}

// A switch on the method, then a test of another method.
func bySwitch(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		w.Write([]byte("get"))
	case http.MethodHead:
	}
	if r.Method == http.MethodPost {
		w.WriteHeader(http.StatusAccepted)
	}
}
