package status

import "testing"

func TestFormatTimeShowsUnparsableRaw(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-22T04:22:29Z":           "2026-11-22 04:22:29 UTC",
		"2026-11-22T05:22:29+01:00":      "2026-11-22 04:22:29 UTC",
		"2026-11-22T04:22:29.123456":     "2026-11-22 04:22:29 UTC",
		"2026-11-22T04:22:29.123456789Z": "2026-11-22 04:22:29 UTC",
		"yesterday-ish":                  "yesterday-ish",
		"2026-13-45T99:99:99Z":           "2026-13-45T99:99:99Z",
		"":                               "never",
	} {
		if got := FormatTime(in); got != want {
			t.Errorf("FormatTime(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseServicesTolerant(t *testing.T) {
	raw := map[string]any{"services": []any{
		map[string]any{"name": "b", "state": "up", "checked_at": "2026-11-22T04:22:29Z"},
		map[string]any{"name": "a", "state": "exploded"},
		map[string]any{"state": "down", "error": "boom"},
		"not an object",
		42.0,
	}}
	got := parseServices(raw)
	if len(got) != 3 {
		t.Fatalf("got %d services: %+v", len(got), got)
	}
	if got[0].Name != "(unnamed)" || got[0].State != "down" || got[0].Error != "boom" {
		t.Errorf("unnamed service: %+v", got[0])
	}
	if got[1].Name != "a" || got[1].State != "unknown" {
		t.Errorf("unknown state not normalised: %+v", got[1])
	}
	if got[2].Name != "b" || got[2].State != "up" {
		t.Errorf("b: %+v", got[2])
	}
	if s := parseServices(map[string]any{"services": "nope"}); len(s) != 0 {
		t.Errorf("non-list services: %+v", s)
	}
}
