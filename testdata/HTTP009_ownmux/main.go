// Package main imports pprof, then serves a mux of its own on every
// interface and the default mux on a concatenated public address.
package main

import (
	"log"
	"net/http"
	"net/http/pprof" // want `net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which this package serves on ":…" \(line 23\)`
	"os"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	go func() {
		log.Println(http.ListenAndServe("localhost:6060", mux))
	}()
	public := http.NewServeMux()
	public.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {})
	go func() {
		log.Println(http.ListenAndServe(":9000", public))
	}()
	log.Fatal(http.ListenAndServe(":"+os.Getenv("PORT"), http.DefaultServeMux))
}
