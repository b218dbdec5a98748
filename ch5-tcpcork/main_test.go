//go:build linux

package main

import (
	"testing"

	"golang.org/x/sys/unix"
)

var chapter = traits{dashes: true}

// The lesson of chapter 5: with TCP_CORK on while the response is written,
// the pieces of the response leave as one segment, and the cork is out once
// the response is. -split 4 writes the response in four sends, each in its
// own turn of the loop; the test reads the server's own socket through a
// duplicate of its fd.
func TestCorkJoinsTheResponseIntoOneSegment(t *testing.T) {
	s := start(t, "-split", "4")
	conn := s.dial(t)
	sock := s.serverSocket(t, conn)
	if cork := tcpOption(t, sock, unix.TCP_CORK); cork != 0 {
		t.Fatalf("TCP_CORK = %d before the request, want 0", cork)
	}
	write(t, conn, simpleRequest)
	if got := readAll(t, conn); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	if segments := dataSegmentsOut(t, sock); segments != 1 {
		t.Errorf("the response left in %d segments, want 1", segments)
	}
	if cork := tcpOption(t, sock, unix.TCP_CORK); cork != 0 {
		t.Errorf("TCP_CORK = %d after the response, want 0", cork)
	}
	s.stdout.waitFor(t, "GET / HTTP/1.0")
}
