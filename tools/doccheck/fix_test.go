package doccheck

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func fix(t *testing.T, root string) ([]string, []Problem) {
	t.Helper()
	rewritten, problems, err := Fix(root)
	if err != nil {
		t.Fatal(err)
	}
	return rewritten, problems
}

// Three new lines at the top of main.go move all the quoted code down by 3.
func TestFixRenumbersCodeThatMoved(t *testing.T) {
	root := writeFixture(t)
	replace(t, root, "ch1-blocking/main.go", "package main\n", "// Three\n// new\n// lines.\npackage main\n")
	replace(t, root, "ch1-blocking/main.go.zh-CN.txt", "// main adds", "// Three\n// new\n// lines.\n=>\n// 新加的\n// 三行\n// 注释。\n\n// main adds")
	if len(check(t, root)) == 0 {
		t.Fatal("the check passes on code that moved")
	}
	rewritten, problems := fix(t, root)
	for _, p := range problems {
		t.Error(p)
	}
	slices.Sort(rewritten)
	want := []string{chEN, chZH, "docs/en/errata.md", "docs/zh-CN/errata.md"}
	if !slices.Equal(rewritten, want) {
		t.Errorf("Fix rewrote %q, want %q", rewritten, want)
	}
	for _, p := range check(t, root) {
		t.Error("after Fix:", p)
	}
	// The prose line that links to the sum, in each language.
	prose := map[string]string{chEN: "The sum comes from", chZH: "和来自"}
	for name, line := range prose {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{
			"<!-- code: main.go:9-13 -->",                  // rule 1: the block
			line + " [main.go:12](main.go#L12)",            // rule 2: as the block above
			"[main.go:6](main.go#L6) | `import \"fmt\"` |", // rule 3: no block above
		} {
			if !strings.Contains(string(data), s) {
				t.Errorf("%s has no %q after Fix", name, s)
			}
		}
	}
	// Fixed docs stay as they are.
	if rewritten, _ := fix(t, root); len(rewritten) > 0 {
		t.Errorf("a second Fix rewrote %q", rewritten)
	}
}

func TestFixNamesBothTwinsWhenCodeChanged(t *testing.T) {
	root := writeFixture(t)
	replace(t, root, "ch1-blocking/main.go", "b := 2", "b := 3")
	_, problems := fix(t, root)
	found := false
	for _, p := range problems {
		if p.File == chEN && strings.Contains(p.Message, "changed") && strings.Contains(p.Message, chZH+":") {
			found = true
		}
	}
	if !found {
		t.Errorf("no problem at %s naming %s; got %v", chEN, chZH, problems)
	}
}

func TestFixLeavesTwinsThatDiffer(t *testing.T) {
	root := writeFixture(t)
	replace(t, root, "ch1-blocking/main.go", "package main\n", "//\npackage main\n")
	replace(t, root, chZH, "<!-- code: main.go:6-10 -->", "<!-- code: main.go:7-11 -->")
	rewritten, problems := fix(t, root)
	if slices.Contains(rewritten, chEN) || slices.Contains(rewritten, chZH) {
		t.Errorf("Fix rewrote twins that quote different code: %q", rewritten)
	}
	if len(problems) != 1 || problems[0].File != chZH {
		t.Errorf("Fix problems = %v, want one about %s", problems, chZH)
	}
}
