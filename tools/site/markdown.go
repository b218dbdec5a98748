package site

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

var (
	// <a id="map"></a> on the line before a heading gives it its id.
	anchorRE = regexp.MustCompile(`^<a id="([a-z0-9-]+)"></a>$`)
	// <!-- code: main.go:36-40 --> on the line before a fenced block says
	// which lines of which file the block quotes.
	markerRE = regexp.MustCompile(`^<!--\s*code:\s*(\S+?):(\d+)(?:-(\d+))?\s*-->$`)
	// The language switcher that opens every page; the site has its own.
	switcherRE = regexp.MustCompile(`^\s*(\*\*English\*\*|\[English\]\()[^\n]*(\[中文\]\(|\*\*中文\*\*)`)
	// A reference to lines in a fragment: #L36 or #L36-L40.
	lineFragRE = regexp.MustCompile(`^L(\d+)(?:-L(\d+))?$`)
	// A reference written as text: main.go:36-40 or main.go:42.
	lineRefRE = regexp.MustCompile(`^(\S+?):(\d+)(?:-(\d+))?$`)
)

// Range is a span of lines, 1-based and inclusive.
type Range struct{ A, B int }

func (r Range) String() string {
	if r.A == r.B {
		return strconv.Itoa(r.A)
	}
	return fmt.Sprintf("%d-%d", r.A, r.B)
}

// marker is a code marker: the block after it quotes lines A..B of File.
type marker struct {
	File  string // repository-relative, slash-separated
	Label string // as written: main.go:36-40
	Range
}

// mdPage is one Markdown file on its way to one page of the site.
type mdPage struct {
	b       *builder
	src     []byte
	file    string // repository-relative path of the Markdown file
	lang    *lang
	out     string // site-relative path of the page it becomes
	doc     ast.Node
	markers map[ast.Node]*marker
}

func newMarkdown(b *builder) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(
			// The Markdown is the project's own: its anchors are raw HTML.
			html.WithUnsafe(),
			renderer.WithNodeRenderers(util.Prioritized(&codeRenderer{b: b}, 100)),
		),
	)
}

// parseMarkdown parses src, the text of file, for the page out in lang:
// without its language line, with its anchors on its headings and its code
// markers found. rewriteLinks then points its links at the site's pages.
func (b *builder) parseMarkdown(file string, src []byte, lg *lang, out string) *mdPage {
	src = dropSwitcher(src)
	p := &mdPage{b: b, src: src, file: file, lang: lg, out: out, markers: map[ast.Node]*marker{}}
	p.doc = b.md.Parser().Parse(text.NewReader(src))
	p.anchors()
	p.findMarkers()
	joinWideLines(p.doc, src)
	return p
}

// joinWideLines drops the line breaks that fall between two East Asian
// wide characters: a browser shows a break in Chinese prose as a space,
// where the writer meant none. (goldmark's CJK extension does this only
// between two plain texts and drops the break before a link or code span
// in English prose too.)
func joinWideLines(doc ast.Node, src []byte) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*ast.Text)
		if !entering || !ok || !t.SoftLineBreak() {
			return ast.WalkContinue, nil
		}
		last, _ := utf8.DecodeLastRune(t.Segment.Value(src))
		if first, ok := firstRune(nextInline(t), src); ok && wide(last) && wide(first) {
			t.SetSoftLineBreak(false)
		}
		return ast.WalkContinue, nil
	})
}

// wide says whether r belongs to Chinese (or Japanese, Korean) prose: the
// ideographs and kana goldmark knows, and the full-width punctuation
// (，：；（）), the quotes, dashes and ellipsis that such prose uses.
func wide(r rune) bool {
	switch {
	case util.IsEastAsianWideRune(r),
		r >= 0xFF00 && r <= 0xFFEF, // half-width and full-width forms
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0x2018 && r <= 0x201F, // quotation marks
		r == 0x2014, r == 0x2026:   // em dash, ellipsis
		return true
	}
	return false
}

// nextInline is the inline node that follows n, out of any emphasis or
// link that n ends.
func nextInline(n ast.Node) ast.Node {
	for n != nil && n.Type() == ast.TypeInline {
		if next := n.NextSibling(); next != nil {
			return next
		}
		n = n.Parent()
	}
	return nil
}

// firstRune is the first character that n shows.
func firstRune(n ast.Node, src []byte) (rune, bool) {
	for ; n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			if v := n.Segment.Value(src); len(v) > 0 {
				r, _ := utf8.DecodeRune(v)
				return r, true
			}
			continue
		case *ast.String:
			if len(n.Value) > 0 {
				r, _ := utf8.DecodeRune(n.Value)
				return r, true
			}
			continue
		case *ast.RawHTML:
			return 0, false
		}
		return firstRune(n.FirstChild(), src)
	}
	return 0, false
}

