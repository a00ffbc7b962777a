// Package livetest tests live views the way a browser uses them, in the
// spirit of Phoenix.LiveViewTest, with no browser and no network.
//
// [New] builds the application (socket server, sessions, engine) around a
// setup function that registers routes. [Env.Get] does a plain GET (the
// dead render); [Env.Live] does that, then joins the page's view over an
// in-process socket ([transport.Server.ConnectDirect]) with exactly the
// frames the JS client sends, and keeps the client's copy of the rendered
// tree: join render and diffs are merged with the rules of the client line
// chosen with [WithClient] ("1.0" d-lists, "1.1"/"1.2" keyed lists), and a
// diff that line could not merge fails the test. Stream rows are kept as
// the DOM keeps them.
//
//	env := livetest.New(t, examples.Register)
//	v := env.Live("/examples/counter")
//	v.Click("#inc")
//	if got := v.Text("#count"); got != "1" {
//		t.Fatalf("count = %q", got)
//	}
//
// Every function takes the test's testing.TB and fails the test with a
// message naming the operation, the selector and the page when something
// the test asked for is not there. Operations that push to the server
// return an error only for what the server did (an error reply, the view
// crashing or closing). The Env closes its views and server when the test
// ends.
package livetest
