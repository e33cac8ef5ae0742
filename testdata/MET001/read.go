package met001

import "runtime/metrics"

func read() []metrics.Sample {
	s := []metrics.Sample{
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/sched/goroutines/running:goroutines"}, // want `MET001 runtime/metrics has no "/sched/goroutines/running:goroutines" in go1.24–1.25 \(defined in go1.26–1.27\); reading it gives KindBad$`
		{Name: "/gc/heap/gaol:bytes"},                  // want `MET001 "/gc/heap/gaol:bytes" is not a runtime/metrics name in go1.21–1.27$`
	}
	metrics.Read(s)
	return s
}

// The GODEBUG setting tls10server was retired in Go 1.27.
func retired(s *metrics.Sample) {
	s.Name = "/godebug/non-default-behavior/tls10server:events" // want `MET001 .* in go1.27 \(defined in go1.22–1.26\)`
}

// Names collected in a list and read later count too.
var names = []string{
	"/memory/classes/heap/free:bytes",
	"/sched/goroutines-created:goroutines", // want `MET001 .*goroutines-created.* in go1.24–1.25`
}
