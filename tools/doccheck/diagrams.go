package doccheck

import (
	"os"
	"path"
	"regexp"
	"strings"

	"epolltutorial/tools/diagram"
)

// Diagrams are D2 sources rendered to SVG (package diagram); a page shows
// the picture, never the source. This file holds the pages to that, to the
// picture of their own language, and the Chinese diagrams' labels to the
// glossary.

// sourceLangs are the info words of fenced blocks that hold a diagram's
// source: the reading site and GitHub would show some of them as code.
var sourceLangs = map[string]bool{"mermaid": true, "d2": true, "dot": true, "graphviz": true, "plantuml": true}

// svgRE matches an image of an SVG file in Markdown, capturing its path.
var svgRE = regexp.MustCompile(`!\[[^\]]*\]\(([^)\s]+\.svg)\)`)

// checkDiagrams reports diagram source in a page, a page that shows an
// SVG in the other language when there is one in its own, stale pictures,
// and rejected terms in the Chinese sources.
func (c *checker) checkDiagrams() {
	for _, p := range c.pages {
		_, english := Twin(p.rel)
		fenced := func(i int, info string) {
			if info = strings.ToLower(info); sourceLangs[info] {
				c.report(p, i+1, "a %s block shows a diagram's source as code: draw it from docs/diagrams (see tools/diagram) and show the SVG", info)
			}
		}
		for i, line := range outsideFences(p.lines, fenced) {
			for _, m := range svgRE.FindAllStringSubmatch(maskCode(line), -1) {
				c.checkImageLang(p, i+1, m[1], english)
			}
		}
	}
	problems, err := diagram.Check(c.root, false, nil)
	if err != nil {
		c.problems = append(c.problems, Problem{File: diagram.SourceDir, Message: err.Error()})
	}
	for _, msg := range problems {
		file, msg, _ := strings.Cut(msg, ": ")
		c.problems = append(c.problems, Problem{File: file, Message: msg})
	}
	c.checkDiagramTerms()
}

// checkImageLang reports an English page that shows a Chinese picture, and
// a Chinese page that shows an English one where a Chinese one exists.
func (c *checker) checkImageLang(p *page, line int, src string, english bool) {
	zh := strings.HasSuffix(src, ".zh-CN.svg")
	switch {
	case english && zh:
		c.report(p, line, "an English page shows the Chinese picture %s", src)
	case !english && !zh:
		twin := strings.TrimSuffix(src, ".svg") + ".zh-CN.svg"
		if _, err := os.Stat(c.path(path.Join(path.Dir(p.rel), twin))); err == nil {
			c.report(p, line, "a Chinese page shows the English picture %s: its Chinese twin is %s", src, twin)
		}
	}
}

// checkDiagramTerms holds the labels of the Chinese diagrams to the
// glossary, as it does the Chinese pages (comment lines aside).
func (c *checker) checkDiagramTerms() {
	list, err := diagram.List(c.root)
	if err != nil {
		c.problems = append(c.problems, Problem{File: diagram.SourceDir, Message: err.Error()})
		return
	}
	terms := c.glossaryTerms()
	for _, d := range list {
		if d.Lang != "zh-CN" {
			continue
		}
		lines, err := c.file(d.Source)
		if err != nil {
			c.problems = append(c.problems, Problem{File: d.Source, Message: err.Error()})
			continue
		}
		for i, line := range lines {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			for _, msg := range termUses(line, terms) {
				c.problems = append(c.problems, Problem{File: d.Source, Line: i + 1, Message: msg})
			}
		}
	}
}
