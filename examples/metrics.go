package example

import "runtime/metrics"

// Running reports how many goroutines are running. The metric is new in
// Go 1.26, but go.mod says 1.22 (MET001), and on older releases the
// unchecked Uint64 panics on KindBad (MET002).
func Running() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines/running:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
