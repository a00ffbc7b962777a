package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Message is one frame of the V2 serializer: [join_ref, ref, topic, event, payload].
//
// A nil JoinRef or Ref is JSON null on the wire; refs are opaque strings that
// must be echoed exactly. Payload is raw JSON for text frames, or raw bytes when
// Binary is set (client pushes of kind 0, e.g. upload chunks).
type Message struct {
	JoinRef *string
	Ref     *string
	Topic   string
	Event   string
	Payload json.RawMessage
	Binary  bool
}

// Str returns a pointer to s, for building refs.
func Str(s string) *string { return &s }

func refString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ErrMalformedFrame is wrapped by every decoding error.
var ErrMalformedFrame = errors.New("malformed frame")

// DecodeText parses one V2 JSON text frame.
func DecodeText(data []byte) (Message, error) {
	if m, ok := decodeFast(data); ok {
		return m, nil
	}
	return decodeSlow(data)
}

// decodeFast handles the frames real clients send (refs null or plain
// strings, string topic and event, an object payload) without reflection.
// Besides being cheaper, it keeps the socket's read goroutine on a small
// stack: encoding/json's reflective decoder grows it past 4 KiB, and a
// grown stack stays grown for every idle socket. Anything unusual falls
// back to decodeSlow, which also words the errors.
func decodeFast(data []byte) (Message, bool) {
	var m Message
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return m, false
	}
	var ok bool
	var refs [2]*string
	i++
	for k := 0; k < 2; k++ {
		i = skipSpace(data, i)
		if i+4 <= len(data) && string(data[i:i+4]) == "null" {
			i += 4
		} else {
			var s string
			if s, i, ok = plainString(data, i); !ok {
				return m, false
			}
			refs[k] = &s
		}
		if i = skipSpace(data, i); i >= len(data) || data[i] != ',' {
			return m, false
		}
		i++
	}
	m.JoinRef, m.Ref = refs[0], refs[1]
	if m.Topic, i, ok = plainString(data, skipSpace(data, i)); !ok {
		return m, false
	}
	if i = skipSpace(data, i); i >= len(data) || data[i] != ',' {
		return m, false
	}
	if m.Event, i, ok = plainString(data, skipSpace(data, i+1)); !ok {
		return m, false
	}
	if i = skipSpace(data, i); i >= len(data) || data[i] != ',' {
		return m, false
	}
	end := len(data) - 1
	for end > i && isJSONSpace(data[end]) {
		end--
	}
	if data[end] != ']' {
		return m, false
	}
	p := bytes.TrimSpace(data[i+1 : end])
	if len(p) < 2 || p[0] != '{' || p[len(p)-1] != '}' || !json.Valid(p) {
		return m, false
	}
	m.Payload = p
	return m, true
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// plainString reads a JSON string at b[i] that is plain ASCII without
// escapes (refs, topics and events); anything else takes the slow path,
// which decodes escapes and replaces invalid UTF-8 exactly as
// encoding/json does.
func plainString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return string(b[i+1 : j]), j + 1, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", i, false
		}
	}
	return "", i, false
}

func decodeSlow(data []byte) (Message, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(data, &parts); err != nil {
		return Message{}, fmt.Errorf("%w: not a JSON array: %v", ErrMalformedFrame, err)
	}
	if len(parts) != 5 {
		return Message{}, fmt.Errorf("%w: want 5 elements, got %d", ErrMalformedFrame, len(parts))
	}
	var m Message
	var err error
	if m.JoinRef, err = decodeRef(parts[0]); err != nil {
		return Message{}, fmt.Errorf("%w: join_ref: %v", ErrMalformedFrame, err)
	}
	if m.Ref, err = decodeRef(parts[1]); err != nil {
		return Message{}, fmt.Errorf("%w: ref: %v", ErrMalformedFrame, err)
	}
	// json.Unmarshal turns null into "" without an error, so a null topic
	// or event must be refused explicitly.
	if err := json.Unmarshal(parts[2], &m.Topic); err != nil || isNull(parts[2]) {
		return Message{}, fmt.Errorf("%w: topic must be a string", ErrMalformedFrame)
	}
	if err := json.Unmarshal(parts[3], &m.Event); err != nil || isNull(parts[3]) {
		return Message{}, fmt.Errorf("%w: event must be a string", ErrMalformedFrame)
	}
	p := bytes.TrimSpace(parts[4])
	if len(p) == 0 || p[0] != '{' {
		return Message{}, fmt.Errorf("%w: payload must be an object", ErrMalformedFrame)
	}
	m.Payload = p
	return m, nil
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// decodeRef accepts a string, null, or (leniently) a number, which some
// hand-written clients send.
func decodeRef(raw json.RawMessage) (*string, error) {
	raw = bytes.TrimSpace(raw)
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return &s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		s := n.String()
		return &s, nil
	}
	return nil, errors.New("must be a string or null")
}

