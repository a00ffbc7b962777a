package main

import (
	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3200: form recovery of a form whose phx-target is a selector,
// inside a component. Upstream serves both tabs from one view with two
// live actions; here they are two routes of one view type, so a tab
// change is a live navigation instead of a patch.
type issue3200 struct{ tab string }

func (v *issue3200) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3200) Render() templ.Component               { return issue3200Page(v) }

type messagesTab struct{ value string }

func (c *messagesTab) Update(*live.Socket, any) error { return nil }
func (c *messagesTab) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "add_message_change" {
		c.value = e.Value.Get("new_message")
	}
	return nil
}
func (c *messagesTab) Render() templ.Component { return messagesTabPage(c) }

type textComponent struct{ text string }

func (c *textComponent) Render() templ.Component { return textComponentPage(c.text) }
