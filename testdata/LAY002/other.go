package lay002

import reflect "example.com/lay002/fake"

// Fake uses another package imported under the name reflect.
func Fake() int {
	var s reflect.SliceHeader
	return s.Len + reflect.StringHeader{Len: 1}.Len
}
