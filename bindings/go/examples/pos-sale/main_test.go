package main

import "testing"

func TestParseCents(t *testing.T) {
	good := map[string]int64{"5.00": 500, "5": 500, "5.1": 510, "0.07": 7, "999999.99": 99999999}
	for text, want := range good {
		if got, err := parseCents(text); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", text, got, err, want)
		}
	}
	for _, text := range []string{"", "-1", "1.234", "1e3", "1,00", ".5", "1000000.00", "5.0x", "٣"} {
		if got, err := parseCents(text); err == nil {
			t.Errorf("%q accepted as %d", text, got)
		}
	}
}
