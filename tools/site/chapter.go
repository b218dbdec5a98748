package site

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"

	"epolltutorial/tools/comments"
)

// note is one note of a walkthrough: the prose before a quote of the
// listing, with the lines it quotes.
type note struct {
	ID      string // the id of the heading the note opens with, if any
	Section string // the id of the heading it falls under
	Title   string // that heading's text
	Nodes   []ast.Node
	Ranges  []Range
	HTML    string
}

// anchor is where to link to the note: its own heading, else its part's.
func (n *note) anchor() string {
	if n.ID != "" {
		return n.ID
	}
	return n.Section
}

// notes splits a walkthrough into what comes before its first part (the
// intro) and its notes. The READMEs quote code first and explain it after:
// a note is a quote of the listing and the prose that follows it, up to the
// next quote of the listing or the next heading. A heading, and any prose
// between it and its first quote, open the note of that quote. A quote
// right after another (no prose between) adds its lines to the same note.
// A part with no quote of the listing joins the note before it (or, at the
// start, the note after it).
func (p *mdPage) notes(nodes []ast.Node, listing string) (intro []ast.Node, notes []*note) {
	var cur *note
	var pending []ast.Node // a part without a quote, before any note
	section, title := "", ""
	started := false
	since := 0 // nodes since cur's last quote
	closeNote := func() {
		switch {
		case cur == nil:
		case len(cur.Ranges) > 0:
			cur.Nodes = append(pending, cur.Nodes...)
			pending = nil
			notes = append(notes, cur)
		case len(notes) > 0:
			last := notes[len(notes)-1]
			last.Nodes = append(last.Nodes, cur.Nodes...)
		default:
			pending = append(pending, cur.Nodes...)
		}
		cur = nil
	}
	for _, n := range nodes {
		if h, ok := n.(*ast.Heading); ok && h.Level >= 3 {
			started = true
			closeNote()
			section, title = headingID(h), plainText(h, p.src)
			cur = &note{ID: section, Section: section, Title: title, Nodes: []ast.Node{n}}
			continue
		}
		if mk := p.markers[n]; mk != nil && mk.File == listing {
			started = true
			if cur != nil && len(cur.Ranges) > 0 && since > 0 {
				closeNote()
			}
			if cur == nil {
				cur = &note{Section: section, Title: title}
			}
			cur.Ranges = append(cur.Ranges, mk.Range)
			since = 0
			continue
		}
		if !started {
			intro = append(intro, n)
			continue
		}
		if cur == nil {
			cur = &note{Section: section, Title: title}
		}
		cur.Nodes = append(cur.Nodes, n)
		since++
	}
	closeNote()
	if len(pending) > 0 {
		intro = append(intro, pending...)
	}
	return intro, notes
}

// keepPlaceable drops quoted ranges that are not in a listing of n lines
// (reporting them) and folds a note left with none into the one before it
// (or after it), so every note shown stands beside lines that exist.
func (b *builder) keepPlaceable(file string, n int, notes []*note) []*note {
	var out []*note
	var orphans []ast.Node
	for _, nt := range notes {
		var ok []Range
		for _, r := range nt.Ranges {
			if r.A < 1 || r.B < r.A || r.B > n {
				b.problem("%s: note %q quotes lines %s, but the listing has %d", file, nt.anchor(), r, n)
				continue
			}
			ok = append(ok, r)
		}
		nt.Ranges = ok
		if len(ok) == 0 {
			if len(out) > 0 {
				out[len(out)-1].Nodes = append(out[len(out)-1].Nodes, nt.Nodes...)
			} else {
				orphans = append(orphans, nt.Nodes...)
			}
			continue
		}
		if len(orphans) > 0 {
			nt.Nodes = append(orphans, nt.Nodes...)
			orphans = nil
		}
		out = append(out, nt)
	}
	return out
}

// gutter places each map row on one line of the listing: the line of its
// Go range that the row quotes, else the range's first line.
func gutter(rows []mapRow, lines []string) (map[int][]mapRow, []string) {
	at := map[int][]mapRow{}
	var problems []string
	for _, r := range rows {
		if r.A < 1 || r.B < r.A || r.B > len(lines) {
			problems = append(problems, fmt.Sprintf("map: Python line %d points at %s:%s, outside the listing", r.Py, r.File, r.Range))
			continue
		}
		line := r.A
		found := false
		for l := r.A; l <= r.B; l++ {
			if strings.TrimSpace(lines[l-1]) == r.Code {
				line, found = l, true
				break
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("map: Python line %d quotes %q, which is not in %s:%s", r.Py, r.Code, r.File, r.Range))
		}
		at[line] = append(at[line], r)
	}
	return at, problems
}

