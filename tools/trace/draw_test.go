package trace

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// svgParts decodes an SVG and returns its text and its elements with their
// attributes, failing the test if it is not well-formed XML.
func svgParts(t *testing.T, svg []byte) (texts []string, elems []xml.StartElement) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return texts, elems
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			elems = append(elems, tok.Copy())
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				texts = append(texts, s)
			}
		}
	}
}

func attrOf(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func drawHand(t *testing.T, extra, lang string) []byte {
	t.Helper()
	tr, err := Parse(strings.NewReader(handTrace + extra))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyse(tr)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Draw(&b, []*Run{r}, lang); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The picture of the hand-written trace: the lanes by connection (the
// second one on fd 5 says the number is reused), the epoll_wait returns
// with their events, EAGAIN hollow, the long wait a bar, the call cut short
// by the exit a bar to the end; text escaped.
func TestDraw(t *testing.T) {
	svg := drawHand(t, "# client 1 1700000000.012250 fail err=<reset>&gone\n", "en")
	texts, elems := svgParts(t, svg)
	all := "|" + strings.Join(texts, "|") + "|"
	for _, want := range []string{
		"|listening socket|fd 3|", "|epoll_wait returns|epoll fd 4|", "|client 1|fd 5|", "|client 2|fd 5 (reused)|",
		"|3 IN|", "|5 IN|RDHUP|", "|EOF|", "|SO_REUSEADDR 1|", "|+4.3 ms|", "|t = 0.0 ms|", "|t = 12.3 ms|",
		"|blocked 10 ms|", "|failed: <reset>&gone|", "|blocked in epoll_pwait until exit|",
		"|dotted: accept4 returned this lane's fd|", "|EOF under a read: it returned 0 bytes|",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the picture lacks %q:\n%s", want, all)
		}
	}
	if !bytes.Contains(svg, []byte("failed: &lt;reset&gt;&amp;gone")) {
		t.Error("a client's error is not escaped")
	}
	// Marks: two reads and one EAGAIN among the blue circles, as strace
	// said; a hollow orange one for accept's EAGAIN. No client's event is
	// a circle: a hollow mark is always a call that failed.
	hollow := map[string]int{}
	filled := map[string]int{}
	for _, e := range elems {
		if e.Name.Local != "circle" {
			continue
		}
		if attrOf(e, "fill") == "white" {
			hollow[attrOf(e, "stroke")]++
		} else {
			filled[attrOf(e, "fill")]++
		}
	}
	// The legend draws one of each kind too, a read for "blocked" and one
	// for EOF, and an accept for the dotted line.
	if hollow[cRead] != 1+1 || filled[cRead] != 2+3 || hollow[cAccept] != 1 || filled[cAccept] != 2+2 ||
		hollow[cClient]+filled[cClient] != 0 {
		t.Errorf("circles: hollow %v, filled %v", hollow, filled)
	}
	// A blocked call is a solid bar in its colour, nothing translucent
	// that could pass for the pale band of the interest list.
	bars := 0
	for _, e := range elems {
		if e.Name.Local == "line" && attrOf(e, "stroke") == cEpoll && attrOf(e, "stroke-width") == "4" {
			bars++
		}
		if attrOf(e, "fill-opacity") != "" || attrOf(e, "opacity") != "" {
			t.Errorf("a translucent <%s>", e.Name.Local)
		}
	}
	if bars != 2 {
		t.Errorf("%d epoll_wait bars, want 2 (the 10 ms wait, the wait cut short)", bars)
	}
	// The clients' events are letters: two connects and a failure, and
	// the legend's four.
	letters := map[string]int{}
	for _, tx := range svgTexts(t, svg) {
		if tx.fill == cClient || tx.fill == cShutdown && tx.s == "!" {
			letters[tx.s]++
		}
	}
	if fmt.Sprint(letters) != "map[!:1 c:3 d:1 r:1 s:1]" {
		t.Errorf("the clients' letters: %v", letters)
	}
	// The call cut short by the exit shows the arguments strace wrote.
	if !bytes.Contains(svg, []byte("epoll_pwait(4) = ? (the process exited inside the call)")) {
		t.Error("the tooltip of the call cut short by the exit is not epoll_pwait(4) = ? …")
	}
	if again := drawHand(t, "# client 1 1700000000.012250 fail err=<reset>&gone\n", "en"); !bytes.Equal(again, svg) {
		t.Error("the same trace drew two different pictures")
	}
}

// The Chinese picture says everything in Chinese, and no label is missing.
func TestDrawChinese(t *testing.T) {
	svg := drawHand(t, "", "zh-CN")
	texts, _ := svgParts(t, svg)
	all := strings.Join(texts, "|")
	for _, want := range []string{"监听套接字", "epoll_wait 返回", "epoll 实例 fd 4", "fd 5（复用）", "客户端 2",
		"阻塞 10 ms", "在 epoll_pwait 中阻塞，直到退出", "图例", "连", "录制程序发送 SIGTERM，让服务器退出"} {
		if !strings.Contains(all, want) {
			t.Errorf("the Chinese picture lacks %q", want)
		}
	}
	for _, english := range []string{"listening", "client", "blocked", "Legend", "exited"} {
		if strings.Contains(all, english) {
			t.Errorf("the Chinese picture says %q", english)
		}
	}
	if strings.Contains(all, "⟦") {
		t.Errorf("a label is missing: %s", all)
	}
}

// Every label is there in both languages.
func TestLabels(t *testing.T) {
	for key, w := range words {
		if w[0] == "" || w[1] == "" {
			t.Errorf("label %q: %q, %q", key, w[0], w[1])
		}
	}
	for _, c := range Comparisons {
		for _, key := range append([]string{c.Scenario}, c.Chapters[:]...) {
			if _, ok := words[key]; !ok {
				t.Errorf("no title for %q", key)
			}
		}
	}
}

// The pictures in docs/img are what the recorded runs draw, byte for
// byte, in both languages: a change to the drawing or to a recording
// without the pictures redrawn fails here.
func TestPicturesUpToDate(t *testing.T) {
	root := repoRoot(t)
	for _, c := range Comparisons {
		for _, lang := range Langs {
			want, err := Render(root, c, lang)
			if err != nil {
				t.Fatal(err)
			}
			path := ImagePath(c.Scenario, lang)
			got := readRepo(t, root, path)
			if !bytes.Equal(got, want) {
				t.Errorf("%s is not what %s draw: run `make trace DRAW=1` (it redraws from the recordings, without recording)",
					path, filepath.Join(DataDir, c.Scenario+"-*.txt"))
			}
			if width, err := svgWidth(got); err != nil || width != "900" {
				t.Errorf("%s: width %q, %v; want well-formed, 900 px wide", path, width, err)
			}
		}
	}
}

// svgWidth returns the width an SVG gives itself, and an error if it is
// not well-formed.
func svgWidth(svg []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	width := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return width, nil
		}
		if err != nil {
			return "", err
		}
		if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "svg" {
			width = attrOf(e, "width")
		}
	}
}