// AppendText appends the compact JSON text of m to dst. The payload is
// written as given (it must already be valid JSON; nil means {}).
func AppendText(dst []byte, m Message) []byte {
	dst = append(dst, '[')
	dst = appendRef(dst, m.JoinRef)
	dst = append(dst, ',')
	dst = appendRef(dst, m.Ref)
	dst = append(dst, ',')
	dst = appendJSONString(dst, m.Topic)
	dst = append(dst, ',')
	dst = appendJSONString(dst, m.Event)
	dst = append(dst, ',')
	if len(m.Payload) == 0 {
		dst = append(dst, '{', '}')
	} else {
		dst = append(dst, m.Payload...)
	}
	return append(dst, ']')
}

// EncodeText returns the compact JSON text of m.
func EncodeText(m Message) []byte { return AppendText(nil, m) }

func appendRef(dst []byte, r *string) []byte {
	if r == nil {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, *r)
}

func appendJSONString(dst []byte, s string) []byte {
	// Refs, topics and events are almost always plain ASCII; take the fast
	// path and fall back to encoding/json for anything needing escapes.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// Binary frame kinds (phoenix serializer.js).
const (
	binaryPush      = 0
	binaryReply     = 1
	binaryBroadcast = 2
)

// DecodeBinary parses a client binary push: kind 0, then one length byte each
// for join_ref, ref, topic and event, those strings, then raw payload bytes.
func DecodeBinary(data []byte) (Message, error) {
	if len(data) < 5 {
		return Message{}, fmt.Errorf("%w: binary frame shorter than its header", ErrMalformedFrame)
	}
	if data[0] != binaryPush {
		return Message{}, fmt.Errorf("%w: binary frame kind %d, clients send only pushes (0)", ErrMalformedFrame, data[0])
	}
	jl, rl, tl, el := int(data[1]), int(data[2]), int(data[3]), int(data[4])
	rest := data[5:]
	if len(rest) < jl+rl+tl+el {
		return Message{}, fmt.Errorf("%w: binary frame header lengths exceed frame", ErrMalformedFrame)
	}
	jr := string(rest[:jl])
	r := string(rest[jl : jl+rl])
	m := Message{
		Topic:   string(rest[jl+rl : jl+rl+tl]),
		Event:   string(rest[jl+rl+tl : jl+rl+tl+el]),
		Payload: rest[jl+rl+tl+el:],
		Binary:  true,
	}
	// The JS encoder writes null refs as empty strings.
	if jl > 0 {
		m.JoinRef = &jr
	}
	if rl > 0 {
		m.Ref = &r
	}
	return m, nil
}

// EncodeBinaryPush encodes a client-style binary push (kind 0). Used by test
// clients and the load generator.
func EncodeBinaryPush(m Message) ([]byte, error) {
	jr, r := refString(m.JoinRef), refString(m.Ref)
	if len(jr) > 255 || len(r) > 255 || len(m.Topic) > 255 || len(m.Event) > 255 {
		return nil, errors.New("binary frame field longer than 255 bytes")
	}
	out := make([]byte, 0, 5+len(jr)+len(r)+len(m.Topic)+len(m.Event)+len(m.Payload))
	out = append(out, binaryPush, byte(len(jr)), byte(len(r)), byte(len(m.Topic)), byte(len(m.Event)))
	out = append(out, jr...)
	out = append(out, r...)
	out = append(out, m.Topic...)
	out = append(out, m.Event...)
	return append(out, m.Payload...), nil
}

// EncodeBinaryReply encodes a server binary reply (kind 1), which the client
// delivers as a phx_reply whose response is an ArrayBuffer.
func EncodeBinaryReply(joinRef, ref *string, topic, status string, data []byte) ([]byte, error) {
	jr, r := refString(joinRef), refString(ref)
	if len(jr) > 255 || len(r) > 255 || len(topic) > 255 || len(status) > 255 {
		return nil, errors.New("binary frame field longer than 255 bytes")
	}
	out := make([]byte, 0, 5+len(jr)+len(r)+len(topic)+len(status)+len(data))
	out = append(out, binaryReply, byte(len(jr)), byte(len(r)), byte(len(topic)), byte(len(status)))
	out = append(out, jr...)
	out = append(out, r...)
	out = append(out, topic...)
	out = append(out, status...)
	return append(out, data...), nil
}

// EncodeBinaryServerPush encodes a server binary push (kind 0 without ref).
func EncodeBinaryServerPush(joinRef *string, topic, event string, data []byte) ([]byte, error) {
	jr := refString(joinRef)
	if len(jr) > 255 || len(topic) > 255 || len(event) > 255 {
		return nil, errors.New("binary frame field longer than 255 bytes")
	}
	out := make([]byte, 0, 4+len(jr)+len(topic)+len(event)+len(data))
	out = append(out, binaryPush, byte(len(jr)), byte(len(topic)), byte(len(event)))
	out = append(out, jr...)
	out = append(out, topic...)
	out = append(out, event...)
	return append(out, data...), nil
}

// EncodeBinaryBroadcast encodes a server binary broadcast (kind 2).
func EncodeBinaryBroadcast(topic, event string, data []byte) ([]byte, error) {
	if len(topic) > 255 || len(event) > 255 {
		return nil, errors.New("binary frame field longer than 255 bytes")
	}
	out := make([]byte, 0, 3+len(topic)+len(event)+len(data))
	out = append(out, binaryBroadcast, byte(len(topic)), byte(len(event)))
	out = append(out, topic...)
	out = append(out, event...)
	return append(out, data...), nil
}
