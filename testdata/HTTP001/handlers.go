// Package http001 writes to a ResponseWriter after the response was complete.
package http001

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
)

type user struct{ Name string }

func lookup(id string) (*user, error) {
	if id == "" {
		return nil, errors.New("no id")
	}
	return &user{Name: id}, nil
}

// The classic: the error branch has no return.
func missingReturn(w http.ResponseWriter, r *http.Request) {
	u, err := lookup(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "no such user", http.StatusNotFound) // want `http.Error does not end the handler; a path goes on to json.NewEncoder\(w\).Encode \(line 31\)`
	}
	json.NewEncoder(w).Encode(u)
}

func withReturn(w http.ResponseWriter, r *http.Request) {
	u, err := lookup(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "no such user", http.StatusNotFound)
		return
	}
	json.NewEncoder(w).Encode(u)
}

// http.Error as the final statement on every path needs no return.
func errorLast(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
	} else if r.URL.Path == "/" {
		fmt.Fprintln(w, "home")
	} else {
		http.NotFound(w, r)
	}
}

// Writes in separate branches of a switch never follow one another.
func separateBranches(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		io.WriteString(w, "got")
	case http.MethodHead:
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// Only logging and cleanup after the error: nothing is written.
func logsAfter(w http.ResponseWriter, r *http.Request) {
	f, err := os.Open("/nonexistent")
	if err != nil {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		log.Printf("open: %v", err)
	}
	if f != nil {
		f.Close()
	}
}

// Nested if, switch and select with returns in every error branch.
func nested(w http.ResponseWriter, r *http.Request, done chan struct{}) {
	if r.Method == http.MethodPost {
		switch r.Header.Get("Content-Type") {
		case "application/json":
			if r.ContentLength == 0 {
				http.Error(w, "empty body", http.StatusBadRequest)
				return
			}
		default:
			http.Error(w, "json only", http.StatusUnsupportedMediaType)
			return
		}
	}
	select {
	case <-done:
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	case <-r.Context().Done():
		return
	default:
	}
	w.Write([]byte("ok"))
}

// A select branch that forgets to return.
func selectForgets(w http.ResponseWriter, r *http.Request, done chan struct{}) {
	select {
	case <-done:
		http.Error(w, "shutting down", http.StatusServiceUnavailable) // want `http.Error does not end the handler; a path goes on to w.Write`
	default:
	}
	w.Write([]byte("ok"))
}

// The same condition tested twice: the write only runs when the error did not.
func conditionTwice(w http.ResponseWriter, r *http.Request) {
	_, err := lookup(r.FormValue("id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
	}
	if err == nil {
		fmt.Fprintf(w, "found")
	}
}

// A flag set on the error path and tested before writing.
func flagged(w http.ResponseWriter, r *http.Request) {
	failed := false
	for _, id := range strings.Split(r.FormValue("ids"), ",") {
		if _, err := lookup(id); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			failed = true
			break
		}
	}
	if failed {
		return
	}
	io.WriteString(w, "all found")
}

// The same with a flag declared by its zero value.
func flaggedZero(w http.ResponseWriter, r *http.Request) {
	var failed bool
	if _, err := lookup(r.FormValue("id")); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		failed = true
	}
	if !failed {
		io.WriteString(w, "found")
	}
}

// A loop that continues after writing an error for one item.
func loopContinues(w http.ResponseWriter, r *http.Request) {
	for _, id := range strings.Split(r.FormValue("ids"), ",") {
		u, err := lookup(id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest) // want `does not end the handler; a path goes on to fmt.Fprintln`
			continue
		}
		fmt.Fprintln(w, u.Name)
	}
}

// log.Fatal and panic end the path.
func fatal(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/fatal" {
		http.Error(w, "bye", http.StatusInternalServerError)
		log.Fatal("fatal")
	}
	if r.URL.Path == "/panic" {
		http.Error(w, "bye", http.StatusInternalServerError)
		panic("unreachable")
	}
	w.Write([]byte("alive"))
}

// An error status with a body in a branch, then the success body.
func statusThenBody(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("q") == "" {
		w.WriteHeader(http.StatusBadRequest) // want `w.WriteHeader\(http.StatusBadRequest\) does not end the handler; a path goes on to w.Write \(line 182\)`
		w.Write([]byte("missing q"))
	}
	w.Write([]byte("result"))
}

// Choosing the status in branches and writing one page after them is fine.
func statusChosen(w http.ResponseWriter, r *http.Request, page *template.Template) {
	if r.FormValue("q") == "" {
		w.WriteHeader(http.StatusNotFound)
	}
	page.Execute(w, nil)
}

// A deferred write runs at the end, after every path: not followed.
func deferred(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	if r.URL.Path == "" {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	w.Write([]byte("ok"))
}

// A failed encode wrote nothing, so the error response is the only one.
func encodeFails(w http.ResponseWriter, r *http.Request) {
	if err := json.NewEncoder(w).Encode(map[string]any{"f": func() {}}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// A switch on a value the error branch already knows: a case listing
// several values, or the default, is not entered when the value was "".
func formatKnown(w http.ResponseWriter, r *http.Request) {
	format := r.FormValue("format")
	if format == "" {
		http.Error(w, "format required", http.StatusBadRequest)
	}
	switch format {
	case "csv", "tsv":
		io.WriteString(w, "a,b\n")
	case "json":
		io.WriteString(w, "[]")
	}
}

// Here the empty value falls through to a default that writes.
func formatDefault(w http.ResponseWriter, r *http.Request) {
	format := r.FormValue("format")
	if format == "" {
		http.Error(w, "format required", http.StatusBadRequest) // want `http.Error does not end the handler; a path goes on to http.Error \(line 239\)`
	}
	switch format {
	case "csv", "tsv":
		io.WriteString(w, "a,b\n")
	default:
		http.Error(w, "unknown format", http.StatusBadRequest)
	}
}

// The default case knows the value matched none of the cases.
func formatChecked(w http.ResponseWriter, r *http.Request) {
	format := r.FormValue("format")
	switch format {
	case "csv", "tsv":
	default:
		http.Error(w, "unknown format", http.StatusBadRequest)
	}
	if format == "csv" || format == "tsv" {
		io.WriteString(w, "a,b\n")
	}
}

// A case value computed at run time may be the one that matched.
func formatComputed(w http.ResponseWriter, r *http.Request) {
	format := r.FormValue("format")
	if format == "" {
		http.Error(w, "format required", http.StatusBadRequest) // want `http.Error does not end the handler; a path goes on to io.WriteString \(line 264\)`
	}
	switch format {
	case "csv", strings.ToLower(r.FormValue("alt")):
		io.WriteString(w, "a,b\n")
	}
}
