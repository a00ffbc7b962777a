package pgnotify

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The payload of one notification is
//
//	g1|<node>|<epoch>|<seq>|<idx>|<count>|<chunk>
//
// where the chunks 0..count-1 of one message, concatenated, are the body
//
//	<len(topic)>|<topic><len(type name)>|<type name><JSON data>
//
// Lengths are decimal byte counts, so topics and type names need no
// escaping. node and epoch identify the sending instance (epoch is random
// per Start), seq numbers its messages from 1: receivers use them to drop
// their own messages and duplicates of a batch retried after a lost reply.
// The payload is text (PostgreSQL checks its encoding), so chunks are cut
// on UTF-8 boundaries only.
const (
	wireVersion = "g1"
	// PostgreSQL refuses payloads of 8000 bytes or more; the margin keeps
	// a header's worst case inside.
	payloadLimit = 7900
	// maxMessageBytes bounds one message's encoded body: a bigger one is
	// refused by Publish (it would hold the notification queue and every
	// receiver's memory).
	maxMessageBytes = 8 << 20
	// maxChunks is what a receiver accepts for one message: maxMessageBytes
	// in the smallest chunks a valid sender makes, with room to spare.
	maxChunks = 2 * maxMessageBytes / (payloadLimit / 2)
)

var errTooBig = fmt.Errorf("message larger than %d MiB cannot cross nodes", maxMessageBytes>>20)

// encode cuts one message into notification payloads.
func encode(node, epoch string, seq uint64, topic, typeName string, data []byte) ([]string, error) {
	if !utf8.ValidString(topic) || strings.IndexByte(topic, 0) >= 0 {
		return nil, fmt.Errorf("topic %q is not valid UTF-8 text without NUL bytes", topic)
	}
	if !utf8.Valid(data) || strings.IndexByte(string(data), 0) >= 0 {
		// encoding/json never produces this; a custom MarshalJSON might.
		return nil, fmt.Errorf("the JSON encoding of the %s message is not valid UTF-8 text without NUL bytes", typeName)
	}
	var b strings.Builder
	b.Grow(len(topic) + len(typeName) + len(data) + 24)
	b.WriteString(strconv.Itoa(len(topic)))
	b.WriteByte('|')
	b.WriteString(topic)
	b.WriteString(strconv.Itoa(len(typeName)))
	b.WriteByte('|')
	b.WriteString(typeName)
	b.Write(data)
	body := b.String()
	if len(body) > maxMessageBytes {
		return nil, errTooBig
	}
	prefix := wireVersion + "|" + node + "|" + epoch + "|" + strconv.FormatUint(seq, 10) + "|"
	// Room for "<idx>|<count>|" at their widest (ten digits each).
	room := payloadLimit - len(prefix) - 22
	if room < 64 {
		return nil, fmt.Errorf("node id %q leaves no room in a notification", node)
	}
	var chunks []string
	for start := 0; start < len(body); {
		end := start + room
		if end >= len(body) {
			end = len(body)
		} else {
			for end > start && !utf8.RuneStart(body[end]) {
				end--
			}
		}
		chunks = append(chunks, body[start:end])
		start = end
	}
	n := strconv.Itoa(len(chunks))
	out := make([]string, len(chunks))
	for i, c := range chunks {
		out[i] = prefix + strconv.Itoa(i) + "|" + n + "|" + c
	}
	return out, nil
}

// header is a payload's header.
type header struct {
	node, epoch string
	seq         uint64
	idx, count  int
}

var errBadPayload = errors.New("not a golive pubsub payload")

// parsePayload splits a payload into its header and chunk.
func parsePayload(p string) (header, string, error) {
	var f [6]string
	rest := p
	for i := range f {
		var ok bool
		f[i], rest, ok = strings.Cut(rest, "|")
		if !ok {
			return header{}, "", errBadPayload
		}
	}
	if f[0] != wireVersion {
		return header{}, "", fmt.Errorf("%w (version %.8q)", errBadPayload, f[0])
	}
	h := header{node: f[1], epoch: f[2]}
	var err1, err2, err3 error
	h.seq, err1 = strconv.ParseUint(f[3], 10, 64)
	h.idx, err2 = strconv.Atoi(f[4])
	h.count, err3 = strconv.Atoi(f[5])
	if err1 != nil || err2 != nil || err3 != nil || h.count < 1 || h.count > maxChunks || h.idx < 0 || h.idx >= h.count {
		return header{}, "", errBadPayload
	}
	return h, rest, nil
}

