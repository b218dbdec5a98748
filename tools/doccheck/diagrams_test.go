package doccheck

import (
	"strings"
	"testing"
)

// reported says whether problems hold one in file at line whose message
// contains text.
func reported(problems []Problem, file string, line int, text string) bool {
	for _, p := range problems {
		if p.File == file && p.Line == line && strings.Contains(p.Message, text) {
			return true
		}
	}
	return false
}

func TestDiagramSourceInAPageFails(t *testing.T) {
	for _, info := range []string{"mermaid", "d2", "dot"} {
		root := writeFixture(t)
		replace(t, root, "docs/en/errata.md", "## 1\n", "## 1\n\n```"+info+"\na -> b\n```\n")
		at := lineOf(t, root, "docs/en/errata.md", "```"+info)
		if problems := check(t, root); !reported(problems, "docs/en/errata.md", at, "diagram's source") {
			t.Errorf("a %s block went unreported: %v", info, problems)
		}
	}
}

func TestPictureInTheOtherLanguageFails(t *testing.T) {
	root := writeFixture(t)
	write(t, root, "docs/img/x.svg", "<svg/>")
	write(t, root, "docs/img/y.svg", "<svg/>")
	write(t, root, "docs/img/x.zh-CN.svg", "<svg/>")
	replace(t, root, "docs/zh-CN/errata.md", "## 1\n", "## 1\n\n![图](../img/x.svg)\n\n![图](../img/y.svg)\n")
	replace(t, root, "docs/en/errata.md", "## 1\n", "## 1\n\n![a](../img/x.zh-CN.svg)\n\n![b](../img/y.svg)\n")
	problems := check(t, root)
	if !reported(problems, "docs/zh-CN/errata.md", lineOf(t, root, "docs/zh-CN/errata.md", "x.svg"), "English picture") {
		t.Errorf("a Chinese page showing x.svg went unreported: %v", problems)
	}
	if !reported(problems, "docs/en/errata.md", lineOf(t, root, "docs/en/errata.md", "x.zh-CN.svg"), "Chinese picture") {
		t.Errorf("an English page showing x.zh-CN.svg went unreported: %v", problems)
	}
	// y has no Chinese twin, so either language may show it.
	for _, p := range problems {
		if strings.Contains(p.Message, "y.svg") {
			t.Errorf("y.svg has no twin, yet: %v", p)
		}
	}
}

func TestDiagramsAreFreshAndUseTheGlossary(t *testing.T) {
	root := writeFixture(t)
	src := "x: one\ny: two\nx -> y\n"
	zh := "# 状态触发 in a comment is fine\nx: 状态触发\ny: 二\nx -> y\n"
	write(t, root, "docs/diagrams/a.d2", src)
	write(t, root, "docs/diagrams/a.zh-CN.d2", zh)
	write(t, root, "docs/img/a.svg", "<svg>not what a.d2 draws</svg>")
	problems := check(t, root)
	if !reported(problems, "docs/img/a.svg", 0, "stale") {
		t.Errorf("a stale picture went unreported: %v", problems)
	}
	if !reported(problems, "docs/img/a.zh-CN.svg", 0, "missing") {
		t.Errorf("a missing picture went unreported: %v", problems)
	}
	if !reported(problems, "docs/diagrams/a.zh-CN.d2", 2, "状态触发") {
		t.Errorf("a rejected term in a label went unreported: %v", problems)
	}
	if reported(problems, "docs/diagrams/a.zh-CN.d2", 1, "状态触发") {
		t.Errorf("a term in a comment was reported: %v", problems)
	}
}
