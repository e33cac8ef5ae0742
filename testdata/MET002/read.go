package met002

import "runtime/metrics"

func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() // want `MET002 s\[0\].Value.Uint64\(\) panics when the metric is missing \(KindBad\) or of another kind; nothing here checks Kind\(\)$`
}

func checked() (uint64, bool) {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return s[0].Value.Uint64(), true
}

func switched(samples []metrics.Sample) (total float64) {
	for _, s := range samples {
		switch v := s.Value; v.Kind() {
		case metrics.KindUint64:
			total += float64(v.Uint64())
		case metrics.KindFloat64:
			total += v.Float64()
		}
	}
	return total
}

func viaVariable(s metrics.Sample) float64 {
	v := s.Value
	return v.Float64() // want `MET002 v.Float64\(\) panics`
}

func typed(v metrics.Value) *metrics.Float64Histogram {
	return v.Float64Histogram() // want `MET002 v.Float64Histogram\(\) panics`
}

func inClosure(s []metrics.Sample) func() uint64 {
	if s[0].Value.Kind() == metrics.KindBad {
		return nil
	}
	// The check above covers the closure: same function.
	return func() uint64 { return s[0].Value.Uint64() }
}

type clock struct{ Value interface{ Uint64() uint64 } }

func notMetrics(c clock) uint64 {
	// c is declared with a type of this package: not a sample.
	return c.Value.Uint64()
}

func pointer(s *metrics.Sample) uint64 {
	return s.Value.Uint64() // want `MET002 s.Value.Uint64\(\) panics`
}
