package diagram

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// root is the repository root, seen from this package's folder.
const root = "../.."

// The committed pictures are what their sources draw today.
func TestPicturesAreFresh(t *testing.T) {
	problems, err := Check(root, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// Every diagram exists in both languages, and the twins have the same
// shapes and connections: only their labels differ.
func TestTwinsHaveTheSameShape(t *testing.T) {
	list, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatalf("no diagrams under %s", SourceDir)
	}
	byName := map[string]map[string][]string{}
	for _, d := range list {
		src, err := os.ReadFile(filepath.Join(root, d.Source))
		if err != nil {
			t.Fatal(err)
		}
		shape, err := Shape(src)
		if err != nil {
			t.Fatalf("%s: %v", d.Source, err)
		}
		if byName[d.Name] == nil {
			byName[d.Name] = map[string][]string{}
		}
		byName[d.Name][d.Lang] = shape
	}
	for name, langs := range byName {
		en, zh := langs["en"], langs["zh-CN"]
		switch {
		case en == nil:
			t.Errorf("%s: no English source %s/%s.d2", name, SourceDir, name)
		case zh == nil:
			t.Errorf("%s: no Chinese source %s/%s.zh-CN.d2", name, SourceDir, name)
		case !slices.Equal(en, zh):
			t.Errorf("%s: the twins differ in shape:\n en: %v\n zh: %v", name, en, zh)
		}
	}
}

// Shape sees a connection that one twin lacks, and ignores labels.
func TestShapeIgnoresLabelsOnly(t *testing.T) {
	a, err := Shape([]byte("x: one\ny: two\nx -> y: go"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Shape([]byte("x: 一\ny: 二\nx -> y: 走"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Shape([]byte("x: one\ny: two\ny -> x: back"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Errorf("labels changed the shape: %v against %v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("a reversed connection left the shape unchanged: %v", a)
	}
}

// Check reports a missing and a stale picture, and with fix draws them.
func TestCheckFindsMissingAndStalePictures(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{SourceDir, ImageDir} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(SourceDir+"/a.d2", "x -> y")
	write(SourceDir+"/a.zh-CN.d2", "x -> y")
	write(ImageDir+"/a.svg", "<svg>old</svg>")
	problems, err := Check(dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems, "\n")
	if len(problems) != 2 || !strings.Contains(got, "a.svg: stale") || !strings.Contains(got, "a.zh-CN.svg: missing") {
		t.Fatalf("want a stale a.svg and a missing a.zh-CN.svg, got:\n%s", got)
	}
	var log strings.Builder
	if _, err := Check(dir, true, &log); err != nil {
		t.Fatal(err)
	}
	if problems, err := Check(dir, false, nil); err != nil || len(problems) > 0 {
		t.Fatalf("after fixing: %v %v", problems, err)
	}
	svg, err := os.ReadFile(filepath.Join(dir, ImageDir, "a.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(svg), "<?xml") || !strings.Contains(string(svg), "<svg") {
		t.Errorf("a.svg is not an SVG picture: %.80q", svg)
	}
}
