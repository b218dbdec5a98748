// Package layout knows how the tutorial's tree is laid out: the chapters, the
// files they share, and how their listings may differ. Its tests hold the
// tree to that; the doc checks and the load driver find the chapters here.
package layout

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Chapters are the chapter folders, in reading order.
var Chapters = []string{
	"ch1-blocking",
	"ch2-loop",
	"ch3-epoll-lt",
	"ch4-epoll-et",
	"ch5-tcpcork",
	"ch6-nodelay",
}

// Path is the reading path, the one order in which the pages are meant to be
// read (English pages; each has a Chinese twin). docs/en/index.md states it,
// and every page on it ends with a Next that leads to the page after it.
var Path = []string{
	"ch1-blocking/README.md",
	"ch2-loop/README.md",
	"docs/en/blocking.md",
	"docs/en/select-poll-epoll.md",
	"docs/en/epoll-steps.md",
	"ch3-epoll-lt/README.md",
	"docs/en/triggering.md",
	"ch4-epoll-et/README.md",
	"docs/en/backlog.md",
	"docs/en/tcp-options.md",
	"ch5-tcpcork/README.md",
	"ch6-nodelay/README.md",
	"docs/en/c10k.md",
	"docs/en/results.md",
}

// Index is the page that states the path; GlossaryZH, the Chinese glossary,
// is where each concept's one Chinese term is kept.
const (
	Index      = "docs/en/index.md"
	GlossaryZH = "docs/zh-CN/glossary.md"
)

// Shared are the files that every chapter has and that are the same in all:
// written in ch1-blocking and copied to the others by `make sync`. The unit
// tests of sys.go (sys_test.go) stay in ch1-blocking alone: the copies are
// the same file, so testing one tests all.
var Shared = []string{"sys.go", "main_other.go", "harness_test.go", "server_test.go"}

// Examples are the article's six listings: how many lines each has, and
// which of them are blank. Chapter N follows example N.
var Examples = []Example{
	{22, []int{2, 8, 13, 21}},
	{24, []int{2, 8, 13}},
	{48, []int{2, 8, 14, 17}},
	{60, []int{2, 8, 14, 17}},
	{50, []int{2, 8, 14, 17}},
	{49, []int{2, 8, 15, 18}},
}

// An Example is one of the article's listings, by its line numbers.
type Example struct {
	Lines int
	Blank []int
}

// NonBlank returns the numbers of the example's non-blank lines.
func (e Example) NonBlank() []int {
	var lines []int
	for n := 1; n <= e.Lines; n++ {
		if !slices.Contains(e.Blank, n) {
			lines = append(lines, n)
		}
	}
	return lines
}

// MaxRatio is how many Go code lines a chapter's main.go may have per
// non-blank line of its example: 2.5 for the blocking chapters, so short that
// Go's package and import lines weigh more, and 2.0 for the epoll chapters.
func MaxRatio(chapter int) float64 {
	if chapter <= 2 {
		return 2.5
	}
	return 2.0
}

// CodeLines counts the lines of Go source that hold code: neither blank nor
// comment alone.
func CodeLines(lines []string) int {
	n := 0
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "//") {
			n++
		}
	}
	return n
}

// Listing measures chapter i's main.go (0 for ch1-blocking) against its
// article example: its code lines, and the example's non-blank lines.
func Listing(root string, i int) (code, article int, err error) {
	lines, err := Lines(filepath.Join(root, Chapters[i], "main.go"))
	if err != nil {
		return 0, 0, err
	}
	return CodeLines(lines), len(Examples[i].NonBlank()), nil
}

// Root returns the repository root, found upwards from the working directory
// by its go.work file.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// Lines reads a file as lines, without their newlines.
func Lines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), nil
}

// Change is one line that a diff adds (+) or removes (-).
type Change struct {
	Op   byte
	Line string
}

// Diff returns the lines that turn a into b, by longest common subsequence.
func Diff(a, b []string) []Change {
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var changes []Change
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			changes = append(changes, Change{'+', b[j]})
			j++
		default:
			changes = append(changes, Change{'-', a[i]})
			i++
		}
	}
	return changes
}
