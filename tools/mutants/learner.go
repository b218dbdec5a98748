package mutants

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// A learner's copy is a folder of its own (exercises/NAME under the root,
// which git ignores): the chapter's Go files, go.mod and go.sum, with the
// exercise's mutants applied, plus
//   - go.work, so that `go run .` and `go test` there use the copy as a
//     module of its own rather than the tutorial's workspace;
//   - EXERCISE.md, the exercise in the learner's language;
//   - exercise_test.go, for the exercises whose bug is a busy loop.
// The chapter itself is only read.

//go:embed testdata/exercise_test.go
var spinTests []byte

// SpinTestFile is the name of the busy-loop tests in a learner's copy. It
// sorts before the chapter's test files, so that its tests run first.
const SpinTestFile = "exercise_test.go"

// ErrExists is Prepare's answer when the learner's copy is already there:
// it holds the learner's work, and only Reset replaces it.
var ErrExists = errors.New("already prepared")

// Prepare makes dir a learner's copy of e's chapter with the lesson taken
// out, and writes the exercise into it as EXERCISE.md in lang.
func Prepare(root, dir string, e Exercise, lang string) error {
	if err := copyChapter(root, dir, e); err != nil {
		return err
	}
	for _, m := range e.Mutants {
		if err := m.ApplyIn(dir); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "EXERCISE.md"), []byte(e.Guide(lang)), 0o644)
}

// Reference makes dir a copy of e's chapter as the tutorial has it, with
// what Prepare adds for grading: the answer that Check must pass.
func Reference(root, dir string, e Exercise) error {
	return copyChapter(root, dir, e)
}

// Reset removes the learner's copy in dir and prepares it again.
func Reset(root, dir string, e Exercise, lang string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return Prepare(root, dir, e, lang)
}

// copyChapter copies the chapter's Go files and module files into dir,
// which must not exist yet or be empty, and adds go.work and, for a busy
// loop, the spin tests.
func copyChapter(root, dir string, e Exercise) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s: %w", dir, ErrExists)
	}
	src := filepath.Join(root, e.Chapter)
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	goVersion := ""
	for _, entry := range entries {
		name := entry.Name()
		if !entry.Type().IsRegular() || !(strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return err
		}
		if name == "go.mod" {
			if m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(data); m != nil {
				goVersion = string(m[1])
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	if goVersion == "" {
		return fmt.Errorf("%s/go.mod has no go line", e.Chapter)
	}
	work := "go " + goVersion + "\n\n// The learner's copy is a module of its own, outside the tutorial's workspace.\nuse .\n"
	if err := os.WriteFile(filepath.Join(dir, "go.work"), []byte(work), 0o644); err != nil {
		return err
	}
	if e.Spin {
		return os.WriteFile(filepath.Join(dir, SpinTestFile), spinTests, 0o644)
	}
	return nil
}

// A Result is what Check found.
type Result struct {
	Pass  bool
	Build bool     // the copy does not compile; Log holds the compiler's errors
	Test  string   // the first test that failed (top level), if one did
	Name  string   // its full name, down to the subtest that failed
	Log   []string // what the failing test (or the compiler) said
	Tail  []string // the last lines of go test's output, when nothing else explains a failure
}

// Hint returns what the failure of r's test means for e, in lang, or "".
func (r Result) Hint(e Exercise, lang string) string {
	for _, g := range e.Tests {
		if g.Test == r.Test {
			return g.Hint.In(lang)
		}
	}
	return ""
}

// Check grades the learner's copy in dir: go test runs e's tests (or the
// chapter's every test) and stops at the first failure. Each wait of the
// tests ends after patience (EPOLL_TUTORIAL_PATIENCE; see harness_test.go).
func Check(dir string, e Exercise, patience time.Duration) (Result, error) {
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return Result{}, err
	}
	args := []string{"test", "-count=1", "-failfast", "-timeout=10m"}
	if !e.Suite {
		var names []string
		for _, g := range e.Tests {
			names = append(names, g.Test)
		}
		args = append(args, "-run=^("+strings.Join(names, "|")+")$")
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "EPOLL_TUTORIAL_PATIENCE="+patience.String())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return Result{}, fmt.Errorf("go test: %w", err)
	}
	r := parse(string(out))
	if err == nil && r.Test == "" && !strings.Contains(string(out), "[no tests to run]") {
		r.Pass = true
	}
	if !r.Pass && !r.Build && r.Test == "" {
		r.Tail = tail(string(out), 12)
	}
	return r, nil
}

