package pubsub

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// ErrUnregistered is returned (wrapped) by [Marshal] for a message whose Go
// type was never passed to [Register], and by [Unmarshal] for an unknown
// name.
var ErrUnregistered = errors.New("pubsub: type not registered")

// A registered type: its wire name, Go type and a decoder returning a T.
type regEntry struct {
	name   string
	typ    reflect.Type
	decode func(data []byte) (any, error)
}

var registry = struct {
	mu     sync.RWMutex
	byName map[string]*regEntry
	byType map[reflect.Type]*regEntry
}{byName: map[string]*regEntry{}, byType: map[reflect.Type]*regEntry{}}

func init() { Register[string]("string") }

// Register makes values of type T able to cross nodes under name: a cluster
// adapter encodes them with [Marshal] (JSON) and the receiving node decodes
// them with [Unmarshal] into a T, so subscribers see the same Go type on
// every node. Every node must register the same names, typically from an
// init function of the package that defines T.
//
// Registering the same name and type again is a no-op. Register panics when
// name is empty, when T is an interface type (its dynamic type is what
// Marshal sees), or when name or T is already registered with another type
// or name: such a clash would silently change what subscribers receive.
func Register[T any](name string) {
	typ := reflect.TypeFor[T]()
	if name == "" {
		panic(fmt.Sprintf("pubsub.Register[%s]: empty name", typ))
	}
	if typ.Kind() == reflect.Interface {
		panic(fmt.Sprintf("pubsub.Register[%s](%q): T must be a concrete type", typ, name))
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if e := registry.byName[name]; e != nil {
		if e.typ == typ {
			return
		}
		panic(fmt.Sprintf("pubsub.Register[%s](%q): name already registered for type %s", typ, name, e.typ))
	}
	if e := registry.byType[typ]; e != nil {
		panic(fmt.Sprintf("pubsub.Register[%s](%q): type already registered as %q", typ, name, e.name))
	}
	e := &regEntry{name: name, typ: typ, decode: func(data []byte) (any, error) {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		return v, nil
	}}
	registry.byName[name] = e
	registry.byType[typ] = e
}

// Marshal encodes msg for another node: the name its type was registered
// under and its JSON encoding. The error wraps [ErrUnregistered] when the
// type was not registered.
func Marshal(msg any) (name string, data []byte, err error) {
	if msg == nil {
		return "", nil, fmt.Errorf("%w: a nil message cannot cross nodes", ErrUnregistered)
	}
	typ := reflect.TypeOf(msg)
	registry.mu.RLock()
	e := registry.byType[typ]
	registry.mu.RUnlock()
	if e == nil {
		return "", nil, fmt.Errorf("%w: %s cannot cross nodes; call pubsub.Register[%s](name) at init on every node",
			ErrUnregistered, typ, typ)
	}
	data, err = json.Marshal(msg)
	if err != nil {
		return "", nil, fmt.Errorf("pubsub: encoding %s as JSON: %w", typ, err)
	}
	return e.name, data, nil
}

// Unmarshal decodes what [Marshal] produced on another node into a value
// of the type registered under name (a T, not a *T, for Register[T]).
func Unmarshal(name string, data []byte) (any, error) {
	registry.mu.RLock()
	e := registry.byName[name]
	registry.mu.RUnlock()
	if e == nil {
		return nil, fmt.Errorf("%w: no type is registered as %q on this node", ErrUnregistered, name)
	}
	v, err := e.decode(data)
	if err != nil {
		return nil, fmt.Errorf("pubsub: decoding %q into %s: %w", name, e.typ, err)
	}
	return v, nil
}
