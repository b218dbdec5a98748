//go:build !linux

// The chapters speak to Linux's epoll and socket options through
// golang.org/x/sys/unix. Elsewhere they build, so that `go vet` works on any
// machine, and say plainly why they cannot run.

package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Fprintf(os.Stderr, "this program needs Linux (epoll and Linux socket options); this is %s\n", runtime.GOOS)
	os.Exit(1)
}
