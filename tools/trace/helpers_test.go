package trace

import (
	"os"
	"path/filepath"
	"testing"

	"epolltutorial/tools/layout"
)

// repoRoot is the repository's root, found by its go.work.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := layout.Root()
	if err != nil {
		t.Fatalf("no go.work above the working directory: %v", err)
	}
	return root
}

// readRepo reads a file of the repository.
func readRepo(t *testing.T, root, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatalf("%v (make trace records it)", err)
	}
	return data
}

// recorded reads the recorded run of chapter in scenario.
func recorded(t *testing.T, scenario, chapter string) *Run {
	t.Helper()
	r, err := Read(readRepo(t, repoRoot(t), DataPath(scenario, chapter)))
	if err != nil {
		t.Fatalf("%s: %v", DataPath(scenario, chapter), err)
	}
	return r
}
