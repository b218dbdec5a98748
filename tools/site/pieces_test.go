package site

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"epolltutorial/tools/layout"
)

// testPage parses a Markdown text as the README of a chapter "ch" of a
// builder with no repository behind it.
func testPage(t *testing.T, md string) (*builder, *mdPage) {
	t.Helper()
	b := &builder{byDir: map[string]*chapter{"ch": {Dir: "ch"}}, lines: map[string][]string{
		"ch/main.go": strings.Split("a\nb\nc\nd\ne\nf\ng\nh\ni\nj", "\n"),
		"ch/sys.go":  {"x", "y"},
	}}
	b.md = newMarkdown(b)
	return b, b.parseMarkdown("ch/README.md", []byte(md), langs[0], "en/ch.html")
}

func TestParseMap(t *testing.T) {
	b, p := testPage(t, "**English** | [中文](README.zh-CN.md)\n\n# T\n\n"+
		"<a id=\"map\"></a>\n## Map\n\n"+
		"| Python | What it does | Go | Go code |\n|---:|---|---|---|\n"+
		"| 1 | opens *it* | [main.go:2](main.go#L2) | `b` |\n"+
		"| 3 | two lines | [main.go:4-6](main.go#L4-L6) | ``e`` |\n"+
		"| 4 | same lines | [main.go:4-6](main.go#L4-L6) | `d` |\n\n"+
		"<a id=\"errata\"></a>\n## Errata\n\n| not | a | map | row |\n|---|---|---|---|\n| x | y | z | w |\n")
	rows, err := p.parseMap()
	if err != nil {
		t.Fatal(err)
	}
	want := []mapRow{
		{Py: 1, What: "opens it", File: "main.go", Range: Range{2, 2}, Code: "b"},
		{Py: 3, What: "two lines", File: "main.go", Range: Range{4, 6}, Code: "e"},
		{Py: 4, What: "same lines", File: "main.go", Range: Range{4, 6}, Code: "d"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("parseMap:\n got %+v\nwant %+v", rows, want)
	}
	at, problems := gutter(rows, b.lines["ch/main.go"])
	if len(problems) > 0 {
		t.Error(problems)
	}
	// Each row sits on the line it quotes, not on its range's first line.
	got := map[int][]int{}
	for line, rs := range at {
		for _, r := range rs {
			got[line] = append(got[line], r.Py)
		}
	}
	if want := map[int][]int{2: {1}, 5: {3}, 4: {4}}; !reflect.DeepEqual(got, want) {
		t.Errorf("gutter: got %v, want %v", got, want)
	}
	p.rewriteLinks()
	html, err := p.render(children(p.doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<tr id="py-1">`, `<tr id="py-4">`, `<h2 id="map">`, `<a href="#L4">main.go:4-6</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered map lacks %s", want)
		}
	}
	if strings.Contains(html, `<tr id="py-x"`) || strings.Contains(html, "English") {
		t.Error("a table outside the map got row ids, or the language line was kept")
	}
}

func TestParseMapRejectsMalformedRows(t *testing.T) {
	for _, row := range []string{
		"| one | a | [main.go:2](main.go#L2) | `b` |",
		"| 1 | a | main.go | `b` |",
		"| 1 | a | [main.go:2](main.go#L2) |",
	} {
		_, p := testPage(t, "<a id=\"map\"></a>\n## Map\n\n| Python | What | Go | Code |\n|---|---|---|---|\n"+row+"\n")
		if _, err := p.parseMap(); err == nil {
			t.Errorf("parseMap accepted %s", row)
		}
	}
}

func TestGutterReportsQuotesNotInTheirRange(t *testing.T) {
	lines := []string{"a", "b", "c"}
	_, problems := gutter([]mapRow{{Py: 1, File: "main.go", Range: Range{1, 2}, Code: "c"}, {Py: 2, File: "main.go", Range: Range{3, 4}, Code: "c"}}, lines)
	if len(problems) != 2 {
		t.Errorf("got %q, want two problems", problems)
	}
}

func TestNotesFollowTheirQuotes(t *testing.T) {
	_, p := testPage(t, "# T\n\n<a id=\"walkthrough\"></a>\n## Walk\n\nIntro.\n\n"+
		"<a id=\"one\"></a>\n### One\n\nBefore.\n\n<!-- code: main.go:1-2 -->\n```go\na\nb\n```\n\nAfter one.\n\n"+
		"<!-- code: sys.go:1-2 -->\n```go\nx\ny\n```\n\nStill one.\n\n"+
		"<!-- code: main.go:4 -->\n```go\nd\n```\n<!-- code: main.go:6-7 -->\n```go\nf\ng\n```\n\nTwo, on two ranges.\n\n"+
		"<a id=\"aside\"></a>\n### Aside\n\nNo code.\n\n"+
		"<a id=\"three\"></a>\n### Three\n\n<!-- code: main.go:9-10 -->\n```go\ni\nj\n```\n\nThree.\n")
	sections := p.sections()
	walk := sections[len(sections)-1]
	if walk.ID != "walkthrough" {
		t.Fatalf("last section is %q", walk.ID)
	}
	intro, notes := p.notes(walk.Nodes, "ch/main.go")
	if len(intro) != 1 {
		t.Errorf("intro has %d nodes, want 1", len(intro))
	}
	type summary struct {
		ID, Section string
		Ranges      []Range
		Text        string
	}
	var got []summary
	for _, n := range notes {
		html, err := p.render(n.Nodes)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, summary{n.ID, n.Section, n.Ranges, html})
	}
	want := []summary{
		{"one", "one", []Range{{1, 2}}, "<h3 id=\"one\">One</h3>\n<p>Before.</p>\n<p>After one.</p>\n<p>Still one.</p>\n"},
		{"", "one", []Range{{4, 4}, {6, 7}}, "<p>Two, on two ranges.</p>\n<h3 id=\"aside\">Aside</h3>\n<p>No code.</p>\n"},
		{"three", "three", []Range{{9, 10}}, "<h3 id=\"three\">Three</h3>\n<p>Three.</p>\n"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d notes, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		// The sys.go quote stays in note one's prose.
		if i == 0 {
			if !strings.Contains(got[0].Text, `<span class="nx">x</span>`) {
				t.Errorf("note one lost its sys.go quote: %s", got[0].Text)
			}
			got[0].Text = stripCode(got[0].Text)
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("note %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// stripCode drops code blocks from rendered HTML.
func stripCode(s string) string {
	for {
		i := strings.Index(s, "<pre")
		j := strings.Index(s, "</pre>\n")
		if i < 0 || j < i {
			return s
		}
		s = s[:i] + s[j+len("</pre>\n"):]
	}
}

func TestKeepPlaceableFoldsNotesOffTheListing(t *testing.T) {
	b := &builder{}
	a, bad, c := &note{ID: "a", Ranges: []Range{{1, 2}}}, &note{ID: "bad", Ranges: []Range{{8, 12}}}, &note{ID: "c", Ranges: []Range{{3, 3}, {0, 1}}}
	got := b.keepPlaceable("README.md", 10, []*note{a, bad, c})
	if len(got) != 2 || got[0] != a || got[1] != c || !reflect.DeepEqual(c.Ranges, []Range{{3, 3}}) {
		t.Errorf("got %+v", got)
	}
	if len(b.problems) != 2 {
		t.Errorf("problems: %q", b.problems)
	}
}

func TestPlace(t *testing.T) {
	for _, c := range []struct {
		name  string
		n     int
		notes [][]Range
		want  string
	}{
		{"no notes", 5, nil, "1-5[]"},
		{"gaps stand alone", 10, [][]Range{{{3, 4}}, {{7, 7}}}, "1-2[] 3-4[0] 5-6[] 7-7[1] 8-10[]"},
		{"back to back", 6, [][]Range{{{1, 3}}, {{4, 6}}}, "1-3[0] 4-6[1]"},
		{"same start", 6, [][]Range{{{2, 3}}, {{2, 5}}}, "1-1[] 2-5[0 1] 6-6[]"},
		{"overlap cuts the first", 8, [][]Range{{{1, 5}}, {{3, 8}}}, "1-2[0] 3-8[1]"},
		{"nested", 9, [][]Range{{{1, 9}}, {{4, 5}}}, "1-3[0] 4-9[1]"},
		{"out of order", 6, [][]Range{{{4, 6}}, {{1, 2}}}, "1-2[1] 3-3[] 4-6[0]"},
		{"second range starts a row of its own", 8, [][]Range{{{1, 2}, {5, 6}}}, "1-2[0] 3-4[] 5-6[] 7-8[]"},
	} {
		var parts []string
		covered := 0
		for _, r := range place(c.n, c.notes) {
			parts = append(parts, fmt.Sprintf("%d-%d%v", r.Start, r.End, r.Notes))
			covered += r.End - r.Start + 1
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
		if covered != c.n {
			t.Errorf("%s: rows cover %d lines of %d", c.name, covered, c.n)
		}
	}
}

// The diff view shows exactly layout.Diff's changes, and keeps every
// other line of both files in order.
func TestDiffLinesReplayDiff(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"a b c", "a b c"},
		{"", "x y"},
		{"x y", ""},
		{"a b c d", "a x c d e"},
		{"a a b a", "b a a a b"},
		{"p q r s t", "t s r q p"},
	} {
		a, b := strings.Fields(c.a), strings.Fields(c.b)
		checkReplay(t, a, b)
	}
}

func checkReplay(t *testing.T, a, b []string) {
	t.Helper()
	var changes []layout.Change
	var olds, news []string
	for _, l := range diffLines(a, b) {
		if l.Op != ' ' {
			changes = append(changes, layout.Change{Op: l.Op, Line: l.Text})
		}
		if l.Old > 0 {
			if a[l.Old-1] != l.Text || len(olds) != l.Old-1 {
				t.Errorf("%v → %v: old line %d is out of place", a, b, l.Old)
			}
			olds = append(olds, l.Text)
		}
		if l.New > 0 {
			if b[l.New-1] != l.Text || len(news) != l.New-1 {
				t.Errorf("%v → %v: new line %d is out of place", a, b, l.New)
			}
			news = append(news, l.Text)
		}
	}
	// The same changes as Diff's, the removals in Diff's order and the
	// additions in Diff's order.
	of := func(cs []layout.Change, op byte) (out []string) {
		for _, c := range cs {
			if c.Op == op {
				out = append(out, c.Line)
			}
		}
		return out
	}
	want := layout.Diff(a, b)
	for _, op := range []byte{'-', '+'} {
		if got, want := of(changes, op), of(want, op); !reflect.DeepEqual(got, want) {
			t.Errorf("%v → %v: the view's %c lines are %v, Diff's %v", a, b, op, got, want)
		}
	}
	if len(changes) != len(want) {
		t.Errorf("%v → %v: the view shows %d changes, Diff %d", a, b, len(changes), len(want))
	}
	if len(olds) != len(a) || len(news) != len(b) {
		t.Errorf("%v → %v: the view shows %d and %d lines", a, b, len(olds), len(news))
	}
}

// Chapter 3 to chapter 4 is the edge-triggered change and nothing else:
// every line that differs is marked, and only those.
func TestChapter4AgainstChapter3(t *testing.T) {
	root := repoRoot(t)
	load := func(dir string) *chapter {
		lines, err := layout.Lines(filepath.Join(root, dir, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		return &chapter{Dir: dir, Lines: lines}
	}
	ch3, ch4, ch5 := load("ch3-epoll-lt"), load("ch4-epoll-et"), load("ch5-tcpcork")
	checkReplay(t, ch3.Lines, ch4.Lines)
	c := compare(ch3, ch4)
	if c.Added+c.Removed != len(layout.Diff(ch3.Lines, ch4.Lines)) {
		t.Errorf("%d lines marked, Diff has %d changes", c.Added+c.Removed, len(layout.Diff(ch3.Lines, ch4.Lines)))
	}
	for i, line := range ch4.Lines {
		if strings.Contains(line, "EPOLLET") && !c.Changed[i+1] {
			t.Errorf("ch4 line %d sets EPOLLET but is not marked as changed", i+1)
		}
	}
	for _, l := range c.Lines {
		if l.Op == ' ' && ch3.Lines[l.Old-1] != ch4.Lines[l.New-1] {
			t.Errorf("lines %d and %d differ but are shown as kept", l.Old, l.New)
		}
	}
	// Chapter 5 is set against chapter 4, and against chapter 3 as well,
	// where it changes only the TCP_CORK lines.
	cs := comparisons([]*chapter{ch3, ch4, ch5}, 2)
	if len(cs) != 2 || cs[0].Base != ch4 || cs[1].Base != ch3 {
		t.Fatalf("chapter 5 is compared with %d chapters", len(cs))
	}
	for _, l := range cs[1].Lines {
		if l.Op != ' ' && !strings.Contains(l.Text, "TCP_CORK") && !strings.Contains(l.Text, "//") {
			t.Errorf("ch3 → ch5 changes %q", l.Text)
		}
	}
}

func TestHunksFoldLongUnchangedRuns(t *testing.T) {
	var lines []diffLine
	for i := 1; i <= 20; i++ {
		op := byte(' ')
		if i == 10 {
			op = '+'
		}
		lines = append(lines, diffLine{Op: op, New: i})
	}
	var got []string
	for _, h := range hunks(lines, 3) {
		got = append(got, fmt.Sprintf("%v:%d-%d", h.Folded, h.Lines[0].New, h.Lines[len(h.Lines)-1].New))
	}
	if want := "true:1-6 false:7-13 true:14-20"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	lines[2].Op = '-'
	if h := hunks(lines[:7], 3); len(h) != 1 || h[0].Folded {
		t.Errorf("a short unchanged run was folded: %+v", h)
	}
}

func TestLinks(t *testing.T) {
	for _, c := range []struct{ from, to, frag, want string }{
		{"en/ch1.html", "en/ch1.html", "L3", "#L3"},
		{"en/ch1.html", "en/ch2.html", "", "ch2.html"},
		{"en/ch1.html", "zh-CN/ch1.html", "run", "../zh-CN/ch1.html#run"},
		{"en/docs/a.html", "en/ch1.html", "", "../ch1.html"},
		{"en/docs/a.html", "files/results/x.svg", "", "../../files/results/x.svg"},
		{"index.html", "en/index.html", "", "en/index.html"},
		{"en/index.html", "en/index.html", "", "index.html"},
	} {
		if got := relLink(c.from, c.to, c.frag); got != c.want {
			t.Errorf("relLink(%q, %q, %q) = %q, want %q", c.from, c.to, c.frag, got, c.want)
		}
	}
	if lineFragment("L36-L40") != "L36" || lineFragment("map") != "map" {
		t.Error("lineFragment")
	}
}

// A line break between two Chinese characters is no space; one before a
// link or code span in English prose still is.
func TestLineBreaks(t *testing.T) {
	_, p := testPage(t, "这是第一行\n第二行，接着\n[链接](https://example.org)和\n`code` 与\n**加粗**。冒号：\n换行，\n“引号”\n\nan article\n[with a link](https://example.org) and\n`code`.\n")
	html, err := p.render(children(p.doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"这是第一行第二行，接着<a", "和\n<code>", "an article\n<a", "and\n<code>", "与<strong>", "冒号：换行，“引号”"} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered %q lacks %q", html, want)
		}
	}
}