// parseBody splits a reassembled body into topic, type name and data.
func parseBody(body string) (topic, typeName string, data []byte, err error) {
	field := func() (string, bool) {
		ns, rest, ok := strings.Cut(body, "|")
		if !ok {
			return "", false
		}
		n, err := strconv.Atoi(ns)
		if err != nil || n < 0 || n > len(rest) {
			return "", false
		}
		body = rest[n:]
		return rest[:n], true
	}
	var ok1, ok2 bool
	topic, ok1 = field()
	typeName, ok2 = field()
	if !ok1 || !ok2 {
		return "", "", nil, errBadPayload
	}
	return topic, typeName, []byte(body), nil
}

// Reassembly bounds: chunk sets not completed within chunkTimeout are
// dropped, and at most maxPartials sets (maxPartialBytes in all) are held.
const (
	chunkTimeout    = 30 * time.Second
	maxPartials     = 256
	maxPartialBytes = 4 * maxMessageBytes
	// A sender unheard of for senderForget is forgotten (its duplicate
	// filter state); at most maxSenders are remembered.
	senderForget = time.Hour
	maxSenders   = 10000
)

type msgKey struct {
	sender string // node|epoch
	seq    uint64
}

type partial struct {
	chunks []string
	got    int
	bytes  int
	first  time.Time
}

type senderState struct {
	seq  uint64 // last message completed
	seen time.Time
}

// assembler turns payloads from other nodes back into message bodies, in
// order, once each. It is used by the listener goroutine only.
type assembler struct {
	partials map[msgKey]*partial
	bytes    int
	senders  map[string]*senderState
}

func newAssembler() *assembler {
	return &assembler{partials: map[msgKey]*partial{}, senders: map[string]*senderState{}}
}

// add takes one payload's header and chunk. It returns the message body
// when the chunk completes a message, and how many incomplete messages it
// had to drop to stay within its bounds.
func (a *assembler) add(h header, chunk string, now time.Time) (body string, complete bool, dropped int) {
	sk := h.node + "|" + h.epoch
	st := a.senders[sk]
	if st != nil && h.seq <= st.seq {
		return "", false, 0 // a duplicate (a batch sent again after a lost reply)
	}
	if h.count == 1 {
		a.done(sk, st, h.seq, now)
		return chunk, true, 0
	}
	k := msgKey{sk, h.seq}
	p := a.partials[k]
	if p == nil {
		for len(a.partials) >= maxPartials || (len(a.partials) > 0 && a.bytes+len(chunk) > maxPartialBytes) {
			a.dropOldest()
			dropped++
		}
		p = &partial{chunks: make([]string, h.count), first: now}
		a.partials[k] = p
	}
	if h.count != len(p.chunks) || p.chunks[h.idx] != "" {
		return "", false, dropped // inconsistent or repeated chunk
	}
	p.chunks[h.idx] = chunk
	p.got++
	p.bytes += len(chunk)
	a.bytes += len(chunk)
	if p.got < len(p.chunks) {
		return "", false, dropped
	}
	delete(a.partials, k)
	a.bytes -= p.bytes
	a.done(sk, st, h.seq, now)
	return strings.Join(p.chunks, ""), true, dropped
}

func (a *assembler) done(sk string, st *senderState, seq uint64, now time.Time) {
	if st == nil {
		if len(a.senders) >= maxSenders {
			a.forgetSenders(now, true)
		}
		st = &senderState{}
		a.senders[sk] = st
	}
	st.seq, st.seen = seq, now
}

func (a *assembler) dropOldest() {
	var oldest msgKey
	var t time.Time
	for k, p := range a.partials {
		if t.IsZero() || p.first.Before(t) {
			oldest, t = k, p.first
		}
	}
	a.bytes -= a.partials[oldest].bytes
	delete(a.partials, oldest)
}

// sweep drops chunk sets older than chunkTimeout and forgets silent
// senders; it returns how many sets it dropped.
func (a *assembler) sweep(now time.Time) (dropped int) {
	for k, p := range a.partials {
		if now.Sub(p.first) > chunkTimeout {
			a.bytes -= p.bytes
			delete(a.partials, k)
			dropped++
		}
	}
	a.forgetSenders(now, false)
	return dropped
}

// forgetSenders forgets senders unheard of for senderForget; all of them
// when the table is full (duplicates after that are unlikely: they only
// follow a lost reply, within seconds).
func (a *assembler) forgetSenders(now time.Time, all bool) {
	for k, s := range a.senders {
		if all || now.Sub(s.seen) > senderForget {
			delete(a.senders, k)
		}
	}
}
