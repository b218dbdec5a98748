package doccheck

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"epolltutorial/tools/comments"
	"epolltutorial/tools/layout"
)

// The fixture: a repository with a root README, chapter 1 and an errata page,
// in both languages, that keeps every rule.

const fixtureGo = `package main

import "fmt"

// main adds two numbers.
func main() {
	a := 1
	b := 2
	fmt.Println(a | b)
}
`

// mapRows is the chapter's map: a row for each non-blank line of example 1,
// pointing at some Go line in turn. Column 2 is in the page's language.
func mapRows(english bool) string {
	golines := []int{3, 6, 7, 8, 9}
	code := strings.Split(fixtureGo, "\n")
	var rows []string
	for i, n := range []int{1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 22} {
		what := fmt.Sprintf("step %d", i)
		if !english {
			what = fmt.Sprintf("第 %d 步", i)
		}
		g := golines[i%len(golines)]
		quoted := strings.ReplaceAll(strings.TrimSpace(code[g-1]), "|", `\|`)
		rows = append(rows, fmt.Sprintf("| %d | %s | [main.go:%d](main.go#L%d) | `%s` |", n, what, g, g, quoted))
	}
	return strings.Join(rows, "\n")
}

const chapterEN = `**English** | [中文](README.zh-CN.md)

# Chapter 1

<a id="adds"></a>
## What this chapter adds

A program that adds.

<a id="run"></a>
## Run it

` + "`go run .`" + ` prints 3. Back to [the chapters](../README.md#chapters).

<a id="observe"></a>
## What to look for

The sum comes from [main.go:9](main.go#L9); ` + "`[this](is-not-a.link)`" + ` is code.

<a id="walkthrough"></a>
## The lines that matter

<a id="main"></a>
### main

<!-- code: main.go:6-10 -->
` + "```go" + `
func main() {
	a := 1
	b := 2
	fmt.Println(a | b)
}
` + "```" + `

<a id="errata"></a>
## Errata

See [the errata](../docs/en/errata.md#ex1).

<a id="next"></a>
## Next

Back to [the index](../docs/en/index.md).

<a id="map"></a>
## The Python → Go map

<details>
<summary>Every line of example 1</summary>

| Python | What it does | Go | Go code |
|---:|---|---|---|
ROWS

</details>
`

const chapterZH = `[English](README.md) | **中文**

# 第 1 章

<a id="adds"></a>
## 本章新增了什么

一个做加法的程序，文章中文版称之为“状态触发”也无妨。

<a id="run"></a>
## 运行

` + "`go run .`" + ` 打印 3。返回[章节列表](../README.zh-CN.md#chapters)。

<a id="observe"></a>
## 观察要点

和来自 [main.go:9](main.go#L9)。

<a id="walkthrough"></a>
## 关键代码

<a id="main"></a>
### main 函数

<!-- code: main.go:6-10 -->
` + "```go" + `
func main() {
	a := 1
	b := 2
	fmt.Println(a | b)
}
` + "```" + `

<a id="errata"></a>
## 勘误

见[勘误](../docs/zh-CN/errata.md#ex1)。示例 1 没有问题。

<a id="next"></a>
## 下一步

回到[目录](../docs/zh-CN/index.md)。

<a id="map"></a>
## Python → Go 对照表

<details>
<summary>示例 1 的每一行</summary>

| Python | 作用 | Go | Go 代码 |
|---:|---|---|---|
ROWS

</details>
`

// indexPage states the reading path: in the fixture, chapter 1 alone.
func indexPage(english bool) string {
	if english {
		return "**English** | [中文](../zh-CN/index.md)\n\n# Index\n\n<a id=\"order\"></a>\n## Order\n\n1. [Chapter 1](../../ch1-blocking/README.md)\n"
	}
	return "[English](../en/index.md) | **中文**\n\n# 目录\n\n<a id=\"order\"></a>\n## 顺序\n\n1. [第 1 章](../../ch1-blocking/README.zh-CN.md)\n"
}

