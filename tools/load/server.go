//go:build linux

package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Program is a server binary that speaks the chapters' contract: it takes
// -addr, -backlog, -quiet (and -split), and prints "listening on HOST:PORT"
// on stderr once it listens.
type Program struct {
	Name string // "ch3-epoll-lt", "net/http"
	Path string
}

// BuildChapter builds chapter (a folder under root) into dir.
func BuildChapter(ctx context.Context, root, chapter, dir string) (Program, error) {
	path := filepath.Join(dir, chapter)
	if err := goBuild(ctx, filepath.Join(root, chapter), path, "."); err != nil {
		return Program{}, err
	}
	return Program{Name: chapter, Path: path}, nil
}

// BuildBaseline builds the net/http baseline server (tools/cmd/baseline).
func BuildBaseline(ctx context.Context, toolsDir, dir string) (Program, error) {
	path := filepath.Join(dir, "baseline")
	if err := goBuild(ctx, toolsDir, path, "./cmd/baseline"); err != nil {
		return Program{}, err
	}
	return Program{Name: "net/http", Path: path}, nil
}

// startTimeout bounds the wait for the "listening on" line.
const startTimeout = 15 * time.Second

// stopTimeout is how long a server has to exit after SIGTERM (the chapters
// promise 2 s) before it is killed.
const stopTimeout = 5 * time.Second

// Server is a running server process.
type Server struct {
	Program Program
	Addr    string // HOST:PORT from the "listening on" line
	cmd     *exec.Cmd
	exited  chan struct{}
	err     error // from Wait, once exited is closed

	mu     sync.Mutex
	stderr []string // what it printed on stderr after the listening line
}

// Start runs p with -addr 127.0.0.1:0 -quiet and args, and returns once it
// has printed its listening line. wrap, if not empty, is a command that runs
// the server (strace …): the server is then its child.
func Start(p Program, wrap []string, args ...string) (*Server, error) {
	argv := append([]string{p.Path, "-addr", "127.0.0.1:0", "-quiet"}, args...)
	argv = append(wrap, argv...)
	s := &Server{Program: p, exited: make(chan struct{})}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", p.Name, err)
	}
	listening := make(chan string, 1)
	go func() {
		announced := false
		scan := bufio.NewScanner(stderr)
		for scan.Scan() {
			line := scan.Text()
			if addr, ok := strings.CutPrefix(line, "listening on "); ok && !announced {
				listening <- addr
				announced = true
				continue
			}
			s.mu.Lock()
			s.stderr = append(s.stderr, line)
			s.mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	select {
	case s.Addr = <-listening:
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("%s exited before listening (%v): %s", p.Name, s.err, strings.Join(s.Stderr(), "; "))
	case <-time.After(startTimeout):
		s.cmd.Process.Kill()
		<-s.exited
		return nil, fmt.Errorf("%s printed no listening line in %v", p.Name, startTimeout)
	}
}

// URL is the address to give hey.
func (s *Server) URL() string { return "http://" + s.Addr + "/" }

// PID is the server's process id (the wrapper's, under a wrapper).
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stderr returns what the server has printed on stderr since it listened.
func (s *Server) Stderr() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.stderr...)
}

// Exited is closed when the process has exited.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// ExitStatus describes how the process ended; call it after Exited.
func (s *Server) ExitStatus() string {
	var exit *exec.ExitError
	switch {
	case s.err == nil:
		return "exit status 0"
	case errors.As(s.err, &exit):
		return exit.String()
	default:
		return s.err.Error()
	}
}

// Stop sends SIGTERM to pid (the server's, or its child's under a wrapper)
// and waits for the process to exit; after stopTimeout it kills it. It
// returns an error if the server did not exit cleanly.
func (s *Server) Stop(pid int) error {
	select {
	case <-s.exited:
		return nil // ch1 exits by itself
	default:
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && err != syscall.ESRCH {
		return fmt.Errorf("kill %d: %w", pid, err)
	}
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("%s still running %v after SIGTERM: killed", s.Program.Name, stopTimeout)
	}
	if s.err != nil {
		return fmt.Errorf("%s: %s after SIGTERM", s.Program.Name, s.ExitStatus())
	}
	return nil
}

// Child returns the pid of the wrapper's child (the server under strace),
// waiting for it to appear.
func (s *Server) Child() (int, error) {
	path := fmt.Sprintf("/proc/%d/task/%d/children", s.PID(), s.PID())
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(path)
		if err != nil {
			return 0, err
		}
		var pid int
		if _, err := fmt.Sscan(string(data), &pid); err == nil {
			return pid, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s: no child process under the wrapper", s.Program.Name)
}
