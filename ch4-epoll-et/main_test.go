//go:build linux

package main

import (
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
	errs := make(chan string, clients)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := s.get(t, simpleRequest); got != wantResponse {
				errs <- got
			}
		}()
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Errorf("response %q", got)
	}
}

// Silent clients hold up no one, as in chapter 3.
func TestSilentClientsDoNotHoldUpOthers(t *testing.T) {
	s := start(t)
	silent := s.dial(t)
	if got := s.get(t, simpleRequest); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	write(t, silent, simpleRequest)
	if got := readAll(t, silent); got != wantResponse {
		t.Fatalf("silent client: %q", got)
	}
}
