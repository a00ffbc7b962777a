package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSummary(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"  short \n text ", 20, "short text"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four five", 12, "one two…"},
		{"été à Montréal, l'hiver à Québec", 20, "été à Montréal…"},
		{strings.Repeat("x", 30), 10, strings.Repeat("x", 9) + "…"},
	} {
		got := summary(c.in, c.n)
		if got != c.want {
			t.Errorf("summary(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if utf8.RuneCountInString(got) > c.n {
			t.Errorf("summary(%q, %d) = %q: too long", c.in, c.n, got)
		}
	}
}
