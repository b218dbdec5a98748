package doccheck

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"epolltutorial/tools/benchdata"
)

// A figure quoted in prose names the recorded data it comes from, in an
// HTML comment right after it (GitHub and the site do not show it):
//
//	27.5 µs<!-- data: docs/data/bench.csv ch3-epoll-lt cpu_us_per_request -->
//
// FILE is a CSV file from the repository root, ROW the value of a row's
// first column, COLUMN a header. The figure is the number just before the
// marker, and at most one word between them (its unit); it must equal the
// cell, rounded to as many decimals as the text shows. A % after the number
// compares the cell × 100 (user_share 0.254 is 25.4%); a duration unit (s,
// ms, µs, 秒, 毫秒, 微秒) is converted from the unit the data's key names
// (p99_s 0.0739 is 74 ms). ROW written a/b is the ratio of rows a and b in
// that column, for "1.37×". The twins mark the same figures.

var (
	figureMarkerRE = regexp.MustCompile(`<!-- data: (\S+) (\S+) (\S+) -->`)
	// Anything that looks like a data marker, to catch malformed ones.
	dataMarkerRE = regexp.MustCompile(`<!--\s*data\b`)
	// The figure at the end of the text before a marker: a number, maybe a
	// space, and maybe one word (its unit).
	figureRE = regexp.MustCompile(`(\d[\d,]*(?:\.\d+)?)( ?)([^\s\d<>]*)$`)
)

// proseSeconds are the duration units prose writes, in seconds.
var proseSeconds = map[string]float64{
	"s": 1, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9,
	"秒": 1, "毫秒": 1e-3, "微秒": 1e-6, "纳秒": 1e-9,
}

// figure is a figure in prose and the cell it names.
type figure struct {
	line           int
	text           string // the figure as written: "27.5 µs"
	number, unit   string // "27.5", "µs"
	file, row, col string
}

func (f figure) key() string { return f.file + " " + f.row + " " + f.col }

// figures finds the marked figures of a page, outside code, and reports
// markers it cannot read.
func (c *checker) figures(p *page, report bool) []figure {
	var out []figure
	for i, line := range outsideFences(p.lines, nil) {
		masked := maskCode(line)
		good := figureMarkerRE.FindAllStringSubmatchIndex(masked, -1)
		if report && len(dataMarkerRE.FindAllStringIndex(masked, -1)) != len(good) {
			c.report(p, i+1, "malformed data marker: write <!-- data: docs/data/FILE.csv ROW COLUMN --> right after the figure")
		}
		for _, m := range good {
			f := figure{line: i + 1, file: masked[m[2]:m[3]], row: masked[m[4]:m[5]], col: masked[m[6]:m[7]]}
			fm := figureRE.FindStringSubmatchIndex(masked[:m[0]])
			if fm == nil {
				if report {
					c.report(p, i+1, "<!-- data: %s --> follows no figure: put it right after the number it checks", f.key())
				}
				continue
			}
			f.text = masked[fm[0]:m[0]]
			f.number, f.unit = masked[fm[2]:fm[3]], masked[fm[6]:fm[7]]
			out = append(out, f)
		}
	}
	return out
}

// checkFigures holds each marked figure to its cell, and, on an English
// page, asks the twin to mark the same figures.
func (c *checker) checkFigures(p *page) {
	figs := c.figures(p, true)
	for _, f := range figs {
		if msg := c.checkFigure(f); msg != "" {
			c.report(p, f.line, "%s", msg)
		}
	}
	twinRel, english := Twin(p.rel)
	twin := c.byPath[twinRel]
	if !english || twin == nil {
		return
	}
	theirs := c.figures(twin, false)
	count := map[string]int{}
	for _, f := range figs {
		count[f.key()]++
	}
	for _, f := range theirs {
		count[f.key()]--
	}
	for _, f := range figs {
		if count[f.key()] > 0 {
			c.report(twin, 0, "marks no figure with %s to match %s:%d (the twins quote the same figures)", f.key(), p.rel, f.line)
			count[f.key()] = 0
		}
	}
	for _, f := range theirs {
		if count[f.key()] < 0 {
			c.report(twin, f.line, "figure %s is marked with %s, which %s does not mark", f.text, f.key(), p.rel)
			count[f.key()] = 0
		}
	}
}

// checkFigure compares a figure with its cell, and says what is wrong, or "".
func (c *checker) checkFigure(f figure) string {
	d, err := benchdata.ReadDataFile(c.path(f.file))
	if os.IsNotExist(err) {
		return fmt.Sprintf("figure %s: %s does not exist", f.text, f.file)
	}
	if err != nil {
		return fmt.Sprintf("figure %s: %v", f.text, err)
	}
	value, unit, err := d.Lookup(f.row, f.col)
	if err != nil {
		return fmt.Sprintf("figure %s: %s: %v", f.text, f.file, err)
	}
	want, ok := expected(f, value, unit)
	if ok && want == strings.ReplaceAll(f.number, ",", "") {
		return ""
	}
	shown := want
	switch {
	case !ok || f.unit == "" && unit != "": // the data in its own unit
		shown = strconv.FormatFloat(value, 'g', 6, 64)
		if unit != "" {
			shown += " " + unit
		}
	case f.unit != "":
		shown += f.text[len(f.number):]
	}
	return fmt.Sprintf("figure %s differs from %s %s %s = %s", f.text, f.file, f.row, f.col, shown)
}

// expected is the cell as the figure should read: in the text's unit,
// rounded to the text's decimals. It is not ok when the text writes a
// duration and the data holds something else.
func expected(f figure, value float64, unit string) (string, bool) {
	decimals := 0
	if _, frac, ok := strings.Cut(f.number, "."); ok {
		decimals = len(frac)
	}
	switch to, isTime := proseSeconds[f.unit]; {
	case f.unit == "%":
		value *= 100
	case isTime && unit != "":
		from, ok := benchdata.SecondsPer(unit)
		if !ok {
			return "", false
		}
		value = value * from / to
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return "", false
	}
	return strconv.FormatFloat(value, 'f', decimals, 64), true
}
