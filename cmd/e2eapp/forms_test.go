package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestFormDynamicAssign follows the spec's add/add/add/remove steps
// through the form's parameters, as the client sends them.
func TestFormDynamicAssign(t *testing.T) {
	v := &formDynamicLive{}
	step := func(form string) {
		t.Helper()
		p, err := live.DecodeForm(form)
		if err != nil {
			t.Fatal(err)
		}
		v.assign(p.Map("my_form"))
	}
	users := func() string {
		var out []string
		for _, u := range v.users {
			out = append(out, itoa(u.index)+"/"+u.pid+"/"+u.name)
		}
		return strings.Join(out, " ")
	}
	enc := url.QueryEscape
	step(enc("my_form[name]") + "=Test&" + enc("my_form[users_drop][]") + "=&" + enc("my_form[users_sort][]") + "=new")
	if got := users(); got != "0/0/" || v.name != "Test" {
		t.Fatalf("after add more: users %q, name %q; want one new user 0/0/ and Test", got, v.name)
	}
	// Two more, then all three named.
	three := "my_form[users][0][_persistent_id]=0&my_form[users_sort][]=0&my_form[users][0][name]=User A&" +
		"my_form[users][1][_persistent_id]=1&my_form[users_sort][]=1&my_form[users][1][name]=User B&" +
		"my_form[users][2][_persistent_id]=2&my_form[users_sort][]=2&my_form[users][2][name]=User C&" +
		"my_form[users_drop][]="
	q := func(s string) string {
		var parts []string
		for _, kv := range strings.Split(s, "&") {
			k, x, _ := strings.Cut(kv, "=")
			parts = append(parts, enc(k)+"="+enc(x))
		}
		return strings.Join(parts, "&")
	}
	step(q(three))
	if got := users(); got != "0/0/User A 1/1/User B 2/2/User C" {
		t.Fatalf("three users: %q", got)
	}
	// Remove User B: the rest keep their persistent ids, renumbered.
	step(q(three + "&my_form[users_drop][]=1"))
	if got := users(); got != "0/0/User A 1/2/User C" {
		t.Fatalf("after removing index 1: %q, want User A and User C (persistent ids 0 and 2)", got)
	}
	// A new user after that takes the first free persistent id from the
	// count of those in use (upstream's next_id: 2 is taken, so 3).
	step(q("my_form[users][0][_persistent_id]=0&my_form[users_sort][]=0&my_form[users][0][name]=User A&" +
		"my_form[users][1][_persistent_id]=2&my_form[users_sort][]=1&my_form[users][1][name]=User C&" +
		"my_form[users_drop][]=&my_form[users_sort][]=new"))
	if got := users(); got != "0/0/User A 1/2/User C 2/3/" {
		t.Fatalf("after adding again: %q", got)
	}
}

func TestCompareKeys(t *testing.T) {
	keys := []string{"b", "10", "2", "a", "0"}
	slices.SortFunc(keys, compareKeys)
	if got := strings.Join(keys, ","); got != "0,2,10,a,b" {
		t.Fatalf("sorted %s, want integers by value, then strings", got)
	}
}

// TestFormVariants checks the /form variants render the attributes the
// spec relies on.
func TestFormVariants(t *testing.T) {
	env := livetest.New(t, register, livetest.WithClient("1.1"))
	for _, c := range []struct {
		path, sel string
		want      bool
	}{
		{"/form", `form#test-form[phx-change=validate] input[name=e][form=test-form]`, true},
		{"/form?no-id", `form[id]`, false},
		{"/form?no-id", `input[name=f]`, false},
		{"/form?no-change-event", `form[phx-change]`, false},
		{"/form?js-change=1", `form[phx-change*=push]`, true},
		{"/form?phx-auto-recover=custom-recovery", `form[phx-auto-recover=custom-recovery]`, true},
		{"/form?disabled-fieldset=true", `fieldset[disabled] input[name=b]`, true},
		{"/form?live-component", `[data-phx-component] form[phx-target="1"]`, true},
		{"/form?portal", `template[data-phx-portal=body]`, true},
	} {
		v := env.Live(c.path)
		if got := v.Has(c.sel); got != c.want {
			t.Errorf("%s: has %s = %v, want %v", c.path, c.sel, got, c.want)
		}
		v.Close()
	}

	v := env.Live("/form?live-component")
	if err := v.Change("form", url.Values{"b": {"changed"}}); err != nil {
		t.Fatal(err)
	}
	if got := v.Attrs("input[name=b]", "value"); !slices.Equal(got, []string{"changed"}) {
		t.Fatalf("component form after validate: b = %q", got)
	}
	if err := v.Submit("form", nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Text("[data-phx-component]"), "LC Form was submitted!") {
		t.Fatalf("component form after save: %s", v.HTML())
	}
}

// TestSyncGate is the latency tests' serialisation: once the hook is
// attached, an event waits for its ack from POST /eval.
func TestSyncGate(t *testing.T) {
	env := livetest.New(t, register, livetest.WithClient("1.1"))
	v := env.Live("/form")
	var pid struct {
		Result struct {
			LVPid []string `json:"lv_pid"`
		} `json:"result"`
	}
	r := v.HookPush("sandbox:eval", map[string]any{"value": `<<"#PID"::binary, pid::binary>> = inspect(self())
	%{lv_pid: pid_parts}`})
	if err := json.Unmarshal(r, &pid); err != nil || len(pid.Result.LVPid) != 3 {
		t.Fatalf("pid reply %s: %v", r, err)
	}
	v.HookPush("sandbox:eval", map[string]any{"value": `attach_hook(socket, :sync, :handle_event, fn event, _params, socket -> end)`})

	done := make(chan error, 1)
	go func() { done <- v.Change("form", url.Values{"b": {"gated"}}) }()
	select {
	case err := <-done:
		t.Fatalf("validate answered before its ack (err %v)", err)
	default:
	}
	post := func(code string) int {
		body, _ := json.Marshal(map[string]string{"code": code})
		req := httptest.NewRequest(http.MethodPost, "/eval", strings.NewReader(string(body)))
		rec := httptest.NewRecorder()
		env.Mux.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post(`send(IEx.Helpers.pid(0, 999999, 0), {:sync, "validate"}); nil`); code != http.StatusNotFound {
		t.Fatalf("ack to an unknown pid: status %d, want 404", code)
	}
	if code := post(`:erlang.halt()`); code != http.StatusBadRequest {
		t.Fatalf("unknown code: status %d, want 400", code)
	}
	if code := post(`send(IEx.Helpers.pid(0, ` + pid.Result.LVPid[1] + `, 0), {:sync, "validate"}); nil`); code != http.StatusOK {
		t.Fatalf("ack: status %d", code)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := v.Attrs("input[name=b]", "value"); !slices.Equal(got, []string{"gated"}) {
		t.Fatalf("after the ack: b = %q", got)
	}
}
