// Command dwarfdump prints the memory layout of named Go types as the
// compiler emitted them into a binary's DWARF debug information.
//
// Usage: go run main.go BINARY PTRSIZE NAME...
//
// A NAME ending in "." selects every type of that package (for example
// "internal/abi."); "func:runtime.mapiterinit" selects a function's
// parameters; any other NAME selects one type. Struct types that a selected
// type holds by value, or that a selected function's pointer parameters
// point to, are included too. The output is one JSON object
// {"types": {name: {"size", "align", "kind", "fields", "ptrs"}},
// "funcs": {name: [[param, type, is result], ...]}}, where each field is
// [name, offset, size, align, type, kind, pointer offsets].
// Pointer offsets are byte offsets, relative to the field, of the words the
// garbage collector treats as pointers. Alignment is not in DWARF; it is
// derived from the members with the gc compiler's rules.
//
// It is part of goabilint's table generator (python -m
// goabilint.layout.generate) and uses the standard library only, so any Go
// release from 1.21 on can run it.
package main

import (
	"debug/dwarf"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// attrGoKind is DW_AT_go_kind: the reflect.Kind of a Go type.
const attrGoKind dwarf.Attr = 0x2900

// reflect.Kind values.
const (
	kindArray         = 17
	kindChan          = 18
	kindFunc          = 19
	kindInterface     = 20
	kindMap           = 21
	kindPtr           = 22
	kindSlice         = 23
	kindString        = 24
	kindStruct        = 25
	kindUnsafePointer = 26
	kindComplex64     = 15
	kindComplex128    = 16
)

type dumper struct {
	data    *dwarf.Data
	ptrSize int64
	kinds   map[dwarf.Type]int64 // Go kind of each type with one
}

type typeOut struct {
	Size   int64   `json:"size"`
	Align  int64   `json:"align"`
	Kind   string  `json:"kind"`
	Fields [][]any `json:"fields,omitempty"`
	Ptrs   []int64 `json:"ptrs,omitempty"`
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: dwarfdump BINARY PTRSIZE NAME...")
		os.Exit(2)
	}
	f, err := elf.Open(os.Args[1])
	check(err)
	data, err := f.DWARF()
	check(err)
	ptrSize, err := strconv.ParseInt(os.Args[2], 10, 64)
	check(err)
	d := &dumper{data: data, ptrSize: ptrSize, kinds: map[dwarf.Type]int64{}}

	var exact = map[string]bool{}
	var funcs = map[string]bool{}
	var prefixes []string
	for _, n := range os.Args[3:] {
		if f, ok := strings.CutPrefix(n, "func:"); ok {
			funcs[f] = true
		} else if strings.HasSuffix(n, ".") {
			prefixes = append(prefixes, n)
		} else {
			exact[n] = true
		}
	}
	wanted := func(name string) bool {
		if exact[name] {
			return true
		}
		for _, p := range prefixes {
			// Only the package's own named types: not "internal/abi.Type.Kind".
			if strings.HasPrefix(name, p) && !strings.ContainsAny(name[len(p):], ".[]*( ") {
				return true
			}
		}
		return false
	}

	// First pass: remember every type's Go kind; pick the wanted ones.
	found := map[string]dwarf.Offset{}
	params := map[string][][]any{}
	var pointees []dwarf.Type
	r := data.Reader()
	for {
		e, err := r.Next()
		check(err)
		if e == nil {
			break
		}
		if e.Tag == dwarf.TagSubprogram {
			name, _ := e.Val(dwarf.AttrName).(string)
			if funcs[name] && e.Children && params[name] == nil {
				params[name], pointees = d.params(r, pointees)
				continue
			}
		}
		if k, ok := e.Val(attrGoKind).(int64); ok && isType(e.Tag) {
			// data.Type caches by offset, so nested references to this
			// type are the same value.
			if t, err := data.Type(e.Offset); err == nil {
				d.kinds[t] = k
			}
		}
		switch e.Tag {
		case dwarf.TagStructType, dwarf.TagTypedef, dwarf.TagBaseType, dwarf.TagPointerType, dwarf.TagArrayType:
			name, _ := e.Val(dwarf.AttrName).(string)
			if name != "" && wanted(name) {
				if _, dup := found[name]; !dup {
					found[name] = e.Offset
				}
			}
		}
		if e.Tag != dwarf.TagCompileUnit && e.Children && e.Tag != dwarf.TagStructType {
			// Types live at the top level of a unit; do not descend into
			// functions, but do visit struct members for their kinds.
			if e.Tag == dwarf.TagSubprogram || e.Tag == dwarf.TagLexDwarfBlock || e.Tag == dwarf.TagInlinedSubroutine {
				r.SkipChildren()
			}
		}
	}

	out := map[string]typeOut{}
	names := make([]string, 0, len(found))
	for n := range found {
		names = append(names, n)
	}
	sort.Strings(names)
	var queue []dwarf.Type
	for _, n := range names {
		t, err := data.Type(found[n])
		check(err)
		out[n] = d.describe(t)
		queue = append(queue, t)
	}
	queue = append(queue, pointees...)
	// Add the struct types held by value, and the pointees of parameters.
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		st, ok := strip(t).(*dwarf.StructType)
		if !ok || st.StructName == "" {
			continue
		}
		if _, done := out[st.StructName]; !done && d.kindOf(t) == "struct" {
			out[st.StructName] = d.describe(st)
		}
		for _, f := range st.Field {
			if inner, ok := strip(f.Type).(*dwarf.StructType); ok && inner.StructName != "" {
				if _, done := out[inner.StructName]; !done {
					queue = append(queue, inner)
				}
			}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	check(enc.Encode(map[string]any{"types": out, "funcs": params}))
}

// params reads a subprogram's formal parameters: [name, type, is result].
// It also returns the struct types that pointer parameters point to.
func (d *dumper) params(r *dwarf.Reader, pointees []dwarf.Type) ([][]any, []dwarf.Type) {
	out := [][]any{}
	depth := 1
	for depth > 0 {
		e, err := r.Next()
		check(err)
		if e == nil {
			break
		}
		if e.Tag == 0 {
			depth--
			continue
		}
		if depth == 1 && e.Tag == dwarf.TagFormalParameter {
			name, _ := e.Val(dwarf.AttrName).(string)
			isResult, _ := e.Val(dwarf.AttrVarParam).(bool)
			typ := ""
			if off, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
				if t, err := d.data.Type(off); err == nil {
					typ = t.String()
					if p, ok := strip(t).(*dwarf.PtrType); ok {
						pointees = append(pointees, p.Type)
					}
				}
			}
			out = append(out, []any{name, typ, isResult})
		}
		if e.Children {
			depth++
		}
	}
	return out, pointees
}

