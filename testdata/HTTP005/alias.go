package http005

import (
	"context"
	nethttp "net/http"
	http "net/http/httptest"
)

// Here "http" names net/http/httptest: what counts is the import path.
func renamedImports(ctx context.Context) {
	r := http.NewRequest("GET", "/", nil)
	r.WithContext(ctx) // want "WithContext is discarded"

	var other *nethttp.Request = r
	other.Clone(ctx) // want "Clone is discarded"

	rec := http.NewRecorder()
	_ = rec
}

func renamedHandler(w nethttp.ResponseWriter, r *nethttp.Request) {
	r.WithContext(context.TODO()) // want "WithContext is discarded"
}
