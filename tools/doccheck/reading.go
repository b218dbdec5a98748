package doccheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"epolltutorial/tools/layout"
)

// This file holds the rules that make the pages one course rather than a
// reference: one reading path that every page's Next follows, chapter pages
// with the same sections under the same titles and within a prose budget, no
// paragraph said twice, and one Chinese term per concept.

// chapterTitles are the section titles every chapter README uses, in both
// languages, by anchor: the same section reads the same in every chapter.
var chapterTitles = map[string][2]string{
	"adds":        {"What this chapter adds", "本章新增了什么"},
	"run":         {"Run it", "运行"},
	"observe":     {"What to look for", "观察要点"},
	"walkthrough": {"The lines that matter", "关键代码"},
	"errata":      {"Errata", "勘误"},
	"next":        {"Next", "下一步"},
	"map":         {"The Python → Go map", "Python → Go 对照表"},
}

// Budget is the most prose a chapter README may carry: English words, or
// Chinese units (a Han character, or a run of Latin letters and digits). The
// Chinese budget is the English one in proportion, at 1.9 units a word.
func Budget(chapter int, english bool) int {
	words := 1200
	if chapter == 3 {
		words = 1600
	}
	if english {
		return words
	}
	return words * 19 / 10
}

// minRepeat is the length, in words (units for Chinese), from which a
// paragraph must not appear twice in one language.
const minRepeat = 25

// checkTitles holds a chapter README's section headings to chapterTitles.
func (c *checker) checkTitles(p *page) {
	_, english := Twin(p.rel)
	for _, a := range p.anchors {
		want, ok := chapterTitles[a.text]
		if !ok || a.line >= len(p.lines) {
			continue
		}
		title := want[1]
		if english {
			title = want[0]
		}
		if got := p.lines[a.line]; got != "## "+title {
			c.report(p, a.line+1, "section %q is titled %q in every chapter, not %q", a.text, "## "+title, got)
		}
	}
}

// checkBudget holds a chapter README's prose to its budget.
func (c *checker) checkBudget(p *page) {
	_, english := Twin(p.rel)
	if n, most := Words(p.lines, english), Budget(p.chapter, english); n > most {
		unit := "words"
		if !english {
			unit = "units (Han characters and Latin words)"
		}
		c.report(p, 0, "%d %s of prose, over the chapter budget of %d: move details to the page that is their home", n, unit, most)
	}
}

// pathPages returns the pages of the reading path that the tree has, in the
// language of page p.
func (c *checker) pathPages(p *page) []string {
	_, english := Twin(p.rel)
	var pages []string
	for _, rel := range layout.Path {
		if !english {
			rel, _ = Twin(rel)
		}
		if c.byPath[rel] != nil {
			pages = append(pages, rel)
		}
	}
	return pages
}

// index returns the page that states the path, in the language of page p,
// or "" when the tree has none.
func (c *checker) index(p *page) string {
	rel := layout.Index
	if _, english := Twin(p.rel); !english {
		rel, _ = Twin(rel)
	}
	if c.byPath[rel] == nil {
		return ""
	}
	return rel
}

// checkNext asks each page on the reading path for a Next section whose first
// link leads to the next page on the path (the last one's to the index).
func (c *checker) checkNext(p *page) {
	pages := c.pathPages(p)
	i := slices.Index(pages, p.rel)
	if i < 0 {
		return
	}
	want := c.index(p)
	if i+1 < len(pages) {
		want = pages[i+1]
	}
	if want == "" {
		return
	}
	next := slices.IndexFunc(p.anchors, func(a item) bool { return a.text == "next" })
	if next < 0 {
		c.report(p, 0, "is on the reading path but has no Next section (<a id=\"next\"></a>): it leads to %s", want)
		return
	}
	for _, l := range p.links {
		if l.line > p.anchors[next].line {
			if l.file != want {
				c.report(p, l.line, "Next leads to %s; the reading path goes on to %s (see %s#order)", l.file, want, layout.Index)
			}
			return
		}
	}
	c.report(p, p.anchors[next].line, "Next has no link; the reading path goes on to %s", want)
}

