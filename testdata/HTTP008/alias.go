package http008

import (
	nethttp "net/http"
	"time"
)

func aliased(h nethttp.Handler) error {
	go nethttp.ListenAndServe("localhost:6060", nil) // want `http.ListenAndServe serves without timeouts`
	srv := &nethttp.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: time.Second}
	return srv.ListenAndServe()
}
