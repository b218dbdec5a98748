//go:build linux

package load

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"epolltutorial/tools/benchdata"
)

// Env is what every scenario needs: where the tree is, a scratch folder
// for the binaries it builds, hey, the results folder, and where progress
// and results go.
type Env struct {
	Root   string    // the repository root (go.work)
	Out    string    // the results folder
	Log    io.Writer // progress, as it happens (stderr)
	Stdout io.Writer // results
	Hey    *Hey

	tmp   string
	start time.Time
	mu    sync.Mutex
	built map[string]Program
}

// NewEnv makes the scratch folder and builds hey in it.
func NewEnv(ctx context.Context, root, out string, log, stdout io.Writer) (*Env, error) {
	tmp, err := os.MkdirTemp("", "epoll-load-")
	if err != nil {
		return nil, err
	}
	e := &Env{Root: root, Out: out, Log: log, Stdout: stdout, tmp: tmp, start: time.Now(), built: map[string]Program{}}
	e.Logf("building hey %s (pinned in tools/go.mod)", HeyVersion(root))
	if e.Hey, err = BuildHey(ctx, e.tools(), tmp); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// Close removes the scratch folder and the binaries in it.
func (e *Env) Close() error { return os.RemoveAll(e.tmp) }

func (e *Env) tools() string { return filepath.Join(e.Root, "tools") }

// Logf writes a progress line on Log, stamped with the time since start.
func (e *Env) Logf(format string, args ...any) {
	fmt.Fprintf(e.Log, "[%5.1fs] %s\n", time.Since(e.start).Seconds(), fmt.Sprintf(format, args...))
}

// Printf writes results on Stdout.
func (e *Env) Printf(format string, args ...any) { fmt.Fprintf(e.Stdout, format, args...) }

// Ticking logs "still running" every few seconds until the returned stop
// is called, so that a long step shows it is alive.
func (e *Env) Ticking(what string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		begun := time.Now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				e.Logf("  … %s, %.0f s so far", what, time.Since(begun).Seconds())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// Chapter builds a chapter once per run.
func (e *Env) Chapter(ctx context.Context, name string) (Program, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.built[name]; ok {
		return p, nil
	}
	e.Logf("building %s", name)
	p, err := BuildChapter(ctx, e.Root, name, e.tmp)
	if err == nil {
		e.built[name] = p
	}
	return p, err
}

// Baseline builds the net/http server once per run.
func (e *Env) Baseline(ctx context.Context) (Program, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.built["net/http"]; ok {
		return p, nil
	}
	e.Logf("building the net/http baseline (tools/cmd/baseline)")
	p, err := BuildBaseline(ctx, e.tools(), e.tmp)
	if err == nil {
		e.built["net/http"] = p
	}
	return p, err
}

// Floor compiles the C floor once per run. Without a C compiler it returns
// ErrNoCompiler.
func (e *Env) Floor(ctx context.Context) (Program, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.built["C"]; ok {
		return p, nil
	}
	e.Logf("compiling the C floor (tools/floor/floor.c)")
	p, err := BuildFloor(ctx, e.tools(), e.tmp)
	if err == nil {
		e.built["C"] = p
	}
	return p, err
}

// TempPath returns a path in the scratch folder.
func (e *Env) TempPath(name string) string { return filepath.Join(e.tmp, name) }

// WriteResult writes a file into the results folder and returns its path.
func (e *Env) WriteResult(name string, write func(io.Writer) error) (string, error) {
	path := filepath.Join(e.Out, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return "", err
	}
	return path, os.WriteFile(path, b.Bytes(), 0o644)
}

// named is a recorded table and its file's name in the results folder,
// without .csv.
type named struct {
	name string
	data benchdata.Data
}

// writeData writes each recorded table as NAME.csv, and all of them, laid
// out in English, into one Markdown file, md.md. It returns the paths it
// wrote.
func writeData(e *Env, md string, tables ...named) ([]string, error) {
	var paths []string
	var all bytes.Buffer
	for i, t := range tables {
		path, err := e.WriteResult(t.name+".csv", t.data.WriteCSV)
		if err != nil {
			return paths, err
		}
		paths = append(paths, path)
		if i > 0 {
			all.WriteString("\n")
		}
		if err := FromData(t.data).WriteMarkdown(&all); err != nil {
			return paths, err
		}
	}
	path, err := e.WriteResult(md+".md", func(w io.Writer) error { _, err := w.Write(all.Bytes()); return err })
	if err != nil {
		return paths, err
	}
	return append(paths, path), nil
}

// HeyVersion reads the version of hey that tools/go.mod requires.
func HeyVersion(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "tools", "go.mod"))
	if err != nil {
		return "(unknown version)"
	}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "github.com/rakyll/hey" {
			return f[1]
		}
		if len(f) >= 3 && f[0] == "require" && f[1] == "github.com/rakyll/hey" {
			return f[2]
		}
	}
	return "(unknown version)"
}

// Machine describes the machine a run happens on, for the record.
func Machine(root string) string {
	var u unix.Utsname
	kernel := "unknown"
	if unix.Uname(&u) == nil {
		kernel = unix.ByteSliceToString(u.Sysname[:]) + " " + unix.ByteSliceToString(u.Release[:])
	}
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				model = strings.TrimSpace(value)
				break
			}
		}
	}
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(data))
		if len(f) >= 3 {
			load = ", load average " + strings.Join(f[:3], " ")
		}
	}
	return fmt.Sprintf("%d cores (%s), %s, %s, hey %s%s",
		runtime.NumCPU(), model, kernel, runtime.Version(), HeyVersion(root), load)
}

// ReadSysctl reads a number from /proc/sys, or returns -1.
func ReadSysctl(name string) int {
	data, err := os.ReadFile("/proc/sys/" + strings.ReplaceAll(name, ".", "/"))
	if err != nil {
		return -1
	}
	var n int
	if _, err := fmt.Sscan(string(data), &n); err != nil {
		return -1
	}
	return n
}
