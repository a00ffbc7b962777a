package pgnotify

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cortex-cinegraph/golive/pubsub"
)

// bigText is n bytes of text mixing 1- to 4-byte UTF-8 characters, so
// chunk cuts land inside characters unless the encoder avoids them.
func bigText(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	alphabet := []string{"a", "b", "z", " ", "é", "ö", "€", "中", "𝄞", "😀", "\"", "\\", "|", "\n"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func TestEncodeParseRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		topic string
		data  string
	}{
		{"empty data", "t", ""},
		{"small", "movies:changed", `"changed"`},
		{"topic with separators", "a|b|3|x", `{"X":1}`},
		{"just under one chunk", "t", strings.Repeat("x", payloadLimit-60)},
		{"just over one chunk", "t", strings.Repeat("x", payloadLimit+1)},
		{"multibyte, 100 KB", "topic€", bigText(100<<10, 1)},
		{"multibyte, 1 MB", "t", bigText(1<<20, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payloads, err := encode("node-1", "abcd1234", 42, tt.topic, "some.type", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			var body strings.Builder
			for i, p := range payloads {
				if len(p) >= 8000 {
					t.Fatalf("payload %d is %d bytes; PostgreSQL refuses 8000 or more", i, len(p))
				}
				if !utf8.ValidString(p) {
					t.Fatalf("payload %d is not valid UTF-8", i)
				}
				h, chunk, err := parsePayload(p)
				if err != nil {
					t.Fatalf("payload %d: %v", i, err)
				}
				want := header{node: "node-1", epoch: "abcd1234", seq: 42, idx: i, count: len(payloads)}
				if h != want {
					t.Fatalf("header %d = %+v, want %+v", i, h, want)
				}
				body.WriteString(chunk)
			}
			topic, typ, data, err := parseBody(body.String())
			if err != nil {
				t.Fatal(err)
			}
			if topic != tt.topic || typ != "some.type" || string(data) != tt.data {
				t.Fatalf("got topic %q type %q data %d bytes, want %q %q %d bytes", topic, typ, len(data), tt.topic, "some.type", len(tt.data))
			}
			if minChunks := len(tt.data) / payloadLimit; len(payloads) < minChunks || len(payloads) > 2*minChunks+1 {
				t.Fatalf("%d chunks for %d bytes", len(payloads), len(tt.data))
			}
		})
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name, topic, data, want string
	}{
		{"invalid UTF-8 topic", "a\xffb", "1", "topic"},
		{"NUL in topic", "a\x00b", "1", "topic"},
		{"invalid UTF-8 data", "t", "\"\xff\"", "UTF-8"},
		{"too big", "t", strings.Repeat("x", maxMessageBytes+1), "MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := encode("n", "e", 1, tt.topic, "x", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestParsePayloadRejects(t *testing.T) {
	for _, p := range []string{
		"", "hello", "g1|n|e|1|0|1", "g2|n|e|1|0|1|x", "g1|n|e|x|0|1|x", "g1|n|e|1|1|1|x",
		"g1|n|e|1|-1|2|x", "g1|n|e|1|0|0|x", "g1|n|e|1|0|" + strconv.Itoa(maxChunks+1) + "|x",
	} {
		if _, _, err := parsePayload(p); err == nil {
			t.Errorf("parsePayload(%q) accepted", p)
		}
	}
	for _, b := range []string{"", "5|ab", "x|", "1|a", "1|a9|b"} {
		if _, _, _, err := parseBody(b); err == nil {
			t.Errorf("parseBody(%q) accepted", b)
		}
	}
}

func TestAssembler(t *testing.T) {
	now := time.Now()
	hdr := func(node string, seq uint64, idx, count int) header {
		return header{node: node, epoch: "e", seq: seq, idx: idx, count: count}
	}
	t.Run("chunks in any order, once", func(t *testing.T) {
		a := newAssembler()
		for _, idx := range []int{2, 0} {
			if _, done, _ := a.add(hdr("n", 1, idx, 3), strconv.Itoa(idx), now); done {
				t.Fatal("complete too early")
			}
		}
		if _, done, _ := a.add(hdr("n", 1, 0, 3), "0", now); done {
			t.Fatal("a repeated chunk completed the set")
		}
		body, done, _ := a.add(hdr("n", 1, 1, 3), "1", now)
		if !done || body != "012" {
			t.Fatalf("got %q %v, want 012 true", body, done)
		}
		if len(a.partials) != 0 || a.bytes != 0 {
			t.Fatalf("state left: %d partials, %d bytes", len(a.partials), a.bytes)
		}
	})
	t.Run("duplicates after a retried batch are dropped", func(t *testing.T) {
		a := newAssembler()
		for _, seq := range []uint64{1, 2, 3} {
			if _, done, _ := a.add(hdr("n", seq, 0, 1), "x", now); !done {
				t.Fatalf("seq %d not delivered", seq)
			}
		}
		for _, seq := range []uint64{2, 3} {
			if _, done, _ := a.add(hdr("n", seq, 0, 1), "x", now); done {
				t.Fatalf("duplicate seq %d delivered", seq)
			}
		}
		if _, done, _ := a.add(hdr("other", 1, 0, 1), "x", now); !done {
			t.Fatal("another sender's seq 1 not delivered")
		}
		if _, done, _ := a.add(header{node: "n", epoch: "restarted", seq: 1, count: 1}, "x", now); !done {
			t.Fatal("a restarted sender (new epoch) not delivered")
		}
	})
	t.Run("incomplete sets time out", func(t *testing.T) {
		a := newAssembler()
		a.add(hdr("n", 1, 0, 2), "half", now)
		if d := a.sweep(now.Add(chunkTimeout / 2)); d != 0 {
			t.Fatalf("dropped %d before the timeout", d)
		}
		if d := a.sweep(now.Add(chunkTimeout + time.Second)); d != 1 {
			t.Fatalf("dropped %d after the timeout, want 1", d)
		}
		if len(a.partials) != 0 || a.bytes != 0 {
			t.Fatalf("state left: %d partials, %d bytes", len(a.partials), a.bytes)
		}
	})
	t.Run("bounded number of sets", func(t *testing.T) {
		a := newAssembler()
		dropped := 0
		for i := range maxPartials + 10 {
			_, _, d := a.add(hdr("n"+strconv.Itoa(i), 1, 0, 2), "x", now.Add(time.Duration(i)))
			dropped += d
		}
		if len(a.partials) != maxPartials || dropped != 10 {
			t.Fatalf("%d partials, %d dropped; want %d, 10", len(a.partials), dropped, maxPartials)
		}
		// The oldest went first.
		if _, ok := a.partials[msgKey{"n0|e", 1}]; ok {
			t.Fatal("the oldest set was kept")
		}
	})
}

func TestBacklogDropsOldest(t *testing.T) {
	p := &PubSub{Local: pubsub.NewLocal(), maxBacklog: 3, wake: make(chan struct{}, 1),
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for i := range 5 {
		p.enqueue([]string{strconv.Itoa(i)})
	}
	st := p.Stats()
	if st.Backlog != 3 || st.Dropped != 2 || st.Published != 5 {
		t.Fatalf("backlog %d dropped %d published %d; want 3 2 5", st.Backlog, st.Dropped, st.Published)
	}
	batch := p.takeBatch()
	var got []string
	for _, m := range batch {
		got = append(got, m.payloads...)
	}
	if strings.Join(got, ",") != "2,3,4" {
		t.Fatalf("queue holds %v, want the newest 2,3,4", got)
	}
	if p.Stats().Backlog != 3 {
		t.Fatal("the batch in flight is not counted in the backlog")
	}
	p.batchDone()
	if p.Stats().Backlog != 0 || p.takeBatch() != nil {
		t.Fatal("queue not empty")
	}
}
