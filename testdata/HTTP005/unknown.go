package http005

import "net/http"

// unknown lives in another file, so its result type is out of sight.
func unknown() *http.Request { return nil }
