//go:build linux

package trace

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A fresh recording of chapter 3 with a silent client shows what the
// recorded one does: client 2 is served while client 1 says nothing. It
// runs the chapter under strace for about half a second.
func TestRecordLive(t *testing.T) {
	if testing.Short() {
		t.Skip("records a chapter under strace; skipped with -short")
	}
	rec, err := NewRecorder(repoRoot(t))
	if errors.Is(err, ErrNoStrace) {
		// CI installs strace (.ci/run), so there its absence is a failure.
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v, and CI=true: .ci/run should have installed it", err)
		}
		t.Skipf("%v: skipping the live recording", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := rec.Close(); err != nil {
			t.Error(err)
		}
	}()
	data, err := rec.Record(context.Background(), "ch3-epoll-lt", Scenarios["silent"])
	if err != nil {
		t.Fatal(err)
	}
	r, err := Read(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if err := NoHeadOfLine(r); err != nil {
		t.Errorf("%v\n%s", err, data)
	}
	if m := machinePath.Find(data); m != nil {
		t.Errorf("the recording holds a path: %q", m)
	}
}

// Without strace, the recorder says what to install.
func TestNoStrace(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := NewRecorder(repoRoot(t)); !errors.Is(err, ErrNoStrace) || err.Error() != "strace not found: apt-get install strace" {
		t.Errorf("without strace: %v", err)
	}
}

// An fd that the recorder inherited without close-on-exec does not pass on
// to what it starts: a server under strace would otherwise hold it, and
// the recorded fd numbers would skip it.
func TestKeepInherited(t *testing.T) {
	// dup gives an fd without close-on-exec, as a parent shell's would be.
	fd, err := unix.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := unix.Close(fd); err != nil {
			t.Error(err)
		}
	}()
	if err := keepInherited(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ls", "/proc/self/fd").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Fields(string(out)) {
		if name == strconv.Itoa(fd) {
			t.Errorf("a child holds fd %d, inherited from the recorder (it has %s)", fd, strings.Fields(string(out)))
		}
	}
}
