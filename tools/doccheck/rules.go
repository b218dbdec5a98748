package doccheck

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"epolltutorial/tools/layout"
)

// checkRequiredPages asks for the root README and one in each chapter (the
// twins of those are then required by checkTwin).
func (c *checker) checkRequiredPages() {
	required := []string{"README.md"}
	for _, ch := range layout.Chapters {
		if _, err := os.Stat(c.path(ch)); err == nil {
			required = append(required, ch+"/README.md")
		}
	}
	for _, rel := range required {
		twin, _ := Twin(rel)
		if c.byPath[rel] == nil && c.byPath[twin] == nil {
			c.problems = append(c.problems, Problem{File: rel, Missing: rel,
				Message: "missing, and so is " + twin})
		}
	}
}

// checkTwin asks for the page's twin, and for the language switcher on line
// 1. The English page also compares itself with its twin.
func (c *checker) checkTwin(p *page) {
	twinRel, english := Twin(p.rel)
	link, _ := relPath(p.rel, twinRel)
	want := "[English](" + link + ") | **中文**"
	if english {
		want = "**English** | [中文](" + link + ")"
	}
	if p.lines[0] != want {
		c.report(p, 1, "line 1 is the language switcher %s", want)
	}
	twin := c.byPath[twinRel]
	switch {
	case twin == nil:
		c.problems = append(c.problems, Problem{File: p.rel, Missing: twinRel,
			Message: "has no twin: " + twinRel + " is missing"})
	case english:
		c.sameItems(p, twin, "anchor", p.anchors, twin.anchors)
		c.sameItems(p, twin, "code marker", items(p.blocks), items(twin.blocks))
		c.sameItems(p, twin, "line link", items(p.refs), items(twin.refs))
		c.sameItems(p, twin, "map row (columns 1, 3, 4)", items(p.rows), items(twin.rows))
		c.sameItems(p, twin, "generated table", items(p.tables), items(twin.tables))
	}
}

// sameItems reports where the Chinese twin's list first differs from the
// English one.
func (c *checker) sameItems(en, zh *page, what string, a, b []item) {
	for i := range max(len(a), len(b)) {
		switch {
		case i == len(b):
			c.report(zh, 0, "has no %s %q to match %s:%d", what, a[i].text, en.rel, a[i].line)
		case i == len(a):
			c.report(zh, b[i].line, "%s %q is not in %s", what, b[i].text, en.rel)
		case a[i].text != b[i].text:
			c.report(zh, b[i].line, "%s %q where %s:%d has %q", what, b[i].text, en.rel, a[i].line, a[i].text)
		default:
			continue
		}
		return
	}
}

// checkBlocks holds each quoted block to the lines it names.
func (c *checker) checkBlocks(p *page) {
	for _, b := range p.blocks {
		code, ok := c.quoted(p, b.line, b.span)
		if !ok {
			continue
		}
		hint := "if the code only moved, `make docs FIX=1` renumbers it"
		if len(b.body) != len(code) {
			c.report(p, b.line, "the block has %d lines, %s has %d (%s)", len(b.body), b.text, len(code), hint)
			continue
		}
		for k := range code {
			if b.body[k] != code[k] {
				c.report(p, b.line+2+k, "differs from %s:%d: the page has %q, the code %q (%s)",
					b.path, b.from+k, b.body[k], code[k], hint)
				break
			}
		}
	}
}

// quoted returns the lines that a marker or line link names, or reports why
// there are none.
func (c *checker) quoted(p *page, line int, s span) ([]string, bool) {
	lines, err := c.file(s.file)
	switch {
	case os.IsNotExist(err):
		c.problems = append(c.problems, Problem{File: p.rel, Line: line, Missing: s.file,
			Message: s.file + " does not exist"})
		return nil, false
	case err != nil:
		c.report(p, line, "%v", err)
		return nil, false
	case s.from < 1 || s.to < s.from || s.to > len(lines):
		c.report(p, line, "%s:%s is not in the file (it has %d lines)", s.file, lineRange(s), len(lines))
		return nil, false
	}
	return lines[s.from-1 : s.to], true
}

