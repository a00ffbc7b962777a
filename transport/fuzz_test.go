package transport_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
	"github.com/cortex-cinegraph/golive/transport/echo"
)

// textSeeds are real frames (from the protocol vectors) and edge cases.
func textSeeds(tb testing.TB) []string {
	seeds := vectorFrames(tb, "heartbeat.json", "click_event_diff.json")
	for _, x := range loadVector(tb, "longpoll_session.json").Exchanges {
		if x.BodyText != "" {
			seeds = append(seeds, x.BodyText)
		}
		if len(x.Body) > 0 {
			var b struct{ Messages []string }
			_ = json.Unmarshal(x.Body, &b)
			seeds = append(seeds, b.Messages...)
		}
	}
	return append(seeds,
		`[1,2,"t","e",{}]`,
		`["a\"b","\u0031","room:\u00e9","<ev>",{"x":"\ud83d\ude00"}]`,
		`[null,null,null,null,{}]`,
		`[null,"1","t","e",[]]`,
		` [ null , "1" , "t" , "e" , { } ] `,
		`[null,"1","t","e",{}`,
		"[\"\xff\",\"1\",\"t\\u0000\",\"e\",{\"\xfe\":1}]",
		`[1e999,-0,"t","e",{}]`,
	)
}

func FuzzDecodeText(f *testing.F) {
	for _, s := range textSeeds(f) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := transport.DecodeText(data)
		if err != nil {
			if !errors.Is(err, transport.ErrMalformedFrame) {
				t.Fatalf("error %v does not wrap ErrMalformedFrame", err)
			}
			return
		}
		if len(m.Payload) == 0 || m.Payload[0] != '{' || !json.Valid(m.Payload) {
			t.Fatalf("accepted payload %q is not a JSON object", m.Payload)
		}
		enc := transport.EncodeText(m)
		if !json.Valid(enc) {
			t.Fatalf("EncodeText(DecodeText(%q)) = %q is not valid JSON", data, enc)
		}
		m2, err := transport.DecodeText(enc)
		if err != nil {
			t.Fatalf("re-encoded frame %q does not decode: %v", enc, err)
		}
		if !msgEqual(m, m2) {
			t.Fatalf("round trip changed the frame:\n first %s\nsecond %s", showMsg(m), showMsg(m2))
		}
		if enc2 := transport.EncodeText(m2); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable: %q then %q", enc, enc2)
		}
	})
}

func FuzzDecodeBinary(f *testing.F) {
	f.Add(phxBinaryPush)
	line, _ := base64.StdEncoding.DecodeString(loadVector(f, "longpoll_session.json").BinaryLineExample.Line)
	f.Add(line)
	f.Add([]byte{0, 0, 0, 0, 0})
	f.Add([]byte{0, 255, 255, 255, 255})
	f.Add([]byte{1, 2, 1, 3, 2, '1', '0', '1', 't', 'o', 'p', 'o', 'k'})
	f.Add([]byte{0, 2, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := transport.DecodeBinary(data)
		if err != nil {
			if !errors.Is(err, transport.ErrMalformedFrame) {
				t.Fatalf("error %v does not wrap ErrMalformedFrame", err)
			}
			return
		}
		if !m.Binary {
			t.Fatal("decoded binary frame without Binary set")
		}
		enc, err := transport.EncodeBinaryPush(m)
		if err != nil {
			t.Fatalf("EncodeBinaryPush(%s): %v", showMsg(m), err)
		}
		// Empty refs decode as nil and encode as empty, so the bytes are
		// reproduced exactly.
		if !bytes.Equal(enc, data) {
			t.Fatalf("re-encoded % x, want % x", enc, data)
		}
		m2, err := transport.DecodeBinary(enc)
		if err != nil || !msgEqual(m, m2) {
			t.Fatalf("round trip: %s, %v; want %s", showMsg(m2), err, showMsg(m))
		}
	})
}

