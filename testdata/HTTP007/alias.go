package http007

import nethttp "net/http"

// Under another import name, and with a pointer receiver.
type gzipped struct {
	next nethttp.Handler
}

func (g *gzipped) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	w.Header().Add("Vary", "Accept-Encoding")
	g.ServeHTTP(w, r) // want `ServeHTTP calls itself on g: every request that gets here recurses until the stack overflows`
}

// A chain of middleware built inside ServeHTTP from the next handler.
type stack struct {
	next   nethttp.Handler
	layers []func(nethttp.Handler) nethttp.Handler
}

func (s *stack) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	h := s.next
	for i := len(s.layers) - 1; i >= 0; i-- {
		h = s.layers[i](h)
	}
	h.ServeHTTP(w, r)
}
