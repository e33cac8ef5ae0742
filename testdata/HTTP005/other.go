package http005

import (
	"context"
	"net/http"
)

// Types with methods of the same names are not requests.
type fakeClient struct{}

func (fakeClient) WithContext(ctx context.Context) fakeClient { return fakeClient{} }
func (fakeClient) NewRequest() fakeClient                     { return fakeClient{} }
func (fakeClient) Clone(ctx context.Context) fakeClient       { return fakeClient{} }

type logger struct{}

// WithContext stores the logger in ctx, like zerolog's; not our concern.
func (logger) WithContext(ctx context.Context) context.Context { return ctx }

type withContexter interface {
	WithContext(ctx context.Context) *http.Request
}

// wrapped embeds a request; its promoted methods are not followed.
type wrapped struct {
	*http.Request
}

// named is a defined type: it has none of Request's methods.
type named http.Request

func (named) Clone(ctx context.Context) int { return 0 }

func lookalikes(ctx context.Context, l logger, wc withContexter, w wrapped, n named) {
	// A local variable named http hides the import.
	http := fakeClient{}
	http.WithContext(ctx)
	req := http.NewRequest()
	req.WithContext(ctx)
	req.Clone(ctx)

	l.WithContext(ctx)
	wc.WithContext(ctx)
	n.Clone(ctx)

	// Known gap: promoted through an embedded field, not reported.
	w.WithContext(ctx)

	// Through the field itself it is.
	w.Request.WithContext(ctx) // want "WithContext is discarded"
}

func unknownOrigin(ctx context.Context, get func() *http.Request) {
	r := unknown()
	r.WithContext(ctx)

	get().WithContext(ctx) // want "WithContext is discarded"
}

func shadowedParam(ctx context.Context, r *http.Request) {
	{
		r := fakeClient{}
		r.WithContext(ctx)
	}
	r.WithContext(ctx) // want "WithContext is discarded"
}
