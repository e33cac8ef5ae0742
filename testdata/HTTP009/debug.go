// Package main serves the default mux, with pprof and expvar, on all interfaces.
package main

import (
	_ "expvar"         // want `expvar registers /debug/vars on http.DefaultServeMux, which this package serves on ":8080" \(main.go:21\)`
	_ "net/http/pprof" // want `net/http/pprof registers /debug/pprof/ on http.DefaultServeMux, which this package serves on ":8080" \(main.go:21\)`
)
