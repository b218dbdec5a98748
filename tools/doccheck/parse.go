package doccheck

import (
	"iter"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file reads a page into its parts: anchors, quoted blocks, line links,
// other links and the map's rows. It reports what it cannot read.

var (
	anchorRE   = regexp.MustCompile(`<a id="([^"]*)"></a>`)
	anchorLine = regexp.MustCompile(`^<a id="[^"]*"></a>$`)
	idRE       = regexp.MustCompile(`^[a-z0-9-]+$`)
	headingRE  = regexp.MustCompile(`^(#{1,6})(\s|$)`)
	markerRE   = regexp.MustCompile(`^<!-- code: ((\S+):(\d+)(?:-(\d+))?) -->$`)
	linkRE     = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]+)\)`)
	lineFrag   = regexp.MustCompile(`^L(\d+)(?:-L(\d+))?$`)
	labelRE    = regexp.MustCompile(`^(\S+):(\d+)(?:-(\d+))?$`)
)

// numbers reads "36" and "40" (or "42" and "") as a range of lines.
func numbers(a, b string) (from, to int) {
	from, _ = strconv.Atoi(a)
	to = from
	if b != "" {
		to, _ = strconv.Atoi(b)
	}
	return from, to
}

// headingLevel is 2 for "## x", and 0 for a line that is not a heading.
func headingLevel(line string) int {
	if m := headingRE.FindStringSubmatch(line); m != nil {
		return len(m[1])
	}
	return 0
}

// parse reads a page. Fenced code is skipped, except the quoted blocks that a
// code marker announces; inline code is masked.
func (c *checker) parse(rel, text string) *page {
	p := &page{rel: rel, lines: strings.Split(strings.TrimSuffix(text, "\n"), "\n")}
	fence, fenceLine := "", 0 // the open code fence, if any
	for i := 0; i < len(p.lines); i++ {
		n, line := i+1, p.lines[i]
		switch {
		case fence != "":
			if closes(line, fence) {
				fence = ""
			}
			continue
		case strings.HasPrefix(line, "<!-- code:"):
			i = c.parseBlock(p, i)
			continue
		case strings.HasPrefix(line, "<!-- table:"):
			c.parseTable(p, i)
		case opens(line) != "":
			fence, fenceLine = opens(line), n
			continue
		}
		masked := maskCode(line)
		for _, m := range anchorRE.FindAllStringSubmatch(masked, -1) {
			p.anchors = append(p.anchors, item{n, m[1]})
		}
		if headingLevel(line) > 1 && (i == 0 || !anchorLine.MatchString(strings.TrimSpace(p.lines[i-1]))) {
			c.report(p, n, `heading without an anchor: put <a id="..."></a> on the line before it`)
		}
		for _, m := range linkRE.FindAllStringSubmatchIndex(masked, -1) {
			c.parseLink(p, n, line, m)
		}
	}
	if fence != "" {
		c.report(p, fenceLine, "code fence %s is never closed", fence)
	}
	seen := map[string]bool{}
	for _, a := range p.anchors {
		if !idRE.MatchString(a.text) {
			c.report(p, a.line, "anchor id %q: use lowercase a-z, 0-9 and -", a.text)
		}
		if seen[a.text] {
			c.report(p, a.line, "anchor id %q is used twice", a.text)
		}
		seen[a.text] = true
	}
	return p
}

// opens returns the fence (``` or ~~~, three or more) that a line opens.
func opens(line string) string {
	line = strings.TrimSpace(line)
	for _, ch := range []string{"`", "~"} {
		if n := len(line) - len(strings.TrimLeft(line, ch)); n >= 3 {
			return strings.Repeat(ch, n)
		}
	}
	return ""
}

// closes tells whether a line closes the fence: the same character, at least
// as many times, and nothing else.
func closes(line, fence string) bool {
	line = strings.TrimSpace(line)
	return strings.HasPrefix(line, fence) && strings.Trim(line, fence[:1]) == ""
}

// outsideFences yields each line outside fenced code, with its 0-based
// index. A fence's opening line is not yielded: opened, when not nil, gets
// its index and info word (go, mermaid, ...) instead.
func outsideFences(lines []string, opened func(i int, info string)) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		fence := ""
		for i, line := range lines {
			switch {
			case fence != "":
				if closes(line, fence) {
					fence = ""
				}
			case opens(line) != "":
				fence = opens(line)
				if opened != nil {
					opened(i, strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), fence[:1])))
				}
			default:
				if !yield(i, line) {
					return
				}
			}
		}
	}
}

// maskCode blanks out inline code spans, so that what they show is not read
// as links or anchors. The line keeps its length.
func maskCode(line string) string {
	b := []byte(line)
	for i := 0; i < len(b); {
		n := len(line[i:]) - len(strings.TrimLeft(line[i:], "`"))
		if n == 0 {
			i++
			continue
		}
		end := closingTicks(line, i+n, n)
		if end < 0 {
			i += n
			continue
		}
		for k := i; k < end; k++ {
			b[k] = ' '
		}
		i = end
	}
	return string(b)
}

// closingTicks finds, from byte i on, a run of exactly n backticks and
// returns the byte after it, or -1.
func closingTicks(line string, i, n int) int {
	for i < len(line) {
		if line[i] != '`' {
			i++
			continue
		}
		run := len(line[i:]) - len(strings.TrimLeft(line[i:], "`"))
		if run == n {
			return i + n
		}
		i += run
	}
	return -1
}

