package pubsub

import (
	"context"
	"testing"
)

func TestLocalDeliversToSubscribersUntilCancelled(t *testing.T) {
	ps := NewLocal()
	var a, b []any
	cancelA := ps.Subscribe("t", func(m any) { a = append(a, m) })
	ps.Subscribe("t", func(m any) { b = append(b, m) })
	ps.Subscribe("other", func(m any) { t.Errorf("wrong topic got %v", m) })
	ps.Publish(context.Background(), "t", 1)
	cancelA()
	cancelA() // idempotent
	ps.Publish(context.Background(), "t", 2)
	if len(a) != 1 || a[0] != 1 {
		t.Fatalf("a = %v, want [1]", a)
	}
	if len(b) != 2 {
		t.Fatalf("b = %v, want [1 2]", b)
	}
	if n := ps.Subscribers("t"); n != 1 {
		t.Fatalf("subscribers = %d, want 1", n)
	}
}

func TestLocalForgetsEmptyTopics(t *testing.T) {
	ps := NewLocal()
	c := ps.Subscribe("x", func(any) {})
	c()
	if ps.Topics() != 0 {
		t.Fatalf("topics = %d after last unsubscribe", ps.Topics())
	}
}
