//go:build linux

package main

import (
	"testing"

	"golang.org/x/sys/unix"
)

var chapter = traits{dashes: true}

// The lesson of chapter 6: TCP_NODELAY, set once on the listening socket, is
// on for every socket accepted from it (Linux copies it at accept time), so
// the loop never sets it per connection. The test reads the option on the
// server's own accepted socket, through a duplicate of its fd.
func TestAcceptedSocketInheritsNoDelay(t *testing.T) {
	s := start(t)
	conn := s.dial(t)
	sock := s.serverSocket(t, conn)
	if nodelay := tcpOption(t, sock, unix.TCP_NODELAY); nodelay != 1 {
		t.Fatalf("TCP_NODELAY = %d on the accepted socket, want 1", nodelay)
	}
	write(t, conn, simpleRequest)
	if got := readAll(t, conn); got != wantResponse {
		t.Fatalf("response %q", got)
	}
}