// glossaryPages keep one Chinese term per concept: the Chinese table's 不用
// column lists the variants that other Chinese pages must not use.
func glossaryPage(english bool) string {
	if english {
		return "**English** | [中文](../zh-CN/glossary.md)\n\n# Glossary\n\n<a id=\"terms\"></a>\n## Terms\n\n" +
			"| Term | 中文 | Not in Chinese | Meaning |\n|---|---|---|---|\n" +
			"| level-triggered | 水平触发 | 状态触发 | reported while ready |\n| example N | 示例 N | 例 N | the article's |\n"
	}
	return "[English](../en/glossary.md) | **中文**\n\n# 术语表\n\n<a id=\"terms\"></a>\n## 术语\n\n" +
		"| 术语 | 中文 | 不用 | 含义 |\n|---|---|---|---|\n" +
		"| level-triggered | 水平触发（LT） | 状态触发 | 就绪期间一直报告 |\n| example N | 示例 N | 例 N | 文章里的 |\n"
}

// errataPage quotes code from a docs page, and shows a Markdown example in a
// longer fence that the checker must not read.
func errataPage(english bool) string {
	first, title := "**English** | [中文](../zh-CN/errata.md)", "Errata"
	if !english {
		first, title = "[English](../en/errata.md) | **中文**", "勘误"
	}
	return first + "\n\n# " + title + "\n\n<a id=\"ex1\"></a>\n## 1\n\n" +
		"<!-- code: ../../ch1-blocking/main.go:7-8 -->\n```go\n\ta := 1\n\tb := 2\n```\n\n" +
		"[main.go:8](../../ch1-blocking/main.go#L8)\n\n" +
		"````markdown\n## not a heading\n<!-- code: nothing.go:1 -->\n```go\n```\n````\n"
}

func writeFixture(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"README.md":                    "**English** | [中文](README.zh-CN.md)\n\n# Fixture\n\n<a id=\"chapters\"></a>\n## Chapters\n\n[Chapter 1](ch1-blocking/README.md)\n",
		"README.zh-CN.md":              "[English](README.md) | **中文**\n\n# 示例\n\n<a id=\"chapters\"></a>\n## 章节\n\n[第 1 章](ch1-blocking/README.zh-CN.md)\n",
		"ch1-blocking/main.go":         fixtureGo,
		"ch1-blocking/README.md":       strings.Replace(chapterEN, "ROWS", mapRows(true), 1),
		"ch1-blocking/README.zh-CN.md": strings.Replace(chapterZH, "ROWS", mapRows(false), 1),
		"docs/en/errata.md":            errataPage(true),
		"docs/zh-CN/errata.md":         errataPage(false),
		"docs/en/index.md":             indexPage(true),
		"docs/zh-CN/index.md":          indexPage(false),
		"docs/en/glossary.md":          glossaryPage(true),
		"docs/zh-CN/glossary.md":       glossaryPage(false),
	}
	files["ch1-blocking/main.go"+comments.Suffix] = fixtureZH
	for name, text := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// replace edits a fixture file: the first old becomes new.
func replace(t *testing.T, root, name, old, new string) {
	t.Helper()
	path := filepath.Join(root, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", name, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineOf is the line of a fixture file that first contains text.
func lineOf(t *testing.T, root, name, text string) int {
	t.Helper()
	lines, err := layout.Lines(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, text) })
	if i < 0 {
		t.Fatalf("%s has no line with %q", name, text)
	}
	return i + 1
}