// FuzzLongPollBody posts arbitrary bodies, with and without the ndjson
// content type, to a LongPoll session of a real server. The server must
// answer {"status":200} (or 410 after closing a session it cannot read),
// never panic, and keep serving another session: a witness session joined
// to "echo:witness" must still answer a ping after every input.
func FuzzLongPollBody(f *testing.F) {
	v := loadVector(f, "longpoll_session.json")
	var joins []string
	for _, x := range v.Exchanges {
		if x.BodyText != "" {
			joins = append(joins, x.BodyText)
		}
	}
	frames := textSeeds(f)
	f.Add([]byte(strings.Join(joins, "\n")), true)
	f.Add([]byte(strings.Join(frames, "\n")), true)
	f.Add([]byte(strings.Join(frames, "\r\n")+"\r\n"), true)
	f.Add([]byte(joins[0]), false)
	f.Add([]byte("  "+frames[0]+"\n"), false)
	f.Add([]byte(`["12","12","lvu:0","phx_join",{}]`+"\n"+v.BinaryLineExample.Line), true)
	f.Add([]byte(`["1","1","echo:a","phx_join",{}]`+"\n"+`["1","2","echo:a","push",{"x":1}]`+"\n"+`["1","3","echo:a","shout",{}]`+"\n"+`["1","4","echo:a","crash",{}]`), true)
	f.Add([]byte(`["1","1","echo:witness","phx_join",{}]`+"\n"+`["1","2","echo:witness","shout",{"x":"<>"}]`), true)
	f.Add([]byte(`["1","1","echo:a","phx_join",{"crash":true}]`), true)
	f.Add([]byte("not base64 !!\n\n\r\n[\n===="), true)
	f.Add([]byte(strings.Repeat(`[null,"1","phoenix","heartbeat",{}]`+"\n", 150)), true)
	f.Add([]byte{}, true)
	f.Add([]byte{}, false)

	r := &transport.Router{}
	echo.Register(r, "echo:*", nil)
	echo.Register(r, "lvu:*", nil)
	echo.Register(r, "lv:*", nil)
	srv := transport.NewServer(transport.Config{
		Router:         r,
		Secret:         testSecret,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		LongPollWindow: 5 * time.Second,
		LongPollExpiry: time.Hour,
		MaxFrameBytes:  64 << 10,
	})
	ts := httptest.NewServer(srv)
	f.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			f.Errorf("Shutdown: %v", err)
		}
		ts.Close()
	})
	client := ts.Client()

	do := func(t *testing.T, method, query, ctype string, body []byte) string {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+"/live/longpoll?vsn=2.0.0&"+query, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: HTTP %d, %v", method, resp.StatusCode, err)
		}
		return string(out)
	}
	open := func(t *testing.T) string {
		t.Helper()
		var r struct {
			Status int
			Token  string
		}
		body := do(t, "GET", "", "", nil)
		if err := json.Unmarshal([]byte(body), &r); err != nil || r.Status != 410 || r.Token == "" {
			t.Fatalf("open: %s", body)
		}
		return r.Token
	}

	// The witness is set up on first use, inside the fuzz function, because
	// a fuzz worker process runs this body once per process.
	var witness string
	var seq atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte, ndjson bool) {
		if witness == "" {
			witness = open(t)
			if got := do(t, "POST", "token="+urlEscape(witness), "application/x-ndjson", []byte(`["1","1","echo:witness","phx_join",{}]`)); got != `{"status":200}` {
				t.Fatalf("witness join: %s", got)
			}
		}

		token := open(t)
		ctype := "application/json"
		if ndjson {
			ctype = "application/x-ndjson"
		}
		got := do(t, "POST", "token="+urlEscape(token), ctype, body)
		if got != `{"status":200}` && got != `{"status":410}` {
			t.Fatalf("POST %q (%s) answered %s", body, ctype, got)
		}
		if sock := transport.LongPollSocketForTest(srv, token); sock != nil {
			sock.Close(transport.ErrSocketClosed)
		}

		// The other session still works.
		ref := fmt.Sprint(seq.Add(1))
		ping := fmt.Sprintf(`["1",%q,"echo:witness","ping",{}]`, ref)
		if got := do(t, "POST", "token="+urlEscape(witness), "application/x-ndjson", []byte(ping)); got != `{"status":200}` {
			t.Fatalf("witness ping POST: %s", got)
		}
		want := fmt.Sprintf(`["1",%q,"echo:witness","phx_reply",{"status":"ok","response":{}}]`, ref)
		deadline := time.Now().Add(5 * time.Second)
		for {
			var r struct {
				Status   int
				Messages []string
			}
			poll := do(t, "GET", "token="+urlEscape(witness), "", nil)
			if err := json.Unmarshal([]byte(poll), &r); err != nil || (r.Status != 200 && r.Status != 204) {
				t.Fatalf("witness poll after body %q: %s", body, poll)
			}
			found := false
			for _, m := range r.Messages {
				found = found || m == want
			}
			if found {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("witness session stopped answering after body %q", body)
			}
		}
	})
}
