package site

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"epolltutorial/tools/comments"
	"epolltutorial/tools/layout"
)

// The helpers here read a built site back and check it the way a reader
// would find it: every page there, every link and resource resolving,
// every line of code once, every note beside the lines it explains.

// readmeMissing is the one condition under which a chapter is let off the
// checks on its notes: it has no README (the fixture's ch3-three, which
// shows that the generator still builds such a chapter's listing). Its
// pages are still checked for their listing and links.
func readmeMissing(root, chapter string) string {
	for _, lg := range langs {
		if _, err := os.Stat(filepath.Join(root, chapter, lg.README)); err != nil {
			return chapter + "/" + lg.README + " is not written yet"
		}
	}
	return ""
}

// sitePage is one parsed HTML page of the built site.
type sitePage struct {
	path string // site-relative
	doc  *html.Node
	ids  map[string]int // how many elements carry each id
}

func loadSite(t *testing.T, out string) map[string]*sitePage {
	t.Helper()
	pages := map[string]*sitePage{}
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel, _ := filepath.Rel(out, p)
		sp := &sitePage{path: filepath.ToSlash(rel), doc: doc, ids: map[string]int{}}
		for n := range doc.Descendants() {
			if id := attr(n, "id"); id != "" {
				sp.ids[id]++
			}
		}
		pages[sp.path] = sp
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

func attr(n *html.Node, key string) string {
	if n.Type != html.ElementNode {
		return ""
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
		}
	}
	return sb.String()
}

// find returns the elements under n (n included) that match.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if n.Type == html.ElementNode && match(n) {
		out = append(out, n)
	}
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

func byClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasClass(n, class) }
}

func ancestor(n *html.Node, match func(*html.Node) bool) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && match(p) {
			return p
		}
	}
	return nil
}

// checkLinks: every href and src on every page leads to a file of the
// site, and every fragment to an id on the page it names. Nothing is
// fetched from elsewhere: the only absolute links are plain hyperlinks.
func checkLinks(t *testing.T, out string, pages map[string]*sitePage) {
	t.Helper()
	for _, p := range pages {
		for n := range p.doc.Descendants() {
			for _, key := range []string{"href", "src"} {
				ref := attr(n, key)
				if ref == "" {
					continue
				}
				u, err := url.Parse(ref)
				if err != nil {
					t.Errorf("%s: %s=%q: %v", p.path, key, ref, err)
					continue
				}
				if u.Scheme == "data" {
					continue
				}
				if u.Scheme != "" || u.Host != "" {
					if n.Data != "a" {
						t.Errorf("%s: <%s %s=%q> loads from the network", p.path, n.Data, key, ref)
					}
					continue
				}
				target := p.path
				if u.Path != "" {
					target = path.Join(path.Dir(p.path), u.Path)
				}
				if strings.HasPrefix(target, "../") {
					t.Errorf("%s: %s=%q leaves the site", p.path, key, ref)
					continue
				}
				fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(target)))
				if err != nil || fi.IsDir() {
					t.Errorf("%s: %s=%q: no such file in the site", p.path, key, ref)
					continue
				}
				if u.Fragment == "" {
					continue
				}
				tp := pages[target]
				if tp == nil {
					t.Errorf("%s: %s=%q: a fragment on a file that is not a page", p.path, key, ref)
				} else if tp.ids[u.Fragment] == 0 {
					t.Errorf("%s: %s=%q: %s has no id %q", p.path, key, ref, target, u.Fragment)
				}
			}
		}
	}
}

// checkIDs: no id is used twice on a page.
func checkIDs(t *testing.T, pages map[string]*sitePage) {
	t.Helper()
	for _, p := range pages {
		for id, n := range p.ids {
			if n > 1 {
				t.Errorf("%s: id %q is used %d times", p.path, id, n)
			}
		}
	}
}

var lineIDRE = regexp.MustCompile(`^L(\d+)$`)

