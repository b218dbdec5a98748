package comments

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"epolltutorial/tools/layout"
)

// listing is a small Go file with every kind of line Blocks tells apart.
var listing = strings.Split(`//go:build linux

package main

// greeting is what the program says,
// said once.
const greeting = "hello"

func main() {
	// Print it.
	println(greeting)
	s := `+"`"+`
// not a comment: inside a raw string
`+"`"+`
	println(s)
}`, "\n")

const translation = `# a note

// greeting is what the program says,
// said once.
=>
// greeting 是程序要说的话，
// 只说一次。

// Print it.
=>
// 打印出来。
`

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestBlocks(t *testing.T) {
	blocks, problems := Blocks("main.go", listing)
	if len(problems) > 0 {
		t.Fatalf("problems in a clean listing: %v", problems)
	}
	want := []Block{
		{5, []string{"// greeting is what the program says,", "// said once."}},
		{10, []string{"// Print it."}},
	}
	if !slices.EqualFunc(blocks, want, func(a, b Block) bool { return a.Line == b.Line && slices.Equal(a.Text, b.Text) }) {
		t.Errorf("Blocks = %v, want %v (no directive, nothing from inside a string)", blocks, want)
	}
}

// A comment after code, or a /* */ comment, cannot be translated line for
// line: Blocks names each, at its line.
func TestBlocksRejectsTrailingAndBlockComments(t *testing.T) {
	src := lines("package main\n\nvar x = 1 // one\n\n/* two */\nvar y = `a\nb` // three\n")
	_, problems := Blocks("main.go", src)
	got := problemLines(problems)
	if want := []int{3, 5, 7}; !slices.Equal(got, want) {
		t.Fatalf("problems at lines %v, want %v: %v", got, want, problems)
	}
	for i, want := range []string{"after code", "/* */", "after code"} {
		if !strings.Contains(problems[i].Message, want) {
			t.Errorf("problem %d = %q, want it to say %q", i, problems[i].Message, want)
		}
	}
}

func problemLines(ps []Problem) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.Line)
	}
	return out
}

func TestApplyKeepsLinesAndCode(t *testing.T) {
	blocks, _ := Blocks("main.go", listing)
	entries, problems := Parse("t", lines(translation))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if ps := Check("main.go", blocks, "t", entries); len(ps) > 0 {
		t.Fatalf("Check of a complete translation: %v", ps)
	}
	zh := Apply(listing, blocks, entries)
	if len(zh) != len(listing) {
		t.Fatalf("Apply returned %d lines for %d", len(zh), len(listing))
	}
	changed := map[int]string{
		5:  "// greeting 是程序要说的话，",
		6:  "// 只说一次。",
		10: "\t// 打印出来。", // the indentation is the listing's
	}
	for i := range listing {
		want, ok := changed[i+1]
		if !ok {
			want = listing[i]
		}
		if zh[i] != want {
			t.Errorf("line %d = %q, want %q", i+1, zh[i], want)
		}
	}
	if listing[4] != "// greeting is what the program says," {
		t.Error("Apply wrote to the listing it was given")
	}
}

func TestCheckMissingAndStale(t *testing.T) {
	// The listing's second comment has changed since it was translated.
	changed := slices.Clone(listing)
	changed[9] = "\t// Print the greeting."
	blocks, _ := Blocks("ch/main.go", changed)
	entries, _ := Parse("ch/main.go.zh-CN.txt", lines(translation))
	problems := Check("ch/main.go", blocks, "ch/main.go.zh-CN.txt", entries)
	got := make([]string, len(problems))
	for i, p := range problems {
		got[i] = p.String()
	}
	want := []string{
		`ch/main.go:10: missing: this comment has no Chinese in main.go.zh-CN.txt (it starts "// Print the greeting.")`,
		`ch/main.go.zh-CN.txt:9: stale: the English changed; main.go no longer has this comment`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The translation of a changed line is no longer applied.
	if zh := Apply(changed, blocks, entries); zh[9] != changed[9] || zh[4] != "// greeting 是程序要说的话，" {
		t.Errorf("Apply with a stale entry: %q", zh[4:10])
	}
}

// A stale entry that shares a line with a missing block points at it.
func TestStaleNamesTheBlockItBecame(t *testing.T) {
	changed := slices.Clone(listing)
	changed[5] = "// said once, in English."
	blocks, _ := Blocks("main.go", changed)
	entries, _ := Parse("t", lines(translation))
	problems := Check("main.go", blocks, "t", entries)
	if len(problems) != 2 || !strings.Contains(problems[1].Message, "is it now the one at main.go:5?") {
		t.Errorf("problems = %v, want the stale entry to point at main.go:5", problems)
	}
}

func TestParseProblems(t *testing.T) {
	for _, c := range []struct {
		name, text string
		line       int
		says       string
	}{
		{"line count", "// a\n// b\n=>\n// 甲乙\n", 4, "the Chinese has 1 lines, the English 2"},
		{"too many lines", "// a\n=>\n// 甲\n// 乙\n", 3, "the Chinese has 2 lines, the English 1"},
		{"no separator", "// a\n// 甲\n", 1, "English without Chinese"},
		{"no Chinese", "// a\n=>\n\n", 2, "no Chinese after =>"},
		{"untranslated", "// a\n=>\n// a\n", 3, "has no Chinese in it"},
		{"stray text", "// a\n=>\nA 甲\n", 3, "neither a comment"},
		{"orphan separator", "=>\n// 甲\n", 1, "with no English before it"},
		{"two separators", "// a\n=>\n// 甲\n=>\n", 4, "a second =>"},
		{"twice", "// a\n=>\n// 甲\n\n// a\n=>\n// 乙\n", 5, "translated already, at line 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, problems := Parse("t", lines(c.text))
			if len(problems) == 0 || problems[0].Line != c.line || !strings.Contains(problems[0].Message, c.says) {
				t.Errorf("Parse(%q) = %v, want line %d: …%s…", c.text, problems, c.line, c.says)
			}
		})
	}
}