func (d *dumper) describe(t dwarf.Type) typeOut {
	kind := d.kindOf(t)
	o := typeOut{Size: t.Size(), Align: d.align(t), Kind: kind, Ptrs: d.ptrs(t, 0, nil)}
	if st, ok := strip(t).(*dwarf.StructType); ok && kind == "struct" {
		for _, f := range st.Field {
			o.Fields = append(o.Fields, []any{
				f.Name, f.ByteOffset, f.Type.Size(), d.align(f.Type),
				f.Type.String(), d.kindOf(f.Type), d.ptrs(f.Type, 0, []int64{}),
			})
		}
	}
	return o
}

// strip removes typedefs.
func strip(t dwarf.Type) dwarf.Type {
	for {
		td, ok := t.(*dwarf.TypedefType)
		if !ok {
			return t
		}
		t = td.Type
	}
}

// goKind is the Go kind of t or of the first type under its typedefs
// that has one (a func typedef has it on the subroutine type beneath).
func (d *dumper) goKind(t dwarf.Type) int64 {
	for {
		if k, ok := d.kinds[t]; ok {
			return k
		}
		td, ok := t.(*dwarf.TypedefType)
		if !ok {
			return 0
		}
		t = td.Type
	}
}

func isType(tag dwarf.Tag) bool {
	switch tag {
	case dwarf.TagStructType, dwarf.TagTypedef, dwarf.TagBaseType, dwarf.TagPointerType,
		dwarf.TagArrayType, dwarf.TagSubroutineType, dwarf.TagUnspecifiedType:
		return true
	}
	return false
}

