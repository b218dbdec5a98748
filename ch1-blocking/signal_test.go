//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// spinEnv makes the test binary, started again by
// TestClosingDownIsTheLastLine, run spinAfterSignal instead of the tests.
const spinEnv = "EPOLL_TUTORIAL_SPIN_AT_SIGNAL"

func init() {
	if os.Getenv(spinEnv) == "1" {
		spinAfterSignal()
	}
}

// spinAfterSignal is chapter 2's loop at the worst moment for a signal:
// between two accepts rather than blocked in one. Its listening socket is
// non-blocking, so accept fails at once, again and again (EAGAIN, which
// report leaves out), and then, once closeOnSignal has closed the socket,
// with EBADF. It sends itself SIGTERM while the loop spins.
func spinAfterSignal() {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	must("socket", err)
	must("bind", unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	must("listen", unix.Listen(fd, 1))
	closeOnSignal(fd)
	spinning := make(chan struct{})
	go func() {
		close(spinning)
		for {
			if _, _, err := accept(fd, unix.SOCK_CLOEXEC); err != nil {
				report("accept4", err)
			}
		}
	}()
	<-spinning
	must("kill", unix.Kill(os.Getpid(), unix.SIGTERM))
	select {} // closeOnSignal ends the process
}

// "closing down" is the last line a blocking chapter writes. Its signal
// handler closes the fds that the main goroutine may be about to use;
// without care, the loop then reports EBADF from accept4 over and over in
// the moment before the exit. Twenty runs at once, since the failure is a race.
func TestClosingDownIsTheLastLine(t *testing.T) {
	for i := range 20 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), spinEnv+"=1", "GORACE=atexit_sleep_ms=0")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v; stderr:\n%s", err, stderr.String())
			}
			if got, want := stderr.String(), "terminated: closing down\n"; got != want {
				t.Fatalf("stderr:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
