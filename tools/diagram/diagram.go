// Package diagram renders the tutorial's diagrams: D2 sources in
// docs/diagrams, one per language (NAME.d2 in English, NAME.zh-CN.d2 in
// Chinese, with the same shapes and connections), drawn to SVG files in
// docs/img (NAME.svg, NAME.zh-CN.svg) that the pages embed as images, so
// they look the same on the reading site and on GitHub.
package diagram

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"oss.terrastruct.com/d2/d2compiler"
	"oss.terrastruct.com/d2/d2graph"
	"oss.terrastruct.com/d2/d2layouts/d2dagrelayout"
	"oss.terrastruct.com/d2/d2lib"
	"oss.terrastruct.com/d2/d2renderers/d2svg"
	"oss.terrastruct.com/d2/lib/log"
	"oss.terrastruct.com/d2/lib/textmeasure"
)

// Where the sources and the pictures live, relative to the repository root.
const (
	SourceDir = "docs/diagrams"
	ImageDir  = "docs/img"
)

// Diagram is one source file and the picture drawn from it.
type Diagram struct {
	Name   string // lifecycle
	Lang   string // "en" or "zh-CN"
	Source string // docs/diagrams/lifecycle.zh-CN.d2
	Image  string // docs/img/lifecycle.zh-CN.svg
}

// List finds every source under root, sorted by name, then English first.
func List(root string) ([]Diagram, error) {
	files, err := filepath.Glob(filepath.Join(root, SourceDir, "*.d2"))
	if err != nil {
		return nil, err
	}
	var out []Diagram
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".d2")
		d := Diagram{Name: base, Lang: "en"}
		if name, ok := strings.CutSuffix(base, ".zh-CN"); ok {
			d.Name, d.Lang = name, "zh-CN"
		}
		d.Source = SourceDir + "/" + base + ".d2"
		d.Image = ImageDir + "/" + base + ".svg"
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Lang == "en"
	})
	return out, nil
}

// pad is the margin around a picture, in pixels.
const pad = 16

// Render draws one D2 source as SVG. The same source always gives the
// same bytes: the layout (dagre) is deterministic, and D2 names the
// picture's CSS classes after a hash of the diagram.
func Render(src []byte) ([]byte, error) {
	ruler, err := textmeasure.NewRuler()
	if err != nil {
		return nil, fmt.Errorf("d2: text ruler: %w", err)
	}
	// D2 logs its progress at debug and info level; only warnings and
	// errors are worth a reader's attention.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := log.With(context.Background(), logger)
	layout := func(string) (d2graph.LayoutGraph, error) { return d2dagrelayout.DefaultLayout, nil }
	p := int64(pad)
	// Scale 1 gives the picture its natural size in pixels; without it the
	// SVG has no size of its own and stretches to fill whatever holds it.
	// The version would change every picture with each D2 release.
	scale, omit := 1.0, true
	opts := &d2svg.RenderOpts{Pad: &p, Scale: &scale, OmitVersion: &omit}
	diagram, _, err := d2lib.Compile(ctx, string(src), &d2lib.CompileOptions{
		LayoutResolver: layout,
		Ruler:          ruler,
	}, opts)
	if err != nil {
		return nil, fmt.Errorf("d2: %w", err)
	}
	out, err := d2svg.Render(diagram, opts)
	if err != nil {
		return nil, fmt.Errorf("d2: render: %w", err)
	}
	return out, nil
}

// Check compares every committed picture with what its source draws now
// and returns one problem per picture that is missing or stale. With fix,
// it writes the pictures instead.
func Check(root string, fix bool, progress io.Writer) ([]string, error) {
	list, err := List(root)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, d := range list {
		src, err := os.ReadFile(filepath.Join(root, d.Source))
		if err != nil {
			return nil, err
		}
		svg, err := Render(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Source, err)
		}
		path := filepath.Join(root, d.Image)
		old, err := os.ReadFile(path)
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		if bytes.Equal(old, svg) {
			continue
		}
		if fix {
			if err := os.WriteFile(path, svg, 0o644); err != nil {
				return nil, err
			}
			fmt.Fprintf(progress, "wrote %s\n", d.Image)
			continue
		}
		what := "stale"
		if old == nil {
			what = "missing"
		}
		problems = append(problems, fmt.Sprintf("%s: %s: redraw it from %s with `make diagrams`", d.Image, what, d.Source))
	}
	return problems, nil
}

// Shape lists what a source draws, without its labels: the id of every
// shape and of every connection (which names its two ends). Twins in two
// languages must have the same shape, so that they say the same thing.
func Shape(src []byte) ([]string, error) {
	g, _, err := d2compiler.Compile("", bytes.NewReader(src), nil)
	if err != nil {
		return nil, fmt.Errorf("d2: %w", err)
	}
	var ids []string
	for _, o := range g.Objects {
		ids = append(ids, o.AbsID())
	}
	for _, e := range g.Edges {
		ids = append(ids, e.AbsID())
	}
	sort.Strings(ids)
	return ids, nil
}
