package trace

import (
	"strings"
	"testing"
)

// Each recorded run shows the lesson it is there for, and the chapter it
// is compared with does not: the lessons are tested against a run that
// must fail them, so that they are not true of any run.
func TestRecordedLessons(t *testing.T) {
	for _, tc := range []struct {
		scenario, chapter string
		lesson            string
		check             func(*Run) error
		shows             bool
	}{
		{"silent", "ch2-loop", "head-of-line blocking", HeadOfLine, true},
		{"silent", "ch3-epoll-lt", "head-of-line blocking", HeadOfLine, false},
		{"silent", "ch3-epoll-lt", "no head-of-line blocking", NoHeadOfLine, true},
		{"silent", "ch2-loop", "no head-of-line blocking", NoHeadOfLine, false},
		{"burst", "ch3-epoll-lt", "level-triggered reports repeat", LevelRepeats, true},
		{"burst", "ch4-epoll-et", "level-triggered reports repeat", LevelRepeats, false},
		{"burst", "ch4-epoll-et", "an edge is drained until EAGAIN", EdgeDrains, true},
		{"burst", "ch3-epoll-lt", "an edge is drained until EAGAIN", EdgeDrains, false},
		{"split", "ch3-epoll-lt", "four writes", SplitWrites, true},
		{"split", "ch5-tcpcork", "four writes", SplitWrites, true},
		{"split", "ch5-tcpcork", "TCP_CORK around the writes", CorkAround, true},
		{"split", "ch3-epoll-lt", "TCP_CORK around the writes", CorkAround, false},
	} {
		err := tc.check(recorded(t, tc.scenario, tc.chapter))
		switch {
		case tc.shows && err != nil:
			t.Errorf("%s, %s: does not show %s: %v (record it again: make trace)", tc.scenario, tc.chapter, tc.lesson, err)
		case !tc.shows && err == nil:
			t.Errorf("%s, %s: shows %s, which only the other chapter should", tc.scenario, tc.chapter, tc.lesson)
		}
	}
	// Every recorded comparison has its lessons, and Check applies them.
	for _, c := range Comparisons {
		for _, chapter := range c.Chapters {
			if Lesson(c.Scenario, chapter) == nil {
				t.Errorf("%s, %s: no lesson", c.Scenario, chapter)
			}
			if err := Check(recorded(t, c.Scenario, chapter)); err != nil {
				t.Error(err)
			}
		}
	}
}

// The lessons name what is missing. In the hand-written trace, the server
// accepts client 2 after it is done with client 1, but no client reads an
// answer, nothing is written, and there is no big request.
func TestLessonsOnHandTrace(t *testing.T) {
	r, err := Analyse(parseHand(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := HeadOfLine(r); err == nil || !strings.Contains(err.Error(), "client 2 was not answered") {
		t.Errorf("HeadOfLine: %v, want client 2 not answered", err)
	}
	if err := SplitWrites(r); err == nil {
		t.Error("SplitWrites passed a trace without writes")
	}
	if err := LevelRepeats(r); err == nil {
		t.Error("LevelRepeats passed a trace without the big client")
	}
}

// Clients are numbered in the order they connect, and accepted in that
// order; a recording where they are not fails, and says which.
func TestInConnectOrder(t *testing.T) {
	r, err := Analyse(parseHand(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := InConnectOrder(r); err != nil {
		t.Errorf("the hand-written trace: %v", err)
	}
	// Client 2 connecting first, while the server still accepts client 1
	// first.
	swapped := strings.Replace(handTrace, "# client 2 1700000000.005100", "# client 2 1700000000.004900", 1)
	tr, err := Parse(strings.NewReader(swapped))
	if err != nil {
		t.Fatal(err)
	}
	if r, err = Analyse(tr); err != nil {
		t.Fatal(err)
	}
	if err := InConnectOrder(r); err == nil || !strings.Contains(err.Error(), "client 2 was number 1") {
		t.Errorf("client 2 connected first: %v", err)
	}
}

// The signal comes once the server waits again: in the hand-written trace,
// the last epoll_pwait (from 12.4 ms, until the exit).
func TestWaitsAtSignal(t *testing.T) {
	for _, tc := range []struct {
		signal string
		waits  bool
	}{
		{"", false},
		{"# signal 1700000000.100000 SIGTERM\n", true},
		// At 11 ms the server is busy with client 1, and the wait that
		// ended at 10.7 ms began before the clients' last event.
		{"# signal 1700000000.011050 SIGTERM\n", false},
	} {
		tr, err := Parse(strings.NewReader(handTrace + tc.signal))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Analyse(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := WaitsAtSignal(r); (err == nil) != tc.waits {
			t.Errorf("signal %q: %v, want waiting %v", tc.signal, err, tc.waits)
		}
	}
}