// dropSwitcher removes the first line when it is the language switcher.
func dropSwitcher(src []byte) []byte {
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if switcherRE.Match(first) {
		return rest
	}
	return src
}

// anchors moves each explicit anchor onto the heading that follows it.
func (p *mdPage) anchors() {
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		para, ok := n.(*ast.Paragraph)
		if !ok {
			return ast.WalkContinue, nil
		}
		m := anchorRE.FindSubmatch(bytes.TrimSpace(linesText(para, p.src)))
		if m == nil {
			return ast.WalkSkipChildren, nil
		}
		if h, ok := para.NextSibling().(*ast.Heading); ok {
			h.SetAttributeString("id", string(m[1]))
			para.SetAttributeString("data-drop", true)
		}
		return ast.WalkSkipChildren, nil
	})
	for _, n := range children(p.doc) {
		if _, ok := n.AttributeString("data-drop"); ok {
			p.doc.RemoveChild(p.doc, n)
		}
	}
}

// findMarkers records each code marker against the block it precedes and
// marks the block with its caption.
func (p *mdPage) findMarkers() {
	var found []ast.Node
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Kind() != ast.KindHTMLBlock {
			return ast.WalkContinue, nil
		}
		m := markerRE.FindSubmatch(bytes.TrimSpace(linesText(n, p.src)))
		code, ok := n.NextSibling().(*ast.FencedCodeBlock)
		if m == nil || !ok {
			return ast.WalkContinue, nil
		}
		a, _ := strconv.Atoi(string(m[2]))
		b := a
		if len(m[3]) > 0 {
			b, _ = strconv.Atoi(string(m[3]))
		}
		mk := &marker{
			File:  path.Clean(path.Join(path.Dir(p.file), string(m[1]))),
			Label: string(m[1]) + ":" + Range{a, b}.String(),
			Range: Range{a, b},
		}
		p.markers[code] = mk
		p.checkQuote(code, mk)
		found = append(found, n)
		return ast.WalkContinue, nil
	})
	for _, n := range found {
		n.Parent().RemoveChild(n.Parent(), n)
	}
}

// checkQuote reports a quoted block that no longer matches its file.
func (p *mdPage) checkQuote(code *ast.FencedCodeBlock, mk *marker) {
	lines, err := p.b.fileLines(mk.File)
	if err != nil {
		p.b.problem("%s: code marker %s: %v", p.file, mk.Label, err)
		return
	}
	if mk.A < 1 || mk.B < mk.A || mk.B > len(lines) {
		p.b.problem("%s: code marker %s: %s has %d lines", p.file, mk.Label, mk.File, len(lines))
		return
	}
	got := strings.TrimSuffix(string(linesText(code, p.src)), "\n")
	if want := strings.Join(lines[mk.A-1:mk.B], "\n"); got != want {
		p.b.problem("%s: the block after code marker %s differs from %s", p.file, mk.Label, mk.File)
	}
}

// rewriteLinks points every relative link and image at the site's copy of
// its target.
func (p *mdPage) rewriteLinks() {
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			n.Destination = []byte(p.link(string(n.Destination)))
		case *ast.Image:
			n.Destination = []byte(p.link(string(n.Destination)))
		}
		return ast.WalkContinue, nil
	})
	for code, mk := range p.markers {
		code.SetAttributeString("data-caption", mk.Label)
		href, err := p.b.href(p.out, p.lang, mk.File, "L"+strconv.Itoa(mk.A))
		if err != nil {
			p.b.problem("%s: code marker %s: %v", p.file, mk.Label, err)
		}
		code.SetAttributeString("data-href", href)
	}
}

// link returns the site's address for dest, a link in the Markdown file.
func (p *mdPage) link(dest string) string {
	href, err := p.b.resolve(p.file, p.out, p.lang, dest)
	if err != nil {
		p.b.problem("%s: link %q: %v", p.file, dest, err)
		return dest
	}
	return href
}

// render renders nodes (moved out of their parent) as HTML.
func (p *mdPage) render(nodes []ast.Node) (string, error) {
	doc := ast.NewDocument()
	for _, n := range nodes {
		if parent := n.Parent(); parent != nil {
			parent.RemoveChild(parent, n)
		}
		doc.AppendChild(doc, n)
	}
	var buf bytes.Buffer
	if err := p.b.md.Renderer().Render(&buf, p.src, doc); err != nil {
		return "", fmt.Errorf("%s: %w", p.file, err)
	}
	return buf.String(), nil
}

// section is a part of a page that starts with a level-2 heading (or, for
// the first, the part before any).
type section struct {
	ID      string
	Heading *ast.Heading
	Nodes   []ast.Node // after the heading
}