// parseBlock reads the marker on line i and the ```go block after it, and
// returns the index of the closing fence.
func (c *checker) parseBlock(p *page, i int) int {
	n, line := i+1, p.lines[i]
	m := markerRE.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		c.report(p, n, "malformed code marker: write <!-- code: PATH:A-B --> or <!-- code: PATH:A -->")
		return i
	}
	if i+1 == len(p.lines) || strings.TrimSpace(p.lines[i+1]) != "```go" {
		c.report(p, n, "a code marker goes on the line just before a ```go fence")
		return i
	}
	end := i + 2
	for end < len(p.lines) && !closes(p.lines[end], "```") {
		end++
	}
	if end == len(p.lines) {
		c.report(p, n+1, "code fence ``` is never closed")
		return end
	}
	from, to := numbers(m[3], m[4])
	if from > to {
		c.report(p, n, "%s: the range runs backwards", m[1])
	}
	p.blocks = append(p.blocks, block{
		ref: ref{
			item:  item{n, m[1]},
			span:  span{c.resolve(p, m[2]), from, to},
			start: 0, end: len(line),
			path: m[2],
		},
		body: p.lines[i+2 : end],
	})
	return end
}

// resolve turns a path written in a page into a slash path from the root.
func (c *checker) resolve(p *page, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Join(path.Dir(p.rel), target)
}

// parseLink reads a link (m from linkRE) on line n.
func (c *checker) parseLink(p *page, n int, line string, m []int) {
	text, target := line[m[2]:m[3]], line[m[4]:m[5]]
	if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
		return // not fetched
	}
	file, frag, _ := strings.Cut(target, "#")
	rel := p.rel
	if file != "" {
		rel = c.resolve(p, file)
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		c.report(p, n, "%s leads out of the repository", target)
		return
	}
	lm := lineFrag.FindStringSubmatch(frag)
	if lm == nil || file == "" {
		p.links = append(p.links, link{item{n, target}, rel, frag})
		return
	}
	from, to := numbers(lm[1], lm[2])
	r := ref{item: item{n, target}, span: span{rel, from, to}, start: m[0], end: m[1], path: file, label: file}
	want := r.render(r.span)
	lab := labelRE.FindStringSubmatch(text)
	if lab != nil && (lab[1] == file || strings.HasSuffix(file, "/"+lab[1])) {
		r.label = lab[1]
		want = r.render(r.span)
	}
	if lab == nil || want != line[m[0]:m[1]] {
		c.report(p, n, "the link's text and its #L lines disagree: write %s", want)
	}
	if from > to {
		c.report(p, n, "%s: the range runs backwards", target)
	}
	p.refs = append(p.refs, r)
}

// parseMap reads the table of the section anchored "map".
func (c *checker) parseMap(p *page) {
	i := slices.IndexFunc(p.anchors, func(a item) bool { return a.text == "map" })
	if i < 0 {
		return // checkSections reports it
	}
	start := p.anchors[i].line // the heading's index in p.lines
	level := 2
	if start < len(p.lines) {
		level = headingLevel(p.lines[start])
	}
	var table []int
	for k := start + 1; k < len(p.lines); k++ {
		if l := headingLevel(p.lines[k]); l > 0 && l <= level {
			break
		}
		if strings.HasPrefix(strings.TrimSpace(p.lines[k]), "|") {
			table = append(table, k)
		} else if len(table) > 0 {
			break
		}
	}
	if len(table) < 3 {
		c.report(p, start, "the map section has no table (header, separator, then a row per Python line)")
		return
	}
	for _, k := range table[2:] {
		n := k + 1
		cells := splitRow(p.lines[k])
		if len(cells) != 4 {
			c.report(p, n, `a map row has 4 columns, not %d (inside code, write | as \|)`, len(cells))
			continue
		}
		r := row{item: item{n, cells[0] + " | " + cells[2] + " | " + cells[3]}}
		var err error
		if r.python, err = strconv.Atoi(cells[0]); err != nil {
			c.report(p, n, "column 1 is a Python line number, not %q", cells[0])
		}
		if r.code = inlineCode(cells[3]); r.code == "" {
			c.report(p, n, "column 4 is inline code (`...`), not %q", cells[3])
		}
		for j := range p.refs {
			if p.refs[j].line == n {
				r.ref = &p.refs[j]
			}
		}
		if r.ref == nil || !linkRE.MatchString(cells[2]) {
			c.report(p, n, "column 3 is a link to Go lines, like [main.go:9](main.go#L9)")
		}
		p.rows = append(p.rows, r)
	}
}

// splitRow splits a table row into its trimmed cells. A \| inside a cell is
// a | of its content.
func splitRow(line string) []string {
	line = strings.TrimPrefix(strings.TrimSpace(line), "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var cells []string
	var cell []byte
	for i := 0; i < len(line); i++ {
		switch {
		case strings.HasPrefix(line[i:], `\|`):
			cell = append(cell, '|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(string(cell)))
			cell = nil
		default:
			cell = append(cell, line[i])
		}
	}
	return append(cells, strings.TrimSpace(string(cell)))
}

// inlineCode returns the content of a cell that is inline code (in one or
// two backticks), trimmed, or "".
func inlineCode(cell string) string {
	n := len(cell) - len(strings.TrimLeft(cell, "`"))
	ticks := strings.Repeat("`", n)
	if n == 0 || len(cell) <= 2*n || !strings.HasSuffix(cell, ticks) {
		return ""
	}
	return strings.TrimSpace(cell[n : len(cell)-n])
}
