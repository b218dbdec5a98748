package doccheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFigures adds recorded data and a page pair (off the reading path)
// whose prose quotes figures from it, every one right.
func writeFigures(t *testing.T, root string) {
	t.Helper()
	const (
		bench = "docs/data/bench.csv"
		sweep = "docs/data/sweep.csv"
	)
	mark := func(file, row, col string) string { return "<!-- data: " + file + " " + row + " " + col + " -->" }
	en := "**English** | [中文](../zh-CN/figures.md)\n\n# Figures\n\n<a id=\"cpu\"></a>\n## CPU\n\n" +
		"Chapter 3 spends 30.0 µs" + mark(bench, "ch3-epoll-lt", "cpu_us_per_request") +
		" per request, 1.50×" + mark(bench, "ch3-epoll-lt/C", "cpu_us_per_request") +
		" the floor's; 15%" + mark(bench, "ch3-epoll-lt", "user_share") + " of it in user space.\n" +
		"net/http: 65 µs" + mark(bench, "net/http", "cpu_us_per_request") + ", and 0.2" +
		mark(bench, "ch3-epoll-lt", "futex_per_request") + " futex calls per request.\n\n" +
		"At backlog 50 the p99 was 74 ms" + mark(sweep, "50", "p99_s") + ", at 1 it was 7.82 s" +
		mark(sweep, "1", "p99_s") + " (9,000" + mark(bench, "ch3-epoll-lt", "requests_per_second") + " req/s).\n\n" +
		"In code, `27<!-- data: nowhere x y -->` is not a figure.\n\n```\n1<!-- data: nowhere x y -->\n```\n"
	zh := "[English](../en/figures.md) | **中文**\n\n# 数字\n\n<a id=\"cpu\"></a>\n## CPU\n\n" +
		"第 3 章每个请求花 30.0 微秒" + mark(bench, "ch3-epoll-lt", "cpu_us_per_request") +
		"，是下限的 1.50 倍" + mark(bench, "ch3-epoll-lt/C", "cpu_us_per_request") +
		"，其中 15%" + mark(bench, "ch3-epoll-lt", "user_share") + " 在用户态。net/http 是 65 微秒" +
		mark(bench, "net/http", "cpu_us_per_request") + "，每请求 0.2" + mark(bench, "ch3-epoll-lt", "futex_per_request") +
		" 次 futex。\n\nbacklog 50 时 p99 为 74 毫秒" + mark(sweep, "50", "p99_s") + "，1 时为 7.82 秒" +
		mark(sweep, "1", "p99_s") + "（每秒 9,000" + mark(bench, "ch3-epoll-lt", "requests_per_second") + " 个请求）。\n"
	files := map[string]string{
		bench:                   benchCSV,
		sweep:                   "backlog,p99_s\n1,7.82\n50,0.0739\n",
		"docs/en/figures.md":    en,
		"docs/zh-CN/figures.md": zh,
	}
	for name, text := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Figures that equal their cells, at the precision the text shows, in the
// text's unit, pass; a figure that drifted from its data does not.
func TestFigures(t *testing.T) {
	root := writeFixture(t)
	writeFigures(t, root)
	for _, p := range check(t, root) {
		t.Error("right figures:", p)
	}

	replace(t, root, "docs/en/figures.md", "and 0.2<!--", "and 0.06<!--")
	problems := check(t, root)
	want := "figure 0.06 differs from docs/data/bench.csv ch3-epoll-lt futex_per_request = 0.20"
	if len(problems) != 1 || problems[0].Message != want || problems[0].File != "docs/en/figures.md" || problems[0].Line != 9 {
		t.Errorf("a drifted figure: %v\nwant docs/en/figures.md:9: %s", problems, want)
	}
}

// Each way a figure can be wrong is reported where it is.
func TestFigureProblems(t *testing.T) {
	for _, c := range []struct {
		name, file, old, new, want string
	}{
		{"rounded wrong", "docs/en/figures.md", "1.50×", "1.49×", "figure 1.49× differs from docs/data/bench.csv ch3-epoll-lt/C cpu_us_per_request = 1.50×"},
		{"percent", "docs/zh-CN/figures.md", "15%", "0.15%", "figure 0.15% differs from docs/data/bench.csv ch3-epoll-lt user_share = 15.00%"},
		{"unit", "docs/zh-CN/figures.md", "74 毫秒", "74 微秒", "figure 74 微秒 differs from docs/data/sweep.csv 50 p99_s = 73900 微秒"},
		{"no unit", "docs/en/figures.md", "p99 was 74 ms", "p99 was 74", "figure 74 differs from docs/data/sweep.csv 50 p99_s = 0.0739 s"},
		{"thousands", "docs/en/figures.md", "(9,000", "(9,100", "figure 9,100 differs from docs/data/bench.csv ch3-epoll-lt requests_per_second = 9000"},
		{"no row", "docs/en/figures.md", "ch3-epoll-lt/C", "ch3-epoll-lt/ch9", `figure 1.50×: docs/data/bench.csv: no row "ch3-epoll-lt/ch9"`},
		{"no column", "docs/en/figures.md", "cpu_us_per_request --> per", "cpu --> per", `figure 30.0 µs: docs/data/bench.csv: no column "cpu"`},
		{"no file", "docs/en/figures.md", "docs/data/sweep.csv 1", "docs/data/none.csv 1", "figure 7.82 s: docs/data/none.csv does not exist"},
		{"no figure", "docs/en/figures.md", "1.50×<!--", "the ratio<!--", "follows no figure"},
		{"malformed", "docs/en/figures.md", "<!-- data: docs/data/sweep.csv 1 p99_s -->", "<!-- data: docs/data/sweep.csv p99_s -->", "malformed data marker"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := writeFixture(t)
			writeFigures(t, root)
			replace(t, root, c.file, c.old, c.new)
			problems := check(t, root)
			found := false
			for _, p := range problems {
				found = found || p.File == c.file && strings.Contains(p.Message, c.want)
			}
			if !found {
				t.Errorf("want %s: %s, got %v", c.file, c.want, problems)
			}
		})
	}
}

