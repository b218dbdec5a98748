//go:build !linux

package main

import (
	"fmt"
	"os"
)

// strace and the chapters it records are Linux's.
func main() {
	fmt.Fprintln(os.Stderr, "trace: recording under strace needs Linux, like the chapters")
	os.Exit(1)
}
