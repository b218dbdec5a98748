//go:build linux

package load

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"epolltutorial/tools/benchdata"
)

func testChart() Chart {
	return Chart{
		Title:  "ch3 & friends: <backlog>",
		XLabel: "listen backlog",
		X:      []string{"1", "8", "16", "128"},
		Left:   Series{Name: "p99", Values: []float64{7.83, 1.88, math.NaN(), 0.0326}},
		Right:  Series{Name: "ListenOverflows", Values: []float64{859, 261, 88, 0}},
	}
}

// The chart is well-formed XML, escapes its text, and draws a dot for each
// value it can place (the NaN latency is a gap).
func TestChartSVG(t *testing.T) {
	var b bytes.Buffer
	if err := testChart().WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	dec := xml.NewDecoder(strings.NewReader(out))
	circles, texts := 0, []string{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "circle" {
				circles++
			}
		case xml.CharData:
			texts = append(texts, string(tok))
		}
	}
	if circles != 3+4 {
		t.Errorf("%d dots, want 7 (3 latencies, 4 counts)", circles)
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"ch3 & friends: <backlog>", "|128|", "|10 s|", "|10 ms|", "|1000|"} {
		if !strings.Contains("|"+all+"|", want) {
			t.Errorf("chart text lacks %q: %s", want, all)
		}
	}
	// The gap splits the latency line in two pieces; the first has two points.
	if n := strings.Count(out, "<polyline"); n != 2 {
		t.Errorf("%d polylines, want 2 (latency before the gap, counts)", n)
	}
}

// The charts the driver writes into results/ for a sweep are the ones that
// `make docs FIX=1` draws from the sweep's CSV once it is copied.
func TestDriverChartsMatchRecorded(t *testing.T) {
	rows := []BacklogRow{
		{Backlog: 1, Stats: Stats{RPS: 24.3, P50: 0.0013, P99: 7.8234567, Max: 7.82}, Listen: ListenDeltas{Overflows: 1061}},
		{Backlog: 128, Stats: Stats{RPS: 1677, P50: 0.0229, P99: 0.191, Max: 0.208}},
	}
	data := BacklogData(rows, SynSchedule(4))
	var csv bytes.Buffer
	if err := data.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backlog-ch2-loop.csv")
	if err := os.WriteFile(path, csv.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range benchdata.Languages() {
		chart, err := BacklogChart("ch2-loop", data, lang)
		if err != nil {
			t.Fatal(err)
		}
		var driver bytes.Buffer
		if err := chart.WriteSVG(&driver); err != nil {
			t.Fatal(err)
		}
		recorded, err := RenderChartFile(path, lang)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(driver.Bytes(), recorded) {
			t.Errorf("%s: the driver's chart differs from the recorded data's:\n%s\n%s", lang, driver.Bytes(), recorded)
		}
	}
}

func TestChartRejectsMismatchedSeries(t *testing.T) {
	c := testChart()
	c.Right.Values = c.Right.Values[:2]
	if err := c.WriteSVG(io.Discard); err == nil {
		t.Error("no error for 4 categories and 2 values")
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct {
		s    float64
		want string
	}{
		{7.83, "7.83 s"}, {1, "1 s"}, {1.04, "1.04 s"}, {0.0326, "32.6 ms"}, {0.009, "9 ms"},
		{0.0009, "900 µs"}, {3.68e-5, "36.8 µs"}, {math.NaN(), "–"},
	} {
		if got := formatSeconds(c.s); got != c.want {
			t.Errorf("formatSeconds(%v) = %q, want %q", c.s, got, c.want)
		}
	}
	for v, want := range map[float64]float64{0: 1, 0.5: 1, 3: 5, 859: 1000, 1000: 1000, 1001: 2000, 12: 20} {
		if got := niceCeil(v); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", v, got, want)
		}
	}
}

func TestTable(t *testing.T) {
	var tab Table
	tab.Header = []string{"backlog", "p99", "note"}
	tab.Add(1, "7.83 s", "a|b")
	tab.Add(128, "32.6 ms", "")
	var md, csv, text bytes.Buffer
	if err := tab.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	wantMD := "| backlog | p99 | note |\n|---|---:|---:|\n| 1 | 7.83 s | a\\|b |\n| 128 | 32.6 ms |  |\n"
	if md.String() != wantMD {
		t.Errorf("markdown:\n%s\nwant:\n%s", md.String(), wantMD)
	}
	tab.WriteCSV(&csv)
	if csv.String() != "backlog,p99,note\n1,7.83 s,a|b\n128,32.6 ms,\n" {
		t.Errorf("csv:\n%s", csv.String())
	}
	tab.WriteText(&text)
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	if len(lines) != 3 || len([]rune(lines[0])) != len([]rune(lines[1])) {
		t.Errorf("text columns do not line up:\n%s", text.String())
	}
}

func TestHeyVersion(t *testing.T) {
	// The pinned version, read from the real tools/go.mod.
	if v := HeyVersion("../.."); !strings.HasPrefix(v, "v0.1.") {
		t.Errorf("HeyVersion = %q, want the pinned v0.1.x", v)
	}
}
