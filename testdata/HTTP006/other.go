package http006

// otherFileKey is a string, but the rule reads one file at a time.
const otherFileKey = "other"
