package doccheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const benchCSV = `server,kind,cpu_us_per_request,user_share,requests_per_second,syscalls_per_request,futex_per_request
ch3-epoll-lt,chapter,30,0.15,9000,12.5,0.2
C,floor,20,0.03,11000,10,0
net/http,baseline,65,0.5,8000,14.7,0.3
`

// writeTables adds recorded bench data and a page pair (off the reading path) with a
// generated table to the fixture; the tables start out empty.
func writeTables(t *testing.T, root string) {
	t.Helper()
	page := func(first, title string) string {
		return first + "\n\n# " + title + "\n\n<a id=\"efficiency\"></a>\n## " + title +
			"\n\n<!-- table: docs/data/bench.csv -->\n\nAfter the table.\n"
	}
	files := map[string]string{
		"docs/data/bench.csv":  benchCSV,
		"docs/en/tables.md":    page("**English** | [中文](../zh-CN/tables.md)", "Results"),
		"docs/zh-CN/tables.md": page("[English](../en/tables.md) | **中文**", "结果"),
	}
	for name, text := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// An empty or stale generated table is a problem; Fix renders it from the
// data, in each page's language, and then the check passes.
func TestGeneratedTables(t *testing.T) {
	root := writeFixture(t)
	writeTables(t, root)
	problems := check(t, root)
	if len(problems) != 2 || !strings.Contains(problems[0].Message, "the table differs from docs/data/bench.csv") {
		t.Fatalf("empty tables: %v", problems)
	}
	if _, _, err := Fix(root); err != nil {
		t.Fatal(err)
	}
	for _, p := range check(t, root) {
		t.Error("after Fix:", p)
	}
	en, _ := os.ReadFile(filepath.Join(root, "docs/en/tables.md"))
	zh, _ := os.ReadFile(filepath.Join(root, "docs/zh-CN/tables.md"))
	for _, want := range []string{"| server | CPU per request |", "| ch3-epoll-lt | 30.0 µs | 15.0% | 1.50 | 0.46 |", "missed: × C |", "\n\nAfter the table."} {
		if !strings.Contains(string(en), want) {
			t.Errorf("English page lacks %q:\n%s", want, en)
		}
	}
	if !strings.Contains(string(zh), "| 服务器 | 每请求 CPU |") || !strings.Contains(string(zh), "未达到：相对 C") {
		t.Errorf("Chinese page:\n%s", zh)
	}

	// New data makes the table stale.
	replace(t, root, "docs/data/bench.csv", "ch3-epoll-lt,chapter,30,", "ch3-epoll-lt,chapter,24,")
	if problems := check(t, root); len(problems) != 2 {
		t.Errorf("stale tables: %v", problems)
	}
	// A table on one side only breaks the twins' structure.
	replace(t, root, "docs/zh-CN/tables.md", "<!-- table: docs/data/bench.csv -->", "")
	found := false
	for _, p := range check(t, root) {
		found = found || strings.Contains(p.Message, "generated table")
	}
	if !found {
		t.Error("a table missing from the Chinese page was not reported")
	}
}