// A broken entry translates nothing, and its block is reported once, at
// the entry, not again as missing.
func TestBrokenEntryIsReportedOnce(t *testing.T) {
	text := strings.Replace(translation, "// 只说一次。\n", "", 1)
	blocks, _ := Blocks("main.go", listing)
	entries, problems := Parse("t", lines(text))
	problems = append(problems, Check("main.go", blocks, "t", entries)...)
	if len(problems) != 1 || problems[0].File != "t" || !strings.Contains(problems[0].Message, "1 lines, the English 2") {
		t.Errorf("problems = %v, want the line count alone", problems)
	}
	if zh := Apply(listing, blocks, entries); zh[4] != listing[4] || zh[9] != "\t// 打印出来。" {
		t.Errorf("Apply with a broken entry: %q", zh)
	}
}

func TestWideChineseLine(t *testing.T) {
	text := strings.Replace(translation, "// 只说一次。", "// 只说一次，而且这一行比它对应的英文宽得多，宽得多，宽得多。", 1)
	blocks, _ := Blocks("main.go", listing)
	entries, _ := Parse("t", lines(text))
	problems := Check("main.go", blocks, "t", entries)
	if len(problems) != 1 || problems[0].Line != 7 || !strings.Contains(problems[0].Message, "columns wide") {
		t.Errorf("problems = %v, want t:7 too wide", problems)
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{
		"// ab":   5,
		"\t// 中文": 11,
		"（好）、“是”": 14,
	} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestAgree(t *testing.T) {
	a := &Result{File: "a", Entries: []Entry{{Line: 1, English: []string{"// x"}, Chinese: []string{"// 甲"}}}}
	b := &Result{File: "b", Entries: []Entry{{Line: 5, English: []string{"// x"}, Chinese: []string{"// 乙"}}}}
	same := &Result{File: "c", Entries: []Entry{{Line: 2, English: []string{"// x"}, Chinese: []string{"// 甲"}}}}
	problems := Agree([]*Result{a, b, same})
	if len(problems) != 1 || problems[0].String() != "b:5: translated differently in a:1: the same English should read the same in every chapter" {
		t.Errorf("Agree = %v", problems)
	}
}

func TestTranslateWithoutAFile(t *testing.T) {
	root := t.TempDir()
	res, err := Translate(root, "ch/main.go", listing)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Problems[0].String() != "ch/main.go:5: missing: main.go has comments but no main.go.zh-CN.txt to put them in Chinese" {
		t.Errorf("problems = %v", res.Problems)
	}
	if !slices.Equal(res.Lines, listing) {
		t.Error("without a translation the listing is not shown as it is")
	}
	// A listing without comments needs none.
	res, err = Translate(root, "ch/main.go", []string{"package main"})
	if err != nil || len(res.Problems) > 0 {
		t.Errorf("a listing with no comments: %v, %v", res.Problems, err)
	}
}

func TestTranslateReadsTheFile(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "ch"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "ch", "main.go"+Suffix), []byte(translation), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Translate(root, "ch/main.go", listing)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 || res.Lines[9] != "\t// 打印出来。" || res.File != "ch/main.go.zh-CN.txt" {
		t.Errorf("Translate = %+v", res)
	}
}

// Every chapter's listing is translated, completely and freshly, the same
// English the same way in every chapter: a changed English comment fails
// `make test` until its Chinese follows.
func TestChaptersAreTranslated(t *testing.T) {
	root, err := layout.Root()
	if err != nil {
		t.Fatal("no go.work above the working directory")
	}
	var results []*Result
	for _, ch := range layout.Chapters {
		file := ch + "/main.go"
		src, err := layout.Lines(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Translate(root, file, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Problems {
			t.Error(p)
		}
		blocks, _ := Blocks(file, src)
		if len(blocks) == 0 {
			t.Errorf("%s has no comments: is Blocks reading it?", file)
		}
		for _, b := range blocks {
			for i := range b.Text {
				if l := b.Line - 1 + i; res.Lines[l] == src[l] {
					t.Errorf("%s:%d is still in English on the Chinese pages", file, l+1)
				}
			}
		}
		results = append(results, res)
	}
	for _, p := range Agree(results) {
		t.Error(p)
	}
}
