//go:build linux

package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

var chapter = traits{dashes: true}

// With EPOLLET, an event says "something changed", once. A request much
// larger than one 1024-byte recv, sent in one write, raises one EPOLLIN: the
// server must read until EAGAIN, or it waits for an edge that never comes.
func TestLargeRequestSentInOneWrite(t *testing.T) {
	s := start(t)
	request := "GET / HTTP/1.0\r\nX-Padding: " + strings.Repeat("p", 48<<10) + "\r\n\r\n"
	if got := s.get(t, request); got != wantResponse {
		t.Fatalf("response %q", got)
	}
}

// Likewise on the listening socket: many connections arriving together may
// raise one EPOLLIN, so the server accepts until EAGAIN. A server that
// accepted one per event would leave the rest queued, never answered.
func TestBurstOfConnections(t *testing.T) {
	s := start(t, "-quiet", "-backlog", "512")
	const clients = 300
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := s.fetch(simpleRequest); err != nil || got != wantResponse {
				errs <- fmt.Errorf("response %q, %v", got, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A request with a body that the server never asked for: reading until
// EAGAIN takes the body in with the headers, so the server closes a socket
// with nothing left unread, and the close is an orderly FIN. (Chapter 3
// reads 1024 bytes at a time and leaves the body unread: its close is a
// reset; see its TestUnreadBodyTurnsCloseIntoReset.)
func TestBodyReadToEAGAINClosesCleanly(t *testing.T) {
	s := start(t)
	conn := s.dial(t)
	write(t, conn, requestWithBody)
	if got := readAll(t, conn); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	s.waitUntilIdle(t)
	// The server has closed its socket. After an orderly close the client's
	// socket stays in CLOSE_WAIT until it closes too; a reset would have
	// moved it to CLOSE (chapter 3's test waits for that).
	if state := clientInfo(t, conn).State; state != tcpCloseWait {
		t.Fatalf("client socket in state %d after the server's close, want CLOSE_WAIT (%d)", state, tcpCloseWait)
	}
}
