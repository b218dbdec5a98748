package site

import (
	"sort"

	"epolltutorial/tools/layout"
)

// diffLine is one line of a diff view: kept (' '), added ('+') or removed
// ('-'), with its number in the old file, the new file, or both.
type diffLine struct {
	Op       byte
	Old, New int // 1-based; 0 where the line is not in that file
	Text     string
}

// diffLines lays a's and b's lines out as layout.Diff sees them: it replays
// Diff's walk (a common line is kept whenever both sides agree, otherwise
// the next change applies), so the view shows exactly Diff's changes. In
// each run of changes the removed lines come first, as readers of diffs
// expect.
func diffLines(a, b []string) []diffLine {
	out := replay(a, b)
	for i := 0; i < len(out); {
		if out[i].Op == ' ' {
			i++
			continue
		}
		j := i
		for j < len(out) && out[j].Op != ' ' {
			j++
		}
		sort.SliceStable(out[i:j], func(x, y int) bool { return out[i+x].Op == '-' && out[i+y].Op == '+' })
		i = j
	}
	return out
}

func replay(a, b []string) []diffLine {
	changes := layout.Diff(a, b)
	var out []diffLine
	i, j, k := 0, 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, diffLine{' ', i + 1, j + 1, a[i]})
			i, j = i+1, j+1
		case k < len(changes) && changes[k].Op == '+' && j < len(b):
			out = append(out, diffLine{'+', 0, j + 1, b[j]})
			j, k = j+1, k+1
		case k < len(changes) && changes[k].Op == '-' && i < len(a):
			out = append(out, diffLine{'-', i + 1, 0, a[i]})
			i, k = i+1, k+1
		default:
			// Diff and this walk disagree: cannot happen while Diff keeps
			// common lines first. Show the rest as replaced, never loop.
			for ; i < len(a); i++ {
				out = append(out, diffLine{'-', i + 1, 0, a[i]})
			}
			for ; j < len(b); j++ {
				out = append(out, diffLine{'+', 0, j + 1, b[j]})
			}
		}
	}
	return out
}

// comparison is one chapter's listing set against an earlier one.
type comparison struct {
	Base           *chapter
	Lines          []diffLine
	Added, Removed int
	Changed        map[int]bool // lines of the newer listing that are new
}

func compare(base, ch *chapter) *comparison {
	c := &comparison{Base: base, Lines: diffLines(base.Lines, ch.Lines), Changed: map[int]bool{}}
	for _, l := range c.Lines {
		switch l.Op {
		case '+':
			c.Added++
			c.Changed[l.New] = true
		case '-':
			c.Removed++
		}
	}
	return c
}

// comparisons are what a chapter is set against: the previous chapter and,
// when an earlier chapter is much closer (example 5 is example 3 plus
// TCP_CORK, not example 4 plus it), that one too: the earlier chapter with
// the fewest changed lines, if they are at most half the previous one's.
func comparisons(chapters []*chapter, i int) []*comparison {
	if i == 0 {
		return nil
	}
	ch := chapters[i]
	prev := compare(chapters[i-1], ch)
	out := []*comparison{prev}
	best := prev
	for _, earlier := range chapters[:i-1] {
		if c := compare(earlier, ch); c.Added+c.Removed < best.Added+best.Removed {
			best = c
		}
	}
	if best != prev && 2*(best.Added+best.Removed) <= prev.Added+prev.Removed {
		out = append(out, best)
	}
	return out
}

// hunk is a run of diff lines shown together; Folded runs are unchanged
// lines tucked away.
type hunk struct {
	Folded bool
	Lines  []diffLine
}

// hunks folds runs of more than 2*context unchanged lines, keeping context
// lines next to each change.
func hunks(lines []diffLine, context int) []hunk {
	var out []hunk
	add := func(folded bool, ls []diffLine) {
		if len(ls) == 0 {
			return
		}
		if n := len(out); n > 0 && out[n-1].Folded == folded {
			out[n-1].Lines = append(out[n-1].Lines, ls...)
			return
		}
		out = append(out, hunk{folded, ls})
	}
	for i := 0; i < len(lines); {
		if lines[i].Op != ' ' {
			add(false, lines[i:i+1])
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].Op == ' ' {
			j++
		}
		head, tail := context, context
		if i == 0 {
			head = 0
		}
		if j == len(lines) {
			tail = 0
		}
		if j-i <= head+tail+1 {
			add(false, lines[i:j])
		} else {
			add(false, lines[i:i+head])
			add(true, lines[i+head:j-tail])
			add(false, lines[j-tail:j])
		}
		i = j
	}
	return out
}
