// The standard library: it may pull what user code may not.
module std

go 1.27
