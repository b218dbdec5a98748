package doccheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"epolltutorial/tools/layout"
	driver "epolltutorial/tools/load"
)

const sweepCSV = `backlog,p50_s,p99_s,ListenOverflows
1,0.0013,7.82,1061
16,0.0107,1.24,213
128,0.0229,0.191,0
`

// writeCharts adds a recorded sweep and a page pair (off the reading path)
// that shows its chart. The Chinese page links the English picture, and
// neither picture exists yet.
func writeCharts(t *testing.T, root string) {
	t.Helper()
	page := func(first, title, alt string) string {
		return first + "\n\n# " + title + "\n\n<a id=\"sweep\"></a>\n## " + title +
			"\n\n<!-- chart: docs/data/backlog-ch9.csv -->\n![" + alt + "](../img/backlog-ch9.svg)\n\n" +
			"```markdown\n<!-- chart: docs/data/nowhere.csv -->\n```\n"
	}
	files := map[string]string{
		"docs/data/backlog-ch9.csv": sweepCSV,
		"docs/en/charts.md":         page("**English** | [中文](../zh-CN/charts.md)", "Sweep", "the sweep"),
		"docs/zh-CN/charts.md":      page("[English](../en/charts.md) | **中文**", "扫描", "扫描结果"),
	}
	for name, text := range files {
		write(t, root, name, text)
	}
}

func write(t *testing.T, root, name, text string) {
	t.Helper()
	path := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// messages lists the problems, one a line, for matching and for failures.
func messages(problems []Problem) string {
	var lines []string
	for _, p := range problems {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "\n")
}

func read(t *testing.T, root, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// Missing pictures and a picture in the wrong language are problems; Fix
// draws each language's chart from the data and links it, and then the
// check passes. New data, or a picture edited by hand, makes it stale.
func TestGeneratedCharts(t *testing.T) {
	root := writeFixture(t)
	writeCharts(t, root)
	got := messages(check(t, root))
	for _, want := range []string{
		"docs/en/charts.md:8: docs/img/backlog-ch9.svg is missing (`make docs FIX=1` draws it from docs/data/backlog-ch9.csv)",
		"docs/zh-CN/charts.md:8: docs/img/backlog-ch9.zh-CN.svg is missing",
		"docs/zh-CN/charts.md:9: the chart of docs/data/backlog-ch9.csv in this page's language is ../img/backlog-ch9.zh-CN.svg, not ../img/backlog-ch9.svg",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("before Fix, no problem %q in:\n%s", want, got)
		}
	}

	rewritten, _, err := Fix(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"docs/img/backlog-ch9.svg", "docs/img/backlog-ch9.zh-CN.svg", "docs/zh-CN/charts.md"} {
		if !slices.Contains(rewritten, f) {
			t.Errorf("Fix did not write %s (it wrote %q)", f, rewritten)
		}
	}
	for _, p := range check(t, root) {
		t.Error("after Fix:", p)
	}
	if zh := read(t, root, "docs/zh-CN/charts.md"); !strings.Contains(zh, "\n![扫描结果](../img/backlog-ch9.zh-CN.svg)\n") {
		t.Errorf("the Chinese page does not show its chart:\n%s", zh)
	}
	en, zh := read(t, root, "docs/img/backlog-ch9.svg"), read(t, root, "docs/img/backlog-ch9.zh-CN.svg")
	if hasHan(en) || !strings.Contains(en, "p99 latency") {
		t.Errorf("the English chart:\n%s", en)
	}
	if !strings.Contains(zh, "p99 延迟（对数刻度）") || !strings.Contains(zh, "<text x=\"360\" y=\"22\"") {
		t.Errorf("the Chinese chart:\n%s", zh)
	}
	for lang, svg := range map[string]string{"en": en, "zh-CN": zh} {
		want, err := driver.RenderChartFile(filepath.Join(root, "docs/data/backlog-ch9.csv"), lang)
		if err != nil {
			t.Fatal(err)
		}
		if svg != string(want) {
			t.Errorf("%s: Fix wrote another chart than the data draws", lang)
		}
	}
	if rewritten, _, err := Fix(root); err != nil || len(rewritten) != 0 {
		t.Errorf("a second Fix rewrote %q (%v)", rewritten, err)
	}

	// New data makes both pictures stale.
	replace(t, root, "docs/data/backlog-ch9.csv", "1,0.0013,7.82,1061", "1,0.0013,3.1,1061")
	stale := check(t, root)
	if len(stale) != 2 || !strings.Contains(messages(stale), "docs/img/backlog-ch9.zh-CN.svg is not what docs/data/backlog-ch9.csv draws") {
		t.Errorf("stale charts:\n%s", messages(stale))
	}
	if _, _, err := Fix(root); err != nil {
		t.Fatal(err)
	}
	// So does an edit by hand.
	replace(t, root, "docs/img/backlog-ch9.zh-CN.svg", "p99 延迟（对数刻度）", "p99 延迟")
	if got := messages(check(t, root)); got != "docs/zh-CN/charts.md:8: docs/img/backlog-ch9.zh-CN.svg is not what docs/data/backlog-ch9.csv draws (`make docs FIX=1` draws it again)" {
		t.Errorf("an edited chart:\n%s", got)
	}
}

// Each way a chart can be wrong is reported where it is.
func TestChartProblems(t *testing.T) {
	for _, c := range []struct {
		name  string
		spoil func(t *testing.T, root string)
		want  string
	}{
		{"one side only", func(t *testing.T, root string) {
			replace(t, root, "docs/zh-CN/charts.md", "<!-- chart: docs/data/backlog-ch9.csv -->\n", "")
		}, `docs/zh-CN/charts.md: has no chart "docs/data/backlog-ch9.csv" to match docs/en/charts.md:8`},
		{"no image", func(t *testing.T, root string) {
			replace(t, root, "docs/en/charts.md", "csv -->\n!", "csv -->\n\n!")
		}, "docs/en/charts.md:8: a chart marker goes on the line just before its image: ![…](../img/backlog-ch9.svg)"},
		{"malformed", func(t *testing.T, root string) {
			replace(t, root, "docs/en/charts.md", "backlog-ch9.csv -->", "backlog-ch9.csv-->")
		}, "docs/en/charts.md:8: malformed chart marker"},
		{"no data", func(t *testing.T, root string) {
			if err := os.Remove(filepath.Join(root, "docs/data/backlog-ch9.csv")); err != nil {
				t.Fatal(err)
			}
		}, "docs/en/charts.md:8: docs/data/backlog-ch9.csv does not exist"},
		{"no chart for it", func(t *testing.T, root string) {
			write(t, root, "docs/data/c10k.csv", "measure,ch3\nidle_asked,1\n")
			replace(t, root, "docs/en/charts.md", "backlog-ch9.csv -->", "c10k.csv -->")
		}, "docs/en/charts.md:8: c10k.csv: only the backlog sweeps (backlog-CHAPTER.csv) have a chart"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := writeFixture(t)
			writeCharts(t, root)
			if _, _, err := Fix(root); err != nil {
				t.Fatal(err)
			}
			c.spoil(t, root)
			if got := messages(check(t, root)); !strings.Contains(got, c.want) {
				t.Errorf("no problem %q in:\n%s", c.want, got)
			}
		})
	}
}

