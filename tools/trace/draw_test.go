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
		"|blocked in epoll_pwait 10 ms|", "|failed: <reset>&gone|", "|blocked in epoll_pwait until exit|",
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
	// The legend draws one of each kind too, and a read for "blocked".
	if hollow[cRead] != 1+1 || filled[cRead] != 2+2 || hollow[cAccept] != 1 || filled[cAccept] != 2+1 ||
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
	if again := drawHand(t, "# client 1 1700000000.012250 fail err=<reset>&gone\n", "en"); !bytes.Equal(again, svg) {
		t.Error("the same trace drew two different pictures")
	}
}

// The Chinese picture says everything in Chinese, and no label is missing.
func TestDrawChinese(t *testing.T) {
	svg := drawHand(t, "", "zh-CN")
	texts, _ := svgParts(t, svg)
	all := strings.Join(texts, "|")
	for _, want := range []string{"监听套接字", "epoll_wait 的返回", "epoll 实例 fd 4", "fd 5（复用）", "客户端 2",
		"在 epoll_pwait 中阻塞 10 ms", "在 epoll_pwait 中阻塞，直到退出", "图例", "连", "录制程序发送 SIGTERM，让服务器退出"} {
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
// crossed by a signal's line: each of the committed pictures, both
// languages, and the hand-written trace's.
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
		var signals []box
		_, elems := svgParts(t, svg)
		for _, e := range elems {
			if e.Name.Local == "line" && attrOf(e, "stroke") == cShutdown && attrOf(e, "stroke-dasharray") != "" {
				x := num(t, attrOf(e, "x1"))
				signals = append(signals, box{x - 0.6, num(t, attrOf(e, "y1")), x + 0.6, num(t, attrOf(e, "y2"))})
			}
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
