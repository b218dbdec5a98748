package load

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"epolltutorial/tools/benchdata"
)

// sweepCSV is a backlog sweep as docs/data records it (shortened): the p99
// of backlog 8 was not measured.
const sweepCSV = `backlog,requests_per_second,p50_s,p99_s,max_s,failed,ListenOverflows,ListenDrops,SyncookiesSent,connect_1s,connect_2s,connect_3s,connect_4s_or_more,request_resent
1,24,0.0013,7.82,7.82,73,1061,1061,141,74,12,0,0,57
8,179,0.0047,,2.73,0,290,290,71,92,0,0,0,62
128,1677,0.0229,0.191,0.208,0,0,0,0,0,0,0,0,0
`

// svgDoc is what a test reads from a chart: its root's attributes, the
// text of its <text> elements, and how many dots it has.
type svgDoc struct {
	attrs map[string]string
	texts []string
	dots  int
}

// parseSVG reads a chart, failing the test if it is not well-formed XML.
func parseSVG(t *testing.T, svg []byte) svgDoc {
	t.Helper()
	doc := svgDoc{attrs: map[string]string{}}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return doc
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "svg":
				for _, a := range tok.Attr {
					name := a.Name.Local
					if a.Name.Space != "" {
						name = a.Name.Space + ":" + name
					}
					doc.attrs[name] = a.Value
				}
			case "circle":
				doc.dots++
			case "text":
				inText = true
			}
		case xml.EndElement:
			inText = inText && tok.Name.Local != "text"
		case xml.CharData:
			if inText {
				doc.texts = append(doc.texts, string(tok))
			}
		}
	}
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// draw renders the sweep's chart in lang.
func draw(t *testing.T, chapter, lang string) []byte {
	t.Helper()
	d, err := benchdata.ReadData(strings.NewReader(sweepCSV))
	if err != nil {
		t.Fatal(err)
	}
	c, err := BacklogChart(chapter, d, lang)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The Chinese chart says everything in Chinese, with the tables' terms; the
// English one has no Chinese at all. Both name their language and a font
// stack that can show Chinese.
func TestBacklogChartLanguages(t *testing.T) {
	zh := parseSVG(t, draw(t, "ch3-epoll-lt", "zh-CN"))
	// The title, the x axis, the left axis, its legend, the right axis (and
	// legend), and ticks.
	for _, want := range []string{
		"ch3-epoll-lt：p99 延迟与 ListenOverflows 随 listen backlog 的变化",
		"listen backlog（listen 的第二个参数）",
		"p99 延迟（对数刻度）",
		"p99 延迟",
		"TcpExt ListenOverflows（丢弃的 SYN 和 ACK）",
		"1", "8", "128", "10 s", "100 ms", "1200",
	} {
		if !slices.Contains(zh.texts, want) {
			t.Errorf("the Chinese chart has no text %q: %q", want, zh.texts)
		}
	}
	en := parseSVG(t, draw(t, "ch3-epoll-lt", "en"))
	for _, want := range []string{
		"ch3-epoll-lt: p99 latency and ListenOverflows against the listen backlog",
		"p99 latency (log scale)", "TcpExt ListenOverflows (dropped SYNs/ACKs)",
	} {
		if !slices.Contains(en.texts, want) {
			t.Errorf("the English chart has no text %q: %q", want, en.texts)
		}
	}
	for _, s := range en.texts {
		if hasHan(s) {
			t.Errorf("the English chart has Chinese text %q", s)
		}
	}
	for lang, doc := range map[string]svgDoc{"en": en, "zh-CN": zh} {
		if got := doc.attrs["http://www.w3.org/XML/1998/namespace:lang"]; got != lang {
			t.Errorf("%s chart: xml:lang=%q", lang, got)
		}
		font := doc.attrs["font-family"]
		for _, f := range []string{`"Noto Sans CJK SC"`, `"PingFang SC"`, `"Microsoft YaHei"`} {
			if !strings.Contains(font, f) {
				t.Errorf("%s chart: font-family %q lacks %s", lang, font, f)
			}
		}
		if !strings.HasSuffix(font, ", sans-serif") {
			t.Errorf("%s chart: font-family %q does not end with the generic sans-serif", lang, font)
		}
		// Two latencies (the unmeasured one is a gap) and three counts.
		if doc.dots != 2+3 {
			t.Errorf("%s chart: %d dots, want 5", lang, doc.dots)
		}
	}
}

// Text from the data is escaped: a chapter's name cannot break the SVG.
func TestBacklogChartEscapes(t *testing.T) {
	doc := parseSVG(t, draw(t, `a<b & "c"`, "zh-CN"))
	if !strings.HasPrefix(doc.texts[0], `a<b & "c"：`) {
		t.Errorf("title %q", doc.texts[0])
	}
}

// The chart of a data file is the same every time, and the same whether it
// is drawn from the file or from the data the file was written from.
func TestRenderChartFileIsDeterministic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "backlog-ch3-epoll-lt.csv")
	if err := os.WriteFile(path, []byte(sweepCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range benchdata.Languages() {
		first, err := RenderChartFile(path, lang)
		if err != nil {
			t.Fatal(err)
		}
		again, err := RenderChartFile(path, lang)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Errorf("%s: two drawings of one file differ", lang)
		}
		if direct := draw(t, "ch3-epoll-lt", lang); !bytes.Equal(first, direct) {
			t.Errorf("%s: the file's chart differs from the data's:\n%s\n%s", lang, first, direct)
		}
	}
}