// strace's own text, with no recording's comment lines, draws too: no
// title to give it, no client lanes, and no label missing.
func TestDrawPlainStrace(t *testing.T) {
	r, err := Read([]byte(rawTrace()))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Draw(&b, []*Run{r}, "en"); err != nil {
		t.Fatal(err)
	}
	texts, _ := svgParts(t, b.Bytes())
	all := strings.Join(texts, "|")
	if strings.Contains(all, "⟦") || !strings.Contains(all, "|fd 5|") || strings.Contains(all, "client 1") {
		t.Errorf("plain strace drew: %s", all)
	}
}

// A svgText is a <text> element as drawn: its string, where, how.
type svgText struct {
	s            string
	x, y, size   float64
	anchor, fill string
}

// svgTexts returns the <text> elements of an SVG (a <title> is not drawn).
func svgTexts(t *testing.T, svg []byte) []svgText {
	t.Helper()
	var texts []svgText
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var cur *svgText
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return texts
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				cur = &svgText{x: num(t, attrOf(tok, "x")), y: num(t, attrOf(tok, "y")), size: num(t, attrOf(tok, "font-size")),
					anchor: attrOf(tok, "text-anchor"), fill: attrOf(tok, "fill")}
			}
		case xml.CharData:
			if cur != nil {
				cur.s += string(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && cur != nil {
				texts = append(texts, *cur)
				cur = nil
			}
		}
	}
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

