// Package server returns servers; nothing in the package sets a timeout.
package server

import (
	"net/http"
	"time"
)

type App struct {
	srv *http.Server
}

func New(h http.Handler) *http.Server {
	return &http.Server{Addr: ":8080", Handler: h} // want `http.Server without ReadHeaderTimeout or ReadTimeout`
}

func NewApp(h http.Handler) *App {
	return &App{srv: &http.Server{Addr: ":9090", Handler: h, IdleTimeout: time.Minute}} // want `http.Server without`
}

func NewSafe(h http.Handler) *http.Server {
	return &http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: time.Second}
}
