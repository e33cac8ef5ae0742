//go:build go1.26

package met001

import "runtime/metrics"

// Only Go 1.26 and later build this file, and they all define the name.
var running = metrics.Sample{Name: "/sched/goroutines/running:goroutines"}