// box is where the text is drawn, by the same estimate of its width that
// the drawing uses.
func (tx svgText) box() box {
	anchor := ""
	if tx.anchor != "" {
		anchor = `text-anchor="` + tx.anchor + `"`
	}
	return textBox(tx.x, tx.y, tx.s, tx.size, anchor)
}

// No two labels in a picture are drawn over each other, and none is
// crossed by a signal's line or by the dotted line from an accept down to
// its connection: each of the committed pictures, both languages, and the
// hand-written trace's.
func TestNoLabelOverlaps(t *testing.T) {
	root := repoRoot(t)
	pictures := map[string][]byte{"the hand-written trace": drawHand(t, "", "en")}
	for _, c := range Comparisons {
		for _, lang := range Langs {
			pictures[ImagePath(c.Scenario, lang)] = readRepo(t, root, ImagePath(c.Scenario, lang))
		}
	}
	for name, svg := range pictures {
		texts := svgTexts(t, svg)
		var signals, connectors []box
		_, elems := svgParts(t, svg)
		for _, e := range elems {
			if e.Name.Local != "line" || attrOf(e, "stroke-dasharray") == "" {
				continue
			}
			x := num(t, attrOf(e, "x1"))
			b := box{x - 0.6, num(t, attrOf(e, "y1")), x + 0.6, num(t, attrOf(e, "y2"))}
			switch attrOf(e, "stroke") {
			case cSignal:
				signals = append(signals, b)
			case cAccept:
				connectors = append(connectors, b)
			}
		}
		if len(signals) == 0 || len(connectors) == 0 {
			t.Errorf("%s: %d signal lines, %d dotted lines from accept: none to check", name, len(signals), len(connectors))
		}
		for i, a := range texts {
			for _, b := range texts[i+1:] {
				if a.box().overlaps(b.box()) {
					t.Errorf("%s: %q at (%.0f, %.0f) and %q at (%.0f, %.0f) overlap", name, a.s, a.x, a.y, b.s, b.x, b.y)
				}
			}
			for _, l := range signals {
				if a.box().overlaps(l) {
					t.Errorf("%s: a signal's line crosses %q at (%.0f, %.0f)", name, a.s, a.x, a.y)
				}
			}
			for _, l := range connectors {
				if a.box().overlaps(l) {
					t.Errorf("%s: a dotted line from accept crosses %q at (%.0f, %.0f)", name, a.s, a.x, a.y)
				}
			}
		}
	}
}

// A panel that wraps onto more rows says, over each further row, whose it
// is, in the picture's language.
func TestContinuedRows(t *testing.T) {
	root := repoRoot(t)
	for _, c := range Comparisons {
		for _, lang := range Langs {
			for _, chapter := range c.Chapters {
				r, err := ReadFile(filepath.Join(root, DataPath(c.Scenario, chapter)))
				if err != nil {
					t.Fatal(err)
				}
				rows := len(newPanel(r, lang).rows)
				if c.Scenario == "burst" && rows < 2 {
					t.Errorf("%s: the burst fits one row; this test wants a panel that wraps", chapter)
				}
				svg, err := Render(root, c, lang)
				if err != nil {
					t.Fatal(err)
				}
				label := say(lang, "continued", chapter)
				got := 0
				for _, tx := range svgTexts(t, svg) {
					if tx.s == label {
						got++
					}
				}
				if got != rows-1 {
					t.Errorf("%s, %s: %d labels %q for %d rows", c.Scenario, lang, got, label, rows)
				}
			}
		}
	}
}

// pictures draws each recorded comparison in each language, and the
// hand-written trace, and returns the drawers, which know where the
// stretches' labels went.
func pictures(t *testing.T) map[string]*drawer {
	t.Helper()
	drawn := map[string]*drawer{}
	draw := func(name, lang string, runs []*Run) {
		d := &drawer{lang: lang}
		if _, err := d.draw(runs); err != nil {
			t.Fatal(err)
		}
		drawn[name] = d
	}
	hand, err := Analyse(parseHand(t))
	if err != nil {
		t.Fatal(err)
	}
	draw("the hand-written trace", "en", []*Run{hand})
	for _, c := range Comparisons {
		var runs []*Run
		for _, chapter := range c.Chapters {
			runs = append(runs, recorded(t, c.Scenario, chapter))
		}
		for _, lang := range Langs {
			draw(ImagePath(c.Scenario, lang), lang, runs)
		}
	}
	return drawn
}

