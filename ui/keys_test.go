package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// bindingsOf describes every binding of every key map the screens share: whether it
// is enabled, its keys and its help.
func bindingsOf(c *common) string {
	var b strings.Builder
	for _, k := range []*keyMap{c.keys} {
		v := reflect.ValueOf(k).Elem()
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if bind, ok := v.Field(i).Interface().(key.Binding); ok {
				fmt.Fprintf(&b, "%s enabled=%v keys=%q help=%q\n", v.Type().Field(i).Name, bind.Enabled(), bind.Keys(), bind.Help())
			}
		}
	}
	return b.String()
}

// TestViewChangesNoBinding draws screens in every state one after the other, all
// sharing the same key maps: drawing one must not change the bindings another (or
// the next update) sees.
func TestViewChangesNoBinding(t *testing.T) {
	store := newMemStore()
	list := newTestModel(t, store, Options{})
	open := press(t, list, "enter")
	screens := []struct {
		name string
		m    Model
	}{
		{"list", list},
		{"filtering", press(t, list, "/", "s")},
		{"filtered", press(t, list, "/", "s", "tab")},
		{"recording", press(t, list, "r")},
		{"full help", press(t, list, "?")},
		{"checklist", open},
		{"note prompt", press(t, open, "n")},
		{"history", press(t, open, "h")},
	}
	want := bindingsOf(list.c)
	for round := range 2 {
		for _, s := range screens {
			if s.m.c != list.c {
				t.Fatalf("%s: not the same shared context", s.name)
			}
			frame := s.m.View()
			if got := bindingsOf(s.m.c); got != want {
				t.Fatalf("round %d: drawing %s changed the key map:\n%s\nwant\n%s", round, s.name, got, want)
			}
			if again := s.m.View(); again != frame {
				t.Errorf("round %d: %s drawn twice differs", round, s.name)
			}
		}
	}
}
