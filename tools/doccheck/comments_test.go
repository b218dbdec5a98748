package doccheck

import (
	"strings"
	"testing"
)

// fixtureZH translates the fixture listing's one comment.
const fixtureZH = `# The fixture's comment in Chinese.

// main adds two numbers.
=>
// main 把两个数相加。
`

// Each case breaks the translation of the fixture's comments; make docs
// must then name the file and line to fix.
func TestCommentRulesFail(t *testing.T) {
	const listing, zh = "ch1-blocking/main.go", "ch1-blocking/main.go.zh-CN.txt"
	for _, c := range []struct {
		name      string
		file, old string
		new       string
		at        string // the text on the line reported, in which file
		in        string
		want      []string
	}{
		{"English changed", listing, "// main adds two numbers.", "// main adds two integers.",
			"// main adds two integers.", listing, []string{"missing: this comment has no Chinese in main.go.zh-CN.txt"}},
		{"English changed: the translation is stale", listing, "// main adds two numbers.", "// main adds two integers.",
			"// main adds two numbers.", zh, []string{"stale: the English changed", "is it now the one at main.go:5?"}},
		{"new comment", listing, "\tb := 2\n", "\t// b is two.\n\tb := 2\n",
			"// b is two.", listing, []string{"missing"}},
		{"line count", zh, "// main 把两个数相加。\n", "// main 把两个数\n// 相加。\n",
			"// main 把两个数", zh, []string{"the Chinese has 2 lines, the English 1"}},
		{"trailing comment", listing, "\ta := 1\n", "\ta := 1 // one\n",
			"a := 1 // one", listing, []string{"a comment after code on its line"}},
		{"rejected Chinese term", zh, "把两个数相加。", "是例 1：把两个数相加。",
			"是例 1", zh, []string{`uses "例 N": the glossary's term is "示例 N"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := writeFixture(t)
			replace(t, root, c.file, c.old, c.new)
			line := lineOf(t, root, c.in, c.at)
			problems := check(t, root)
			for _, p := range problems {
				if p.File == c.in && p.Line == line && containsAll(p.Message, c.want) {
					return
				}
			}
			t.Errorf("want %s:%d: ...%s...; got:", c.in, line, strings.Join(c.want, "..."))
			for _, p := range problems {
				t.Log(p)
			}
		})
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
