package doccheck

import (
	"testing"

	"epolltutorial/tools/layout"
)

func TestRepositoryDocs(t *testing.T) {
	root, err := layout.Root()
	if err != nil {
		t.Fatal("no go.work above the working directory")
	}
	for _, p := range check(t, root) {
		t.Error(p)
	}
}
