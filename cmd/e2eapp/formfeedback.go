package main

import (
	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// formFeedbackLive is /form/feedback (upstream's FormFeedbackLive): the
// phx-feedback-for shim of LiveView 1.0 (removed from the client, kept
// by apps in their dom callbacks), in the view's own layout.
type formFeedbackLive struct {
	count, submitCount, validateCount int
	feedback                          bool
}

func (v *formFeedbackLive) Mount(*live.Socket, live.Params) error {
	v.feedback = true
	return nil
}

func (v *formFeedbackLive) HandleEvent(_ *live.Socket, e live.Event) error {
	switch e.Name {
	case "validate":
		v.validateCount++
	case "submit":
		v.submitCount++
	case "inc":
		v.count++
	case "dec":
		v.count--
	case "toggle-feedback":
		v.feedback = !v.feedback
	}
	return nil
}

func (v *formFeedbackLive) Render() templ.Component { return formFeedbackPage(v) }