// checkChapter: the chapter's page in each language shows every line of
// its main.go exactly once, in order and unchanged, but for the comments,
// which the Chinese page shows in Chinese, and (unless its
// README is missing) every note beside lines that exist, starting its row
// at the first line it quotes, and every Python line of the map once in
// the gutter.
func checkChapter(t *testing.T, root string, pages map[string]*sitePage, chapter string) {
	t.Helper()
	english, err := layout.Lines(filepath.Join(root, chapter, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lg := range langs {
		p := pages[lg.Code+"/"+chapter+".html"]
		if p == nil {
			t.Errorf("%s: no %s page", chapter, lg.Name)
			continue
		}
		lines := english
		if lg.Code == "zh-CN" {
			res, err := comments.Translate(root, chapter+"/main.go", english)
			if err != nil {
				t.Fatal(err)
			}
			lines = res.Lines
			// Whatever the translation says, only comments change.
			for i, l := range lines {
				if l != english[i] && !(isComment(l) && isComment(english[i])) {
					t.Errorf("%s: the translation changes line %d, which is not a comment: %q", p.path, i+1, english[i])
				}
			}
		}
		locs := find(p.doc, byClass("loc"))
		if len(locs) != len(lines) {
			t.Errorf("%s: %d lines of code, main.go has %d", p.path, len(locs), len(lines))
		}
		for i, n := range locs {
			want := "L" + strconv.Itoa(i+1)
			if id := attr(n, "id"); id != want {
				t.Errorf("%s: line %d of the listing has id %q, want %q", p.path, i+1, id, want)
				break
			}
			if p.ids[want] != 1 {
				t.Errorf("%s: id %s appears %d times", p.path, want, p.ids[want])
			}
			src := find(n, byClass("src"))
			if len(src) != 1 || i >= len(lines) || textOf(src[0]) != lines[i] {
				t.Errorf("%s: line %d reads %q, want %q", p.path, i+1, textOf(n), lines[min(i, len(lines)-1)])
				break
			}
		}
		if switches := find(p.doc, byClass("lang")); len(switches) != 1 || attr(switches[0], "href") != "../"+lg.other().Code+"/"+chapter+".html" {
			t.Errorf("%s: the language switch does not lead to the other language's page", p.path)
		}
		if why := readmeMissing(root, chapter); why != "" {
			t.Logf("%s: notes not checked: %s", p.path, why)
			continue
		}
		notes := find(p.doc, byClass("note"))
		if len(notes) == 0 {
			t.Errorf("%s: no notes beside the code", p.path)
		}
		for _, n := range notes {
			spans := strings.Fields(attr(n, "data-lines"))
			if len(spans) == 0 {
				t.Errorf("%s: a note without data-lines", p.path)
				continue
			}
			for k, s := range spans {
				a, b := parseSpan(s)
				if a < 1 || b < a || b > len(lines) {
					t.Errorf("%s: a note explains lines %s of a %d-line listing", p.path, s, len(lines))
					continue
				}
				if k > 0 {
					continue
				}
				row := ancestor(n, byClass("row"))
				if row == nil || attr(row, "id") != "s"+strconv.Itoa(a) {
					t.Errorf("%s: the note on lines %s is not in the row that starts at line %d", p.path, s, a)
					continue
				}
				if len(find(row, func(x *html.Node) bool { return attr(x, "id") == "L"+strconv.Itoa(a) })) != 1 {
					t.Errorf("%s: the note on lines %s does not stand beside line %d", p.path, s, a)
				}
			}
		}
		var rows, gutter []string
		for n := range p.doc.Descendants() {
			if id := attr(n, "id"); strings.HasPrefix(id, "py-") && n.Data == "tr" {
				rows = append(rows, id)
			}
			if hasClass(n, "gut-py") && n.Parent != nil && hasClass(n.Parent, "loc") {
				for _, a := range find(n, func(x *html.Node) bool { return x.Data == "a" }) {
					gutter = append(gutter, strings.TrimPrefix(attr(a, "href"), "#"))
				}
			}
		}
		slices.Sort(rows)
		slices.Sort(gutter)
		if len(rows) == 0 || !slices.Equal(rows, gutter) {
			t.Errorf("%s: the Python gutter shows %v, the map has %v", p.path, gutter, rows)
		}
	}
}

func isComment(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), "//") }

func parseSpan(s string) (int, int) {
	a, b, found := strings.Cut(s, "-")
	x, err1 := strconv.Atoi(a)
	y := x
	var err2 error
	if found {
		y, err2 = strconv.Atoi(b)
	}
	if err1 != nil || err2 != nil {
		return 0, 0
	}
	return x, y
}

// checkStructure: both languages have an index, a page per chapter and a
// page per narrative page, and the site root leads to both.
func checkStructure(t *testing.T, root string, pages map[string]*sitePage, chapters []string) {
	t.Helper()
	if pages["index.html"] == nil {
		t.Error("no index.html at the site's root")
	}
	for _, lg := range langs {
		if pages[lg.Code+"/index.html"] == nil {
			t.Errorf("no %s index", lg.Name)
		}
		for _, ch := range chapters {
			if pages[lg.Code+"/"+ch+".html"] == nil {
				t.Errorf("no %s page for %s", lg.Name, ch)
			}
		}
		docs, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(lg.Docs), "*.md"))
		for _, d := range docs {
			name := strings.TrimSuffix(filepath.Base(d), ".md")
			if pages[lg.Code+"/docs/"+name+".html"] == nil {
				t.Errorf("no page for %s/%s.md", lg.Docs, name)
			}
		}
	}
}

// checkSite runs every check on a site built from root.
func checkSite(t *testing.T, root, out string, chapters []string) map[string]*sitePage {
	t.Helper()
	pages := loadSite(t, out)
	checkStructure(t, root, pages, chapters)
	checkLinks(t, out, pages)
	checkIDs(t, pages)
	for _, ch := range chapters {
		checkChapter(t, root, pages, ch)
	}
	return pages
}