// A picture named after a data file that no page shows as a chart is
// reported, in either language: nothing would keep it up to date. Other
// pictures are not charts and are left alone.
func TestUnshownCharts(t *testing.T) {
	root := writeFixture(t)
	writeCharts(t, root)
	if _, _, err := Fix(root); err != nil {
		t.Fatal(err)
	}
	write(t, root, "docs/data/backlog-ch8.csv", sweepCSV)
	write(t, root, "docs/img/backlog-ch8.zh-CN.svg", "<svg/>")
	write(t, root, "docs/img/lifecycle.svg", "<svg/>")
	got := check(t, root)
	want := "docs/img/backlog-ch8.zh-CN.svg: is named as the chart of docs/data/backlog-ch8.csv, but no page shows it"
	if len(got) != 1 || !strings.HasPrefix(got[0].String(), want) {
		t.Errorf("got:\n%s\nwant one problem: %s", messages(got), want)
	}
}

// The committed charts are what their recorded data draws, in the language
// of the page that shows them: `make test` fails on a stale one, as `make
// docs` does.
func TestRepositoryCharts(t *testing.T) {
	root, err := layout.Root()
	if err != nil {
		t.Fatal("no go.work above the working directory")
	}
	c, err := load(root)
	if err != nil {
		t.Fatal(err)
	}
	perLanguage := map[string]int{}
	for _, p := range c.pages {
		lang := language(p.rel)
		for _, ch := range c.charts(p) {
			perLanguage[lang]++
			want, err := driver.RenderChartFile(c.path(ch.text), lang)
			if err != nil {
				t.Errorf("%s:%d: %v", p.rel, ch.line, err)
				continue
			}
			have, err := os.ReadFile(c.path(ch.svg))
			if err != nil {
				t.Errorf("%s:%d: %v", p.rel, ch.line, err)
				continue
			}
			if string(have) != string(want) {
				t.Errorf("%s:%d: %s is not what %s draws: run `make docs FIX=1`", p.rel, ch.line, ch.svg, ch.text)
			}
			if hasHan(string(have)) != (lang == "zh-CN") {
				t.Errorf("%s:%d: %s is not in the page's language, %s", p.rel, ch.line, ch.svg, lang)
			}
		}
	}
	if perLanguage["en"] == 0 || perLanguage["en"] != perLanguage["zh-CN"] {
		t.Errorf("charts shown per language: %v; want the same number, at least one", perLanguage)
	}
}