// checkOrder holds the index's list of the path, in both languages, to the
// path itself: it is where the order is stated, once.
func (c *checker) checkOrder(p *page) {
	if p.rel != c.index(p) {
		return
	}
	order := slices.IndexFunc(p.anchors, func(a item) bool { return a.text == "order" })
	if order < 0 {
		c.report(p, 0, "has no reading order (<a id=\"order\"></a>)")
		return
	}
	end := len(p.lines) + 1
	if order+1 < len(p.anchors) {
		end = p.anchors[order+1].line
	}
	var got []string
	for _, l := range p.links {
		if l.line > p.anchors[order].line && l.line < end && !slices.Contains(got, l.file) {
			got = append(got, l.file)
		}
	}
	if want := c.pathPages(p); !slices.Equal(got, want) {
		c.report(p, p.anchors[order].line, "the reading order lists %s; the path (tools/layout) is %s",
			strings.Join(got, ", "), strings.Join(want, ", "))
	}
}

var (
	// A Markdown link, kept as its text.
	linkTextRE = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	// HTML tags and comments, dropped.
	tagRE = regexp.MustCompile(`<!--.*?-->|</?[a-zA-Z][^>]*>`)
	// A list item's or heading's marker, dropped.
	markRE = regexp.MustCompile(`^\s*(?:[-*+]|\d+\.|#{1,6})\s+`)
)

// proseParagraphs returns a page's prose, paragraph by paragraph, as plain
// text with the line each starts on: not code, not tables, not the collapsed
// map (<details>), not the language switcher; links keep their text, and
// each list item and heading is a paragraph of its own.
func proseParagraphs(lines []string) []item {
	var out []item
	var cur []string
	start := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, item{start, strings.Join(cur, " ")})
		}
		cur = nil
	}
	fence, details := "", false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if closes(line, fence) {
				fence = ""
			}
			continue
		case opens(line) != "":
			flush()
			fence = opens(line)
			continue
		case strings.HasPrefix(trimmed, "<details"):
			flush()
			details = true
			continue
		case strings.HasPrefix(trimmed, "</details"):
			details = false
			continue
		case details, i == 0, trimmed == "", strings.HasPrefix(trimmed, "|"):
			flush()
			continue
		}
		text := tagRE.ReplaceAllString(linkTextRE.ReplaceAllString(line, "$1"), "")
		if markRE.MatchString(text) {
			flush()
			text = markRE.ReplaceAllString(text, "")
		}
		if text = strings.TrimSpace(text); text == "" {
			continue
		}
		if len(cur) == 0 {
			start = i + 1
		}
		cur = append(cur, text)
	}
	flush()
	return out
}

// count is the length of a piece of prose: its words in English; in Chinese,
// its Han characters plus its runs of Latin letters and digits.
func count(text string, english bool) int {
	if english {
		return len(strings.Fields(text))
	}
	n, inWord := 0, false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			n++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return n
}

// Words returns how much prose a page has, by count.
func Words(lines []string, english bool) int {
	n := 0
	for _, para := range proseParagraphs(lines) {
		n += count(para.text, english)
	}
	return n
}

// checkRepeats reports a paragraph of minRepeat or more words that appears
// twice in one language: a concept has one home, and other pages link to it.
func (c *checker) checkRepeats() {
	type place struct {
		p    *page
		line int
	}
	seen := map[string]place{}
	for _, p := range c.pages {
		_, english := Twin(p.rel)
		for _, para := range proseParagraphs(p.lines) {
			if count(para.text, english) < minRepeat {
				continue
			}
			key := strings.Join(strings.Fields(para.text), " ")
			if first, ok := seen[key]; ok {
				c.report(p, para.line, "repeats the paragraph at %s:%d: keep it in one place and link there", first.p.rel, first.line)
				continue
			}
			seen[key] = place{p, para.line}
		}
	}
}

// A term is a concept's one Chinese rendering and the variants that the
// glossary rejects for it.
type term struct {
	preferred *regexp.Regexp
	name      string
	rejected  []*regexp.Regexp
	names     []string
}

// termPattern matches a term as the glossary writes it, where a trailing " N"
// stands for a number (示例 N: 示例 3).
func termPattern(t string) *regexp.Regexp {
	if base, ok := strings.CutSuffix(t, " N"); ok {
		return regexp.MustCompile(regexp.QuoteMeta(base) + `\s*\d+`)
	}
	return regexp.MustCompile(regexp.QuoteMeta(t))
}

