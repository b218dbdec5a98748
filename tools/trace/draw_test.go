package trace

import (
	"bytes"
	"encoding/xml"
	"io"
	"path/filepath"
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

// The picture of the hand-written trace: the lanes by connection, the
// epoll_wait returns with their events, EAGAIN hollow, the long wait a
// bar, the call cut short by the exit a bar to the end; text escaped.
func TestDraw(t *testing.T) {
	svg := drawHand(t, "# client 1 1700000000.012250 fail err=<reset>&gone\n", "en")
	texts, elems := svgParts(t, svg)
	all := "|" + strings.Join(texts, "|") + "|"
	for _, want := range []string{
		"|listening socket|fd 3|", "|epoll_wait returns|fd 4|", "|client 1|fd 5|", "|client 2|fd 5|",
		"|3 IN|", "|5 IN|RDHUP|", "|EOF|", "|SO_REUSEADDR 1|", "|+4.3 ms|", "|blocked 10 ms|", "|t = 0.0 ms|", "|t = 12.3 ms|",
		"|failed: <reset>&gone|", "|still blocked at exit|",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the picture lacks %q:\n%s", want, all)
		}
	}
	if !bytes.Contains(svg, []byte("failed: &lt;reset&gt;&amp;gone")) {
		t.Error("a client's error is not escaped")
	}
	// Marks: two reads and one EAGAIN among the blue circles, as strace
	// said; a hollow orange one for accept's EAGAIN.
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
	// The legend draws one of each kind too.
	if hollow[cRead] != 1+1 || filled[cRead] != 2+1 || hollow[cAccept] != 1 || filled[cAccept] != 2+1 {
		t.Errorf("circles: hollow %v, filled %v", hollow, filled)
	}
	bars := 0
	for _, e := range elems {
		if e.Name.Local == "rect" && attrOf(e, "fill-opacity") == "0.3" && attrOf(e, "fill") == cEpoll {
			bars++
		}
	}
	if bars != 2 {
		t.Errorf("%d epoll_wait bars, want 2 (the 10 ms wait, the wait cut short)", bars)
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
	for _, want := range []string{"监听套接字", "epoll_wait 返回", "客户端 2", "阻塞 10 ms", "退出时仍在阻塞", "图例"} {
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
