package site

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"path"
	"sort"
	"strings"
)

//go:embed assets/style.css
var styleCSS string

//go:embed assets/site.js
var siteJS string

var layoutTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.CSS}}">
<script src="{{.JS}}" defer></script>
</head>
<body class="page-{{.Kind}}">
<header class="bar">
<a class="home" href="{{.Home}}">{{.Site}}</a>
{{template "pn" .}}
{{- with .Switch}}<a class="lang" data-keep-place hreflang="{{.Lang}}" lang="{{.Lang}}" href="{{.Href}}">{{.Label}}</a>{{end}}
</header>
<main>
{{.Body}}
</main>
<footer class="bar">{{template "pn" .}}</footer>
</body>
</html>
{{define "pn"}}<nav class="pn">
{{- with .Prev}}<a class="prev" rel="prev" href="{{.Href}}">← {{.Label}}</a>{{end}}
{{- with .Next}}<a class="next" rel="next" href="{{.Href}}">{{.Label}} →</a>{{end -}}
</nav>{{end}}
`))

type navLink struct{ Href, Label, Lang string }

type pageData struct {
	Lang, Title, Kind, Site string
	CSS, JS, Home           string
	Prev, Next, Switch      *navLink
	Body                    template.HTML
}

// page is one page to write: out and twin are site-relative paths.
type page struct {
	out, twin  string
	lang       *lang
	title      string
	kind       string
	prev, next *navLink // Href site-relative, made relative on writing
	body       string
}

func (b *builder) emit(p page) error {
	rel := func(to string) string { return relLink(p.out, to, "") }
	d := pageData{
		Lang: p.lang.Code, Title: p.title, Kind: p.kind, Site: b.siteTitle(p.lang),
		CSS: rel("style.css"), JS: rel("site.js"), Home: rel(indexOut(p.lang)),
		Body: template.HTML(p.body),
	}
	if p.out == "index.html" {
		d.Home = "index.html"
	}
	for _, l := range []struct {
		dst **navLink
		src *navLink
	}{{&d.Prev, p.prev}, {&d.Next, p.next}} {
		if l.src != nil {
			*l.dst = &navLink{Href: rel(l.src.Href), Label: l.src.Label}
		}
	}
	if p.twin != "" {
		o := p.lang.other()
		d.Switch = &navLink{Href: rel(p.twin), Label: o.Name, Lang: o.Code}
	}
	var buf bytes.Buffer
	if err := layoutTmpl.Execute(&buf, d); err != nil {
		return fmt.Errorf("%s: %w", p.out, err)
	}
	b.pages[p.out] = buf.Bytes()
	return nil
}

func (b *builder) siteTitle(lg *lang) string {
	if data, err := b.read(lg.README); err == nil {
		return markdownTitle(data, lg.SiteTitle)
	}
	return lg.SiteTitle
}

func (b *builder) renderAll() error {
	for _, lg := range langs {
		for _, ch := range b.chapters {
			if err := b.chapterPage(lg, ch); err != nil {
				return err
			}
		}
		for _, ch := range b.chapters {
			for _, c := range ch.Compare {
				if err := b.comparePage(lg, ch, c); err != nil {
					return err
				}
			}
		}
		for i := range b.docs[lg.Code] {
			if err := b.docPage(lg, i); err != nil {
				return err
			}
		}
		if err := b.indexPage(lg); err != nil {
			return err
		}
	}
	if err := b.chooser(); err != nil {
		return err
	}
	files := make([]string, 0, len(b.src))
	for f := range b.src {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		for _, lg := range langs {
			if err := b.srcPage(lg, f); err != nil {
				return err
			}
		}
	}
	css, err := chromaCSS()
	if err != nil {
		return err
	}
	b.pages["style.css"] = []byte(styleCSS + "\n/* Syntax colours (chroma, " + styleName + ") */\n" + css)
	b.pages["site.js"] = []byte(siteJS)
	return nil
}

func (b *builder) chapterNav(lg *lang, ch *chapter) (prev, next *navLink) {
	if ch.prev != nil {
		prev = &navLink{Href: chapterOut(lg, ch.prev), Label: lg.chapter(ch.prev.Num)}
	}
	if ch.next != nil {
		next = &navLink{Href: chapterOut(lg, ch.next), Label: lg.chapter(ch.next.Num)}
	}
	return prev, next
}

func (b *builder) chapterPage(lg *lang, ch *chapter) error {
	body, err := b.chapterBody(lg, ch)
	if err != nil {
		return err
	}
	prev, next := b.chapterNav(lg, ch)
	return b.emit(page{
		out: chapterOut(lg, ch), twin: chapterOut(lg.other(), ch), lang: lg,
		title: ch.heading(lg) + " · " + b.siteTitle(lg),
		kind:  "chapter", prev: prev, next: next, body: body,
	})
}

// comparePage shows a chapter's listing against an earlier one: every
// line, the added and removed ones marked, long unchanged runs folded.
func (b *builder) comparePage(lg *lang, ch *chapter, c *comparison) error {
	out := compareOut(lg, ch, c)
	chPage, basePage := chapterOut(lg, ch), chapterOut(lg, c.Base)
	var sb strings.Builder
	title := fmt.Sprintf(lg.Compared, lg.chapter(ch.Num), lg.chapter(c.Base.Num))
	fmt.Fprintf(&sb, "<h1>%s</h1>\n", escape(title))
	fmt.Fprintf(&sb, `<p class="summary">%s <a href="%s">%s</a> → <a href="%s">%s</a></p>`+"\n",
		escape(fmt.Sprintf(lg.Summary, c.Added, c.Removed)),
		escape(relLink(out, basePage, "")), escape(c.Base.heading(lg)),
		escape(relLink(out, chPage, "")), escape(ch.heading(lg)))
	var refs []string
	seen := map[string]bool{}
	for _, nt := range ch.notes[lg.Code] {
		touches := false
		for _, r := range nt.Ranges {
			for l := r.A; l <= r.B && !touches; l++ {
				touches = c.Changed[l]
			}
		}
		if a := nt.anchor(); touches && a != "" && !seen[a] {
			seen[a] = true
			label := nt.Title
			if label == "" {
				label = a
			}
			refs = append(refs, fmt.Sprintf(`<li><a href="%s">%s</a></li>`, escape(relLink(out, chPage, a)), escape(label)))
		}
	}
	if len(refs) > 0 {
		fmt.Fprintf(&sb, "<div class=\"prose\"><h2 id=\"notes\">%s</h2>\n<ul>\n%s\n</ul></div>\n", escape(lg.Explained), strings.Join(refs, "\n"))
	}
	sb.WriteString("<div class=\"diff chroma\">\n")
	for k, h := range hunks(c.Lines, 3) {
		if h.Folded {
			fmt.Fprintf(&sb, "<details class=\"fold\"><summary>%s</summary>\n", escape(fmt.Sprintf(lg.Unchanged, len(h.Lines))))
		} else {
			fmt.Fprintf(&sb, "<div class=\"hunk\" id=\"hunk-%d\">\n", k+1)
		}
		for _, l := range h.Lines {
			class, code := "ctx", ""
			switch l.Op {
			case '+':
				class = "add"
			case '-':
				class = "del"
			}
			if l.New > 0 {
				code = ch.HTML[lg.Code][l.New-1]
			} else {
				code = c.Base.HTML[lg.Code][l.Old-1]
			}
			old, cur := "", ""
			if l.Old > 0 {
				old = fmt.Sprintf(`<a href="%s">%d</a>`, escape(relLink(out, basePage, fmt.Sprintf("L%d", l.Old))), l.Old)
			}
			if l.New > 0 {
				cur = fmt.Sprintf(`<a href="%s">%d</a>`, escape(relLink(out, chPage, fmt.Sprintf("L%d", l.New))), l.New)
			}
			fmt.Fprintf(&sb, `<div class="dl %s"><span class="gut-go">%s</span><span class="gut-go">%s</span><span class="op">%s</span><span class="src">%s</span></div>`+"\n",
				class, old, cur, strings.TrimSpace(string(l.Op)), code)
		}
		if h.Folded {
			sb.WriteString("</details>\n")
		} else {
			sb.WriteString("</div>\n")
		}
	}
	sb.WriteString("</div>\n")
	return b.emit(page{
		out: out, twin: compareOut(lg.other(), ch, c), lang: lg,
		title: title + " · " + b.siteTitle(lg), kind: "compare",
		prev: &navLink{Href: basePage, Label: lg.chapter(c.Base.Num)},
		next: &navLink{Href: chPage, Label: lg.chapter(ch.Num)},
		body: sb.String(),
	})
}

func (b *builder) docPage(lg *lang, i int) error {
	docs := b.docs[lg.Code]
	d := docs[i]
	out := docOut(lg, d.Name)
	file := lg.Docs + "/" + d.Name + ".md"
	src, err := b.read(file)
	if err != nil {
		return err
	}
	p := b.parseMarkdown(file, src, lg, out)
	p.rewriteLinks()
	var sb strings.Builder
	if err := b.prose(&sb, p, children(p.doc)); err != nil {
		return err
	}
	twin := indexOut(lg.other())
	if b.hasDoc(lg.other(), d.Name) {
		twin = docOut(lg.other(), d.Name)
	}
	var prev, next *navLink
	if i > 0 {
		prev = &navLink{Href: docOut(lg, docs[i-1].Name), Label: docs[i-1].Title}
	}
	if i+1 < len(docs) {
		next = &navLink{Href: docOut(lg, docs[i+1].Name), Label: docs[i+1].Title}
	}
	return b.emit(page{
		out: out, twin: twin, lang: lg, title: d.Title + " · " + b.siteTitle(lg),
		kind: "doc", prev: prev, next: next, body: sb.String(),
	})
}

// indexPage is the way in: the root README, then the chapters and pages.
func (b *builder) indexPage(lg *lang) error {
	out := indexOut(lg)
	var sb strings.Builder
	if src, err := b.read(lg.README); err == nil {
		p := b.parseMarkdown(lg.README, src, lg, out)
		p.rewriteLinks()
		if err := b.prose(&sb, p, children(p.doc)); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(&sb, "<div class=\"prose\"><h1>%s</h1></div>\n", escape(lg.SiteTitle))
	}
	sb.WriteString("<nav class=\"toc prose\">\n")
	fmt.Fprintf(&sb, "<h2 id=\"toc-chapters\">%s</h2>\n<ol class=\"chapters\">\n", escape(lg.Chapters))
	for _, ch := range b.chapters {
		fmt.Fprintf(&sb, `<li><a href="%s">%s</a>`, escape(relLink(out, chapterOut(lg, ch), "")), escape(ch.heading(lg)))
		if len(ch.Compare) > 0 {
			c := ch.Compare[0]
			fmt.Fprintf(&sb, ` <a class="also" href="%s">%s</a>`,
				escape(relLink(out, compareOut(lg, ch, c), "")), escape(fmt.Sprintf(lg.ChangesSince, lg.chapter(c.Base.Num))))
		}
		sb.WriteString("</li>\n")
	}
	sb.WriteString("</ol>\n")
	if docs := b.docs[lg.Code]; len(docs) > 0 {
		fmt.Fprintf(&sb, "<h2 id=\"toc-docs\">%s</h2>\n<ul class=\"docs\">\n", escape(lg.Reference))
		for _, d := range docs {
			fmt.Fprintf(&sb, "<li><a href=\"%s\">%s</a></li>\n", escape(relLink(out, docOut(lg, d.Name), "")), escape(d.Title))
		}
		sb.WriteString("</ul>\n")
	}
	sb.WriteString("</nav>\n")
	var next *navLink
	if len(b.chapters) > 0 {
		next = &navLink{Href: chapterOut(lg, b.chapters[0]), Label: lg.chapter(b.chapters[0].Num)}
	}
	return b.emit(page{
		out: out, twin: indexOut(lg.other()), lang: lg, title: b.siteTitle(lg),
		kind: "index", next: next, body: sb.String(),
	})
}

// chooser is the site's front door: one link per language.
func (b *builder) chooser() error {
	var sb strings.Builder
	sb.WriteString("<div class=\"prose choose\">\n")
	for _, lg := range langs {
		fmt.Fprintf(&sb, `<p lang="%s"><a href="%s">%s</a><br><span class="also">%s</span></p>`+"\n",
			lg.Code, escape(indexOut(lg)), escape(b.siteTitle(lg)), escape(lg.Name))
	}
	sb.WriteString("</div>\n")
	return b.emit(page{out: "index.html", lang: langs[0], title: b.siteTitle(langs[0]), kind: "choose", body: sb.String()})
}

// srcPage shows a repository file that a page links to.
func (b *builder) srcPage(lg *lang, file string) error {
	out := srcOut(lg, file)
	lines, err := b.fileLines(file)
	if err != nil {
		return err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "<p class=\"kicker\">%s</p>\n<h1>%s</h1>\n<div class=\"code chroma listing\">\n", escape(lg.Source), escape(file))
	for i, h := range highlight(path.Base(file), strings.Join(lines, "\n")) {
		fmt.Fprintf(&sb, `<div class="loc" id="L%d"><a class="gut-go" href="#L%d">%d</a><span class="src">%s</span></div>`+"\n", i+1, i+1, i+1, h)
	}
	sb.WriteString("</div>\n")
	return b.emit(page{
		out: out, twin: srcOut(lg.other(), file), lang: lg, title: file + " · " + b.siteTitle(lg),
		kind: "source", body: sb.String(),
	})
}
