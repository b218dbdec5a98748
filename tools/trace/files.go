package trace

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// Where the recorded runs and their pictures live, from the repository root.
const (
	DataDir  = "docs/data/trace"
	ImageDir = "docs/img"
)

// DataPath is the recorded run of chapter in scenario:
// docs/data/trace/silent-ch2-loop.txt.
func DataPath(scenario, chapter string) string {
	return filepath.Join(DataDir, scenario+"-"+chapter+".txt")
}

// ImagePath is a comparison's picture in lang: docs/img/trace-silent.svg,
// docs/img/trace-silent.zh-CN.svg.
func ImagePath(scenario, lang string) string {
	return filepath.Join(ImageDir, "trace-"+scenario+langSuffix(lang)+".svg")
}

// langSuffix is what a file's name carries for lang: nothing for English.
func langSuffix(lang string) string {
	if lang == "en" {
		return ""
	}
	return "." + lang
}

// Read parses and analyses a recorded run.
func Read(data []byte) (*Run, error) {
	t, err := Parse(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return Analyse(t)
}

// ReadFile reads the recorded run at path.
func ReadFile(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := Read(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Render draws comparison c from its recorded runs under root, in lang.
func Render(root string, c Comparison, lang string) ([]byte, error) {
	var runs []*Run
	for _, chapter := range c.Chapters {
		r, err := ReadFile(filepath.Join(root, DataPath(c.Scenario, chapter)))
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	var b bytes.Buffer
	if err := Draw(&b, runs, lang); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Check holds a recorded run to the lesson its scenario and chapter are
// meant to show, if there is one, and to what every picture relies on: the
// clients numbered in the order they connect (InConnectOrder), and the
// server back in its wait before the signal (WaitsAtSignal).
func Check(r *Run) error {
	for _, check := range []func(*Run) error{InConnectOrder, WaitsAtSignal} {
		if err := check(r); err != nil {
			return fmt.Errorf("%s in %s: %w", r.Trace.Chapter, r.Trace.Scenario, err)
		}
	}
	lesson := Lesson(r.Trace.Scenario, r.Trace.Chapter)
	if lesson == nil {
		return nil
	}
	if err := lesson(r); err != nil {
		return fmt.Errorf("%s in %s does not show its lesson: %w", r.Trace.Chapter, r.Trace.Scenario, err)
	}
	return nil
}