func check(t *testing.T, root string) []Problem {
	t.Helper()
	problems, err := Check(root)
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

func TestFixturePasses(t *testing.T) {
	for _, p := range check(t, writeFixture(t)) {
		t.Error(p)
	}
}

const (
	chEN = "ch1-blocking/README.md"
	chZH = "ch1-blocking/README.zh-CN.md"
)

// Each case breaks one rule in the fixture; the check must then report it in
// the file given, on the line with the text at (plus below), or on line 0 if
// at is "".
func TestEachRuleFails(t *testing.T) {
	type edit func(t *testing.T, root string)
	both := func(old, new string) edit {
		return func(t *testing.T, root string) {
			replace(t, root, chEN, old, new)
			replace(t, root, chZH, old, new)
		}
	}
	one := func(name, old, new string) edit {
		return func(t *testing.T, root string) { replace(t, root, name, old, new) }
	}
	remove := func(names ...string) edit {
		return func(t *testing.T, root string) {
			for _, name := range names {
				if err := os.Remove(filepath.Join(root, name)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	row := func(n int) string { return fmt.Sprintf("| %d | ", n) }
	for _, c := range []struct {
		name  string
		edit  edit
		file  string
		at    string
		below int
		want  string
	}{
		{"twin missing", remove("docs/zh-CN/errata.md"),
			"docs/en/errata.md", "", 0, "docs/zh-CN/errata.md is missing"},
		{"chapter README missing", remove(chEN, chZH),
			chEN, "", 0, "missing, and so is " + chZH},
		{"switcher", one(chZH, "[English](README.md) | **中文**", "[English](README.md)"),
			chZH, "[English]", 0, "language switcher"},
		{"heading without anchor", both("<a id=\"main\"></a>\n", ""),
			chEN, "### main", 0, "heading without an anchor"},
		{"anchor id not lowercase", both(`id="main"`, `id="Main"`),
			chEN, `id="Main"`, 0, "use lowercase"},
		{"anchor used twice", both(`id="main"`, `id="run"`),
			chEN, "### main", -1, `"run" is used twice`},
		{"anchor missing in the Chinese twin", one(chZH, "<a id=\"main\"></a>\n### main 函数\n", ""),
			chZH, `<a id="errata">`, 0, `anchor "errata" where ch1-blocking/README.md:23 has "main"`},
		{"quoted Go line changed", one("ch1-blocking/main.go", "b := 2", "b := 3"),
			chEN, "\tb := 2", 0, "differs from main.go:8"},
		{"marker missing in the Chinese twin", one(chZH, "<!-- code: main.go:6-10 -->\n", ""),
			chZH, "", 0, `has no code marker "main.go:6-10"`},
		{"marker not before a fence", both("<!-- code: main.go:6-10 -->\n", "<!-- code: main.go:6-10 -->\n\n"),
			chEN, "<!-- code:", 0, "just before a ```go fence"},
		{"link text and fragment disagree", one(chEN, "[main.go:9](main.go#L9);", "[main.go:9](main.go#L8);"),
			chEN, "The sum", 0, "write [main.go:8](main.go#L8)"},
		{"line link beyond the file", both("[main.go:9](main.go#L9)", "[main.go:99](main.go#L99)"),
			chEN, "The sum", 0, "ch1-blocking/main.go:99 is not in the file (it has 10 lines)"},
		{"line links differ between twins", one(chZH, "[main.go:9](main.go#L9)", "[main.go:7](main.go#L7)"),
			chZH, "和来自", 0, `line link "main.go#L7" where ch1-blocking/README.md:18 has "main.go#L9"`},
		{"link to a missing file", one(chEN, "../README.md#chapters", "../READ.md#chapters"),
			chEN, "Back to", 0, "READ.md does not exist"},
		{"link to a missing anchor", one(chEN, "../README.md#chapters", "../README.md#chapter"),
			chEN, "Back to", 0, `README.md has no <a id="chapter"></a>`},
		{"map row missing", both(row(5), "| x | "),
			chEN, row(6), 0, "no row for Python line 5 before this one"},
		{"map row twice", both(row(5), row(4)),
			chEN, row(4), 1, "Python line 4 after line 4"},
		{"map row for a blank line", both(row(3), row(2)+"blank | [main.go:3](main.go#L3) | `import \"fmt\"` |\n"+row(3)),
			chEN, row(2), 0, "Python line 2 is blank"},
		{"map row beyond the example", both(row(22), row(23)),
			chEN, row(23), 0, "example 1 has 22 lines"},
		{"map code not in its range", both("[main.go:7](main.go#L7) | `a := 1`", "[main.go:7](main.go#L7) | `a := 2`"),
			chEN, "`a := 2`", 0, "`a := 2` is not one of the lines of main.go:7"},
		{"map row with a bare pipe", both(`\|`, `|`),
			chEN, "(a | b)`", 0, "4 columns, not 5"},
		{"map columns differ between twins", one(chZH, "[main.go:7](main.go#L7) | `a := 1`", "[main.go:8](main.go#L8) | `b := 2`"),
			chZH, "`b := 2`", 0, "map row (columns 1, 3, 4)"},
		{"section missing", both("<a id=\"errata\"></a>\n", ""),
			chEN, "", 0, `no section anchored "errata"`},
		{"sections out of order", func(t *testing.T, root string) {
			both(`id="errata"`, `id="tmp"`)(t, root)
			both(`id="next"`, `id="errata"`)(t, root)
			both(`id="tmp"`, `id="next"`)(t, root)
		}, chEN, `<a id="next">`, 0, `section "next" comes before "errata"`},
		{"section titled differently", one(chEN, "## Run it", "## How to run it"),
			chEN, "## How to run it", 0, `section "run" is titled "## Run it" in every chapter`},
		{"over the budget", one(chEN, "A program that adds.", strings.Repeat("word ", 1300)),
			chEN, "", 0, "over the chapter budget of 1200"},
		{"paragraph said twice", func(t *testing.T, root string) {
			para := strings.Repeat("the same long sentence again ", 6)
			replace(t, root, chEN, "A program that adds.", para)
			replace(t, root, "docs/en/errata.md", "## 1\n", "## 1\n\n"+para+"\n")
		}, "docs/en/errata.md", "the same long sentence", 0, "repeats the paragraph at ch1-blocking/README.md:8"},
		{"rejected Chinese term", one(chZH, "示例 1 没有问题。", "例 1 没有问题。"),
			chZH, "例 1 没有", 0, `uses "例 N": the glossary's term is "示例 N"`},
		{"rejected term that holds a preferred one", func(t *testing.T, root string) {
			replace(t, root, "docs/zh-CN/glossary.md", "| example N | 示例 N | 例 N |", "| unregister | 注册 | 取消注册 | 删除 |\n| example N | 示例 N | 例 N |")
			replace(t, root, chZH, "示例 1 没有问题。", "示例 1 没有取消注册。")
		}, chZH, "取消注册", 0, `uses "取消注册": the glossary's term is "注册"`},
		{"rejected term outside quotes", one(chZH, "“状态触发”", "状态触发"),
			chZH, "状态触发", 0, `uses "状态触发"`},
		{"Next off the path", one(chEN, "[the index](../docs/en/index.md)", "[the errata](../docs/en/errata.md)"),
			chEN, "Back to [the errata]", 0, "the reading path goes on to docs/en/index.md"},
		{"reading order not the path", one("docs/en/index.md", "1. [Chapter 1]", "1. [Errata](errata.md)\n2. [Chapter 1]"),
			"docs/en/index.md", `<a id="order">`, 0, "the reading order lists docs/en/errata.md, ch1-blocking/README.md"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := writeFixture(t)
			c.edit(t, root)
			line := 0
			if c.at != "" {
				line = lineOf(t, root, c.file, c.at) + c.below
			}
			problems := check(t, root)
			for _, p := range problems {
				if p.File == c.file && p.Line == line && strings.Contains(p.Message, c.want) {
					return
				}
			}
			t.Errorf("want %s:%d: ...%s...; got:", c.file, line, c.want)
			for _, p := range problems {
				t.Log(p)
			}
		})
	}
}