// glossaryTerms reads the Chinese glossary's tables: the cell under 中文
// starts with the preferred term, and the cell under 不用 lists the rejected
// variants, separated by 、 (a trailing " N" stands for a number).
func (c *checker) glossaryTerms() []term {
	g := c.byPath[layout.GlossaryZH]
	if g == nil {
		return nil
	}
	var terms []term
	zhCol, noCol := -1, -1
	for _, line := range g.lines {
		if !strings.HasPrefix(line, "|") {
			zhCol, noCol = -1, -1
			continue
		}
		cells := splitRow(line)
		if zhCol < 0 {
			zhCol, noCol = slices.Index(cells, "中文"), slices.Index(cells, "不用")
			continue
		}
		if noCol < 0 || zhCol < 0 || noCol >= len(cells) || strings.Trim(cells[0], "-: ") == "" {
			continue
		}
		preferred := cells[zhCol]
		if i := strings.IndexAny(preferred, "（("); i > 0 {
			preferred = preferred[:i]
		}
		name := strings.Trim(strings.TrimSpace(preferred), "`")
		if name == "" {
			continue
		}
		t := term{preferred: termPattern(name), name: name}
		for _, v := range strings.Split(cells[noCol], "、") {
			v = strings.Trim(strings.TrimSpace(v), "`")
			if v == "" || v == "—" || v == "-" {
				continue
			}
			t.rejected = append(t.rejected, termPattern(v))
			t.names = append(t.names, v)
		}
		if len(t.rejected) > 0 {
			terms = append(terms, t)
		}
	}
	return terms
}

// quotedRE matches text in Chinese quotation marks, where a page may cite a
// rejected term as someone else's word.
var quotedRE = regexp.MustCompile(`“[^”]*”|「[^」]*」`)

// checkTerms reports a rejected Chinese variant on a Chinese page other than
// the glossary, outside code and quotation marks.
func (c *checker) checkTerms(terms []term) {
	for _, p := range c.pages {
		if _, english := Twin(p.rel); english || p.rel == layout.GlossaryZH {
			continue
		}
		for _, para := range termLines(p.lines) {
			for _, msg := range termUses(para.text, terms) {
				c.report(p, para.line, "%s", msg)
			}
		}
	}
}

// termUses says which rejected variants text uses outside quotation marks.
func termUses(text string, terms []term) []string {
	text = quotedRE.ReplaceAllStringFunc(text, blank)
	// A variant found inside a preferred term (例 1 in 示例 1) is that
	// term, not a use of the variant; one that merely contains a
	// preferred term (取消注册 holds 注册) is still a use.
	var preferred [][]int
	for _, t := range terms {
		preferred = append(preferred, t.preferred.FindAllStringIndex(text, -1)...)
	}
	inside := func(m []int) bool {
		return slices.ContainsFunc(preferred, func(p []int) bool { return p[0] <= m[0] && m[1] <= p[1] && (p[0] != m[0] || p[1] != m[1]) })
	}
	var uses []string
	for _, t := range terms {
		for k, re := range t.rejected {
			for _, m := range re.FindAllStringIndex(text, -1) {
				if !inside(m) {
					uses = append(uses, fmt.Sprintf("uses %q: the glossary's term is %q (%s)", t.names[k], t.name, layout.GlossaryZH))
					break
				}
			}
		}
	}
	return uses
}

// termLines returns a page's lines outside fenced code, with inline code
// masked, numbered from 1: tables count, since their prose is prose too.
func termLines(lines []string) []item {
	var out []item
	for i, line := range outsideFences(lines, nil) {
		out = append(out, item{i + 1, tagRE.ReplaceAllString(maskCode(line), "")})
	}
	return out
}

// blank replaces a string with as many spaces as it has runes.
func blank(s string) string {
	return strings.Repeat(" ", len([]rune(s)))
}

// WordCount is one page's prose, for `make docs` to print.
type WordCount struct {
	Page    string
	Count   int
	Budget  int // 0 when the page has none
	English bool
}

// Counts returns the prose of every page, by count, in page order.
func Counts(root string) ([]WordCount, error) {
	c, err := load(root)
	if err != nil {
		return nil, err
	}
	var out []WordCount
	for _, p := range c.pages {
		_, english := Twin(p.rel)
		w := WordCount{Page: p.rel, Count: Words(p.lines, english), English: english}
		if p.chapter > 0 {
			w.Budget = Budget(p.chapter, english)
		}
		out = append(out, w)
	}
	return out, nil
}

// String formats a count as `make docs` prints it.
func (w WordCount) String() string {
	unit := "words"
	if !w.English {
		unit = "units"
	}
	s := fmt.Sprintf("%-34s %5d %s", w.Page, w.Count, unit)
	if w.Budget > 0 {
		s += fmt.Sprintf(" (budget %d)", w.Budget)
	}
	return s
}
