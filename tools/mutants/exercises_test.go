package mutants

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"epolltutorial/tools/layout"
)

// testPatience shortens the waits of the chapters' tests, as for the
// mutants: most of the checks below are expected to fail.
const testPatience = 5 * time.Second

// The exercises that `make exercise` lists: enough of them, in every
// chapter, each with its words in both languages and tests that exist.
func TestExercisesAreComplete(t *testing.T) {
	root := rootDir(t)
	byChapter := map[string]int{}
	fixes := 0
	for _, e := range Exercises {
		byChapter[e.Chapter]++
		if !e.Skeleton {
			fixes++
		}
		for what, text := range map[string]Text{"Title": e.Title, "Wrong": e.Wrong, "Where": e.Where} {
			if text.En == "" || text.Zh == "" {
				t.Errorf("%s: %s wants English and Chinese", e.Name, what)
			}
		}
		if strings.Contains(e.Title.En+e.Title.Zh, "\n") || utf8.RuneCountInString(e.Title.En) > 90 {
			t.Errorf("%s: the title is one short line: %q", e.Name, e.Title.En)
		}
		if len(e.Hints) < 2 || len(e.Tests) == 0 || len(e.Mutants) == 0 {
			t.Errorf("%s: wants two hints or more, a test and a mutant", e.Name)
		}
		for _, h := range e.Hints {
			if h.En == "" || h.Zh == "" {
				t.Errorf("%s: a hint wants English and Chinese", e.Name)
			}
		}
		tests := chapterTests(t, filepath.Join(root, e.Chapter), e.Spin)
		for _, g := range e.Tests {
			if !slices.Contains(tests, g.Test) {
				t.Errorf("%s: %s is not a test of %s", e.Name, g.Test, e.Chapter)
			}
			if g.Hint.En == "" || g.Hint.Zh == "" {
				t.Errorf("%s: the hint for %s wants English and Chinese", e.Name, g.Test)
			}
		}
		if found, _ := Find(e.Name); found.Chapter != e.Chapter {
			t.Errorf("%s: two exercises have that name", e.Name)
		}
	}
	if fixes < 12 {
		t.Errorf("%d break-and-fix exercises, want 12 or more", fixes)
	}
	for _, ch := range layout.Chapters {
		if byChapter[ch] == 0 {
			t.Errorf("no exercise in %s", ch)
		}
	}
}

// For every exercise, the learner's copy fails its check by the name of a
// test that grades it (not by a build error), and the answer passes: the
// chapter as it is, or for a skeleton, the skeleton with the cut code put
// back. A skeleton must pass go vet as it is handed out, and the check of a
// busy loop must see the spin, not only wait for it to end.
//
// Each check is a go test that mostly waits (a broken copy fails when a wait
// runs out), so they run several at a time, more than -parallel's two.
func TestEveryExerciseFailsBrokenAndPassesFixed(t *testing.T) {
	root := rootDir(t)
	type job struct {
		e     Exercise
		fixed bool
		r     Result
		err   error
	}
	var jobs []*job
	for _, e := range Exercises {
		jobs = append(jobs, &job{e: e}, &job{e: e, fixed: true})
	}
	// The longest first: the skeletons' answers run the chapter's every test.
	slices.SortStableFunc(jobs, func(a, b *job) int {
		return cmp.Compare(b2i(b.fixed && b.e.Suite), b2i(a.fixed && a.e.Suite))
	})
	var wg sync.WaitGroup
	slots := make(chan struct{}, checksAtOnce)
	for _, j := range jobs {
		dir := t.TempDir()
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			j.r, j.err = runCheck(root, dir, j.e, j.fixed)
		})
	}
	wg.Wait()
	for _, j := range jobs {
		name := j.e.Name + "/broken"
		if j.fixed {
			name = j.e.Name + "/fixed"
		}
		t.Run(name, func(t *testing.T) {
			r, e := j.r, j.e
			switch {
			case j.err != nil:
				t.Fatal(j.err)
			case j.fixed && !r.Pass:
				t.Fatalf("the answer fails its check: %s %v\n%s\n%s", r.Name, r.Build, strings.Join(r.Log, "\n"), strings.Join(r.Tail, "\n"))
			case j.fixed:
				return
			case r.Pass:
				t.Fatalf("the learner's copy passes its check: the exercise takes no lesson out")
			case r.Build:
				t.Fatalf("the learner's copy does not compile:\n%s", strings.Join(r.Log, "\n"))
			case r.Test == "":
				t.Fatalf("the check failed, but no test failed by name:\n%s", strings.Join(r.Tail, "\n"))
			case !e.Suite && r.Hint(e, "en") == "":
				t.Fatalf("%s failed, which does not grade the exercise", r.Test)
			case e.Spin && !strings.Contains(strings.Join(r.Log, " "), "spinning"):
				t.Fatalf("%s failed without seeing the spin: %s", r.Name, strings.Join(r.Log, " "))
			}
			t.Logf("%s fails as it should: %s", r.Name, strings.Join(r.Log, " "))
		})
	}
}