func TestChartErrors(t *testing.T) {
	d, err := benchdata.ReadData(strings.NewReader(sweepCSV))
	if err != nil {
		t.Fatal(err)
	}
	noColumn := benchdata.Data{Header: []string{"backlog", "p99_s"}, Rows: [][]string{{"1", "7.8"}}}
	notNumber := benchdata.Data{Header: d.Header, Rows: [][]string{slices.Clone(d.Rows[0])}}
	notNumber.Rows[0][3] = "slow"
	for name, c := range map[string]struct {
		file string
		data benchdata.Data
		lang string
		want string
	}{
		"not a sweep":    {"c10k.csv", d, "en", "only the backlog sweeps"},
		"not CSV":        {"backlog-ch3-epoll-lt.md", d, "en", "only the backlog sweeps"},
		"language":       {"backlog-ch3-epoll-lt.csv", d, "fr", `no words in language "fr"`},
		"missing column": {"backlog-ch3-epoll-lt.csv", noColumn, "en", `no column "ListenOverflows"`},
		"not a number":   {"backlog-ch3-epoll-lt.csv", notNumber, "en", `p99_s is "slow"`},
	} {
		_, err := ChartOf(c.file, c.data, c.lang)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one that says %q", name, err, c.want)
		}
	}
	if _, err := RenderChartFile(filepath.Join(t.TempDir(), "backlog-none.csv"), "en"); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v", err)
	}
}

// Every chart word exists in every language the tables are written in.
func TestChartWords(t *testing.T) {
	langs := benchdata.Languages()
	if len(chartWords) != len(langs) {
		t.Errorf("chart words in %d languages, tables in %v", len(chartWords), langs)
	}
	for _, lang := range langs {
		for key := range chartWords["en"] {
			if chartWords[lang][key] == "" {
				t.Errorf("no %s word for %q", lang, key)
			}
		}
		for key := range chartWords[lang] {
			if _, ok := chartWords["en"][key]; !ok {
				t.Errorf("%s word %q has no English", lang, key)
			}
		}
	}
	if got := ChartName("backlog-ch2-loop", "en"); got != "backlog-ch2-loop.svg" {
		t.Errorf("English chart name %q", got)
	}
	if got := ChartName("backlog-ch2-loop", "zh-CN"); got != "backlog-ch2-loop.zh-CN.svg" {
		t.Errorf("Chinese chart name %q", got)
	}
}
