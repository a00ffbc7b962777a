package main

import (
	"net/url"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// issue3040: the generated core components' modal (JS show/hide with
// transitions, focus_wrap, phx-click-away, phx-window-keydown on escape)
// over a form: submitting the form is no click away, neither is a drag
// that ends outside.
type issue3040 struct{ open, submitted bool }

func (v *issue3040) Mount(*live.Socket, live.Params) error { return nil }
func (v *issue3040) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	v.open = p.Has("modal")
	return nil
}
func (v *issue3040) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "submit" {
		v.submitted = true
	}
	return nil
}
func (v *issue3040) Render() templ.Component { return issue3040Page(v) }

const (
	modalIn  = "transition-all transform ease-out duration-300"
	modalOut = "transition-all transform ease-in duration-200"
)

func showModal(id string) string {
	return live.JS().
		Show("#"+id).
		Show("#"+id+"-bg", live.WithTransition(modalIn, "opacity-0", "opacity-100")).
		Show("#"+id+"-container", live.WithTransition(modalIn, "opacity-0 translate-y-4 sm:translate-y-0 sm:scale-95", "opacity-100 translate-y-0 sm:scale-100")).
		AddClass("body", "overflow-hidden").
		FocusFirst("#" + id + "-content").String()
}

func hideModal(id string) string {
	return live.JS().
		Hide("#"+id+"-bg", live.WithTransition(modalOut, "opacity-100", "opacity-0")).
		Hide("#"+id+"-container", live.WithTime(200*time.Millisecond), live.WithTransition(modalOut, "opacity-100 translate-y-0 sm:scale-100", "opacity-0 translate-y-4 sm:translate-y-0 sm:scale-95")).
		Hide("#"+id, live.WithTransition("block", "block", "hidden")).
		RemoveClass("body", "overflow-hidden").
		PopFocus().String()
}

func modalCancel(onCancel live.JSCommands) string { return onCancel.Exec("", "phx-remove").String() }

func execCancel(id string) string { return live.JS().Exec("#"+id, "data-cancel").String() }

const modalStyle = `.fixed{position:fixed}.absolute{position:absolute}.relative{position:relative}.inset-0{inset:0px}.right-5{right:1.25rem}.top-6{top:1.5rem}.z-50{z-index:50}.-m-3{margin:-0.75rem}.flex{display:flex}.hidden{display:none}.min-h-full{min-height:100%}.w-full{width:100%}.max-w-3xl{max-width:48rem}.flex-none{flex:none}.items-center{align-items:center}.justify-center{justify-content:center}.overflow-y-auto{overflow-y:auto}.rounded-2xl{border-radius:1rem}.bg-white{background-color:rgb(255 255 255 / 1)}.bg-gray-200{background-color:rgb(229 231 235 / 1)}.bg-zinc-50\/90{background-color:rgb(250 250 250 / 0.9)}.p-14{padding:3.5rem}.p-3{padding:0.75rem}.p-4{padding:1rem}.opacity-20{opacity:0.2}.transition{transition-property:color,background-color,border-color,text-decoration-color,fill,stroke,opacity,box-shadow,transform,filter,backdrop-filter;transition-timing-function:cubic-bezier(0.4,0,0.2,1);transition-duration:150ms}.transition-opacity{transition-property:opacity;transition-timing-function:cubic-bezier(0.4,0,0.2,1);transition-duration:150ms}.hover\:opacity-40:hover{opacity:0.4}@media (min-width:640px){.sm\:p-6{padding:1.5rem}}@media (min-width:1024px){.lg\:py-8{padding-top:2rem;padding-bottom:2rem}}`
