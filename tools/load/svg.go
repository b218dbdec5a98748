package load

// This file has no build constraint, unlike the scenarios: the docs check
// (tools/doccheck) draws the results pages' charts with it on any system.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"epolltutorial/tools/benchdata"
)

// Chart is a line chart of two series over the same categories, evenly
// spaced along the x axis: the left series on a logarithmic axis (latency,
// which spans milliseconds to seconds), the right one on a linear axis from
// zero (a count). It renders as a self-contained SVG file.
type Chart struct {
	Lang   string // the labels' language, "en" (or "") or "zh-CN"
	Title  string
	XLabel string
	X      []string // category labels
	Left   Series   // seconds, log axis; values ≤ 0 or NaN leave a gap
	Right  Series   // counts, linear axis
}

// Series is one line of a chart.
type Series struct {
	Name   string
	Values []float64
}

const (
	chartW, chartH = 720, 400
	padL, padR     = 72, 72
	padT, padB     = 56, 56
	leftColor      = "#1f5fa8"
	rightColor     = "#c0392b"
)

// chartFont is the font stack: the system's own for Latin text, then fonts
// with Chinese glyphs on Linux, macOS and Windows, so that a Chinese label
// never falls back to empty boxes, on the site or on GitHub.
const chartFont = `system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Source Han Sans SC", ` +
	`"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif`

// chartWords are the charts' own words in each language. The terms the
// tables also use (backlog, p99, ListenOverflows) come from benchdata's
// labels, so a term reads the same in a chart and in the table beside it.
var chartWords = map[string]map[string]string{
	"en": {
		"log":           "%s (log scale)",
		"latency":       "%s latency",
		"listen":        "listen %s",
		"backlog_title": "%s: %s and %s against the %s",
		"backlog_x":     "%s (the second argument of listen)",
		"overflows":     "TcpExt %s (dropped SYNs/ACKs)",
	},
	"zh-CN": {
		"log":           "%s（对数刻度）",
		"latency":       "%s 延迟",
		"listen":        "listen %s",
		"backlog_title": "%s：%s与 %s 随 %s 的变化",
		"backlog_x":     "%s（listen 的第二个参数）",
		"overflows":     "TcpExt %s（丢弃的 SYN 和 ACK）",
	},
}

