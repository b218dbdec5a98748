//go:build linux

package load

import (
	"context"
	"slices"
	"strings"
	"time"
)

// OnceConfig is chapter 1's scenario: a few requests, one after the other.
type OnceConfig struct {
	Requests int
	Workers  int
	Timeout  time.Duration
}

// Once shows chapter 1's lesson under load: the first request is served,
// then the server exits and every other request fails.
func Once(ctx context.Context, e *Env, chapter string, cfg OnceConfig) error {
	p, err := e.Chapter(ctx, chapter)
	if err != nil {
		return err
	}
	s, err := Start(p, nil)
	if err != nil {
		return err
	}
	load := Load{URL: s.URL(), Requests: cfg.Requests, Workers: cfg.Workers, Timeout: cfg.Timeout}
	e.Printf("%s under hey: %d requests, %d at a time\nmachine: %s\n\n", chapter, cfg.Requests, cfg.Workers, Machine(e.Root))
	e.Logf("%s (server pid %d, %s)", e.Hey.Command(load, false), s.PID(), s.Addr)
	sum, _, herr := e.Hey.RunSummary(ctx, load)
	exited := "still running"
	select {
	case <-s.Exited():
		exited = "exited by itself (" + s.ExitStatus() + ")"
	case <-time.After(stopTimeout):
	}
	if err := s.Stop(s.PID()); err != nil {
		return err
	}
	if herr != nil {
		return herr
	}

	e.Printf("responses: %d", sum.OK())
	for _, code := range sortedKeys(sum.Statuses) {
		e.Printf("  [%d] ×%d", code, sum.Statuses[code])
	}
	e.Printf("\nfailed:    %d\n", sum.Failed())
	refused, reset := false, false
	for _, msg := range sortedKeys(sum.Errors) {
		e.Printf("  %4d × %s\n", sum.Errors[msg], msg)
		refused = refused || strings.Contains(msg, "refused")
		reset = reset || strings.Contains(msg, "reset") || strings.Contains(msg, "EOF")
	}
	e.Printf("server:    %s\n\n", exited)

	e.Printf("Why: %s accepts one connection, answers it and returns from serve; its deferred close\n"+
		"releases the listening socket and the process ends. From then on nothing listens on the port.\n", chapter)
	if refused {
		e.Printf("  connection refused: the kernel answers a SYN to a port nobody listens on with RST.\n")
	}
	if reset {
		e.Printf("  reset or EOF: the connection was already in the listen queue when the server closed the\n" +
			"  listening socket, and closing it resets the connections still queued.\n")
	}
	e.Printf("Chapter 2 puts accept in a loop.\n")
	return nil
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
