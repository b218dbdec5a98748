//go:build linux

package main

import (
	"errors"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

var chapter = traits{oneShot: true, blocking: true}

// The lesson of chapter 1: a blocking server does one thing at a time, and
// this one does it once. It answers one client, closes its socket and exits.
func TestServesOneConnectionThenExits(t *testing.T) {
	s := start(t)
	if got := s.get(t, simpleRequest); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	if code := s.wait(t); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, s.stderr)
	}
	// The listening socket is gone with the process: nobody answers now.
	_, err := net.Dial("tcp4", s.addr)
	if !errors.Is(err, unix.ECONNREFUSED) {
		t.Fatalf("dial after exit: %v, want connection refused", err)
	}
}
