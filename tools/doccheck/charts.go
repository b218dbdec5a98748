package doccheck

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"epolltutorial/tools/benchdata"
	driver "epolltutorial/tools/load" // the load driver, which draws the charts
)

// A generated chart: the line <!-- chart: PATH --> (PATH from the repository
// root, a recorded data file such as docs/data/backlog-ch3-epoll-lt.csv),
// then the image of its chart in the page's language, which the check
// generates too: docs/img/NAME.svg on an English page, NAME.zh-CN.svg on a
// Chinese one (driver.ChartName). Check holds the image's path to the
// language and the SVG file to what the data draws, and reports an SVG in
// docs/img named after a data file that no page shows; Fix draws the SVG
// files and points the images at them.

var (
	chartMarkerRE = regexp.MustCompile(`^<!-- chart: (\S+) -->$`)
	imageRE       = regexp.MustCompile(`^!\[([^\]]*)\]\(([^)\s]+)\)$`)
)

// chartDir holds the generated charts.
const chartDir = "docs/img"

// chart is a generated chart in a page: the marker's line and data file,
// and the image on the line after it.
type chart struct {
	item
	image       int    // the image's line (1-based), 0 when that line is no image
	alt, target string // the image's text and path, as the page writes them
	svg         string // the SVG it should show (slash path from the root)
}

func (ch chart) itemOf() item { return ch.item }

// chartPath is the SVG drawn from a data file in lang.
func chartPath(data, lang string) string {
	return path.Join(chartDir, driver.ChartName(strings.TrimSuffix(path.Base(data), ".csv"), lang))
}

// charts reads the page's chart markers, outside code fences.
func (c *checker) charts(p *page) []chart {
	var out []chart
	for i, line := range outsideFences(p.lines, nil) {
		if !strings.HasPrefix(strings.TrimSpace(line), "<!-- chart:") {
			continue
		}
		m := chartMarkerRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			c.report(p, i+1, "malformed chart marker: write <!-- chart: docs/data/FILE.csv -->")
			continue
		}
		ch := chart{item: item{i + 1, m[1]}, svg: chartPath(m[1], language(p.rel))}
		if i+1 < len(p.lines) {
			if im := imageRE.FindStringSubmatch(strings.TrimSpace(p.lines[i+1])); im != nil {
				ch.image, ch.alt, ch.target = i+2, im[1], im[2]
			}
		}
		out = append(out, ch)
	}
	return out
}

// draw is the SVG that a data file draws in lang, or reports why there is
// none.
func (c *checker) draw(p *page, ch chart) ([]byte, bool) {
	svg, err := driver.RenderChartFile(c.path(ch.text), language(p.rel))
	if os.IsNotExist(err) {
		c.problems = append(c.problems, Problem{File: p.rel, Line: ch.line, Missing: ch.text,
			Message: ch.text + " does not exist"})
		return nil, false
	}
	if err != nil {
		c.report(p, ch.line, "%v", err)
		return nil, false
	}
	return svg, true
}

