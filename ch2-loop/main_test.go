//go:build linux

package main

import (
	"strings"
	"testing"
)

var chapter = traits{dashes: true, blocking: true}

// Chapter 2 loops, so it serves any number of clients, one after another.
func TestServesClientsInTurn(t *testing.T) {
	s := start(t)
	for range 10 {
		if got := s.get(t, simpleRequest); got != wantResponse {
			t.Fatalf("response %q", got)
		}
	}
}

// The lesson of chapter 2: one silent client holds up everyone else. The
// server sits in recv on the first connection; the second client's request
// waits unread in its socket, and is answered only after the first client
// has spoken. (Chapter 3's epoll server answers it at once.)
func TestSilentClientHoldsUpTheNext(t *testing.T) {
	s := start(t, "-backlog", "8")
	first := s.dial(t)
	second := s.dial(t)
	secondRequest := "GET /second HTTP/1.0\r\n\r\n"
	write(t, second, secondRequest)
	waitUntilQueued(t, second, len(secondRequest)) // arrived, not read
	write(t, first, "GET /first HTTP/1.0\r\n\r\n")
	if got := readAll(t, first); got != wantResponse {
		t.Fatalf("first: %q", got)
	}
	if got := readAll(t, second); got != wantResponse {
		t.Fatalf("second: %q", got)
	}
	s.stdout.waitFor(t, "GET /second")
	out := s.stdout.String()
	if strings.Index(out, "GET /first") > strings.Index(out, "GET /second") {
		t.Fatalf("the second request was served first:\n%s", out)
	}
}
