package met001

// No runtime/metrics import: this is some other kind of string.
const route = "/sched/goroutines/running:goroutines"
