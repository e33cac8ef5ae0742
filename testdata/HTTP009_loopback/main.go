// Package main serves pprof on the default mux, but only on loopback.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"time"
)

const debugHost = "localhost"

func main() {
	go func() {
		log.Println(http.ListenAndServe(net.JoinHostPort(debugHost, "6060"), nil))
	}()
	go func() {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 6061))
		if err != nil {
			log.Fatal(err)
		}
		log.Println(http.Serve(l, nil))
	}()
	mux := http.NewServeMux()
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: time.Second}
	log.Fatal(srv.ListenAndServe())
}

// A server without Addr, served on a loopback listener.
func internal() {
	l, err := net.Listen("tcp", "127.0.0.1:9090")
	if err != nil {
		log.Fatal(err)
	}
	srv := http.Server{ReadHeaderTimeout: time.Second}
	log.Println(srv.Serve(l))
}
