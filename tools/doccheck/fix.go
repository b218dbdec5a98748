package doccheck

import (
	"os"
	"slices"
	"strconv"
	"strings"
)

// Fix renders the generated tables again from their data, renumbers the
// code markers and line links whose code only moved, and returns the pages
// it rewrote. It works on an English page and its Chinese
// twin together, and gives both the same new numbers, item by item.
//
// The rules, in this order:
//
//  1. A quoted block whose text is no longer at its lines, but is found at
//     exactly one other place in the file, is renumbered to that place.
//  2. A line link (in the prose or in the map) moves by as much as the block
//     of the same page and file that starts nearest above it (at or before
//     its first line). Blocks that did not move count, as 0; with no block
//     above it, a link stays.
//  3. A map row whose column-4 line is then still not in its range, and which
//     names a single line, points at the one line of the file that holds that
//     code (after TrimSpace).
//
// What it cannot renumber comes back as problems, naming both twins when the
// quoted code itself changed and the prose needs a writer; the rest is still
// renumbered. Run Check afterwards.
func Fix(root string) (rewritten []string, problems []Problem, err error) {
	// Generated tables first: they may change the page's length.
	if rewritten, err = fixTables(root); err != nil {
		return rewritten, nil, err
	}
	c, err := load(root)
	if err != nil {
		return nil, nil, err
	}
	c.problems = nil // what parsing found is Check's to report
	for _, p := range c.pages {
		twinRel, english := Twin(p.rel)
		twin := c.byPath[twinRel]
		if !english && twin != nil {
			continue // done with its English twin
		}
		pair := []*page{p}
		if twin != nil {
			if !sameTexts(items(p.blocks), items(twin.blocks)) || !sameTexts(items(p.refs), items(twin.refs)) {
				c.report(twin, 0, "quotes other code markers or line links than %s: make them match before renumbering", p.rel)
				continue
			}
			pair = append(pair, twin)
		}
		blocks, refs := c.renumber(pair)
		for _, q := range pair {
			changed, err := c.rewrite(q, blocks, refs)
			if err != nil {
				return rewritten, c.problems, err
			}
			if changed {
				rewritten = append(rewritten, q.rel)
			}
		}
	}
	return rewritten, c.problems, nil
}

// sameTexts tells whether two lists of items say the same, wherever they are.
func sameTexts(a, b []item) bool {
	return slices.EqualFunc(a, b, func(x, y item) bool { return x.text == y.text })
}

// shift is how far the block that starts at line from moved.
type shift struct{ from, by int }

// renumber works out where the blocks and line links of pair[0] go now; the
// twin pair[1], if any, has the same ones in the same order.
func (c *checker) renumber(pair []*page) (blocks, refs []span) {
	p := pair[0]
	// where names an item in both twins, for a problem that needs a writer.
	where := func(line func(q *page) int) string {
		s := p.rel + ":" + strconv.Itoa(line(p))
		if len(pair) == 2 {
			s += " and " + pair[1].rel + ":" + strconv.Itoa(line(pair[1]))
		}
		return s
	}
	shifts := map[string][]shift{} // by file
	for i, b := range p.blocks {
		blocks = append(blocks, b.span)
		lines, err := c.file(b.file)
		if err != nil {
			continue // Check reports it
		}
		at := find(lines, b.body)
		start := 0
		switch {
		case slices.Contains(at, b.from):
			start = b.from
		case len(at) == 1:
			start = at[0]
		case len(at) == 0:
			c.report(p, b.line, "the code quoted as %s changed, not only moved: update the block and the prose around it in %s",
				b.text, where(func(q *page) int { return q.blocks[i].line }))
			continue
		default:
			c.report(p, b.line, "the code quoted as %s is found at %d places (lines %s): renumber it by hand", b.text, len(at), list(at))
			continue
		}
		blocks[i] = span{b.file, start, start + len(b.body) - 1}
		shifts[b.file] = append(shifts[b.file], shift{b.from, start - b.from})
	}
	rows := map[int]row{}
	for _, r := range p.rows {
		rows[r.line] = r
	}
	for i, r := range p.refs {
		by := nearest(shifts[r.file], r.from)
		to := span{r.file, r.from + by, r.to + by}
		refs = append(refs, to)
		code := rows[r.line].code
		lines, err := c.file(r.file)
		if code == "" || err != nil || holds(lines, to, code) {
			continue
		}
		at := findCode(lines, code)
		switch {
		case len(at) == 1 && r.from == r.to:
			refs[i] = span{r.file, at[0], at[0]}
		case len(at) == 0:
			c.report(p, r.line, "`%s` is no longer in %s: the code changed, not only moved: update the row and the prose about it in %s",
				code, r.file, where(func(q *page) int { return q.refs[i].line }))
		default:
			c.report(p, r.line, "cannot tell where %s went (`%s` is at line %s): renumber it by hand", r.text, code, list(at))
		}
	}
	return blocks, refs
}

// nearest returns how far the block that starts nearest above line moved.
func nearest(shifts []shift, line int) int {
	best := shift{from: 0, by: 0}
	for _, s := range shifts {
		if s.from <= line && s.from > best.from {
			best = s
		}
	}
	return best.by
}

// find returns the lines (1-based) at which body starts in lines.
func find(lines, body []string) []int {
	var at []int
	for i := 0; len(body) > 0 && i+len(body) <= len(lines); i++ {
		if slices.Equal(lines[i:i+len(body)], body) {
			at = append(at, i+1)
		}
	}
	return at
}

// findCode returns the lines (1-based) that are code, after TrimSpace.
func findCode(lines []string, code string) []int {
	var at []int
	for i, l := range lines {
		if strings.TrimSpace(l) == code {
			at = append(at, i+1)
		}
	}
	return at
}

// rewrite gives the page's blocks and refs their new spans, and writes the
// page if that changed it.
func (c *checker) rewrite(q *page, blocks, refs []span) (bool, error) {
	type edit struct {
		start, end int
		text       string
	}
	edits := map[int][]edit{} // by line index
	add := func(r ref, to span) {
		if to != r.span {
			edits[r.line-1] = append(edits[r.line-1], edit{r.start, r.end, r.render(to)})
		}
	}
	for i, b := range q.blocks {
		add(b.ref, blocks[i])
	}
	for i, r := range q.refs {
		add(r, refs[i])
	}
	if len(edits) == 0 {
		return false, nil
	}
	for n, es := range edits {
		// From right to left, so that each edit's bytes are still where they were.
		slices.SortFunc(es, func(a, b edit) int { return b.start - a.start })
		for _, e := range es {
			q.lines[n] = q.lines[n][:e.start] + e.text + q.lines[n][e.end:]
		}
	}
	return true, os.WriteFile(c.path(q.rel), []byte(strings.Join(q.lines, "\n")+"\n"), 0o644)
}