// A stretch's label (how long a call blocked, how long a client queued)
// lies inside its own lane's band, over the piece it is about, so that it
// cannot be read as the lane's above or below.
func TestLabelsInTheirLanes(t *testing.T) {
	for name, d := range pictures(t) {
		if len(d.placed) == 0 {
			t.Errorf("%s: no labels to check", name)
		}
		for _, l := range d.placed {
			if l.at.y1 < l.lane.y1 || l.at.y2 > l.lane.y2 {
				t.Errorf("%s: %q spans y %.1f to %.1f, outside its lane (%.1f to %.1f)", name, l.text, l.at.y1, l.at.y2, l.lane.y1, l.lane.y2)
			}
			if !l.overPiece {
				t.Errorf("%s: %q is not over its piece of the lane", name, l.text)
			}
		}
	}
}

// The boxes that mark a jump in time are all as wide as the legend's: a
// wider one would read as a longer jump.
func TestGapBoxesAlike(t *testing.T) {
	root := repoRoot(t)
	for _, c := range Comparisons {
		for _, lang := range Langs {
			path := ImagePath(c.Scenario, lang)
			_, elems := svgParts(t, readRepo(t, root, path))
			widths := map[string]int{}
			for _, e := range elems {
				if e.Name.Local == "rect" && attrOf(e, "fill") == "#eef2f7" {
					widths[attrOf(e, "width")]++
				}
			}
			if len(widths) != 1 || widths[fmt.Sprintf("%.1f", gapBoxW)] < 3 {
				t.Errorf("%s: the gaps' boxes have widths %v (width: count), want all %.1f", path, widths, gapBoxW)
			}
		}
	}
}

// Each panel's lines and bars end by the last event: the client's dashed
// line where the server closes the connection, if it does so before the
// client closes (chapter 2's client 2 in the silent run), and a call that
// the exit cut short (chapter 2's last accept4) at the panel's last event,
// not beyond the time axis.
func TestStretchesEnd(t *testing.T) {
	cut := 0
	for _, c := range Comparisons {
		for _, chapter := range c.Chapters {
			p := newPanel(recorded(t, c.Scenario, chapter), "en")
			closed := map[*lane]int{}
			for i, it := range p.items {
				if it.op != nil && it.op.Call.Name == "close" && it.op.Lane > 0 {
					closed[it.lanes[0]] = i
				}
			}
			for _, s := range p.stretches {
				end := p.items[s.to]
				if s.kind == sLine && s.colour == cClient && s.width > 0 {
					if at, ok := closed[s.lane]; ok && at > s.from && s.to > at {
						t.Errorf("%s, %s: the client's line runs past the server's close", c.Scenario, chapter)
					}
					if end.client == nil {
						cut++
					}
				}
				last := p.rows[end.row]
				if _, x2 := p.piece(s, end.row); x2 > p.items[last.last].x {
					t.Errorf("%s, %s: a stretch ends at x = %.1f, past the row's last event at %.1f", c.Scenario, chapter, x2, p.items[last.last].x)
				}
			}
		}
	}
	if cut == 0 {
		t.Error("no client's line ends at the server's close: the silent run of chapter 2 should have one")
	}
}

// The calls' colours are all different, the signal's is not shutdown's
// red, and the socket option's is none of the bands' behind it.
func TestColoursDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, name := range []string{"accept4", "read", "write", "epoll_ctl", "shutdown", "close", "setsockopt", "bind"} {
		colour := callColour(&Call{Name: name})
		if other, ok := seen[colour]; ok {
			t.Errorf("%s and %s share the colour %s", name, other, colour)
		}
		seen[colour] = name
	}
	for _, tint := range []string{tIn, tOut, tNone, tOpen, tEpoll, cSignal} {
		if name, ok := seen[tint]; ok {
			t.Errorf("%s's colour %s is also a band's, a line's or the signal's", name, tint)
		}
	}
}
