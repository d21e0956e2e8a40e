package onnx

import (
	"encoding/binary"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The ONNX messages this package writes, with their field numbers from
// onnx.proto (proto2), encoded with the protobuf module's wire helpers.

// message is a protobuf message being written.
type message []byte

func (m message) str(field protowire.Number, s string) message {
	m = protowire.AppendTag(m, field, protowire.BytesType)
	return protowire.AppendString(m, s)
}

func (m message) bytes(field protowire.Number, b []byte) message {
	m = protowire.AppendTag(m, field, protowire.BytesType)
	return protowire.AppendBytes(m, b)
}

func (m message) int(field protowire.Number, v int64) message {
	m = protowire.AppendTag(m, field, protowire.VarintType)
	return protowire.AppendVarint(m, uint64(v))
}

func (m message) float(field protowire.Number, v float32) message {
	m = protowire.AppendTag(m, field, protowire.Fixed32Type)
	return protowire.AppendFixed32(m, math.Float32bits(v))
}

func (m message) msg(field protowire.Number, sub message) message { return m.bytes(field, sub) }

// Data types of TensorProto.
const (
	typeFloat = 1
	typeInt64 = 7
)

// tensorProto is a TensorProto of float32 values.
func tensorProto(name string, dims []int, values []float32) message {
	var m message
	for _, d := range dims {
		m = m.int(1, int64(d))
	}
	m = m.int(2, typeFloat).str(8, name)
	raw := make([]byte, 4*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return m.bytes(9, raw)
}

// int64TensorProto is a 1-d TensorProto of int64 values.
func int64TensorProto(name string, values []int64) message {
	m := message{}.int(1, int64(len(values))).int(2, typeInt64).str(8, name)
	raw := make([]byte, 8*len(values))
	for i, v := range values {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
	}
	return m.bytes(9, raw)
}

// attribute is an AttributeProto.
type attribute message

func intsAttr(name string, v ...int) attribute {
	m := message{}.str(1, name).int(20, 7) // INTS
	for _, x := range v {
		m = m.int(8, int64(x))
	}
	return attribute(m)
}

func intAttr(name string, v int) attribute {
	return attribute(message{}.str(1, name).int(20, 2).int(3, int64(v)))
}

func stringAttr(name, v string) attribute {
	return attribute(message{}.str(1, name).int(20, 3).bytes(4, []byte(v)))
}

// nodeProto is a NodeProto.
func nodeProto(name, op string, inputs, outputs []string, attrs ...attribute) message {
	var m message
	for _, in := range inputs {
		m = m.str(1, in)
	}
	for _, out := range outputs {
		m = m.str(2, out)
	}
	m = m.str(3, name).str(4, op)
	for _, a := range attrs {
		m = m.msg(5, message(a))
	}
	return m
}

// valueInfo is a ValueInfoProto of a float tensor whose first dimension
// is the batch ("N") and the others dims.
func valueInfo(name string, dims []int) message {
	shape := message{}.msg(1, message{}.str(2, "N"))
	for _, d := range dims {
		shape = shape.msg(1, message{}.int(1, int64(d)))
	}
	tensorType := message{}.int(1, typeFloat).msg(2, shape)
	return message{}.str(1, name).msg(2, message{}.msg(1, tensorType))
}
