package doccheck

import (
	"os"
	"regexp"
	"strings"

	"epolltutorial/tools/benchdata"
)

// A generated table: the line <!-- table: PATH --> (PATH from the
// repository root, a recorded data file such as docs/data/bench.csv), then
// the Markdown table rendered from it in the page's language. Check holds
// the table to the data; Fix renders it again.

var tableMarkerRE = regexp.MustCompile(`^<!-- table: (\S+) -->$`)

// table is a generated table in a page: the marker, and the table's lines
// (the lines that start with "|" right after it), 0-based [from, to).
type table struct {
	item     // the marker's line, and the data file
	from, to int
}

func (t table) itemOf() item { return t.item }

// parseTable reads the table after the marker on line i (0-based).
func (c *checker) parseTable(p *page, i int) {
	m := tableMarkerRE.FindStringSubmatch(strings.TrimSpace(p.lines[i]))
	if m == nil {
		c.report(p, i+1, "malformed table marker: write <!-- table: docs/data/FILE.csv -->")
		return
	}
	end := i + 1
	for end < len(p.lines) && strings.HasPrefix(p.lines[end], "|") {
		end++
	}
	p.tables = append(p.tables, table{item{i + 1, m[1]}, i + 1, end})
}

// language is the language a page is written in, as benchdata names it.
func language(rel string) string {
	if _, english := Twin(rel); english {
		return "en"
	}
	return "zh-CN"
}

// rendered is what a generated table should be, as lines.
func (c *checker) rendered(p *page, t table) ([]string, bool) {
	md, err := benchdata.RenderFile(c.path(t.text), language(p.rel))
	if os.IsNotExist(err) {
		c.problems = append(c.problems, Problem{File: p.rel, Line: t.line, Missing: t.text,
			Message: t.text + " does not exist"})
		return nil, false
	}
	if err != nil {
		c.report(p, t.line, "%v", err)
		return nil, false
	}
	return strings.Split(strings.TrimSuffix(md, "\n"), "\n"), true
}

// checkTables holds each generated table to its data.
func (c *checker) checkTables(p *page) {
	for _, t := range p.tables {
		want, ok := c.rendered(p, t)
		if !ok {
			continue
		}
		got := p.lines[t.from:t.to]
		for k := range max(len(want), len(got)) {
			if k < len(want) && k < len(got) && want[k] == got[k] {
				continue
			}
			line, have, should := t.from+k+1, "(nothing)", "(nothing)"
			if k < len(got) {
				have = got[k]
			}
			if k < len(want) {
				should = want[k]
			}
			c.report(p, line, "the table differs from %s: the page has %q, the data gives %q (`make docs FIX=1` renders it again)",
				t.text, have, should)
			break
		}
	}
}

// fixTables renders every generated table again from its data, then draws
// the generated charts (fixCharts), and returns the files it rewrote.
func fixTables(root string) ([]string, error) {
	rewritten, err := fixPageTables(root)
	if err != nil {
		return rewritten, err
	}
	charts, err := fixCharts(root)
	return append(rewritten, charts...), err
}

// fixPageTables renders every generated table again from its data, and
// returns the pages it rewrote.
func fixPageTables(root string) ([]string, error) {
	c, err := load(root)
	if err != nil {
		return nil, err
	}
	var rewritten []string
	for _, p := range c.pages {
		if len(p.tables) == 0 {
			continue
		}
		var out []string
		next, changed := 0, false
		for _, t := range p.tables {
			want, ok := c.rendered(p, t)
			if !ok {
				continue
			}
			out = append(out, p.lines[next:t.from]...)
			out = append(out, want...)
			changed = changed || strings.Join(want, "\n") != strings.Join(p.lines[t.from:t.to], "\n")
			next = t.to
		}
		if !changed {
			continue
		}
		out = append(out, p.lines[next:]...)
		if err := os.WriteFile(c.path(p.rel), []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			return rewritten, err
		}
		rewritten = append(rewritten, p.rel)
	}
	return rewritten, nil
}