// checkCharts holds every page's charts to their data, the twins to the
// same charts, and reports the charts in docs/img that no page shows.
func (c *checker) checkCharts() {
	byPage := map[*page][]chart{}
	for _, p := range c.pages {
		byPage[p] = c.charts(p)
	}
	shown := map[string]bool{}
	for _, p := range c.pages {
		if twin, english := Twin(p.rel); english && c.byPath[twin] != nil {
			c.sameItems(p, c.byPath[twin], "chart", items(byPage[p]), items(byPage[c.byPath[twin]]))
		}
		for _, ch := range byPage[p] {
			shown[ch.svg] = true
			want, ok := c.draw(p, ch)
			if !ok {
				continue // no data, or none that draws a chart: nothing to link
			}
			link, err := relPath(p.rel, ch.svg)
			if err != nil {
				c.report(p, ch.line, "%v", err)
				continue
			}
			switch {
			case ch.image == 0:
				c.report(p, ch.line, "a chart marker goes on the line just before its image: ![…](%s)", link)
			case c.resolve(p, ch.target) != ch.svg:
				c.report(p, ch.image, "the chart of %s in this page's language is %s, not %s (`make docs FIX=1` links it)",
					ch.text, link, ch.target)
			}
			switch have, err := os.ReadFile(c.path(ch.svg)); {
			case os.IsNotExist(err):
				c.report(p, ch.line, "%s is missing (`make docs FIX=1` draws it from %s)", ch.svg, ch.text)
			case err != nil:
				c.report(p, ch.line, "%v", err)
			case !bytes.Equal(have, want):
				c.report(p, ch.line, "%s is not what %s draws (`make docs FIX=1` draws it again)", ch.svg, ch.text)
			}
		}
	}
	c.checkUnshownCharts(shown)
}

// checkUnshownCharts reports each SVG in docs/img that is named as the chart
// of a recorded data file (in some language) but that no page shows with a
// chart marker: nothing would keep it up to date.
func (c *checker) checkUnshownCharts(shown map[string]bool) {
	svgs, err := filepath.Glob(filepath.Join(c.path(chartDir), "*.svg"))
	if err != nil {
		c.problems = append(c.problems, Problem{File: chartDir, Message: err.Error()})
		return
	}
	data, err := filepath.Glob(filepath.Join(c.path("docs/data"), "*.csv"))
	if err != nil {
		c.problems = append(c.problems, Problem{File: "docs/data", Message: err.Error()})
		return
	}
	drawnFrom := map[string]string{} // chart path → its data file
	for _, d := range data {
		rel := "docs/data/" + filepath.Base(d)
		for _, lang := range benchdata.Languages() {
			drawnFrom[chartPath(rel, lang)] = rel
		}
	}
	for _, f := range svgs {
		rel := chartDir + "/" + filepath.Base(f)
		if from, ok := drawnFrom[rel]; ok && !shown[rel] {
			c.problems = append(c.problems, Problem{File: rel, Message: fmt.Sprintf(
				"is named as the chart of %s, but no page shows it after a <!-- chart: %s --> marker, so nothing keeps it up to date: show it that way, or delete it",
				from, from)})
		}
	}
}

// fixCharts draws every chart again from its data and points each chart
// marker's image at its language's SVG. It returns the files it wrote.
func fixCharts(root string) ([]string, error) {
	c, err := load(root)
	if err != nil {
		return nil, err
	}
	var rewritten []string
	drawn := map[string]bool{}
	for _, p := range c.pages {
		changed := false
		for _, ch := range c.charts(p) {
			want, ok := c.draw(p, ch)
			if !ok {
				continue // Check reports it
			}
			if ch.image > 0 && c.resolve(p, ch.target) != ch.svg {
				link, err := relPath(p.rel, ch.svg)
				if err != nil {
					return rewritten, err
				}
				p.lines[ch.image-1] = "![" + ch.alt + "](" + link + ")"
				changed = true
			}
			if drawn[ch.svg] {
				continue
			}
			drawn[ch.svg] = true
			have, err := os.ReadFile(c.path(ch.svg))
			if err != nil && !os.IsNotExist(err) {
				return rewritten, err
			}
			if err == nil && bytes.Equal(have, want) {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(c.path(ch.svg)), 0o755); err != nil {
				return rewritten, err
			}
			if err := os.WriteFile(c.path(ch.svg), want, 0o644); err != nil {
				return rewritten, err
			}
			rewritten = append(rewritten, ch.svg)
		}
		if changed {
			if err := os.WriteFile(c.path(p.rel), []byte(strings.Join(p.lines, "\n")+"\n"), 0o644); err != nil {
				return rewritten, err
			}
			rewritten = append(rewritten, p.rel)
		}
	}
	return rewritten, nil
}
