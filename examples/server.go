package example

import (
	"context"
	"net/http"
	"time"
)

// WithUser stores the user under a string key that any package can
// overwrite or read by accident (HTTP006).
func WithUser(r *http.Request, user string) *http.Request {
	ctx := context.WithValue(r.Context(), "user", user)
	return r.WithContext(ctx)
}

type requestIDKey struct{}

// WithRequestID uses a private key type: nothing to report.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// Timeout means to bound the request, but drops the new request: the
// handler still runs with the old context (HTTP005).
func Timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		r.WithContext(ctx)
		next.ServeHTTP(w, r)
	})
}
