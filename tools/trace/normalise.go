package trace

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Normalise turns strace's text and the clients' events into a recorded
// trace that carries nothing of the machine it was made on: only the lines
// of the calls on the chapter's fds (no paths, no runtime), and the main
// thread's exit; thread ids renumbered 1, 2, … in order of appearance;
// times in seconds from the first line kept. head becomes the first comment
// lines, and clients and signals comment lines in time order among the rest.
func Normalise(raw []byte, head []string, clients []ClientEvent, signals []Signal) ([]byte, error) {
	t, err := Parse(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("strace output: %w", err)
	}
	run, err := Analyse(t)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	keep := map[int]bool{} // line numbers, from 1
	for _, op := range run.Ops {
		for _, n := range op.Call.Lines {
			keep[n] = true
		}
	}
	// The main thread, the first in the text, ends the trace when it exits.
	leader := -1
	for n, line := range lines {
		thread, _, rest, err := lineHead(line)
		if err != nil {
			return nil, fmt.Errorf("strace output, line %d: %w", n+1, err)
		}
		if leader < 0 {
			leader = thread
		}
		if thread == leader && strings.HasPrefix(rest, "+++ exited") {
			keep[n+1] = true
		}
	}

	type entry struct {
		time int64
		text func(base int64) string
	}
	var entries []entry
	threads := map[int]int{}
	for n, line := range lines {
		if !keep[n+1] {
			continue
		}
		thread, when, rest, err := lineHead(line)
		if err != nil {
			return nil, err
		}
		if threads[thread] == 0 {
			threads[thread] = len(threads) + 1
		}
		small := threads[thread]
		entries = append(entries, entry{when, func(base int64) string {
			return fmt.Sprintf("%d %s %s", small, formatTime(when-base), rest)
		}})
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("strace output: no calls on the chapter's fds")
	}
	base := entries[0].time
	for _, e := range clients {
		entries = append(entries, entry{e.Time, func(base int64) string { return "# " + clientLine(e, base) }})
	}
	for _, s := range signals {
		entries = append(entries, entry{s.Time, func(base int64) string {
			return fmt.Sprintf("# signal %s %s", formatTime(s.Time-base), s.Name)
		}})
	}
	// strace's lines keep their order (the clients' lines are appended after
	// them, so a tie puts the server first).
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].time < entries[j].time })

	var b bytes.Buffer
	for _, h := range head {
		fmt.Fprintf(&b, "# %s\n", h)
	}
	b.WriteString("# Lines: thread, seconds since the first call, strace's text. Only the calls on the\n" +
		"# listening socket, the epoll instance and the accepted connections are kept.\n" +
		"# Lines \"# client N SECONDS EVENT\" are the scripted clients' own events, same clock.\n")
	for _, e := range entries {
		if e.time < base {
			return nil, fmt.Errorf("an event at %s comes before the server's first call", formatTime(e.time))
		}
		b.WriteString(e.text(base))
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// clientLine writes a client event as Parse reads it, its time from base.
func clientLine(e ClientEvent, base int64) string {
	s := fmt.Sprintf("client %d %s %s", e.Client, formatTime(e.Time-base), e.Kind)
	if e.Port != 0 {
		s += fmt.Sprintf(" port=%d", e.Port)
	}
	if e.Bytes != 0 {
		s += fmt.Sprintf(" bytes=%d", e.Bytes)
	}
	if e.Err != "" {
		s += " err=" + e.Err
	}
	return s
}
