//go:build !linux

package main

import (
	"fmt"
	"os"
)

// The driver reads /proc and Linux-only socket options (TCP_INFO, TCP_CORK,
// pidfd_getfd), like the chapters it drives.
func main() {
	fmt.Fprintln(os.Stderr, "load: the load driver needs Linux, like the chapters")
	os.Exit(1)
}
