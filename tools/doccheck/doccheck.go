// Package doccheck holds the tutorial's Markdown to the rules that writers and
// translators follow (CONTRIBUTING.md): every English page has a Chinese twin
// with the same anchors, quoted code and line links; quoted Go code equals the
// lines it claims; links lead somewhere; and each chapter's Python → Go map
// covers its article example line by line.
//
// Check finds what breaks the rules; Fix renumbers quotes whose code only
// moved. `make docs` runs them.
package doccheck

import (
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"epolltutorial/tools/layout"
)

// Problem is one broken rule, at a line of a page.
type Problem struct {
	File    string // slash path from the repository root
	Line    int    // 1-based; 0 when the problem is about the whole page
	Message string
	// Missing names the file (slash path from the root) whose absence is
	// the problem, if that is the problem.
	Missing string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Message
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// sections are the anchors every chapter README has, in this order.
var sections = []string{"adds", "run", "observe", "walkthrough", "errata", "next", "map"}

// Twin returns the other language's version of a page (slash paths from the
// root), and whether page is the English one.
func Twin(page string) (twin string, english bool) {
	switch {
	case strings.HasPrefix(page, "docs/en/"):
		return "docs/zh-CN/" + strings.TrimPrefix(page, "docs/en/"), true
	case strings.HasPrefix(page, "docs/zh-CN/"):
		return "docs/en/" + strings.TrimPrefix(page, "docs/zh-CN/"), false
	case strings.HasSuffix(page, ".zh-CN.md"):
		return strings.TrimSuffix(page, ".zh-CN.md") + ".md", false
	default:
		return strings.TrimSuffix(page, ".md") + ".zh-CN.md", true
	}
}

// Check reads the Markdown pages under root (*.md in the root and in each
// chapter, and docs/**/*.md) and returns every broken rule, by file and line.
func Check(root string) ([]Problem, error) {
	c, err := load(root)
	if err != nil {
		return nil, err
	}
	c.checkRequiredPages()
	for _, p := range c.pages {
		c.checkTwin(p)
		c.checkBlocks(p)
		for _, r := range p.refs {
			c.quoted(p, r.line, r.span)
		}
		c.checkLinks(p)
		c.checkTables(p)
		c.checkFigures(p)
		if p.chapter > 0 {
			c.checkSections(p)
			c.checkTitles(p)
			c.checkBudget(p)
			c.checkMap(p)
		}
		c.checkNext(p)
		c.checkOrder(p)
	}
	c.checkRepeats()
	c.checkCharts()
	c.checkComments()
	c.checkDiagrams()
	c.checkTerms(c.glossaryTerms())
	slices.SortStableFunc(c.problems, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), a.Line-b.Line)
	})
	return c.problems, nil
}

// checker holds the pages, the files they quote, and the problems found.
type checker struct {
	root     string
	pages    []*page
	byPath   map[string]*page
	files    map[string][]string // quoted files, by slash path from the root
	problems []Problem
}

func load(root string) (*checker, error) {
	c := &checker{root: root, byPath: map[string]*page{}, files: map[string][]string{}}
	names, err := pageNames(root)
	if err != nil {
		return nil, err
	}
	for _, rel := range names {
		data, err := os.ReadFile(c.path(rel))
		if err != nil {
			return nil, err
		}
		p := c.parse(rel, string(data))
		for i, ch := range layout.Chapters {
			if rel == ch+"/README.md" || rel == ch+"/README.zh-CN.md" {
				p.chapter = i + 1
				c.parseMap(p)
			}
		}
		c.pages = append(c.pages, p)
		c.byPath[rel] = p
	}
	return c, nil
}

// pageNames lists the pages, as slash paths from the root.
func pageNames(root string) ([]string, error) {
	var names []string
	for _, dir := range append([]string{"."}, layout.Chapters...) {
		found, err := filepath.Glob(filepath.Join(root, dir, "*.md"))
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			names = append(names, path.Join(dir, filepath.Base(f)))
		}
	}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		rel, err := filepath.Rel(root, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	return names, nil
}

// relPath is the link from one page to another file (slash paths from the root).
func relPath(page, target string) (string, error) {
	rel, err := filepath.Rel(filepath.FromSlash(path.Dir(page)), filepath.FromSlash(target))
	return filepath.ToSlash(rel), err
}

func (c *checker) path(rel string) string {
	return filepath.Join(c.root, filepath.FromSlash(rel))
}

func (c *checker) report(p *page, line int, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: p.rel, Line: line, Message: fmt.Sprintf(format, args...)})
}

// file returns the lines of a quoted file, read once.
func (c *checker) file(rel string) ([]string, error) {
	if lines, ok := c.files[rel]; ok {
		return lines, nil
	}
	lines, err := layout.Lines(c.path(rel))
	if err == nil {
		c.files[rel] = lines
	}
	return lines, err
}

// page is one Markdown file, read into the parts that the rules look at.
type page struct {
	rel     string // slash path from the root
	lines   []string
	chapter int // 1 to 6 for a chapter README, else 0
	anchors []item
	blocks  []block
	refs    []ref // line links, in the prose and in the map
	links   []link
	rows    []row // the map table's rows
	tables  []table
}

// item is a thing that the twins must have alike: its text, and where it is.
type item struct {
	line int // 1-based
	text string
}

func (i item) itemOf() item { return i }

// items lists the items of anchors, blocks, refs or rows, for comparing twins.
func items[T interface{ itemOf() item }](xs []T) []item {
	out := make([]item, len(xs))
	for i, x := range xs {
		out[i] = x.itemOf()
	}
	return out
}

// span is lines from..to of a file (a slash path from the root).
type span struct {
	file     string
	from, to int
}

// ref is a place in a page that names lines of a file: a code marker, whose
// text is "main.go:36-40", or a line link, whose text is its target
// "main.go#L36-L40".
type ref struct {
	item
	span
	start, end int    // the bytes of the line that hold it, for Fix to rewrite
	path       string // the file as the page writes it
	label      string // a link's text before the colon; "" for a marker
}

// render writes the marker or link again, for lines from..to.
func (r ref) render(s span) string {
	lines, frag := lineRange(s), "L"+strconv.Itoa(s.from)
	if s.to != s.from {
		frag += "-L" + strconv.Itoa(s.to)
	}
	if r.label == "" {
		return "<!-- code: " + r.path + ":" + lines + " -->"
	}
	return "[" + r.label + ":" + lines + "](" + r.path + "#" + frag + ")"
}

// block is a quoted Go block: its marker, and the lines between its fences.
type block struct {
	ref
	body []string
}

// link is any other link to a file of the repository, with its #fragment.
type link struct {
	item
	file string // slash path from the root
	frag string
}

// row is a row of the Python → Go map. Its text is columns 1, 3 and 4, which
// the twins share.
type row struct {
	item
	python int    // column 1
	code   string // column 4, without its backticks
	ref    *ref   // the link in column 3
}
