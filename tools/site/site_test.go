package site

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"epolltutorial/tools/layout"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := layout.Root()
	if err != nil {
		t.Fatal("no go.work above the working directory")
	}
	return root
}

// The site of the tutorial itself: every chapter in both languages, every
// line of code once, every note beside its lines, every link resolving,
// and no problem in the input.
func TestSiteOfTheTutorial(t *testing.T) {
	root := repoRoot(t)
	out := t.TempDir()
	res, err := Build(Config{Root: root, Out: out, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("input problem: %s", p)
	}
	pages := checkSite(t, root, out, layout.Chapters)
	for _, ch := range layout.Chapters {
		checkCommentLanguage(t, pages, ch)
	}
}

// checkCommentLanguage: a chapter's listing shows its comments in the
// page's language, coloured as comments: every comment of the Chinese
// page holds Chinese (but for directives, which are code), and none of the
// English page's does.
func checkCommentLanguage(t *testing.T, pages map[string]*sitePage, chapter string) {
	t.Helper()
	for _, lg := range langs {
		p := pages[lg.Code+"/"+chapter+".html"]
		if p == nil {
			continue // checkStructure reports it
		}
		n := 0
		for _, loc := range find(p.doc, byClass("loc")) {
			for _, c := range find(loc, byClass("c1")) {
				text := textOf(c)
				if strings.HasPrefix(text, "//go:") {
					continue
				}
				n++
				if han := strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }); han != (lg.Code == "zh-CN") {
					t.Errorf("%s: %s: a comment in the wrong language: %q", p.path, attr(loc, "id"), text)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: the listing shows no comments", p.path)
		}
	}
}

// untar writes a txtar archive's files under dir.
func untar(t *testing.T, archive, dir string) {
	t.Helper()
	data, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	var body bytes.Buffer
	flush := func() {
		if name == "" {
			return
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		body.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --\n") {
			flush()
			name = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --\n")
			continue
		}
		if name != "" {
			body.WriteString(line)
		}
	}
	flush()
}

var fixtureChapters = []string{"ch1-one", "ch2-two", "ch3-three"}

// buildFixture builds the site of testdata/tree.txtar.
func buildFixture(t *testing.T) (root, out string, res *Result) {
	t.Helper()
	root, out = t.TempDir(), t.TempDir()
	untar(t, "testdata/tree.txtar", root)
	res, err := Build(Config{Root: root, Out: out, Chapters: fixtureChapters, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	return root, out, res
}

func readPage(t *testing.T, out, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSiteOfAFixture(t *testing.T) {
	root, out, res := buildFixture(t)
	if len(res.Problems) > 0 {
		t.Errorf("problems in a clean fixture: %q", res.Problems)
	}
	checkSite(t, root, out, fixtureChapters)

	ch1 := readPage(t, out, "en/ch1-one.html")
	for _, want := range []string{
		// Notes stand in the rows of the first lines they quote.
		`<div class="row" id="s1"><div class="notes">` + "\n" + `<div class="note" data-lines="1-3">`,
		`<div class="row" id="s5"><div class="notes">` + "\n" + `<div class="note" data-lines="5-6">`,
		`<div class="row" id="s8"><div class="notes">` + "\n" + `<div class="note" data-lines="8-10">`,
		// A heading's explicit anchor is its id, in the note.
		`<h3 id="greeting">`,
		// A link to lines of main.go is a link to the listing on the page.
		`<a href="#L9">prints it</a>`,
		// The Python gutter puts line 2 on the line its row quotes, linked
		// to the map's row, with the row's words as a tooltip.
		`<a href="#py-2" title="Python line 2: prints it">2</a>`,
		`<tr id="py-2">`,
		// Other chapters' READMEs and docs become their pages.
		`href="ch2-two.html"`, `href="docs/notes.html#why"`,
		// The language switch keeps the reader's place with the script.
		`<a class="lang" data-keep-place hreflang="zh-CN" lang="zh-CN" href="../zh-CN/ch1-one.html">中文</a>`,
		// The prose of a part with no quote joins the note before it.
		`<h3 id="aside">`,
	} {
		if !strings.Contains(ch1, want) {
			t.Errorf("en/ch1-one.html lacks %s", want)
		}
	}
	if strings.Contains(ch1, "**English**") || strings.Contains(ch1, "code: main.go") {
		t.Error("en/ch1-one.html shows the README's language line or a code marker")
	}
	if strings.Count(ch1, `class="note"`) != 3 {
		t.Errorf("en/ch1-one.html has %d notes, want 3", strings.Count(ch1, `class="note"`))
	}

	// The listing's comments are in the page's language, coloured as
	// comments; the code is the same.
	zh1 := readPage(t, out, "zh-CN/ch1-one.html")
	for page, want := range map[string]string{
		ch1: `id="L5"><a class="gut-go" href="#L5">5</a><span class="gut-py"></span><span class="src"><span class="c1">// greeting is what the program says.</span></span></div>`,
		zh1: `id="L5"><a class="gut-go" href="#L5">5</a><span class="gut-py"></span><span class="src"><span class="c1">// greeting 是程序要说的话。</span></span></div>`,
		readPage(t, out, "en/ch2-two-vs-ch1-one.html"):    `<span class="c1">// greeting is what the program says.</span>`,
		readPage(t, out, "zh-CN/ch2-two-vs-ch1-one.html"): `<span class="c1">// greeting 是程序要说的话。</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("a page lacks %s", want)
		}
	}
	if strings.Contains(ch1, "是程序要说的话") || strings.Contains(zh1, "is what the program says") {
		t.Error("a listing mixes the languages of its comments")
	}
	enSrc, zhSrc := listingSource(ch1), listingSource(zh1)
	if len(enSrc) != 10 || len(zhSrc) != 10 {
		t.Fatalf("ch1-one's listing has %d lines in English, %d in Chinese; main.go has 10", len(enSrc), len(zhSrc))
	}
	for i := range enSrc {
		if i+1 != 5 && zhSrc[i] != enSrc[i] {
			t.Errorf("ch1-one line %d: the Chinese page shows %s, the English %s", i+1, zhSrc[i], enSrc[i])
		}
	}

	ch2 := readPage(t, out, "zh-CN/ch2-two.html")
	for _, want := range []string{
		// Two quotes in a row are one note.
		`<div class="note" data-lines="3-6 8-9">`,
		// Lines no note quotes stand in a bare row.
		`<div class="row bare" id="s10">`,
		// A link to another file of the repository shows it as a page.
		`href="src/ch2-two/load.sh.html#L3"`,
		// The changes since chapter 1 can be highlighted.
		`<div class="loc chg-0" id="L9">`,
		`href="ch2-two-vs-ch1-one.html"`,
	} {
		if !strings.Contains(ch2, want) {
			t.Errorf("zh-CN/ch2-two.html lacks %s", want)
		}
	}

	results := readPage(t, out, "en/docs/results.html")
	if !strings.Contains(results, `<img src="../../files/results/chart.svg" alt="a chart">`) {
		t.Error("the results page does not show its chart from the site's copy")
	}
	if _, err := os.Stat(filepath.Join(out, "files", "results", "chart.svg")); err != nil {
		t.Error("the chart was not copied:", err)
	}
	notes := readPage(t, out, "zh-CN/docs/notes.html")
	if !strings.Contains(notes, `<figcaption><a href="../ch1-one.html#L9">../../ch1-one/main.go:9</a></figcaption>`) {
		t.Error("a quote in a docs page does not link to the lines it quotes")
	}

	// A chapter without READMEs still has its pages, with its listing.
	ch3 := readPage(t, out, "en/ch3-three.html")
	if !strings.Contains(ch3, `class="missing"`) || !strings.Contains(ch3, `id="L3"`) {
		t.Error("en/ch3-three.html does not show the listing of a chapter without notes")
	}
}

// A stale quote, a map row off the listing and a link to nothing are
// reported, and the site is built all the same.
func TestProblemsAreReported(t *testing.T) {
	root, out := t.TempDir(), t.TempDir()
	untar(t, "testdata/tree.txtar", root)
	readme := filepath.Join(root, "ch1-one", "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	// ch2-two's comment changes, and its translation is stale.
	replaceIn(t, filepath.Join(root, "ch2-two", "main.go"), "// greeting is what", "// greeting is all")
	broken := strings.NewReplacer(
		`const greeting = "hello"`+"\n```", `const greeting = "bye"`+"\n```",
		"[main.go:8-10](main.go#L8-L10)", "[main.go:8-40](main.go#L8-L40)",
		"(../docs/en/notes.md#why)", "(../docs/en/gone.md)",
	).Replace(string(data))
	if err := os.WriteFile(readme, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Build(Config{Root: root, Out: out, Chapters: fixtureChapters})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(res.Problems, "\n")
	for _, want := range []string{
		"ch1-one/README.md: the block after code marker main.go:5-6 differs from ch1-one/main.go",
		"ch1-one/README.md: map: Python line 2 points at main.go:8-40, outside the listing",
		`ch1-one/README.md: link "../docs/en/gone.md": no such file: docs/en/gone.md`,
		"ch2-two/main.go:8: missing: this comment has no Chinese in main.go.zh-CN.txt",
		"ch2-two/main.go.zh-CN.txt:1: stale: the English changed; main.go no longer has this comment (is it now the one at main.go:8?)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q; got:\n%s", want, got)
		}
	}
}

// listingSource is the highlighted source of each line of a page's
// listing, in order.
func listingSource(page string) []string {
	var out []string
	for _, m := range listingLineRE.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

var listingLineRE = regexp.MustCompile(`<div class="loc[^"]*" id="L\d+">.*?<span class="src">(.*?)</span></div>`)

// replaceIn edits a file: the first old becomes new.
func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Build replaces a site it built, and nothing else.
func TestBuildReplacesOnlyASite(t *testing.T) {
	root, out, _ := buildFixture(t)
	stale := filepath.Join(out, "en", "stale.html")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(Config{Root: root, Out: out, Chapters: fixtureChapters}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a page of the earlier build survived")
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "precious.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(Config{Root: root, Out: other, Chapters: fixtureChapters}); err == nil {
		t.Error("Build wrote over a folder that holds no site")
	}
	if _, err := os.Stat(filepath.Join(other, "precious.txt")); err != nil {
		t.Error("Build removed a file it did not write")
	}
}
