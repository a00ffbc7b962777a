package transport_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cortex-cinegraph/golive/transport"
)

func refEq(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func msgEqual(a, b transport.Message) bool {
	return refEq(a.JoinRef, b.JoinRef) && refEq(a.Ref, b.Ref) && a.Topic == b.Topic &&
		a.Event == b.Event && bytes.Equal(a.Payload, b.Payload) && a.Binary == b.Binary
}

func showRef(r *string) string {
	if r == nil {
		return "<nil>"
	}
	return `"` + *r + `"`
}

func showMsg(m transport.Message) string {
	return "{JoinRef:" + showRef(m.JoinRef) + " Ref:" + showRef(m.Ref) + " Topic:" + m.Topic +
		" Event:" + m.Event + " Payload:" + string(m.Payload) + "}"
}

func TestDecodeTextRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want transport.Message
		out  string // the re-encoded text
	}{
		{
			name: "heartbeat with null join_ref",
			in:   `[null,"21","phoenix","heartbeat",{}]`,
			want: transport.Message{Ref: transport.Str("21"), Topic: "phoenix", Event: "heartbeat", Payload: json.RawMessage(`{}`)},
			out:  `[null,"21","phoenix","heartbeat",{}]`,
		},
		{
			name: "server push with null ref",
			in:   `["4",null,"lv:phx-GBsi_6M7paYhySQj","diff",{"0":"7","t":"Count: 7"}]`,
			want: transport.Message{JoinRef: transport.Str("4"), Topic: "lv:phx-GBsi_6M7paYhySQj", Event: "diff", Payload: json.RawMessage(`{"0":"7","t":"Count: 7"}`)},
			out:  `["4",null,"lv:phx-GBsi_6M7paYhySQj","diff",{"0":"7","t":"Count: 7"}]`,
		},
		{
			name: "broadcast with both refs null",
			in:   `[null,null,"room:1","shout",{"a":[1,2,{"b":null}]}]`,
			want: transport.Message{Topic: "room:1", Event: "shout", Payload: json.RawMessage(`{"a":[1,2,{"b":null}]}`)},
			out:  `[null,null,"room:1","shout",{"a":[1,2,{"b":null}]}]`,
		},
		{
			name: "numeric refs are tolerated and become strings",
			in:   `[3,17,"room:1","ping",{}]`,
			want: transport.Message{JoinRef: transport.Str("3"), Ref: transport.Str("17"), Topic: "room:1", Event: "ping", Payload: json.RawMessage(`{}`)},
			out:  `["3","17","room:1","ping",{}]`,
		},
		{
			name: "numeric refs keep their spelling",
			in:   `[1.50,-2e3,"t","e",{}]`,
			want: transport.Message{JoinRef: transport.Str("1.50"), Ref: transport.Str("-2e3"), Topic: "t", Event: "e", Payload: json.RawMessage(`{}`)},
			out:  `["1.50","-2e3","t","e",{}]`,
		},
		{
			name: "empty string refs stay strings, not null",
			in:   `["","","t","e",{}]`,
			want: transport.Message{JoinRef: transport.Str(""), Ref: transport.Str(""), Topic: "t", Event: "e", Payload: json.RawMessage(`{}`)},
			out:  `["","","t","e",{}]`,
		},
		{
			name: "whitespace around elements; payload kept verbatim",
			in:   " [ null ,\n\"1\" , \"t\" , \"e\" , { \"a\" : 1 } ] ",
			want: transport.Message{Ref: transport.Str("1"), Topic: "t", Event: "e", Payload: json.RawMessage(`{ "a" : 1 }`)},
			out:  `[null,"1","t","e",{ "a" : 1 }]`,
		},
		{
			name: "escaped strings are decoded",
			in:   `["a\"b","\u0031","room:\u00e9\n","ev\\",{}]`,
			want: transport.Message{JoinRef: transport.Str(`a"b`), Ref: transport.Str("1"), Topic: "room:é\n", Event: `ev\`, Payload: json.RawMessage(`{}`)},
			out:  `["a\"b","1","room:é\n","ev\\",{}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := transport.DecodeText([]byte(tt.in))
			if err != nil {
				t.Fatalf("DecodeText: %v", err)
			}
			if !msgEqual(got, tt.want) {
				t.Fatalf("DecodeText:\n got %s\nwant %s", showMsg(got), showMsg(tt.want))
			}
			enc := transport.EncodeText(got)
			if string(enc) != tt.out {
				t.Fatalf("EncodeText:\n got %s\nwant %s", enc, tt.out)
			}
			again, err := transport.DecodeText(enc)
			if err != nil || !msgEqual(again, got) {
				t.Fatalf("re-decode: %s, %v; want %s", showMsg(again), err, showMsg(got))
			}
		})
	}
}

