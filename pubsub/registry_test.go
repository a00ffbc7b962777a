package pubsub

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type regPoint struct {
	X, Y int
	At   time.Time
}

type regOther struct{ Name string }

type regNever struct{ A int }

func init() {
	Register[regPoint]("pubsub_test.point")
	Register[*regOther]("pubsub_test.other")
}

func TestMarshalUnmarshalRoundTrip(t *testing.T) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name     string
		msg      any
		wantName string
	}{
		{"string", "changed", "string"},
		{"empty string", "", "string"},
		{"struct value", regPoint{X: 1, Y: -2, At: at}, "pubsub_test.point"},
		{"pointer", &regOther{Name: "ü\x00<>"}, "pubsub_test.other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, data, err := Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if name != tt.wantName {
				t.Fatalf("name = %q, want %q", name, tt.wantName)
			}
			got, err := Unmarshal(name, data)
			if err != nil {
				t.Fatal(err)
			}
			if reflect.TypeOf(got) != reflect.TypeOf(tt.msg) {
				t.Fatalf("type = %T, want %T", got, tt.msg)
			}
			if !reflect.DeepEqual(got, tt.msg) {
				t.Fatalf("got %#v, want %#v", got, tt.msg)
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	tests := []struct {
		name    string
		msg     any
		wantErr []string
		unreg   bool
	}{
		{"unregistered struct", regNever{A: 1}, []string{"pubsub.regNever", "pubsub.Register"}, true},
		{"pointer to registered value type", &regPoint{}, []string{"*pubsub.regPoint", "pubsub.Register"}, true},
		{"int", 42, []string{"int", "pubsub.Register"}, true},
		{"nil", nil, []string{"nil"}, true},
		{"unencodable", regUnencodable{C: make(chan int)}, []string{"JSON"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Marshal(tt.msg)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if errors.Is(err, ErrUnregistered) != tt.unreg {
				t.Errorf("errors.Is(err, ErrUnregistered) = %v, want %v", !tt.unreg, tt.unreg)
			}
		})
	}
}

type regUnencodable struct{ C chan int }

func init() { Register[regUnencodable]("pubsub_test.unencodable") }

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name, typ, data, want string
	}{
		{"unknown name", "nobody.registered.this", `{}`, `"nobody.registered.this"`},
		{"bad JSON", "pubsub_test.point", `{"X":`, "pubsub.regPoint"},
		{"wrong JSON type", "string", `123`, "string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Unmarshal(tt.typ, []byte(tt.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestRegisterPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string // "" = must not panic
	}{
		{"same name and type again", func() { Register[regPoint]("pubsub_test.point") }, ""},
		{"string again", func() { Register[string]("string") }, ""},
		{"name taken by another type", func() { Register[regNever]("pubsub_test.point") }, "already registered for type pubsub.regPoint"},
		{"type under a second name", func() { Register[regPoint]("pubsub_test.point2") }, `already registered as "pubsub_test.point"`},
		{"empty name", func() { Register[regNever]("") }, "empty name"},
		{"interface type", func() { Register[error]("pubsub_test.error") }, "concrete type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			func() {
				defer func() {
					if r := recover(); r != nil {
						got = r.(string)
					}
				}()
				tt.f()
			}()
			if tt.want == "" {
				if got != "" {
					t.Fatalf("panicked: %s", got)
				}
				return
			}
			if !strings.Contains(got, tt.want) {
				t.Fatalf("panic %q, want one containing %q", got, tt.want)
			}
		})
	}
	// A rejected registration must leave no trace.
	if _, _, err := Marshal(regNever{}); err == nil {
		t.Fatal("regNever became registered by a panicking Register")
	}
}
