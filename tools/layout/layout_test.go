package layout

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func root(t *testing.T) string {
	t.Helper()
	dir, err := Root()
	if err != nil {
		t.Fatal("no go.work above the working directory")
	}
	return dir
}

func TestSharedFilesAreTheSameInEveryChapter(t *testing.T) {
	dir := root(t)
	for _, name := range Shared {
		want, err := os.ReadFile(filepath.Join(dir, Chapters[0], name))
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range Chapters[1:] {
			got, err := os.ReadFile(filepath.Join(dir, ch, name))
			if err != nil {
				t.Error(err)
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s/%s differs from %s/%s: edit the ch1 copy and run `make sync`", ch, name, Chapters[0], name)
			}
		}
	}
}

// Each chapter is a module that needs golang.org/x/sys and nothing else.
func TestChaptersRequireOnlyXSys(t *testing.T) {
	dir := root(t)
	require := regexp.MustCompile(`(?m)^\s*(?:require\s+)?([a-z0-9.\-]+\.[a-z]+/\S+)\s+v\S+`)
	for _, ch := range Chapters {
		data, err := os.ReadFile(filepath.Join(dir, ch, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		mods := require.FindAllStringSubmatch(string(data), -1)
		if len(mods) != 1 || mods[0][1] != "golang.org/x/sys" {
			t.Errorf("%s/go.mod requires %v, want golang.org/x/sys alone", ch, mods)
		}
	}
}

// The progressive chapters differ from chapter 3 where the article's
// examples differ, and nowhere else.
func TestListingsDifferOnlyWhereTheArticleDoes(t *testing.T) {
	dir := root(t)
	listing := func(ch string) []string {
		lines, err := Lines(filepath.Join(dir, ch, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		return lines
	}
	ch3 := listing("ch3-epoll-lt")
	for _, c := range []struct {
		chapter string
		most    int
		mention string
	}{
		{"ch5-tcpcork", 4, "TCP_CORK"},
		{"ch6-nodelay", 2, "TCP_NODELAY"},
	} {
		changes := Diff(ch3, listing(c.chapter))
		if len(changes) > c.most {
			t.Errorf("ch3 → %s changes %d lines, want at most %d", c.chapter, len(changes), c.most)
		}
		for _, ch := range changes {
			if ch.Op != '+' || !strings.Contains(ch.Line, c.mention) && !strings.HasPrefix(strings.TrimSpace(ch.Line), "//") {
				t.Errorf("ch3 → %s: %c%s", c.chapter, ch.Op, ch.Line)
			}
		}
	}
	// ch3 → ch4: EPOLLET in the four places the article adds it, and loops
	// around accept, recv and send (whose bodies move right by one tab).
	ch4 := listing("ch4-epoll-et")
	if n := strings.Count(strings.Join(ch4, "\n"), "EPOLLET"); n != 4 {
		t.Errorf("ch4 names EPOLLET %d times, want 4 (register ×2, modify ×2)", n)
	}
	norm := func(lines []string, dropET bool) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			l = strings.TrimSpace(l)
			if dropET {
				l = strings.ReplaceAll(l, "|unix.EPOLLET", "")
				l = strings.ReplaceAll(l, "(fd, unix.EPOLLET)", "(fd, 0)")
			}
			out[i] = l
		}
		return out
	}
	loop := regexp.MustCompile(`^(for( .*)? \{|\}|break|continue|//.*)$`)
	for _, ch := range Diff(norm(ch3, false), norm(ch4, true)) {
		if !loop.MatchString(ch.Line) && !strings.HasSuffix(ch.Line, "= recv(fd, requests[fd])") &&
			!strings.HasSuffix(ch.Line, "= send(fd, responses[fd])") {
			t.Errorf("ch3 → ch4: %c%s", ch.Op, ch.Line)
		}
	}
}

// A listing a reader can hold beside the article: at most MaxRatio code lines
// per non-blank line of the example, and the epoll calls that stand for the
// article's in main.go itself, not behind a helper.
func TestListingsStayCloseToTheArticle(t *testing.T) {
	dir := root(t)
	for i, ch := range Chapters {
		code, article, err := Listing(dir, i)
		if err != nil {
			t.Fatal(err)
		}
		ratio := float64(code) / float64(article)
		t.Logf("%-13s %3d code lines for the article's %2d: %.2f× (at most %.1f×)", ch, code, article, ratio, MaxRatio(i+1))
		if ratio > MaxRatio(i+1) {
			t.Errorf("%s/main.go has %d code lines, %.2f× the article's %d; at most %.1f×", ch, code, ratio, article, MaxRatio(i+1))
		}
		if i < 2 {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, ch, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range []string{"unix.EpollCreate1(", "unix.EpollCtl(", "unix.EpollWait("} {
			if !strings.Contains(string(src), call) {
				t.Errorf("%s/main.go does not call %s) itself", ch, call)
			}
		}
	}
}

func TestCodeLines(t *testing.T) {
	lines := []string{"package main", "", "\t// a comment", "x := 1 // a note", "   ", "}"}
	if n := CodeLines(lines); n != 3 {
		t.Fatalf("CodeLines = %d, want 3", n)
	}
}

func TestDiff(t *testing.T) {
	a := []string{"a", "b", "c", "d"}
	b := []string{"a", "x", "c", "d", "e"}
	got := Diff(a, b)
	want := []Change{{'+', "x"}, {'-', "b"}, {'+', "e"}}
	if len(got) != len(want) {
		t.Fatalf("Diff = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Diff = %q, want %q", got, want)
		}
	}
}
