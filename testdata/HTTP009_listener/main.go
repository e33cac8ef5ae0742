// Package main serves the default mux, through a Server without Addr, on
// a listener that accepts connections on every interface.
package main

import (
	_ "expvar" // want `expvar registers /debug/vars on http.DefaultServeMux, which this package serves on "0.0.0.0:9090" \(line 20\)`
	"log"
	"net"
	"net/http"
	"time"
)

const internalAddr = "0.0.0.0:9090"

func main() {
	l, err := net.Listen("tcp", internalAddr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{ReadTimeout: 5 * time.Second}
	log.Fatal(srv.Serve(l))
}
