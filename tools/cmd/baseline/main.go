// Command baseline is the yardstick for the efficiency benchmark: a net/http
// server that sends the chapters' response (the same status, headers and
// body, as far as net/http lets it: it answers HTTP/1.1 requests with
// HTTP/1.1), with the chapters' command line and listening line, so that
// the load driver runs it like a chapter.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "0.0.0.0:8080", "listen on `HOST:PORT`")
	flag.Int("backlog", 0, "ignored: Go's listen uses the system's maximum (somaxconn)")
	flag.Bool("quiet", false, "ignored: requests are never echoed")
	flag.Parse()

	ln, err := net.Listen("tcp4", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", ln.Addr())

	header := http.Header{
		"Date":           {"Mon, 1 Jan 1996 01:01:01 GMT"},
		"Content-Type":   {"text/plain"},
		"Content-Length": {"13"},
	}
	body := []byte("Hello, world!")
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.Write(body)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
}