// sections splits the page at its level-2 headings; the level-1 title is
// left out.
func (p *mdPage) sections() []*section {
	cur := &section{}
	out := []*section{cur}
	for _, n := range children(p.doc) {
		if h, ok := n.(*ast.Heading); ok {
			switch h.Level {
			case 1:
				continue
			case 2:
				id, _ := h.AttributeString("id")
				s, _ := id.(string)
				cur = &section{ID: s, Heading: h}
				out = append(out, cur)
				continue
			}
		}
		cur.Nodes = append(cur.Nodes, n)
	}
	return out
}

func headingID(h *ast.Heading) string {
	if v, ok := h.AttributeString("id"); ok {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return ""
}

// children returns n's children as a slice, safe to reparent while ranging.
func children(n ast.Node) []ast.Node {
	var out []ast.Node
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		out = append(out, c)
	}
	return out
}

// linesText is the raw text of a block's lines.
func linesText(n ast.Node, src []byte) []byte {
	var buf bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		buf.Write(seg.Value(src))
	}
	return buf.Bytes()
}

// plainText is the text a reader sees in an inline tree.
func plainText(n ast.Node, src []byte) string {
	var sb strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			sb.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				sb.WriteByte(' ')
			}
		case *ast.String:
			sb.Write(c.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(sb.String())
}

// mapRow is one row of a chapter's Python → Go table.
type mapRow struct {
	Py   int    // line of the article's example
	What string // what that line does, in the page's language
	File string // the Go file, as written (main.go)
	Range
	Code string // the Go line that shows the correspondence
}

// parseMap reads the table in the section anchored "map". It also gives
// each row the id py-N, so the listing's Python gutter can link to it.
func (p *mdPage) parseMap() ([]mapRow, error) {
	var rows []mapRow
	in := false
	for _, n := range children(p.doc) {
		if h, ok := n.(*ast.Heading); ok && h.Level <= 2 {
			in = headingID(h) == "map"
			continue
		}
		table, ok := n.(*east.Table)
		if !in || !ok {
			continue
		}
		for _, r := range children(table) {
			tr, ok := r.(*east.TableRow)
			if !ok {
				continue
			}
			cells := children(tr)
			if len(cells) < 4 {
				return nil, fmt.Errorf("%s: map row with %d cells, want 4", p.file, len(cells))
			}
			py, err := strconv.Atoi(plainText(cells[0], p.src))
			if err != nil {
				return nil, fmt.Errorf("%s: map row %q: not a Python line number", p.file, plainText(cells[0], p.src))
			}
			ref := lineRefRE.FindStringSubmatch(plainText(cells[2], p.src))
			if ref == nil {
				return nil, fmt.Errorf("%s: map row for Python line %d: %q is not FILE:A-B", p.file, py, plainText(cells[2], p.src))
			}
			a, _ := strconv.Atoi(ref[2])
			b := a
			if ref[3] != "" {
				b, _ = strconv.Atoi(ref[3])
			}
			code := strings.TrimSpace(plainText(cells[3], p.src))
			if code == "" {
				return nil, fmt.Errorf("%s: map row for Python line %d quotes no Go code", p.file, py)
			}
			rows = append(rows, mapRow{
				Py: py, What: plainText(cells[1], p.src), File: ref[1],
				Range: Range{a, b}, Code: code,
			})
			tr.SetAttributeString("id", "py-"+strconv.Itoa(py))
		}
		break
	}
	return rows, nil
}

// codeRenderer renders code blocks with chroma, and a quoted block with a
// caption that links to the lines it quotes.
type codeRenderer struct{ b *builder }

func (r *codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
	reg.Register(ast.KindCodeBlock, r.render)
}

func (r *codeRenderer) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	language := ""
	if f, ok := n.(*ast.FencedCodeBlock); ok {
		language = string(f.Language(src))
	}
	code := string(linesText(n, src))
	caption, _ := n.AttributeString("data-caption")
	href, _ := n.AttributeString("data-href")
	if c, ok := caption.(string); ok {
		h, _ := href.(string)
		fmt.Fprintf(w, `<figure class="quote"><figcaption><a href="%s">%s</a></figcaption>`, escape(h), escape(c))
	}
	w.WriteString(`<pre class="chroma"><code>`)
	for i, line := range highlight(language, code) {
		if i > 0 {
			w.WriteByte('\n')
		}
		w.WriteString(line)
	}
	w.WriteString("</code></pre>\n")
	if caption != nil {
		w.WriteString("</figure>\n")
	}
	return ast.WalkSkipChildren, nil
}

// lineFragment turns #L36-L40 into #L36: the site marks lines one by one.
func lineFragment(frag string) string {
	if m := lineFragRE.FindStringSubmatch(frag); m != nil {
		return "L" + m[1]
	}
	return frag
}
