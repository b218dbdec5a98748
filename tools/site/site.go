// Package site turns the tutorial into a static, bilingual reading site in
// the manner of Go by Example: each chapter's notes on the left, beside the
// lines of main.go they explain on the right.
//
// Its input is the repository as it is. From each chapter it takes main.go,
// the Chinese of its comments (main.go.zh-CN.txt, see package comments: the
// Chinese pages show the listing with them) and the two READMEs. In a
// README's walkthrough section each note is a quote of main.go (a fenced
// block after a <!-- code: main.go:A-B --> marker) and the prose after it,
// up to the next quote of main.go or the next heading; the note stands
// beside line A, and the listing is shown once, whole, cut into rows at
// the notes. The map section's table (Python line → Go lines) gives the
// listing a second gutter with the article's line numbers. Each chapter
// is also set against the one before it (and against a much closer
// earlier one: chapter 5 against chapter 3), with the lines layout.Diff
// finds changed highlighted. The root READMEs and the pages under docs/en
// and docs/zh-CN become the index and the narrative; links between
// Markdown files become links between pages, and the charts and files
// they point to are copied or shown.
//
// The output is a folder of HTML pages, one style sheet and a few lines of
// script (the language switch keeps the reader's place: both languages
// share their anchor ids). It needs no network and prints cleanly.
package site

import (
	"errors"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"

	"epolltutorial/tools/comments"
	"epolltutorial/tools/layout"
)

// Config says where the repository is and where the site goes.
type Config struct {
	Root     string   // the repository
	Out      string   // the site's folder; replaced if it holds an earlier site
	Chapters []string // chapter folders in reading order; default layout.Chapters
	// Logf, if set, hears about chapters shown without notes and the like.
	Logf func(format string, args ...any)
}

// Result tells what was built.
type Result struct {
	Pages []string // site-relative paths of the HTML pages, sorted
	// Problems are faults in the input that the site shows as best it can:
	// links to nothing, quotes that no longer match the code, a malformed
	// map. A complete tutorial has none.
	Problems []string
}

// stamp marks a folder as one this package wrote, so it may replace it.
const stamp = ".tutorial-site"

// Build writes the site.
func Build(cfg Config) (*Result, error) {
	if cfg.Chapters == nil {
		cfg.Chapters = layout.Chapters
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	b := &builder{
		cfg:   cfg,
		byDir: map[string]*chapter{},
		docs:  map[string][]*docEntry{},
		pages: map[string][]byte{},
		src:   map[string]bool{},
		files: map[string]bool{},
		lines: map[string][]string{},
	}
	b.md = newMarkdown(b)
	if err := b.load(); err != nil {
		return nil, err
	}
	if err := b.renderAll(); err != nil {
		return nil, err
	}
	if err := b.write(); err != nil {
		return nil, err
	}
	res := &Result{Problems: b.problems}
	for p := range b.pages {
		if strings.HasSuffix(p, ".html") {
			res.Pages = append(res.Pages, p)
		}
	}
	sort.Strings(res.Pages)
	return res, nil
}

type builder struct {
	cfg      Config
	md       goldmark.Markdown
	chapters []*chapter
	byDir    map[string]*chapter
	docs     map[string][]*docEntry // by language code, in reading order
	pages    map[string][]byte      // site-relative path → content
	src      map[string]bool        // repository files shown as source pages
	files    map[string]bool        // repository files copied as they are
	lines    map[string][]string
	problems []string
}

// chapter is one chapter folder.
type chapter struct {
	Dir     string
	Num     int
	Lines   []string            // main.go
	Shown   map[string][]string // by language code: main.go, its comments in that language
	HTML    map[string][]string // by language code: Shown, highlighted, one string per line
	Title   map[string]string   // by language code, from the README's title
	README  map[string]bool     // by language code: the README exists
	Compare []*comparison       // what this chapter is set against
	notes   map[string][]*note
	prev    *chapter
	next    *chapter
}

// docEntry is one page of docs/LANG.
type docEntry struct {
	Name  string // file name without .md
	Title string
}

func (b *builder) problem(format string, args ...any) {
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
}

var chapterNumRE = regexp.MustCompile(`^ch(\d+)`)

func (b *builder) load() error {
	for i, dir := range b.cfg.Chapters {
		lines, err := b.fileLines(dir + "/main.go")
		if err != nil {
			return fmt.Errorf("chapter %s: %w", dir, err)
		}
		ch := &chapter{
			Dir: dir, Num: i + 1, Lines: lines,
			Shown:  map[string][]string{},
			HTML:   map[string][]string{},
			Title:  map[string]string{},
			README: map[string]bool{},
			notes:  map[string][]*note{},
		}
		for _, lg := range langs {
			shown := lines
			if lg.Comments {
				// Translated before highlighting, so the Chinese is
				// coloured as comments; the line count stays.
				res, err := comments.Translate(b.cfg.Root, dir+"/main.go", lines)
				if err != nil {
					return fmt.Errorf("chapter %s: %w", dir, err)
				}
				for _, p := range res.Problems {
					b.problem("%s", p)
				}
				shown = res.Lines
			}
			ch.Shown[lg.Code] = shown
			ch.HTML[lg.Code] = highlight("go", strings.Join(shown, "\n"))
		}
		if m := chapterNumRE.FindStringSubmatch(dir); m != nil {
			ch.Num, _ = strconv.Atoi(m[1])
		}
		for _, lg := range langs {
			file := dir + "/" + lg.README
			data, err := b.read(file)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				b.cfg.Logf("%s: no %s yet: its %s page shows the listing without notes", dir, lg.README, lg.Name)
				ch.Title[lg.Code] = dir
			case err != nil:
				return err
			default:
				ch.README[lg.Code] = true
				ch.Title[lg.Code] = markdownTitle(data, dir)
			}
		}
		if n := len(b.chapters); n > 0 {
			ch.prev = b.chapters[n-1]
			b.chapters[n-1].next = ch
		}
		b.chapters = append(b.chapters, ch)
		b.byDir[dir] = ch
	}
	for i, ch := range b.chapters {
		ch.Compare = comparisons(b.chapters, i)
	}
	for _, lg := range langs {
		names, err := filepath.Glob(filepath.Join(b.cfg.Root, filepath.FromSlash(lg.Docs), "*.md"))
		if err != nil {
			return err
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			base := strings.TrimSuffix(filepath.Base(name), ".md")
			b.docs[lg.Code] = append(b.docs[lg.Code], &docEntry{Name: base, Title: markdownTitle(data, base)})
		}
		index, _ := b.read(lg.Docs + "/index.md")
		sortDocs(b.docs[lg.Code], index)
	}
	return nil
}