func TestDecodeTextVectors(t *testing.T) {
	for _, name := range []string{"heartbeat.json", "click_event_diff.json"} {
		for _, f := range loadVector(t, name).Frames {
			wire := compactJSON(t, f.Frame)
			m, err := transport.DecodeText([]byte(wire))
			if err != nil {
				t.Fatalf("%s: transport.DecodeText(%s): %v", name, wire, err)
			}
			if got := string(transport.EncodeText(m)); got != wire {
				t.Errorf("%s: round trip\n got %s\nwant %s", name, got, wire)
			}
		}
	}
}

func TestDecodeTextRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ``},
		{"not JSON", `hello`},
		{"object frame (V1 serializer)", `{"topic":"t","event":"e","payload":{},"ref":"1"}`},
		{"empty array", `[]`},
		{"four elements", `[null,"1","t","e"]`},
		{"six elements", `[null,"1","t","e",{},{}]`},
		{"payload array", `[null,"1","t","e",[]]`},
		{"payload string", `[null,"1","t","e","x"]`},
		{"payload null", `[null,"1","t","e",null]`},
		{"payload number", `[null,"1","t","e",1]`},
		{"payload true", `[null,"1","t","e",true]`},
		{"join_ref bool", `[true,"1","t","e",{}]`},
		{"ref object", `[null,{},"t","e",{}]`},
		{"ref array", `[null,["1"],"t","e",{}]`},
		{"topic number", `[null,"1",1,"e",{}]`},
		{"topic null", `[null,"1",null,"e",{}]`},
		{"event object", `[null,"1","t",{},{}]`},
		{"event null", `[null,"1","t",null,{}]`},
		{"trailing garbage", `[null,"1","t","e",{}]x`},
		{"two frames", `[null,"1","t","e",{}][null,"2","t","e",{}]`},
		{"truncated", `[null,"1","t","e",{`},
		{"invalid JSON inside payload", `[null,"1","t","e",{"a":}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := transport.DecodeText([]byte(tt.in))
			if err == nil {
				t.Fatalf("DecodeText(%s) = %s, want an error", tt.in, showMsg(m))
			}
			if !errors.Is(err, transport.ErrMalformedFrame) {
				t.Fatalf("error %v does not wrap transport.ErrMalformedFrame", err)
			}
		})
	}
}

func TestEncodeTextEscaping(t *testing.T) {
	tests := []struct {
		topic string
		want  string // the encoded topic
	}{
		{`room:"quoted"`, `"room:\"quoted\""`},
		{`back\slash`, `"back\\slash"`},
		{"lv:é✓", `"lv:é✓"`},
		{"<script>&", `"\u003cscript\u003e\u0026"`},
		{"line\nbreak\x00", `"line\nbreak\u0000"`},
		{"sep\u2028\u2029", `"sep\u2028\u2029"`},
		{"bad utf8 \xff", `"bad utf8 \ufffd"`},
	}
	for _, tt := range tests {
		m := transport.Message{JoinRef: transport.Str(`"`), Ref: transport.Str("<"), Topic: tt.topic, Event: tt.topic}
		enc := transport.EncodeText(m)
		want := `["\"","\u003c",` + tt.want + `,` + tt.want + `,{}]`
		if string(enc) != want {
			t.Errorf("EncodeText(topic %q):\n got %s\nwant %s", tt.topic, enc, want)
		}
		if !json.Valid(enc) {
			t.Errorf("EncodeText(topic %q) is not valid JSON: %s", tt.topic, enc)
		}
		if bytes.ContainsAny(enc, "<>&") {
			t.Errorf("EncodeText(topic %q) = %s: HTML-significant characters must be escaped", tt.topic, enc)
		}
		back, err := transport.DecodeText(enc)
		if err != nil {
			t.Fatalf("DecodeText(%s): %v", enc, err)
		}
		wantTopic := strings.ToValidUTF8(tt.topic, "\ufffd")
		if back.Topic != wantTopic || back.Event != wantTopic || *back.JoinRef != `"` || *back.Ref != "<" {
			t.Errorf("round trip of %q gave %s", tt.topic, showMsg(back))
		}
	}
}