// The twins mark the same figures; which one lacks a mark is reported on
// the Chinese page.
func TestFiguresInBothTwins(t *testing.T) {
	root := writeFixture(t)
	writeFigures(t, root)
	replace(t, root, "docs/zh-CN/figures.md", "<!-- data: docs/data/bench.csv net/http cpu_us_per_request -->", "")
	problems := check(t, root)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "marks no figure with docs/data/bench.csv net/http cpu_us_per_request") ||
		problems[0].File != "docs/zh-CN/figures.md" {
		t.Errorf("a figure marked in English only: %v", problems)
	}
	replace(t, root, "docs/zh-CN/figures.md", "65 微秒", "65 微秒<!-- data: docs/data/bench.csv C cpu_us_per_request -->")
	found := false
	for _, p := range check(t, root) {
		found = found || strings.Contains(p.Message, "figure 65 微秒 differs") ||
			strings.Contains(p.Message, "which docs/en/figures.md does not mark")
	}
	if !found {
		t.Error("a figure marked in Chinese only was not reported")
	}
}

// Any recorded CSV renders through a table marker: the English and the
// Chinese table carry the same data under translated headers, and a stale
// one is reported until Fix renders it again.
func TestGenericTable(t *testing.T) {
	root := writeFixture(t)
	writeFigures(t, root)
	for _, name := range []string{"docs/en/figures.md", "docs/zh-CN/figures.md"} {
		replace(t, root, name, "## CPU\n\n", "## CPU\n\n<!-- table: docs/data/sweep.csv -->\n\n")
	}
	if problems := check(t, root); len(problems) != 2 || !strings.Contains(problems[0].Message, "the table differs from docs/data/sweep.csv") {
		t.Fatalf("empty tables: %v", problems)
	}
	if _, _, err := Fix(root); err != nil {
		t.Fatal(err)
	}
	for _, p := range check(t, root) {
		t.Error("after Fix:", p)
	}
	en, _ := os.ReadFile(filepath.Join(root, "docs/en/figures.md"))
	zh, _ := os.ReadFile(filepath.Join(root, "docs/zh-CN/figures.md"))
	rows := "|---|---:|\n| 1 | 7.82 s |\n| 50 | 73.9 ms |\n"
	if !strings.Contains(string(en), "| backlog | p99 |\n"+rows) || !strings.Contains(string(zh), "| backlog | p99 |\n"+rows) {
		t.Errorf("rendered tables:\n%s\n%s", en, zh)
	}
	replace(t, root, "docs/data/sweep.csv", "50,0.0739", "50,0.0751")
	problems := check(t, root)
	if len(problems) != 2+2 { // two stale tables, and the figure 74 ms on each page
		t.Errorf("new data: %v", problems)
	}
}
