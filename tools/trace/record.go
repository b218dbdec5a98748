//go:build linux

package trace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"epolltutorial/tools/load"
)

// ErrNoStrace is Record's error on a machine without strace.
var ErrNoStrace = errors.New("strace not found: apt-get install strace")

// Syscalls are the calls strace is asked to trace: what the chapters make on
// their sockets through golang.org/x/sys/unix. x/sys calls accept4, read,
// write and epoll_pwait; the others are here so that a server written
// another way still shows. A leading "?" lets strace skip a call that this
// architecture lacks (arm64 has no epoll_wait, only epoll_pwait).
var Syscalls = []string{
	"socket", "bind", "listen", "?accept", "accept4", "read", "recvfrom", "write", "sendto",
	"epoll_create1", "epoll_ctl", "?epoll_wait", "epoll_pwait", "shutdown", "close", "setsockopt",
}

// Strace returns the strace on the PATH, or ErrNoStrace.
func Strace() (string, error) {
	path, err := exec.LookPath("strace")
	if err != nil {
		return "", ErrNoStrace
	}
	return path, nil
}

// A Recorder runs chapters under strace. It builds each chapter once, into a
// scratch folder that Close removes.
type Recorder struct {
	root, dir, strace string
	built             map[string]load.Program
}

// NewRecorder returns a recorder for the repository at root, or ErrNoStrace.
func NewRecorder(root string) (*Recorder, error) {
	strace, err := Strace()
	if err != nil {
		return nil, err
	}
	if err := keepInherited(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "epoll-trace-")
	if err != nil {
		return nil, err
	}
	return &Recorder{root: root, dir: dir, strace: strace, built: map[string]load.Program{}}, nil
}

// Close removes the scratch folder.
func (r *Recorder) Close() error { return os.RemoveAll(r.dir) }

// Record runs chapter (a folder under the root) under strace with
// scenario's clients, and returns the recorded text (see Normalise).
func (r *Recorder) Record(ctx context.Context, chapter string, sc Scenario) ([]byte, error) {
	prog, ok := r.built[chapter]
	if !ok {
		var err error
		if prog, err = load.BuildChapter(ctx, r.root, chapter, r.dir); err != nil {
			return nil, err
		}
		r.built[chapter] = prog
	}
	out := filepath.Join(r.dir, chapter+"-"+sc.Name+".strace")
	wrap := []string{r.strace, "-f", "-ttt", "-T", "-e", "trace=" + strings.Join(Syscalls, ","), "-o", out}
	server, err := load.Start(prog, wrap, sc.Args...)
	if err != nil {
		return nil, err
	}
	// The signal goes to the server, not to strace, which writes its last
	// lines when the server has exited.
	pid, err := server.Child()
	if err != nil {
		return nil, errors.Join(err, server.Stop(server.PID()))
	}
	log := &clientLog{}
	sc.run(server.Addr, log)
	select {
	case <-time.After(settle):
	case <-ctx.Done():
	}
	stop := Signal{now(), "SIGTERM"}
	if err := server.Stop(pid); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	head := []string{
		fmt.Sprintf("trace %s %s", sc.Name, chapter),
		"the server: " + strings.Join(append([]string{chapter, "-addr", "127.0.0.1:0", "-quiet"}, sc.Args...), " "),
	}
	return Normalise(raw, head, log.events, []Signal{stop})
}

// keepInherited marks every fd above stderr close-on-exec, so that the
// server starts with stdin, stdout and stderr only. An fd that this process
// inherited without the flag (a shell or an IDE may leave one open) would
// otherwise pass on through strace to the server and take a number there:
// the recorded connections' fds would depend on who ran the recorder.
func keepInherited() error {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return fmt.Errorf("listing this process's fds: %w", err)
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			return fmt.Errorf("/proc/self/fd lists %q: %w", e.Name(), err)
		}
		if fd <= 2 {
			continue
		}
		// The directory's own fd, listed but closed by now, is EBADF.
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC); err != nil && !errors.Is(err, unix.EBADF) {
			return fmt.Errorf("fd %d: setting close-on-exec: %w", fd, err)
		}
	}
	return nil
}
