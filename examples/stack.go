package example

// sum has assembly for amd64 only: an arm64 build fails (STK003).
func sum(p []uint64) uint64

// Sum adds up p.
func Sum(p []uint64) uint64 { return sum(p) }

// Checksum keeps a 1 KiB table in a nosplit frame (STK004).
//
//go:nosplit
//go:noinline
func Checksum(p []byte) byte {
	var table [1024]byte
	for i, b := range p {
		table[i&1023] ^= b
	}
	return table[0]
}