// chapterBody renders a chapter page's content.
func (b *builder) chapterBody(lg *lang, ch *chapter) (string, error) {
	out := chapterOut(lg, ch)
	file := ch.Dir + "/" + lg.README
	var sb strings.Builder
	header := func() { fmt.Fprintf(&sb, "<h1>%s</h1>\n", escape(ch.heading(lg))) }
	if !ch.README[lg.Code] {
		header()
		fmt.Fprintf(&sb, "<p class=\"missing\">%s</p>\n", escape(lg.NoNotes))
		sb.WriteString(b.listing(lg, ch, nil, nil))
		return sb.String(), nil
	}
	src, err := b.read(file)
	if err != nil {
		return "", err
	}
	p := b.parseMarkdown(file, src, lg, out)
	rows, err := p.parseMap()
	if err != nil {
		b.problem("%v", err)
	}
	var mine []mapRow
	for _, r := range rows {
		if r.File == "main.go" {
			mine = append(mine, r)
		}
	}
	at, problems := gutter(mine, ch.Lines)
	for _, pr := range problems {
		b.problem("%s: %s", file, pr)
	}
	p.rewriteLinks()
	header()
	shown := false
	for _, s := range p.sections() {
		if s.Heading == nil {
			if err := b.prose(&sb, p, s.Nodes); err != nil {
				return "", err
			}
			continue
		}
		if s.ID != "walkthrough" {
			if err := b.prose(&sb, p, append([]ast.Node{s.Heading}, s.Nodes...)); err != nil {
				return "", err
			}
			continue
		}
		intro, notes := p.notes(s.Nodes, ch.Dir+"/main.go")
		notes = b.keepPlaceable(file, len(ch.Lines), notes)
		for _, nt := range notes {
			if nt.HTML, err = p.render(nt.Nodes); err != nil {
				return "", err
			}
		}
		if err := b.prose(&sb, p, append([]ast.Node{s.Heading}, intro...)); err != nil {
			return "", err
		}
		sb.WriteString(b.listing(lg, ch, notes, at))
		ch.notes[lg.Code] = notes
		shown = true
	}
	if !shown {
		// A README without a walkthrough still shows the code, once.
		sb.WriteString(b.listing(lg, ch, nil, at))
	}
	return sb.String(), nil
}

// prose renders Markdown nodes as a column of text.
func (b *builder) prose(sb *strings.Builder, p *mdPage, nodes []ast.Node) error {
	if len(nodes) == 0 {
		return nil
	}
	h, err := p.render(nodes)
	if err != nil {
		return err
	}
	sb.WriteString("<div class=\"prose\">\n" + h + "</div>\n")
	return nil
}

// listing renders main.go in full, cut into rows beside the notes: Go line
// numbers, the article's Python line numbers (from the map), the code.
func (b *builder) listing(lg *lang, ch *chapter, notes []*note, py map[int][]mapRow) string {
	var sb strings.Builder
	ranges := make([][]Range, len(notes))
	quoted := map[int]bool{}
	for i, nt := range notes {
		ranges[i] = nt.Ranges
	}
	if len(ch.Compare) > 0 {
		sb.WriteString(`<div class="changes" role="group">` + escape(lg.Highlight) + "\n")
		fmt.Fprintf(&sb, `<label><input type="radio" name="changes" id="changes-off" checked> %s</label>`+"\n", escape(lg.HighlightOff))
		for k, c := range ch.Compare {
			fmt.Fprintf(&sb, `<label><input type="radio" name="changes" id="changes-%d"> %s</label> <a class="difflink" href="%s">(%s)</a>`+"\n",
				k, escape(lg.chapter(c.Base.Num)), escape(relLink(chapterOut(lg, ch), compareOut(lg, ch, c), "")), escape(lg.Diff))
		}
		sb.WriteString("</div>\n")
	}
	// The code column is as wide as the longest line needs (a tab is four
	// columns, a Chinese character at most two, a column of the monospace
	// font 0.6 of its 0.82rem size), and the notes take the rest.
	cols := 0
	for _, l := range ch.Shown[lg.Code] {
		cols = max(cols, comments.Width(l))
	}
	fmt.Fprintf(&sb, `<div class="walk" style="--code-w: %.1frem">`+"\n", float64(cols)*0.82*0.6+7.5)
	fmt.Fprintf(&sb, `<div class="row head"><div class="notes">%s</div><div class="code"><span class="gut-go">Go</span><span class="gut-py" title="%s">Py</span><span class="fname">%s/main.go</span></div></div>`+"\n",
		escape(lg.NotesHead), escape(fmt.Sprintf(lg.PyHead, ch.Num)), escape(ch.Dir))
	for _, r := range place(len(ch.Lines), ranges) {
		clear(quoted)
		class := "row"
		if len(r.Notes) == 0 {
			class += " bare"
		}
		fmt.Fprintf(&sb, `<div class="%s" id="s%d"><div class="notes">`, class, r.Start)
		for _, i := range r.Notes {
			var spans []string
			for _, rg := range notes[i].Ranges {
				spans = append(spans, rg.String())
				for l := rg.A; l <= rg.B; l++ {
					quoted[l] = true
				}
			}
			fmt.Fprintf(&sb, "\n<div class=\"note\" data-lines=\"%s\">\n%s</div>", strings.Join(spans, " "), notes[i].HTML)
		}
		sb.WriteString("</div>\n<div class=\"code chroma\">")
		for l := r.Start; l <= r.End; l++ {
			lc := "loc"
			if quoted[l] && len(r.Notes) > 0 {
				lc += " q"
			}
			for k, c := range ch.Compare {
				if c.Changed[l] {
					lc += " chg-" + strconv.Itoa(k)
				}
			}
			fmt.Fprintf(&sb, `<div class="%s" id="L%d"><a class="gut-go" href="#L%d">%d</a><span class="gut-py">`, lc, l, l, l)
			for i, m := range py[l] {
				if i > 0 {
					sb.WriteString(",")
				}
				fmt.Fprintf(&sb, `<a href="#py-%d" title="%s">%d</a>`, m.Py, escape(fmt.Sprintf(lg.PyLine, m.Py, m.What)), m.Py)
			}
			fmt.Fprintf(&sb, `</span><span class="src">%s</span></div>`, ch.HTML[lg.Code][l-1])
		}
		sb.WriteString("</div></div>\n")
	}
	sb.WriteString("</div>\n")
	return sb.String()
}
