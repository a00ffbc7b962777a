package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestSVG(t *testing.T) {
	c := Chart{
		Title: "click p99", XLabel: "clients", YLabel: "ms", YFromZero: true,
		Series: []Series{
			{Name: "golive", X: []float64{1000, 5000}, Y: []float64{1.7, 2.4}},
			{Name: "Phoenix", X: []float64{1000, 5000}, Y: []float64{3.1, 3.3}},
		},
	}
	b, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	// Well-formed XML, an <svg> root, and the texts of the figure.
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	for _, want := range []string{"click p99", "clients", "golive", "Phoenix"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	bad := Chart{Series: []Series{{Name: "x", X: []float64{1}, Y: nil}}}
	if _, err := bad.SVG(); err == nil {
		t.Error("a series with unequal x and y: no error")
	}
}
