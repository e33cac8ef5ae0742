// Package http004 lets the ResponseWriter or the body outlive the handler.
package http004

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync"
	"time"
)

func slow() string {
	time.Sleep(time.Second)
	return "done"
}

// The goroutine writes after the handler returned.
func fireAndForget(w http.ResponseWriter, r *http.Request) {
	go func() { // want `goroutine uses w, but the handler can return before it ends \(line 26\)`
		fmt.Fprintln(w, slow())
	}()
}

// Joined through a channel before every return.
func joinedByChannel(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fmt.Fprintln(w, slow())
	}()
	<-done
}

// Joined through a WaitGroup, goroutines started in a loop.
func joinedByWaitGroup(w http.ResponseWriter, r *http.Request) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(w, i)
		}(i)
	}
	wg.Wait()
}

// A deferred Wait joins on every path.
func deferredWait(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		io.Copy(io.Discard, r.Body)
	}()
	if r.ContentLength == 0 {
		return
	}
}

// One path gives up waiting when the client goes away.
func timeoutPath(w http.ResponseWriter, r *http.Request) {
	done := make(chan string)
	go func() { // want `goroutine uses r.Body, but the handler can return before it ends \(line 79\)`
		b, _ := io.ReadAll(r.Body)
		done <- string(b)
	}()
	select {
	case s := <-done:
		io.WriteString(w, s)
	case <-r.Context().Done():
		return
	}
}

// Waiting on the same channel on the cancellation path too.
func timeoutPathJoined(w http.ResponseWriter, r *http.Request) {
	done := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r.Body)
		done <- string(b)
	}()
	select {
	case s := <-done:
		io.WriteString(w, s)
	case <-r.Context().Done():
		<-done
	}
}

// Only the request's context and values copied before: fine.
func contextOnly(w http.ResponseWriter, r *http.Request) {
	ctx := context.WithoutCancel(r.Context())
	path := r.URL.Path
	go func() {
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
			log.Printf("audit %s", path)
		}
	}()
	go log.Printf("%s %s", r.Method, r.URL)
	w.WriteHeader(http.StatusAccepted)
}

// A value made from w is w too.
func wrapped(w http.ResponseWriter, r *http.Request) {
	bw := bufio.NewWriter(w)
	go func() { // want `goroutine uses bw, but the handler`
		bw.WriteString(slow())
		bw.Flush()
	}()
}

// Passing w to a named function run as a goroutine.
func stream(w io.Writer, lines <-chan string) {
	for l := range lines {
		fmt.Fprintln(w, l)
	}
}

func namedGoroutine(w http.ResponseWriter, r *http.Request) {
	lines := make(chan string)
	go stream(w, lines) // want `goroutine uses w, but the handler can return before it ends`
	lines <- "one"
	close(lines)
}

type hub struct {
	mu      sync.Mutex
	clients map[*http.Request]http.ResponseWriter
	last    http.ResponseWriter
	jobs    chan job
}

type job struct {
	w    http.ResponseWriter
	done chan struct{}
}

// Stored in a long-lived field and never removed.
func (h *hub) remember(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = w // want `w is stored in h.last, which outlives the handler`
}

// Removed by a method of the holder.
func (h *hub) unregister(r *http.Request) {
	h.mu.Lock()
	delete(h.clients, r)
	h.mu.Unlock()
}

func (h *hub) subscribe(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.clients[r] = w
	h.mu.Unlock()
	defer h.unregister(r)
	io.WriteString(w, "registered for the length of this call")
}

// Registered, then removed by a deferred cleanup while the handler blocks.
func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.clients[r] = w
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.clients, r)
		h.mu.Unlock()
	}()
	<-r.Context().Done()
}

// Handed to a worker, which answers on a channel the handler waits for.
func (h *hub) enqueue(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	h.jobs <- job{w: w, done: done}
	<-done
}

func (h *hub) enqueueAndLeave(w http.ResponseWriter, r *http.Request) {
	h.jobs <- job{w: w} // want `w is sent on a channel, but the handler can return first`
}

// Storing in a local variable keeps w in the call.
func local(w http.ResponseWriter, r *http.Request) {
	var targets []io.Writer
	targets = append(targets, w)
	for _, t := range targets {
		io.WriteString(t, "hi")
	}
}

// An errgroup-style Go method waited for with Wait.
type group struct{ wg sync.WaitGroup }

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
}

func (g *group) Wait() { g.wg.Wait() }

func grouped(w http.ResponseWriter, r *http.Request) {
	var g group
	g.Go(func() error {
		_, err := io.WriteString(w, slow())
		return err
	})
	g.Wait()
}

func groupedForgotten(w http.ResponseWriter, r *http.Request) {
	var g group
	g.Go(func() error { // want `g.Go runs code using w, but the handler can return first`
		_, err := io.WriteString(w, slow())
		return err
	})
}

// A goroutine that starts another server: the inner w is its own parameter.
func startServer(w http.ResponseWriter, r *http.Request) {
	go func() {
		mux := http.NewServeMux()
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "inner")
		})
		http.ListenAndServe("localhost:0", mux)
	}()
	io.WriteString(w, "started")
}

// A local wrapper, assigned with a blank second result.
func compressed(w http.ResponseWriter, r *http.Request) {
	var zw io.WriteCloser
	zw, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
	defer zw.Close()
	io.WriteString(zw, "small")
}

// A recorder of our own: the goroutine only reads what it buffered.
type recorder struct {
	http.ResponseWriter
	body []byte
}

func newRecorder(w http.ResponseWriter) *recorder { return &recorder{ResponseWriter: w} }

func (rec *recorder) Write(b []byte) (int, error) {
	rec.body = append(rec.body, b...)
	return rec.ResponseWriter.Write(b)
}

func cached(w http.ResponseWriter, r *http.Request) {
	rec := newRecorder(w)
	io.WriteString(rec, "page")
	go func() { log.Printf("caching %d bytes", len(rec.body)) }()
}

// Cancelling the context is the goroutine's signal.
func cancelJoin(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	go func() {
		defer cancel()
		io.Copy(io.Discard, r.Body)
	}()
	<-ctx.Done()
}