// checksAtOnce is how many checks run together: each mostly waits.
const checksAtOnce = 4

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runCheck prepares e in dir, broken or fixed, and checks it. A broken copy
// waits less (it fails when a wait runs out), except for a busy loop, whose
// check must have the time to see the spin.
func runCheck(root, dir string, e Exercise, fixed bool) (Result, error) {
	patience := 2 * time.Second
	switch {
	case fixed && e.Skeleton:
		if err := fillIn(root, dir, e); err != nil {
			return Result{}, err
		}
		patience = testPatience
	case fixed:
		if err := Reference(root, dir, e); err != nil {
			return Result{}, err
		}
		patience = testPatience
	default:
		if err := Prepare(root, dir, e, "en"); err != nil {
			return Result{}, err
		}
		if e.Spin {
			patience = testPatience
		}
		if e.Skeleton {
			vet := exec.Command("go", "vet", ".")
			vet.Dir, vet.Env = dir, append(os.Environ(), "GOWORK=off")
			if out, err := vet.CombinedOutput(); err != nil {
				return Result{}, fmt.Errorf("go vet on the skeleton: %v\n%s", err, out)
			}
		}
	}
	return Check(dir, e, patience)
}

// fillIn prepares a skeleton in dir and puts the code that its cuts removed
// back in place of the TODOs, which must then give the chapter's file again.
func fillIn(root, dir string, e Exercise) error {
	if err := Prepare(root, dir, e, "en"); err != nil {
		return err
	}
	// What each cut removes, from the chapter's own files.
	originals := map[string]string{}
	removed := make([]string, len(e.Mutants))
	for i, m := range e.Mutants {
		src, ok := originals[m.File]
		if !ok {
			data, err := os.ReadFile(filepath.Join(root, e.Chapter, m.File))
			if err != nil {
				return err
			}
			src, originals[m.File] = string(data), string(data)
		}
		var err error
		if _, _, removed[i], err = m.Apply(src); err != nil {
			return err
		}
	}
	for i := len(e.Mutants) - 1; i >= 0; i-- {
		m := e.Mutants[i]
		path := filepath.Join(dir, m.File)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if n := strings.Count(string(data), m.New); n != 1 {
			return fmt.Errorf("%s: the skeleton has its TODO text %d times, want once", m.Name, n)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(data), m.New, removed[i], 1)), 0o644); err != nil {
			return err
		}
	}
	for file, want := range originals {
		if got, err := os.ReadFile(filepath.Join(dir, file)); err != nil || string(got) != want {
			return fmt.Errorf("the skeleton's %s, filled in, is not the chapter's (%v)", file, err)
		}
	}
	return nil
}

// A learner's copy is made once and kept: Prepare will not overwrite it,
// Reset will, and neither touches the chapter.
func TestPrepareKeepsTheLearnersWork(t *testing.T) {
	root := rootDir(t)
	e, _ := Find("ch3-eof")
	before := snapshot(t, filepath.Join(root, e.Chapter))
	dir := filepath.Join(t.TempDir(), e.Name)
	if err := Prepare(root, dir, e, "zh-CN"); err != nil {
		t.Fatal(err)
	}
	guide, err := os.ReadFile(filepath.Join(dir, "EXERCISE.md"))
	if err != nil || !strings.Contains(string(guide), e.Title.Zh) {
		t.Fatalf("EXERCISE.md is not the exercise in Chinese (%v):\n%s", err, guide)
	}
	mine := filepath.Join(dir, "main.go")
	if err := os.WriteFile(mine, []byte("// the learner's work\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Prepare(root, dir, e, "en"); err == nil {
		t.Fatal("Prepare replaced a copy that was there")
	}
	if data, _ := os.ReadFile(mine); string(data) != "// the learner's work\n" {
		t.Fatal("Prepare changed the learner's main.go")
	}
	if err := Reset(root, dir, e, "en"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(mine); !strings.Contains(string(data), "func main()") {
		t.Fatal("Reset did not give the chapter's main.go back")
	}
	if _, err := os.Stat(filepath.Join(dir, SpinTestFile)); err != nil {
		t.Fatal("a busy-loop exercise wants its spin tests:", err)
	}
	if after := snapshot(t, filepath.Join(root, e.Chapter)); !maps.Equal(before, after) {
		t.Fatal("preparing an exercise changed the chapter")
	}
}

// What go test prints when a test fails, and when the code does not build.
func TestParse(t *testing.T) {
	r := parse(`--- FAIL: TestClientLeavesBeforeTheRequestEnds (5.01s)
    --- FAIL: TestClientLeavesBeforeTheRequestEnds/half-close (5.01s)
        server_test.go:196: waiting for the server to close: i/o timeout
FAIL
FAIL	epolltutorial/ch3-epoll-lt	5.020s
FAIL
`)
	if r.Test != "TestClientLeavesBeforeTheRequestEnds" || r.Name != "TestClientLeavesBeforeTheRequestEnds/half-close" ||
		len(r.Log) != 1 || !strings.HasSuffix(r.Log[0], "i/o timeout") || r.Build {
		t.Errorf("subtest failure: %+v", r)
	}
	r = parse(`# epolltutorial/ch3-epoll-lt [epolltutorial/ch3-epoll-lt.test]
./main.go:93:5: undefined: foo
FAIL	epolltutorial/ch3-epoll-lt [build failed]
FAIL
`)
	if !r.Build || len(r.Log) != 1 || r.Log[0] != "./main.go:93:5: undefined: foo" {
		t.Errorf("build failure: %+v", r)
	}
}

func rootDir(t *testing.T) string {
	t.Helper()
	root, err := layout.Root()
	if err != nil {
		t.Fatal("no go.work above the working directory")
	}
	return root
}

// chapterTests lists the top-level tests in a chapter's test files, and in
// the spin tests if they are added.
func chapterTests(t *testing.T, dir string, spin bool) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if spin {
		files = append(files, filepath.Join("testdata", "exercise_test.go"))
	}
	var tests []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`).FindAllStringSubmatch(string(data), -1) {
			tests = append(tests, m[1])
		}
	}
	return tests
}

// snapshot reads every file of a folder.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			files[e.Name()] = string(data)
		}
	}
	return files
}