var (
	failRE  = regexp.MustCompile(`^(\s*)--- FAIL: (\S+)`)
	buildRE = regexp.MustCompile(`^(\./)?[\w.]+\.go:\d+(:\d+)?: `)
)

// parse reads go test's output (not -v): the first test that failed, and
// what it said; or the compiler's errors.
func parse(out string) Result {
	var r Result
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]") {
		r.Build = true
		for _, l := range lines {
			if buildRE.MatchString(l) || strings.HasPrefix(l, "\t") {
				r.Log = append(r.Log, l)
			}
		}
		if len(r.Log) == 0 {
			r.Log = tail(out, 12)
		}
		return r
	}
	logging := false
	for _, l := range lines {
		if m := failRE.FindStringSubmatch(l); m != nil {
			if r.Test == "" {
				r.Test = m[2]
			}
			if strings.HasPrefix(m[2], r.Test) && len(r.Log) == 0 {
				r.Name, logging = m[2], true
			}
			continue
		}
		if !logging {
			continue
		}
		if !strings.HasPrefix(l, " ") || strings.Contains(l, "--- ") {
			logging = len(r.Log) == 0
			continue
		}
		if len(r.Log) < 12 {
			r.Log = append(r.Log, strings.TrimSpace(l))
		}
	}
	if r.Test != "" {
		r.Test, _, _ = strings.Cut(r.Test, "/")
	}
	return r
}

func tail(out string, n int) []string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[max(len(lines)-n, 0):]
}

// Guide is the exercise as the learner reads it, in lang: what is wrong,
// where to look, and the commands that run, check, hint and reset it.
func (e Exercise) Guide(lang string) string {
	w := ui[lang]
	if w == nil {
		w = ui["en"]
	}
	var b strings.Builder
	fmt.Fprintf(&b, w["title"], e.Name, e.Title.In(lang))
	b.WriteString("\n\n")
	wrong := w["wrong"]
	if e.Skeleton {
		wrong = w["task"]
	}
	fmt.Fprintf(&b, "%s %s (%s)\n\n", w["chapter"], e.Chapter, e.Chapter+"/README"+map[string]string{"zh-CN": ".zh-CN"}[lang]+".md")
	fmt.Fprintf(&b, "%s %s\n\n", wrong, e.Wrong.In(lang))
	fmt.Fprintf(&b, "%s %s\n\n", w["where"], e.Where.In(lang))
	fmt.Fprintf(&b, w["commands"], e.Name, len(e.Hints))
	return b.String()
}

// ui holds the words around an exercise, by language.
var ui = map[string]map[string]string{
	"en": {
		"title":   "# Exercise %s: %s",
		"chapter": "Chapter:",
		"wrong":   "What is wrong:",
		"task":    "What to do:",
		"where":   "Where to look:",
		"commands": "" +
			"    cd exercises/%[1]s && go run . -addr 127.0.0.1:0   # run your copy\n" +
			"    make exercise X=%[1]s CHECK=1    # run its tests: pass, or the test that fails and a hint\n" +
			"    make exercise X=%[1]s HINT=1     # hints, 1 to %[2]d, each a little more\n" +
			"    make exercise X=%[1]s RESET=1    # start again from the broken copy\n",
	},
	"zh-CN": {
		"title":   "# 练习 %s：%s",
		"chapter": "所在章节：",
		"wrong":   "问题：",
		"task":    "任务：",
		"where":   "看哪里：",
		"commands": "" +
			"    cd exercises/%[1]s && go run . -addr 127.0.0.1:0   # 运行你的副本\n" +
			"    make exercise X=%[1]s CHECK=1    # 运行它的测试：通过，或者给出失败的测试和提示\n" +
			"    make exercise X=%[1]s HINT=1     # 提示，从 1 到 %[2]d，一条比一条具体\n" +
			"    make exercise X=%[1]s RESET=1    # 重置：从头再来\n",
	},
}

// Exists reports whether dir holds a learner's copy.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return !errors.Is(err, fs.ErrNotExist)
}
