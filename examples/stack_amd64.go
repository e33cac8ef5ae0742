package example

// add is declared with three int64 words; its TEXT says two (STK001).
func add(a, b int64) int64

// scale may grow the stack but its TEXT has no argument size (STK002).
func scale(p []uint64, k uint64)

// Add adds with assembly.
func Add(a, b int64) int64 { return add(a, b) }

// Scale multiplies p by k.
func Scale(p []uint64, k uint64) { scale(p, k) }