// kindOf names the layout-relevant kind of a type.
func (d *dumper) kindOf(t dwarf.Type) string {
	if k := d.goKind(t); k != 0 {
		return kindWord(k, t)
	}
	switch s := strip(t).(type) {
	case *dwarf.PtrType:
		return "pointer"
	case *dwarf.StructType:
		if s.StructName == "string" {
			return "string"
		}
		if strings.HasPrefix(s.StructName, "[]") {
			return "slice"
		}
		return "struct"
	case *dwarf.ArrayType:
		return "array"
	case *dwarf.FuncType:
		return "func"
	case *dwarf.BoolType:
		return "bool"
	case *dwarf.IntType:
		return "int"
	case *dwarf.UintType:
		return "uint"
	case *dwarf.FloatType:
		return "float"
	case *dwarf.ComplexType:
		return "complex"
	}
	return "unknown"
}

func kindWord(k int64, t dwarf.Type) string {
	switch k {
	case 1:
		return "bool"
	case 2, 3, 4, 5, 6:
		return "int"
	case 7, 8, 9, 10, 11, 12:
		return "uint"
	case 13, 14:
		return "float"
	case kindComplex64, kindComplex128:
		return "complex"
	case kindArray:
		return "array"
	case kindChan:
		return "chan"
	case kindFunc:
		return "func"
	case kindInterface:
		if st, ok := strip(t).(*dwarf.StructType); ok && st.StructName == "runtime.eface" {
			return "eface"
		}
		return "iface"
	case kindMap:
		return "map"
	case kindPtr:
		return "pointer"
	case kindSlice:
		return "slice"
	case kindString:
		return "string"
	case kindStruct:
		return "struct"
	case kindUnsafePointer:
		return "unsafe.Pointer"
	}
	return "unknown"
}

// align derives a type's alignment as the gc compiler computes it.
func (d *dumper) align(t dwarf.Type) int64 {
	switch s := strip(t).(type) {
	case *dwarf.StructType:
		name := s.StructName
		if strings.HasSuffix(name, "/atomic.align64") {
			return 8 // sync/atomic and internal/runtime/atomic
		}
		a := int64(1)
		for _, f := range s.Field {
			if fa := d.align(f.Type); fa > a {
				a = fa
			}
		}
		return a
	case *dwarf.ArrayType:
		return d.align(s.Type)
	case *dwarf.ComplexType:
		return min(s.Size()/2, d.ptrSize)
	case *dwarf.PtrType, *dwarf.FuncType:
		return d.ptrSize
	}
	size := t.Size()
	if size < 1 {
		return 1
	}
	if d.goKind(t) == kindComplex64 || d.goKind(t) == kindComplex128 {
		size /= 2
	}
	return min(size, d.ptrSize)
}

// ptrs lists the byte offsets of pointer words in t, starting at base.
func (d *dumper) ptrs(t dwarf.Type, base int64, acc []int64) []int64 {
	switch d.goKind(t) {
	case kindChan, kindFunc, kindMap, kindPtr, kindUnsafePointer:
		return append(acc, base)
	}
	switch s := strip(t).(type) {
	case *dwarf.PtrType, *dwarf.FuncType:
		return append(acc, base)
	case *dwarf.StructType:
		for _, f := range s.Field {
			acc = d.ptrs(f.Type, base+f.ByteOffset, acc)
		}
	case *dwarf.ArrayType:
		n := s.Count
		if n > 0 && s.Type.Size() > 0 {
			inner := d.ptrs(s.Type, 0, nil)
			for i := int64(0); i < n && len(inner) > 0; i++ {
				for _, p := range inner {
					acc = append(acc, base+i*s.Type.Size()+p)
				}
			}
		}
	}
	return acc
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "dwarfdump:", err)
		os.Exit(1)
	}
}
