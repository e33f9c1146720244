package web

import (
	"testing"
	"time"
)

func TestBells(t *testing.T) {
	b := bells{m: map[string]*bell{}}
	c1, release1 := b.listen("team")
	c2, release2 := b.listen("team")
	_, release3 := b.listen("customer:x")
	if c1 != c2 || b.size() != 2 {
		t.Fatalf("two listeners of one feed should share its bell; %d bells", b.size())
	}
	b.ring("team")
	for _, c := range []<-chan struct{}{c1, c2} {
		select {
		case <-c:
		case <-time.After(time.Second):
			t.Fatal("ring did not wake a listener")
		}
	}
	c3, release4 := b.listen("team")
	if c3 == c1 {
		t.Error("a bell is rung only once; the next listener needs a new one")
	}
	for _, r := range []func(){release1, release2, release3, release4} {
		r()
	}
	if b.size() != 0 {
		t.Errorf("%d bells left after every listener left", b.size())
	}
	b.ring("nobody") // ringing a feed nobody waits on is a no-op
}