func TestEncodeTextPayload(t *testing.T) {
	if got := string(transport.EncodeText(transport.Message{Topic: "t", Event: "e"})); got != `[null,null,"t","e",{}]` {
		t.Errorf("nil payload: %s", got)
	}
	got := string(transport.AppendText([]byte("x"), transport.Message{Topic: "t", Event: "e", Payload: json.RawMessage(`{"a":"<"}`)}))
	if got != `x[null,null,"t","e",{"a":"<"}]` {
		t.Errorf("AppendText: %s", got)
	}
}

// The example from phoenix assets/test/serializer_test.js.
var phxBinaryPush = append([]byte{0x00, 0x02, 0x01, 0x03, 0x02}, []byte("101topev\x01")...)

func TestDecodeBinaryPhoenixVector(t *testing.T) {
	m, err := transport.DecodeBinary(phxBinaryPush)
	if err != nil {
		t.Fatal(err)
	}
	want := transport.Message{JoinRef: transport.Str("10"), Ref: transport.Str("1"), Topic: "top", Event: "ev", Payload: []byte{0x01}, Binary: true}
	if !msgEqual(m, want) {
		t.Fatalf("got %s, want %s", showMsg(m), showMsg(want))
	}
	enc, err := transport.EncodeBinaryPush(m)
	if err != nil || !bytes.Equal(enc, phxBinaryPush) {
		t.Fatalf("EncodeBinaryPush = % x, %v; want % x", enc, err, phxBinaryPush)
	}
}

func TestDecodeBinaryLongPollLine(t *testing.T) {
	v := loadVector(t, "longpoll_session.json").BinaryLineExample
	if v.Line != "AAICBQUxMjEzbHZ1OjBjaHVua2hlbGxv" {
		t.Fatalf("vector changed: %q", v.Line)
	}
	raw, err := base64.StdEncoding.DecodeString(v.Line)
	if err != nil {
		t.Fatal(err)
	}
	m, err := transport.DecodeBinary(raw)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := hex.DecodeString(v.FrameFields.PayloadHex)
	want := transport.Message{JoinRef: transport.Str("12"), Ref: transport.Str("13"), Topic: "lvu:0", Event: "chunk", Payload: []byte("hello"), Binary: true}
	if !msgEqual(m, want) || !bytes.Equal(m.Payload, payload) || *m.JoinRef != v.FrameFields.JoinRef ||
		*m.Ref != v.FrameFields.Ref || m.Topic != v.FrameFields.Topic || m.Event != v.FrameFields.Event {
		t.Fatalf("got %s, want %s", showMsg(m), showMsg(want))
	}
	enc, _ := transport.EncodeBinaryPush(m)
	if base64.StdEncoding.EncodeToString(enc) != v.Line {
		t.Fatalf("re-encoded line %s, want %s", base64.StdEncoding.EncodeToString(enc), v.Line)
	}
}

