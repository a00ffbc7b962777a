// Package pubsub is topic-based publish/subscribe between goroutines of one
// server (and, through an adapter, between nodes). Live views subscribe
// through it; the status checker and the movies cache publish through it.
//
// The [PubSub] interface is what applications use. [Local] is the
// in-process implementation; a cluster adapter (package pgnotify, over
// PostgreSQL LISTEN/NOTIFY) implements the same interface and delivers to
// local subscribers the same way, so views do not change.
//
// Values that cross nodes are encoded as JSON under a registered name:
// [Register] a message type on every node (as with encoding/gob), and
// subscribers everywhere receive the same Go type. [Marshal] and
// [Unmarshal] are what adapters use; string is registered as "string".
package pubsub

import (
	"context"
	"sync"
)

// PubSub delivers each message published on a topic to every current
// subscriber of that topic.
type PubSub interface {
	// Subscribe calls fn for every message on topic until the returned
	// cancel function is called. fn must not block: it is called on the
	// publisher's goroutine (live views hand the message to their mailbox).
	Subscribe(topic string, fn func(msg any)) (cancel func())
	// Publish sends msg to the topic's subscribers.
	Publish(ctx context.Context, topic string, msg any) error
}

// Local is the in-process PubSub.
type Local struct {
	mu     sync.RWMutex
	next   uint64
	topics map[string]map[uint64]func(any)
}

// NewLocal returns an empty in-process PubSub.
func NewLocal() *Local { return &Local{topics: make(map[string]map[uint64]func(any))} }

// Subscribe implements PubSub.
func (l *Local) Subscribe(topic string, fn func(msg any)) func() {
	l.mu.Lock()
	l.next++
	id := l.next
	subs := l.topics[topic]
	if subs == nil {
		subs = make(map[uint64]func(any))
		l.topics[topic] = subs
	}
	subs[id] = fn
	l.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if subs := l.topics[topic]; subs != nil {
				delete(subs, id)
				if len(subs) == 0 {
					delete(l.topics, topic)
				}
			}
		})
	}
}

// Publish implements PubSub.
func (l *Local) Publish(_ context.Context, topic string, msg any) error {
	l.mu.RLock()
	fns := make([]func(any), 0, len(l.topics[topic]))
	for _, fn := range l.topics[topic] {
		fns = append(fns, fn)
	}
	l.mu.RUnlock()
	for _, fn := range fns {
		fn(msg)
	}
	return nil
}

// Subscribers returns how many subscriptions topic has (for tests and the
// dashboard).
func (l *Local) Subscribers(topic string) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.topics[topic])
}

// Topics returns how many topics have subscribers.
func (l *Local) Topics() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.topics)
}
