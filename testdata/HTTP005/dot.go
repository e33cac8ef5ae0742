package http005

import (
	"context"
	. "net/http"
)

func dotHandler(w ResponseWriter, r *Request) {
	r.WithContext(context.TODO()) // want "WithContext is discarded"

	n := new(Request)
	n.Clone(context.TODO()) // want "Clone is discarded"

	w.WriteHeader(StatusOK)
}