// WriteSVG renders the chart.
func (c Chart) WriteSVG(w io.Writer) error {
	if len(c.Left.Values) != len(c.X) || len(c.Right.Values) != len(c.X) {
		return fmt.Errorf("chart: %d categories, %d and %d values", len(c.X), len(c.Left.Values), len(c.Right.Values))
	}
	var b bytes.Buffer
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	x := func(i int) float64 {
		if len(c.X) == 1 {
			return padL + plotW/2
		}
		return padL + plotW*float64(i)/float64(len(c.X)-1)
	}

	// The left axis covers whole decades around the data.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range c.Left.Values {
		if v > 0 && !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1e-3, 1
	}
	decLo, decHi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if decHi == decLo {
		decHi++
	}
	yLeft := func(v float64) float64 {
		return padT + plotH*(1-(math.Log10(v)-decLo)/(decHi-decLo))
	}
	// The right axis runs from 0 to a round number above the data.
	top := niceCeil(maxOf(c.Right.Values))
	yRight := func(v float64) float64 { return padT + plotH*(1-v/top) }

	lang := c.Lang
	if lang == "" {
		lang = "en"
	}
	words := chartWords[lang]
	if words == nil {
		return fmt.Errorf("chart: no words in language %q", c.Lang)
	}
	// xml:lang lets the viewer pick Simplified Chinese glyphs for Han text.
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" xml:lang="%s" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="12">`+"\n",
		esc(lang), chartW, chartH, chartW, chartH, esc(chartFont))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="22" text-anchor="middle" font-size="15" font-weight="bold">%s</text>`+"\n", chartW/2, esc(c.Title))

	// Grid and left ticks: one line per decade.
	for d := decLo; d <= decHi; d++ {
		y := yLeft(math.Pow(10, d))
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", padL, y, chartW-padR, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" fill="%s">%s</text>`+"\n", padL-6, y+4, leftColor, esc(formatSeconds(math.Pow(10, d))))
	}
	// Right ticks: five steps.
	for i := 0; i <= 5; i++ {
		v := top * float64(i) / 5
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" fill="%s">%s</text>`+"\n", chartW-padR+6, yRight(v)+4, rightColor, esc(formatCount(v)))
	}
	// Axes and x labels.
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", padL, chartH-padB, chartW-padR, chartH-padB)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`+"\n", padL, padT, padL, chartH-padB, leftColor)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`+"\n", chartW-padR, padT, chartW-padR, chartH-padB, rightColor)
	for i, label := range c.X {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x(i), chartH-padB+18, esc(label))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", padL+int(plotW)/2, chartH-padB+40, esc(c.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(16 %d) rotate(-90)" text-anchor="middle" fill="%s">%s</text>`+"\n", padT+int(plotH)/2, leftColor, esc(fmt.Sprintf(words["log"], c.Left.Name)))
	fmt.Fprintf(&b, `<text transform="translate(%d %d) rotate(90)" text-anchor="middle" fill="%s">%s</text>`+"\n", chartW-16, padT+int(plotH)/2, rightColor, esc(c.Right.Name))

	// The two lines, with a dot at each value.
	line := func(values []float64, y func(float64) float64, ok func(float64) bool, color, dash string) {
		var path []string
		for i, v := range values {
			if !ok(v) {
				if len(path) > 1 {
					fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(path, " "), color, dash)
				}
				path = nil
				continue
			}
			path = append(path, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		if len(path) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(path, " "), color, dash)
		}
		for i, v := range values {
			if ok(v) {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", x(i), y(v), color)
			}
		}
	}
	line(c.Left.Values, yLeft, func(v float64) bool { return v > 0 && !math.IsNaN(v) }, leftColor, "")
	line(c.Right.Values, yRight, func(v float64) bool { return !math.IsNaN(v) }, rightColor, ` stroke-dasharray="6 4"`)

	// Legend.
	fmt.Fprintf(&b, `<line x1="%d" y1="40" x2="%d" y2="40" stroke="%s" stroke-width="2"/><text x="%d" y="44">%s</text>`+"\n",
		padL+10, padL+34, leftColor, padL+40, esc(c.Left.Name))
	fmt.Fprintf(&b, `<line x1="%d" y1="40" x2="%d" y2="40" stroke="%s" stroke-width="2" stroke-dasharray="6 4"/><text x="%d" y="44">%s</text>`+"\n",
		chartW/2+10, chartW/2+34, rightColor, chartW/2+40, esc(c.Right.Name))
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func maxOf(values []float64) float64 {
	m := 0.0
	for _, v := range values {
		if !math.IsNaN(v) {
			m = max(m, v)
		}
	}
	return m
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// formatSeconds writes a duration in seconds the way a reader says it:
// 250 µs, 1.2 ms, 35 ms, 1.04 s (as the results pages' tables do).
func formatSeconds(s float64) string { return benchdata.FormatSeconds(s) }

func trimZeros(s string) string { return benchdata.TrimZeros(s) }

func formatCount(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// ChartName is the file name of the chart drawn from a recorded data file
// (base is its name without .csv) in lang, named the way the pages' twins
// are: backlog-ch3-epoll-lt.svg in English, backlog-ch3-epoll-lt.zh-CN.svg
// in Chinese.
func ChartName(base, lang string) string {
	if lang == "en" {
		return base + ".svg"
	}
	return base + "." + lang + ".svg"
}

// ChartOf draws the chart of a recorded data file, named by its base name,
// in lang. Only the backlog sweeps (backlog-CHAPTER.csv) have one.
func ChartOf(name string, d benchdata.Data, lang string) (Chart, error) {
	chapter, ok := strings.CutPrefix(strings.TrimSuffix(name, ".csv"), "backlog-")
	if !ok || !strings.HasSuffix(name, ".csv") {
		return Chart{}, fmt.Errorf("%s: only the backlog sweeps (backlog-CHAPTER.csv) have a chart", name)
	}
	return BacklogChart(chapter, d, lang)
}

// RenderChartFile reads a recorded data file and returns its chart in lang
// as SVG, exactly as the load driver writes it for the same data.
func RenderChartFile(path, lang string) ([]byte, error) {
	d, err := benchdata.ReadDataFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ChartOf(filepath.Base(path), d, lang)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := c.WriteSVG(&b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b.Bytes(), nil
}

// BacklogChart plots a backlog sweep (BacklogData's columns) in lang: the
// p99 latency and ListenOverflows against the backlog.
func BacklogChart(chapter string, d benchdata.Data, lang string) (Chart, error) {
	w := chartWords[lang]
	if w == nil {
		return Chart{}, fmt.Errorf("chart: no words in language %q", lang)
	}
	cols := map[string]int{}
	for _, key := range []string{"backlog", "p99_s", "ListenOverflows"} {
		if cols[key] = slices.Index(d.Header, key); cols[key] < 0 {
			return Chart{}, fmt.Errorf("backlog chart: no column %q", key)
		}
	}
	label := func(key string) string {
		if s, ok := benchdata.Labels(lang)[key]; ok {
			return s
		}
		return key // a kernel counter's name reads the same in every language
	}
	latency := fmt.Sprintf(w["latency"], label("p99_s"))
	overflows := label("ListenOverflows")
	backlog := fmt.Sprintf(w["listen"], label("backlog"))
	c := Chart{
		Lang:   lang,
		Title:  fmt.Sprintf(w["backlog_title"], chapter, latency, overflows, backlog),
		XLabel: fmt.Sprintf(w["backlog_x"], backlog),
		Left:   Series{Name: latency},
		Right:  Series{Name: fmt.Sprintf(w["overflows"], overflows)},
	}
	for i, row := range d.Rows {
		if cols["backlog"] >= len(row) || row[cols["backlog"]] == "" {
			return Chart{}, fmt.Errorf("backlog chart, row %d: no backlog", i+1)
		}
		cell := func(key string) (float64, error) {
			col := cols[key]
			if col >= len(row) || row[col] == "" {
				return math.NaN(), nil // not measured: a gap in the line
			}
			v, err := strconv.ParseFloat(row[col], 64)
			if err != nil {
				return 0, fmt.Errorf("backlog chart, row %d: %s is %q, not a number", i+1, key, row[col])
			}
			return v, nil
		}
		p99, err := cell("p99_s")
		if err != nil {
			return Chart{}, err
		}
		n, err := cell("ListenOverflows")
		if err != nil {
			return Chart{}, err
		}
		c.X = append(c.X, row[cols["backlog"]])
		c.Left.Values = append(c.Left.Values, p99)
		c.Right.Values = append(c.Right.Values, n)
	}
	return c, nil
}
