package livetest

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// eventValue is the client's extractMeta for an element: its phx-value-*
// attributes and, for elements with a value property, that value.
func eventValue(el *html.Node) map[string]any {
	m := map[string]any{}
	for _, a := range el.Attr {
		if name, ok := strings.CutPrefix(a.Key, "phx-value-"); ok && a.Namespace == "" {
			m[name] = a.Val
		}
	}
	if x, ok := elementValue(el); ok {
		m["value"] = x
	}
	return m
}

// elementValue is the DOM value property of el, if it has one (a form has
// none; an unchecked checkbox or radio sends none).
func elementValue(el *html.Node) (any, bool) {
	switch el.DataAtom {
	case atom.Button, atom.Data, atom.Param, atom.Output:
		return attr(el, "value"), true
	case atom.Input:
		switch strings.ToLower(attr(el, "type")) {
		case "checkbox", "radio":
			if !hasAttr(el, "checked") {
				return nil, false
			}
			if !hasAttr(el, "value") {
				return "on", true
			}
		}
		return attr(el, "value"), true
	case atom.Textarea:
		return textContent(el), true
	case atom.Select:
		vals := selected(el)
		if len(vals) == 0 {
			return "", true
		}
		return vals[0], true
	case atom.Option:
		return optionValue(el), true
	case atom.Li, atom.Meter, atom.Progress:
		n, _ := strconv.Atoi(attr(el, "value"))
		return n, true
	}
	return nil, false
}

func textContent(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func optionValue(o *html.Node) string {
	if hasAttr(o, "value") {
		return attr(o, "value")
	}
	return strings.Join(strings.Fields(textContent(o)), " ")
}

// selected are the values a select submits: the selected options, or the
// first option of a single select with none selected.
func selected(sel *html.Node) []string {
	var opts []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Option && !hasAttr(n, "disabled") {
			opts = append(opts, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(sel)
	var out []string
	for _, o := range opts {
		if hasAttr(o, "selected") {
			out = append(out, optionValue(o))
		}
	}
	if len(out) == 0 && !hasAttr(sel, "multiple") && len(opts) > 0 {
		out = append(out, optionValue(opts[0]))
	}
	return out
}

type field struct{ name, value string }

// submitButton reports whether n submits its form when clicked.
func submitButton(n *html.Node) bool {
	t := strings.ToLower(attr(n, "type"))
	switch n.DataAtom {
	case atom.Button:
		return t == "" || t == "submit"
	case atom.Input:
		return t == "submit" || t == "image"
	}
	return false
}

// formOf is the form n belongs to (its form attribute, or the closest).
func formOf(root, n *html.Node) *html.Node {
	if id := attr(n, "form"); id != "" {
		var found *html.Node
		var walk func(*html.Node)
		walk = func(c *html.Node) {
			if found != nil {
				return
			}
			if c.Type == html.ElementNode && c.DataAtom == atom.Form && attr(c, "id") == id {
				found = c
				return
			}
			for k := c.FirstChild; k != nil; k = k.NextSibling {
				walk(k)
			}
		}
		walk(root)
		return found
	}
	return closest(n, func(c *html.Node) bool { return c.DataAtom == atom.Form })
}

// formFields are the name/value pairs the form submits (FormData order):
// its named, enabled controls, and those elsewhere with form="<its id>";
// no files, and of the buttons only the submitter (which may be nil).
func formFields(root, form, submitter *html.Node) []field {
	id := attr(form, "id")
	var out []field
	var walk func(n *html.Node, inForm bool)
	walk = func(n *html.Node, inForm bool) {
		if n.Type == html.ElementNode {
			if n == form {
				inForm = true
			}
			owned := inForm
			if f := attr(n, "form"); f != "" {
				owned = f == id && id != ""
			}
			if owned && n != form {
				if n == submitter && attr(n, "name") != "" {
					out = append(out, field{attr(n, "name"), attr(n, "value")})
				} else {
					out = append(out, controlFields(n)...)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inForm)
		}
	}
	walk(root, false)
	return out
}

func controlFields(n *html.Node) []field {
	name := attr(n, "name")
	if name == "" || hasAttr(n, "disabled") {
		return nil
	}
	switch n.DataAtom {
	case atom.Input:
		switch strings.ToLower(attr(n, "type")) {
		case "submit", "button", "image", "reset", "file":
			return nil
		case "checkbox", "radio":
			if !hasAttr(n, "checked") {
				return nil
			}
			val := "on"
			if hasAttr(n, "value") {
				val = attr(n, "value")
			}
			return []field{{name, val}}
		}
		return []field{{name, attr(n, "value")}}
	case atom.Textarea:
		return []field{{name, textContent(n)}}
	case atom.Select:
		var out []field
		for _, v := range selected(n) {
			out = append(out, field{name, v})
		}
		return out
	}
	return nil
}
