//go:build linux

package main

import (
	"fmt"
	"testing"
)

var chapter = traits{dashes: true}

// The lesson of chapter 3: with epoll, clients that connect and say nothing
// no longer hold up anyone. (Chapter 2's server would sit in recv on the
// first silent client; see its TestSilentClientHoldsUpTheNext.)
func TestSilentClientsDoNotHoldUpOthers(t *testing.T) {
	s := start(t)
	silent := s.dial(t)
	halfway := s.dial(t)
	write(t, halfway, "GET / HTTP/1.0\r\n")
	waitUntilRead(t, halfway)
	for range 5 {
		if got := s.get(t, simpleRequest); got != wantResponse {
			t.Fatalf("response %q", got)
		}
	}
	// The two slow clients were waited for, not forgotten.
	write(t, halfway, "\r\n")
	if got := readAll(t, halfway); got != wantResponse {
		t.Fatalf("halfway client: %q", got)
	}
	write(t, silent, simpleRequest)
	if got := readAll(t, silent); got != wantResponse {
		t.Fatalf("silent client: %q", got)
	}
}

// Without TCP_CORK (chapter 5 adds it), a response written in pieces leaves
// in pieces: the first send goes out at once, since nothing is in flight
// for Nagle's algorithm to wait on, so the response takes two segments or
// more. Chapter 5's TestCorkJoinsTheResponseIntoOneSegment sees one.
func TestSplitResponseLeavesInSeveralSegments(t *testing.T) {
	s := start(t, "-split", "4")
	conn := s.dial(t)
	sock := s.serverSocket(t, conn)
	write(t, conn, simpleRequest)
	if got := readAll(t, conn); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	segments := dataSegmentsOut(t, sock)
	if segments < 2 {
		t.Fatalf("the response left in %d segment(s), want 2 or more", segments)
	}
	t.Logf("-split 4 without a cork: %d data segments", segments)
}

// A request with a body (a POST, say) that the server never asked for. The
// article's loop reads 1024 bytes per event and switches to EPOLLOUT as soon
// as the headers end, so the body stays unread; closing a socket with unread
// data makes Linux send RST instead of FIN (TcpExtTCPAbortOnClose). On
// loopback the response has arrived by then; on a real network the reset can
// destroy the part still in flight. See docs/en/errata.md#lingering-close.
// (Chapter 4 reads until EAGAIN: see its TestBodyReadToEAGAINClosesCleanly.)
func TestUnreadBodyTurnsCloseIntoReset(t *testing.T) {
	s := start(t)
	conn := s.dial(t)
	write(t, conn, requestWithBody)
	if got := readAll(t, conn); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	// The client has read the server's FIN (EOF); the reset follows when the
	// server closes, and moves the client's socket from CLOSE_WAIT to CLOSE.
	eventually(t, func() bool { return clientInfo(t, conn).State == tcpClose },
		func() string {
			return fmt.Sprintf("client socket in state %d, want CLOSE after a reset", clientInfo(t, conn).State)
		})
}
