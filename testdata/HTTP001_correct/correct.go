package correct

// Correct handlers: HTTP001-HTTP004 must report nothing here (the fixture
// selects all four; see .goabilint.toml).

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	web "net/http"
	"sync"
)

type store struct {
	mu    sync.Mutex
	items map[string]string
}

// A method handler with returns inside nested if, switch and select.
func (s *store) ServeHTTP(w web.ResponseWriter, r *web.Request) {
	defer func() {
		if v := recover(); v != nil {
			web.Error(w, "internal error", web.StatusInternalServerError)
		}
	}()
	switch r.Method {
	case web.MethodGet:
		s.mu.Lock()
		item, ok := s.items[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			web.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, item)
	case web.MethodPut:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				web.Error(w, "truncated", web.StatusBadRequest)
				return
			}
			web.Error(w, err.Error(), web.StatusInternalServerError)
			return
		}
		select {
		case <-r.Context().Done():
			return
		default:
		}
		s.mu.Lock()
		s.items[r.URL.Path] = string(body)
		s.mu.Unlock()
		w.WriteHeader(web.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, PUT")
		web.Error(w, "method not allowed", web.StatusMethodNotAllowed)
	}
}

// A constructor returning a closure; the error is the last thing written.
func jsonHandler(load func() (any, error)) web.HandlerFunc {
	return func(w web.ResponseWriter, r *web.Request) {
		v, err := load()
		if err != nil {
			log.Printf("load: %v", err)
			web.Error(w, "unavailable", web.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(v); err != nil {
			log.Printf("encode: %v", err)
		}
	}
}

// A middleware chain: each layer sets headers before handing over.
func chain(h web.Handler, layers ...func(web.Handler) web.Handler) web.Handler {
	for i := len(layers) - 1; i >= 0; i-- {
		h = layers[i](h)
	}
	return h
}

func noSniff(next web.Handler) web.Handler {
	return web.HandlerFunc(func(w web.ResponseWriter, r *web.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

func requireGet(next web.Handler) web.Handler {
	return web.HandlerFunc(func(w web.ResponseWriter, r *web.Request) {
		if r.Method != web.MethodGet {
			web.Error(w, "GET only", web.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Work fanned out to goroutines that are joined before the handler returns.
func fanOut(w web.ResponseWriter, r *web.Request) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results []string
	)
	for _, q := range r.URL.Query()["q"] {
		wg.Add(1)
		go func(q string) {
			defer wg.Done()
			mu.Lock()
			results = append(results, q)
			mu.Unlock()
		}(q)
	}
	wg.Wait()
	for _, res := range results {
		fmt.Fprintln(w, res)
	}
}

var chained = chain(web.HandlerFunc(fanOut), noSniff, requireGet)

// Many switch cases after the error branch: the paths they add must not
// make the walk forget that the page is written only when there was no error.
func unitLabel(w web.ResponseWriter, r *web.Request) {
	_, err := parseSize(r.FormValue("size"))
	if err != nil {
		web.Error(w, "bad size", web.StatusBadRequest)
	}
	label := "unknown"
	switch unit := r.FormValue("unit"); unit {
	case "b", "kb", "mb", "gb":
		label = "decimal"
	case "kib", "mib", "gib", "tib":
		label = "binary"
	case "bit":
		label = "bits"
	case "nibble":
		label = "nibbles"
	case "word":
		label = "words"
	case "page":
		label = "pages"
	case "block":
		label = "blocks"
	case "sector":
		label = "sectors"
	case "track":
		label = "tracks"
	case "volume":
		label = "volumes"
	default:
		label = "other"
	}
	if err == nil {
		fmt.Fprintln(w, label)
	}
}

func parseSize(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("empty size")
	}
	return len(s), nil
}