func TestDecodeBinaryEdges(t *testing.T) {
	// Null refs are written as empty strings by the JS encoder.
	m, err := transport.DecodeBinary([]byte("\x00\x00\x00\x01\x01te"))
	if err != nil {
		t.Fatal(err)
	}
	if m.JoinRef != nil || m.Ref != nil || m.Topic != "t" || m.Event != "e" || len(m.Payload) != 0 || !m.Binary {
		t.Fatalf("null refs, empty payload: got %s", showMsg(m))
	}
	enc, err := transport.EncodeBinaryPush(transport.Message{Topic: "t", Event: "e"})
	if err != nil || string(enc) != "\x00\x00\x00\x01\x01te" {
		t.Fatalf("EncodeBinaryPush with nil refs = %q, %v", enc, err)
	}

	bad := map[string][]byte{
		"empty":                    {},
		"kind only":                {0},
		"truncated header 2":       {0, 2},
		"truncated header 3":       {0, 2, 1},
		"truncated header 4":       {0, 2, 1, 3},
		"fields past the end":      {0, 2, 1, 3, 2, '1', '0', '1', 't', 'o', 'p', 'e'},
		"all lengths 255, no body": {0, 255, 255, 255, 255},
		"reply kind from client":   append([]byte{1}, phxBinaryPush[1:]...),
		"broadcast kind":           append([]byte{2}, phxBinaryPush[1:]...),
		"unknown kind":             append([]byte{7}, phxBinaryPush[1:]...),
	}
	for name, in := range bad {
		if m, err := transport.DecodeBinary(in); err == nil || !errors.Is(err, transport.ErrMalformedFrame) {
			t.Errorf("%s: transport.DecodeBinary(% x) = %s, %v; want transport.ErrMalformedFrame", name, in, showMsg(m), err)
		}
	}
}

func TestEncodeBinaryServerFrames(t *testing.T) {
	// Layouts of phoenix serializer.js decodeReply/decodePush/decodeBroadcast.
	reply, err := transport.EncodeBinaryReply(transport.Str("10"), transport.Str("1"), "top", "ok", []byte{0x01})
	if want := append([]byte{0x01, 0x02, 0x01, 0x03, 0x02}, "101topok\x01"...); err != nil || !bytes.Equal(reply, want) {
		t.Errorf("EncodeBinaryReply = % x, %v; want % x", reply, err, want)
	}
	push, err := transport.EncodeBinaryServerPush(transport.Str("10"), "top", "ev", []byte{0x01})
	if want := append([]byte{0x00, 0x02, 0x03, 0x02}, "10topev\x01"...); err != nil || !bytes.Equal(push, want) {
		t.Errorf("EncodeBinaryServerPush = % x, %v; want % x", push, err, want)
	}
	push, err = transport.EncodeBinaryServerPush(nil, "top", "ev", nil)
	if want := append([]byte{0x00, 0x00, 0x03, 0x02}, "topev"...); err != nil || !bytes.Equal(push, want) {
		t.Errorf("EncodeBinaryServerPush(nil join_ref) = % x, %v; want % x", push, err, want)
	}
	bc, err := transport.EncodeBinaryBroadcast("top", "ev", []byte{0x01})
	if want := append([]byte{0x02, 0x03, 0x02}, "topev\x01"...); err != nil || !bytes.Equal(bc, want) {
		t.Errorf("EncodeBinaryBroadcast = % x, %v; want % x", bc, err, want)
	}

	long := strings.Repeat("x", 256)
	max := strings.Repeat("x", 255)
	if _, err := transport.EncodeBinaryPush(transport.Message{Topic: max, Event: max, JoinRef: &max, Ref: &max}); err != nil {
		t.Errorf("255-byte fields must encode: %v", err)
	}
	for name, f := range map[string]func() error{
		"push topic":      func() error { _, err := transport.EncodeBinaryPush(transport.Message{Topic: long}); return err },
		"push join_ref":   func() error { _, err := transport.EncodeBinaryPush(transport.Message{JoinRef: &long}); return err },
		"push ref":        func() error { _, err := transport.EncodeBinaryPush(transport.Message{Ref: &long}); return err },
		"push event":      func() error { _, err := transport.EncodeBinaryPush(transport.Message{Event: long}); return err },
		"reply status":    func() error { _, err := transport.EncodeBinaryReply(nil, nil, "t", long, nil); return err },
		"reply ref":       func() error { _, err := transport.EncodeBinaryReply(nil, &long, "t", "ok", nil); return err },
		"server push":     func() error { _, err := transport.EncodeBinaryServerPush(nil, "t", long, nil); return err },
		"server join_ref": func() error { _, err := transport.EncodeBinaryServerPush(&long, "t", "e", nil); return err },
		"broadcast topic": func() error { _, err := transport.EncodeBinaryBroadcast(long, "e", nil); return err },
	} {
		if f() == nil {
			t.Errorf("%s: a 256-byte field must be refused (lengths are one byte)", name)
		}
	}
}
