package recipe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// decodeStrict decodes a recipe's JSON into v, refusing unknown fields,
// duplicate keys and trailing data, and describes every problem in the
// recipe's own terms: the line and column, the field's path
// (encoder[0].units) and what was wanted, never a Go type.
func decodeStrict(b []byte, v any) error {
	if err := checkDuplicates(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return fmt.Errorf("%s: data after the recipe's closing brace", position(b, dec.InputOffset()))
		}
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("%s: %s", position(b, syntax.Offset), strings.TrimPrefix(syntax.Error(), "invalid character "))
	case errors.As(err, &typ):
		path, got := pathAt(b, typ.Offset), rawBefore(b, typ.Offset)
		if got == "" { // a list or an object where a value was wanted
			path = strings.TrimSuffix(path, "[0]")
			got = "a list or an object"
		}
		return fmt.Errorf("%s: %s: want %s, got %s", position(b, typ.Offset), path, want(typ.Type.String()), got)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("the recipe ends before its JSON is complete")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		path := pathAt(b, dec.InputOffset())
		if !strings.HasSuffix(path, name) {
			path = name
		}
		return fmt.Errorf("%s: unknown field %s", position(b, dec.InputOffset()), path)
	}
	return err
}

// want names a Go type in a recipe's words.
func want(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	}
	return "an object"
}

// rawBefore is the JSON text of the value that ends at offset.
func rawBefore(b []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(b)))
	text := bytes.TrimRight(b[:offset], " \t\r\n")
	start := bytes.LastIndexAny(text, ":,[")
	v := strings.TrimSpace(string(text[start+1:]))
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return v
}

// position writes a byte offset as "line L, column C".
func position(b []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(b)))
	line := 1 + bytes.Count(b[:offset], []byte("\n"))
	col := offset - int64(bytes.LastIndexByte(b[:offset], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

// pathAt is the path of the value that ends at offset: encoder[0].units.
func pathAt(b []byte, offset int64) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		key   string
		index int
		array bool
	}
	var stack []frame
	expectKey := false
	path := func() string {
		var sb strings.Builder
		for _, f := range stack {
			if f.array {
				fmt.Fprintf(&sb, "[%d]", f.index-1)
			} else if f.key != "" {
				if sb.Len() > 0 {
					sb.WriteByte('.')
				}
				sb.WriteString(f.key)
			}
		}
		return sb.String()
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return path()
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				if top >= 0 && stack[top].array {
					stack[top].index++
				}
				stack = append(stack, frame{array: t == '['})
				expectKey = t == '{'
				continue
			}
			stack = stack[:top]
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
		default:
			if expectKey && top >= 0 {
				stack[top].key = fmt.Sprint(t)
				expectKey = false
				continue
			}
			if top >= 0 && stack[top].array {
				stack[top].index++
			}
			expectKey = top >= 0 && !stack[top].array
		}
		if dec.InputOffset() >= offset {
			return path()
		}
	}
}

// checkDuplicates refuses an object that names one key twice.
func checkDuplicates(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	var seen []map[string]bool
	var arrays []bool
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // syntax errors are reported by the decoder
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				seen, arrays = append(seen, map[string]bool{}), append(arrays, false)
				expectKey = true
			case '[':
				seen, arrays = append(seen, nil), append(arrays, true)
				expectKey = false
			default:
				seen, arrays = seen[:len(seen)-1], arrays[:len(arrays)-1]
				expectKey = len(arrays) > 0 && !arrays[len(arrays)-1]
			}
		case string:
			if expectKey {
				m := seen[len(seen)-1]
				if m[t] {
					return fmt.Errorf("%s: the key %q is given twice", position(b, dec.InputOffset()), t)
				}
				m[t] = true
				expectKey = false
				continue
			}
			expectKey = len(arrays) > 0 && !arrays[len(arrays)-1]
		default:
			expectKey = len(arrays) > 0 && !arrays[len(arrays)-1]
		}
	}
}