// checkLinks follows the page's links to files and anchors of the repository.
func (c *checker) checkLinks(p *page) {
	for _, l := range p.links {
		if l.file != p.rel {
			if _, err := os.Stat(c.path(l.file)); err != nil {
				c.problems = append(c.problems, Problem{File: p.rel, Line: l.line, Missing: l.file,
					Message: "link to " + l.text + ": " + l.file + " does not exist"})
				continue
			}
		}
		if l.frag == "" {
			continue
		}
		target := c.byPath[l.file]
		switch {
		case target == nil && strings.HasSuffix(l.file, ".md"):
			// A page outside the tutorial's: its anchors are not ours to check.
		case target == nil:
			c.report(p, l.line, "link to %s: only pages have #anchors (and files #L lines)", l.text)
		case !slices.ContainsFunc(target.anchors, func(a item) bool { return a.text == l.frag }):
			c.report(p, l.line, "link to %s: %s has no <a id=%q></a>", l.text, l.file, l.frag)
		}
	}
}

// checkSections asks a chapter README for its sections, in order.
func (c *checker) checkSections(p *page) {
	last, lastID := -1, ""
	for _, id := range sections {
		i := slices.IndexFunc(p.anchors, func(a item) bool { return a.text == id })
		switch {
		case i < 0:
			c.report(p, 0, "has no section anchored %q (the sections are %s)", id, strings.Join(sections, ", "))
		case i < last:
			c.report(p, p.anchors[i].line, "section %q comes before %q (the order is %s)", id, lastID, strings.Join(sections, ", "))
		default:
			last, lastID = i, id
		}
	}
}

// checkMap holds a chapter's map to its article example: a row for every
// non-blank Python line, in order, each quoting a line of its Go range.
func (c *checker) checkMap(p *page) {
	ex := layout.Examples[p.chapter-1]
	want := ex.NonBlank()
	next, prev := 0, 0 // the next line of want to see; the last row's line
	for _, r := range p.rows {
		c.checkRowCode(p, r)
		n := r.python
		switch {
		case n == 0:
			continue // reported by parseMap
		case n <= prev:
			c.report(p, r.line, "Python line %d after line %d: one row per line, in increasing order", n, prev)
			continue
		case n > ex.Lines:
			c.report(p, r.line, "example %d has %d lines, not %d", p.chapter, ex.Lines, n)
		case slices.Contains(ex.Blank, n):
			c.report(p, r.line, "Python line %d is blank: leave it out", n)
		}
		var skipped []int
		for next < len(want) && want[next] < n {
			skipped = append(skipped, want[next])
			next++
		}
		if next < len(want) && want[next] == n {
			next++
		}
		if len(skipped) > 0 {
			c.report(p, r.line, "no row for Python line %s before this one", list(skipped))
		}
		prev = n
	}
	if next < len(want) && len(p.rows) > 0 {
		c.report(p, p.rows[len(p.rows)-1].line, "no row for Python line %s after this one", list(want[next:]))
	}
}

// checkRowCode asks that a row's column 4 be one of the lines that column 3
// links to.
func (c *checker) checkRowCode(p *page, r row) {
	if r.ref == nil || r.code == "" {
		return
	}
	lines, err := c.file(r.ref.file)
	if err != nil || r.ref.from < 1 || r.ref.to > len(lines) {
		return // the link is reported
	}
	if !holds(lines, r.ref.span, r.code) {
		c.report(p, r.line, "`%s` is not one of the lines of %s:%s", r.code, r.ref.path, lineRange(r.ref.span))
	}
}

// holds tells whether one of lines from..to, trimmed, is code.
func holds(lines []string, s span, code string) bool {
	if s.from < 1 || s.to > len(lines) {
		return false
	}
	return slices.ContainsFunc(lines[s.from-1:s.to], func(l string) bool { return strings.TrimSpace(l) == code })
}

func lineRange(s span) string {
	if s.from == s.to {
		return strconv.Itoa(s.from)
	}
	return fmt.Sprintf("%d-%d", s.from, s.to)
}

// list writes line numbers as "3, 4, 5".
func list(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
