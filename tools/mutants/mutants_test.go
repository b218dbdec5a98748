package mutants

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"epolltutorial/tools/layout"
)

// TestEveryFixHasATestThatCatchesItsRemoval copies a chapter, undoes one
// fix, and runs the test that guards it, which must fail by name: a build
// error or another test's failure does not count. It takes a minute or two.
func TestEveryFixHasATestThatCatchesItsRemoval(t *testing.T) {
	root, err := layout.Root()
	if err != nil {
		t.Fatal("no go.work above the working directory")
	}
	for _, m := range Mutants {
		t.Run(m.Chapter+"/"+m.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, m.Chapter))); err != nil {
				t.Fatal(err)
			}
			if err := m.ApplyIn(dir); err != nil {
				t.Fatal(err)
			}
			top, _, _ := strings.Cut(m.Test, "/")
			cmd := exec.Command("go", "test", "-count=1", "-run", "^"+top+"$/"+subtest(m.Test), ".")
			cmd.Dir = dir
			// The copy is its own module; short waits, since failure is expected.
			cmd.Env = append(os.Environ(), "GOWORK=off", "EPOLL_TUTORIAL_PATIENCE=5s")
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("with the fix undone, %s still passes: it does not test the fix\n%s", m.Test, out)
			}
			if !strings.Contains(string(out), "--- FAIL: "+top) {
				t.Fatalf("with the fix undone, %s did not fail by itself (a build error?):\n%s", m.Test, out)
			}
		})
	}
}

// subtest turns "TestX/sub" into "^sub$", and "TestX" into "".
func subtest(name string) string {
	if _, sub, ok := strings.Cut(name, "/"); ok {
		return "^" + sub + "$"
	}
	return ""
}