// sortDocs puts the narrative in reading order: the order in which its
// index page (index.md) links to the pages, the index first; pages it does
// not link come after, by name.
func sortDocs(docs []*docEntry, index []byte) {
	rank := map[string]int{"index": 0}
	for _, m := range docLinkRE.FindAllSubmatch(index, -1) {
		if name := string(m[1]); rank[name] == 0 && name != "index" {
			rank[name] = len(rank)
		}
	}
	pos := func(name string) int {
		if r, ok := rank[name]; ok {
			return r
		}
		return len(rank)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if pi, pj := pos(docs[i].Name), pos(docs[j].Name); pi != pj {
			return pi < pj
		}
		return docs[i].Name < docs[j].Name
	})
}

// A link from a docs page to a sibling page: [text](name.md#frag).
var docLinkRE = regexp.MustCompile(`\]\(([a-zA-Z0-9_-]+)\.md(?:#[^)]*)?\)`)

var titleRE = regexp.MustCompile(`(?m)^# +(.+?)\s*#*\s*$`)

// markdownTitle is the text of the first level-1 heading, or def.
func markdownTitle(src []byte, def string) string {
	if m := titleRE.FindSubmatch(src); m != nil {
		t := string(m[1])
		// Titles are plain text; drop the Markdown of code spans and links.
		t = strings.NewReplacer("`", "", "**", "", "*", "").Replace(t)
		return regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`).ReplaceAllString(t, "$1")
	}
	return def
}

var chapterPrefixRE = regexp.MustCompile(`^(?:Chapter\s*\d+|第\s*\d+\s*章)`)

// heading is the chapter's title as its README gives it ("Chapter 3:
// epoll, level-triggered"), with the chapter's number put in front when
// the README leaves it out.
func (ch *chapter) heading(lg *lang) string {
	t := ch.Title[lg.Code]
	if chapterPrefixRE.MatchString(t) {
		return t
	}
	return fmt.Sprintf(lg.Titled, lg.chapter(ch.Num), t)
}

func (b *builder) read(file string) ([]byte, error) {
	return os.ReadFile(filepath.Join(b.cfg.Root, filepath.FromSlash(file)))
}

func (b *builder) exists(file string) bool {
	fi, err := os.Stat(filepath.Join(b.cfg.Root, filepath.FromSlash(file)))
	return err == nil && !fi.IsDir()
}

// fileLines reads a repository file as lines, once.
func (b *builder) fileLines(file string) ([]string, error) {
	if lines, ok := b.lines[file]; ok {
		return lines, nil
	}
	lines, err := layout.Lines(filepath.Join(b.cfg.Root, filepath.FromSlash(file)))
	if err != nil {
		return nil, err
	}
	b.lines[file] = lines
	return lines, nil
}

// Where pages go.
func chapterOut(lg *lang, ch *chapter) string { return lg.Code + "/" + ch.Dir + ".html" }
func compareOut(lg *lang, ch *chapter, c *comparison) string {
	return lg.Code + "/" + ch.Dir + "-vs-" + c.Base.Dir + ".html"
}
func docOut(lg *lang, name string) string { return lg.Code + "/docs/" + name + ".html" }
func srcOut(lg *lang, file string) string { return lg.Code + "/src/" + file + ".html" }
func indexOut(lg *lang) string            { return lg.Code + "/index.html" }
func (b *builder) hasDoc(lg *lang, name string) bool {
	for _, d := range b.docs[lg.Code] {
		if d.Name == name {
			return true
		}
	}
	return false
}

// resolve turns dest, a link written in the repository file fromFile, into
// a link on the page fromOut.
func (b *builder) resolve(fromFile, fromOut string, lg *lang, dest string) (string, error) {
	if dest == "" || strings.HasPrefix(dest, "#") {
		return dest, nil
	}
	u, err := url.Parse(dest)
	if err != nil {
		return "", err
	}
	if u.Scheme != "" || u.Host != "" {
		return dest, nil
	}
	target := path.Join(path.Dir(fromFile), u.Path)
	if strings.HasPrefix(u.Path, "/") {
		target = path.Clean(strings.TrimPrefix(u.Path, "/"))
	}
	return b.href(fromOut, lg, target, u.Fragment)
}

// href is the link from the page fromOut to the site's copy of target, a
// repository path, at fragment frag.
func (b *builder) href(fromOut string, lg *lang, target, frag string) (string, error) {
	out, frag, err := b.route(lg, target, frag)
	if err != nil {
		return "", err
	}
	return relLink(fromOut, out, frag), nil
}

// route says which page of the site stands for target.
func (b *builder) route(lg *lang, target, frag string) (string, string, error) {
	target = path.Clean(target)
	if target == ".." || strings.HasPrefix(target, "../") {
		return "", "", fmt.Errorf("%s is outside the repository", target)
	}
	if target == "." {
		return indexOut(lg), frag, nil
	}
	for _, l := range langs {
		if target == l.README {
			return indexOut(l), frag, nil
		}
	}
	first, rest, _ := strings.Cut(target, "/")
	if ch := b.byDir[first]; ch != nil {
		switch rest {
		case "":
			return chapterOut(lg, ch), frag, nil
		case "main.go":
			return chapterOut(lg, ch), lineFragment(frag), nil
		}
		for _, l := range langs {
			if rest == l.README {
				return chapterOut(l, ch), frag, nil
			}
		}
	}
	for _, l := range langs {
		dir, name := path.Split(target)
		if dir == l.Docs+"/" && strings.HasSuffix(name, ".md") && b.hasDoc(l, strings.TrimSuffix(name, ".md")) {
			return docOut(l, strings.TrimSuffix(name, ".md")), frag, nil
		}
	}
	fi, err := os.Stat(filepath.Join(b.cfg.Root, filepath.FromSlash(target)))
	if err != nil {
		return "", "", fmt.Errorf("no such file: %s", target)
	}
	if fi.IsDir() {
		return "", "", fmt.Errorf("%s is a folder, not a page", target)
	}
	if copied[strings.ToLower(path.Ext(target))] {
		b.files[target] = true
		return "files/" + target, frag, nil
	}
	b.src[target] = true
	return srcOut(lg, target), lineFragment(frag), nil
}

// copied are the kinds of file the site copies as they are (charts, data);
// other files are shown as highlighted source pages.
var copied = map[string]bool{
	".svg": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true,
	".pdf": true, ".csv": true, ".tsv": true, ".json": true,
}

// relLink is the link from page from to page to (both site-relative) at
// fragment frag.
func relLink(from, to, frag string) string {
	s := ""
	if from != to {
		s = relPath(path.Dir(from), to)
	}
	if frag != "" {
		return s + "#" + frag
	}
	if s == "" {
		return path.Base(to)
	}
	return s
}

// relPath is the path of to as seen from the folder fromDir.
func relPath(fromDir, to string) string {
	parts := func(p string) []string {
		if p == "." || p == "" {
			return nil
		}
		return strings.Split(p, "/")
	}
	fd, td := parts(fromDir), parts(to)
	i := 0
	for i < len(fd) && i < len(td)-1 && fd[i] == td[i] {
		i++
	}
	return strings.Repeat("../", len(fd)-i) + strings.Join(td[i:], "/")
}

// write replaces the output folder with the site.
func (b *builder) write() error {
	out := b.cfg.Out
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, stamp)); err != nil {
			return fmt.Errorf("%s is not empty and holds no site built here: not replacing it", out)
		}
		if err := os.RemoveAll(out); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for file := range b.files {
		data, err := b.read(file)
		if err != nil {
			return err
		}
		b.pages["files/"+file] = data
	}
	b.pages[stamp] = []byte("Built by the tutorial's site generator (make site); replaced on every build.\n")
	for name, data := range b.pages {
		dst := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// escape makes text safe in HTML text and attributes.
func escape(s string) string { return html.EscapeString(s) }
