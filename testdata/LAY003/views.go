package mirrors

import "unsafe"

// Views and iterators reached in less direct ways: through a field, an
// embedding struct, or a type descriptor of one kind.

// The Go 1.23 iterator once more, for the embedding cases below.
type legacyIter struct { // want `legacyIter is passed to runtime.mapiterinit as runtime.linknameIter, which differs in go1.24–1.27 on amd64, arm64, 386: on amd64, field bucket at offset 80 is past the end of the real 32 bytes`
	key         unsafe.Pointer
	elem        unsafe.Pointer
	t           unsafe.Pointer
	h           unsafe.Pointer
	buckets     unsafe.Pointer
	bptr        unsafe.Pointer
	overflow    unsafe.Pointer
	oldoverflow unsafe.Pointer
	startBucket uintptr
	offset      uint8
	wrapped     bool
	B           uint8
	i           uint8
	bucket      uintptr
	checkBucket uintptr
}

//go:linkname legacyInit runtime.mapiterinit
func legacyInit(t, m unsafe.Pointer, it *legacyIter)

// Cursor reads the iterator through the struct that embeds it.
type Cursor struct {
	legacyIter
	seen int
}

// Start begins the iteration.
func (c *Cursor) Start(t, m unsafe.Pointer) { legacyInit(t, m, &c.legacyIter) }

// Bucket is the bucket the runtime is in; from Go 1.24 on the runtime never
// writes the field, and it stays zero.
func (c *Cursor) Bucket() uintptr { return c.bucket }

// Another copy, embedded by a struct with a bucket of its own.
type quietIter struct {
	key         unsafe.Pointer
	elem        unsafe.Pointer
	t           unsafe.Pointer
	h           unsafe.Pointer
	buckets     unsafe.Pointer
	bptr        unsafe.Pointer
	overflow    unsafe.Pointer
	oldoverflow unsafe.Pointer
	startBucket uintptr
	offset      uint8
	wrapped     bool
	B           uint8
	i           uint8
	bucket      uintptr
	checkBucket uintptr
}

//go:linkname quietInit runtime.mapiterinit
func quietInit(t, m unsafe.Pointer, it *quietIter)

// Shadow's bucket is its own field, not the iterator's.
type Shadow struct {
	*quietIter
	bucket uintptr
}

// Start begins the iteration; Key reads a field the runtime keeps filled.
func (s *Shadow) Start(t, m unsafe.Pointer) { quietInit(t, m, s.quietIter) }
func (s *Shadow) Key() unsafe.Pointer      { return s.key }
func (s *Shadow) Bucket() uintptr          { return s.bucket }

// Room for the runtime's iterator: only key and elem are read, the blank
// fields hold pointers where the real iterator does.
type roomIter struct {
	key  unsafe.Pointer
	elem unsafe.Pointer
	_    [6]unsafe.Pointer
	_    [4]uintptr
}

// The same room with no pointers past elem: the collector would not see
// the pointers the runtime stores there.
type flatIter struct { // want `flatIter is passed to runtime.mapiternext as runtime.hiter, which differs in go1.23 on amd64, arm64, 386: on amd64, real field t at offset 16 holds a pointer, the mirror's _ does not` `flatIter is passed to runtime.mapiternext as runtime.linknameIter, which differs in go1.24–1.27 on amd64, arm64, 386: on amd64, real field typ at offset 16 holds a pointer, the mirror's _ does not`
	key  unsafe.Pointer
	elem unsafe.Pointer
	_    [10]uintptr
}

type walker struct {
	started bool
	room    roomIter
	flat    flatIter
}

// Step advances both iterators, handed over as fields of a walker.
func (w *walker) Step() unsafe.Pointer {
	mapiternext(unsafe.Pointer(&w.room))
	mapiternext(unsafe.Pointer(&w.flat))
	return w.room.key
}

// An interface header whose type word is typed.
type typedEface struct {
	typ  *rtype
	data unsafe.Pointer
}

// The pre-1.24 map type descriptor, as a larger view of rtype.
type mapKind struct { // want `mapKind mirrors internal/abi.SwissMapType, which differs in go1.24–1.25 on amd64, arm64, 386: on amd64, field keysize \(offset 80, 1 bytes\) meets real field GroupSize \(offset 80, 8 bytes\)` `mapKind mirrors internal/abi.MapType, which differs in go1.26–1.27 on amd64, arm64, 386: on amd64, field keysize \(offset 80, 1 bytes\)`
	rtype
	key        *rtype
	elem       *rtype
	bucket     *rtype
	hasher     func(unsafe.Pointer, uintptr) uintptr
	keysize    uint8
	elemsize   uint8
	bucketsize uint16
	flags      uint32
}

// MapKeySize reads 136, not 8, for a map[int64]int64 from Go 1.24 on.
func MapKeySize(m any) uint8 {
	e := (*typedEface)(unsafe.Pointer(&m))
	return (*mapKind)(unsafe.Pointer(e.typ)).keysize
}

// The same descriptor read only for its hasher, which has not moved.
type mapHasherView struct {
	rtype
	key    *rtype
	elem   *rtype
	bucket *rtype
	hasher func(unsafe.Pointer, uintptr) uintptr
}

// MapHasher returns the runtime's hash function for the map's keys.
func MapHasher(m any) func(unsafe.Pointer, uintptr) uintptr {
	t := (*typedEface)(unsafe.Pointer(&m)).typ
	return (*mapHasherView)(unsafe.Pointer(t)).hasher
}

// A pointer type descriptor: unchanged.
type ptrKind struct {
	rtype
	elem *rtype
}

// PointerElem returns the element type of a pointer type.
func PointerElem(t *rtype) *rtype { return (*ptrKind)(unsafe.Pointer(t)).elem }
