// Package layout holds the types whose sizes, alignments and field offsets
// tests/test_layout_toolchain.py compares between goabilint's calculator
// and the real compiler on amd64, arm64 and 386.
package layout

import (
	"bytes"
	"math/big"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

const (
	kilo     = 1 << 10
	small    = 3
	computed = small*4 + 1 // 13
	hexLen   = 0x10
	octLen   = 0o17
	oldOct   = 017
	binLen   = 0b101
	under    = 1_0
	runeLen  = 'a' - 'Z'
	shifted  = kilo >> 7
	masked   = 0xff &^ 0xf0
	xored    = 6 ^ 3
	modded   = 17 % 5
	divided  = -17 / 5 * -1
)

const (
	first = iota * 4
	second
	third
	_
	fifth
)

const (
	ptrSize  = 4 << (^uintptr(0) >> 63)
	wordBits = 32 << (^uint(0) >> 63)
	typed    uint16 = 7
	sizeOfT  = unsafe.Sizeof(Padded{})
	alignOfT = unsafe.Alignof(Padded{}.b)
	offOfT   = unsafe.Offsetof(Padded{}.c)
)

type (
	Bools    struct{ a, b, c bool }
	Ints     struct{ a int8; b int16; c int32; d int64; e int; f uintptr }
	Uints    struct{ a uint8; b uint16; c uint32; d uint64; e uint }
	Floats   struct{ a float32; b float64; c complex64; d complex128 }
	Text     struct{ s string; r rune; b byte }
	Refs     struct{ p *int; u unsafe.Pointer; m map[string]int; c chan int; f func(int) error }
	Slices   struct{ a []byte; b [][]string }
	Ifaces   struct{ e any; i error; x interface{ M() }; y interface{} }
	Padded   struct{ a byte; b int64; c byte }
	Packed   struct{ a, b byte; c uint16; d uint32; e uint64 }
	Trailing struct{ a int32; z struct{} }
	Trailing2 struct{ a int64; b byte; z [0]int64 }
	Empty    struct{}
	EmptyArr [0]int64
	ZeroLead struct{ z struct{}; a int32 }
	Nested   struct{ p Padded; t Trailing; b byte }
	Embeds   struct{ Padded; *Bools; Text }
	Blank    struct{ _ int32; _ byte; a int16 }
	Arrays   struct{ a [small]byte; b [computed]int16; c [kilo]bool; d [2][3]int32 }
	ArrLens  struct{ a [hexLen]byte; b [octLen]byte; c [oldOct]byte; d [binLen]byte; e [under]byte; f [runeLen]byte }
	ArrOps   struct{ a [shifted]byte; b [masked]byte; c [xored]byte; d [modded]byte; e [divided]byte }
	Iotas    struct{ a [first]byte; b [second]byte; c [third]byte; d [fifth]byte }
	Words    struct{ a [ptrSize]byte; b [wordBits]byte; c [typed]byte }
	Sizeofs  struct{ a [sizeOfT]byte; b [alignOfT]byte; c [offOfT]byte; d [unsafe.Sizeof(Refs{})]byte }
	Lens     struct{ a [len([5]int{})]byte; b [unsafe.Sizeof([...]int32{1, 2, 3})]byte }
	ArrStruct [3]Padded
	Named    Padded
	Alias    = Padded
	Kind     uint8
	Kinds    struct{ k Kind; n Named; a Alias }
	Std      struct{ t time.Time; m sync.Mutex; b byte; i atomic.Int64; w sync.WaitGroup }
	Atomics  struct{ a byte; b atomic.Int64; c atomic.Uint32; d atomic.Uint64; e atomic.Bool }
	Int64s   struct{ a byte; b int64; c byte; d float64; e byte; f complex128; g byte; h complex64 }
	Mixed    struct{ a byte; s []int; b byte; i any; c byte; m map[int]int; d byte }
	ByteArr  [7]byte
	Odd      struct{ a ByteArr; b int16; c ByteArr }
	FuncPtrs struct{ f, g func(); h *func() }
	Deep     struct{ a struct{ b struct{ c byte; d int64 }; e byte }; f byte }
	BigArr   [1 << 12]uint64
	SliceArr [4][]int
	PtrArr   [2]*Padded
	Chans    struct{ a chan<- int; b <-chan string }
	Recursive struct{ next *Recursive; v int32 }
	Strings  struct{ a [3]string; b byte }
	StdArr   struct{ a byte; m [2]sync.Mutex; t [2]time.Time; o sync.Once }
	Atomic32 struct{ a byte; b atomic.Int32; c atomic.Uintptr; d atomic.Value }
	Headers  struct{ s reflect.SliceHeader; h reflect.StringHeader; b byte }
	BigInt   struct{ neg byte; n big.Int }
	Builder  struct{ b strings.Builder; w bytes.Buffer }
	Durations [3]time.Duration
	RWLock   struct{ a byte; rw sync.RWMutex }
)
