//go:build linux

package load

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Program is a server binary that speaks the chapters' contract: it takes
// -addr, -backlog, -quiet (and -split), and prints "listening on HOST:PORT"
// on stderr once it listens.
//
// An extra server (Command set) keeps a looser contract, so that a reader can
// run a program written for the article, such as its Python: it is started
// with sh -c, told its port in the environment variable PORT and in place of
// "{port}" in Command, and counts as listening once it accepts a connection.
type Program struct {
	Name    string // "ch3-epoll-lt", "net/http", "C"
	Path    string
	Command string // an extra server's shell command; then Path is unused
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

// The C floor's source, in the tools module.
const floorSource = "floor/floor.c"

// ErrNoCompiler is BuildFloor's error when the machine has no C compiler.
var ErrNoCompiler = errors.New("no C compiler found (looked for $CC, cc, gcc, clang)")

// CCompiler returns the C compiler to use: $CC if set, else the first of
// cc, gcc and clang on the PATH.
func CCompiler() (string, error) {
	names := []string{"cc", "gcc", "clang"}
	if cc := os.Getenv("CC"); cc != "" {
		names = []string{cc}
	}
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", ErrNoCompiler
}

// BuildFloor compiles the C floor (tools/floor/floor.c) into dir, with
// warnings as errors. It returns ErrNoCompiler when there is no compiler.
func BuildFloor(ctx context.Context, toolsDir, dir string) (Program, error) {
	cc, err := CCompiler()
	if err != nil {
		return Program{}, err
	}
	path := filepath.Join(dir, "floor")
	cmd := exec.CommandContext(ctx, cc, "-O2", "-Wall", "-Wextra", "-Werror", "-o", path, filepath.Join(toolsDir, floorSource))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return Program{}, fmt.Errorf("%s %s: %v\n%s", filepath.Base(cc), floorSource, err, stderr.String())
	}
	return Program{Name: "C", Path: path}, nil
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
	if p.Command != "" {
		return startExtra(p, wrap)
	}
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

// startExtra starts an extra server on a free port of 127.0.0.1 and waits
// until it accepts a connection. sh runs the command with exec, so that the
// process measured is the server and not a shell.
func startExtra(p Program, wrap []string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	command := strings.ReplaceAll(p.Command, "{port}", strconv.Itoa(port))
	argv := append(wrap, "sh", "-c", "exec "+command)
	s := &Server{Program: p, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), exited: make(chan struct{})}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", p.Name, err)
	}
	go func() {
		scan := bufio.NewScanner(stderr)
		for scan.Scan() {
			s.mu.Lock()
			s.stderr = append(s.stderr, scan.Text())
			s.mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	// The probe is a whole request, read to the end: a connection closed
	// before its request ends would make the article's example 3 spin.
	deadline := time.Now().Add(startTimeout)
	for {
		if probe(s.Addr) == nil {
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("%s exited before listening on %s (%v): %s", p.Name, s.Addr, s.err, strings.Join(s.Stderr(), "; "))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.cmd.Process.Kill()
			<-s.exited
			return nil, fmt.Errorf("%s did not listen on %s within %v (does it read PORT or {port}?)", p.Name, s.Addr, startTimeout)
		}
	}
}

// probe sends one HTTP/1.0 request to addr and reads the answer to its end.
func probe(addr string) error {
	conn, err := net.DialTimeout("tcp4", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n"); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, conn)
	return err
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
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
	// An extra server keeps its own ways of ending (Python's default for
	// SIGTERM is to die of it); the chapters must exit 0.
	if s.err != nil && s.Program.Command == "" {
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
