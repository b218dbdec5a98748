// Command serve serves the built site on this machine only.
//
//	go run ./tools/cmd/serve -dir site -addr 127.0.0.1:8000
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	dir := flag.String("dir", "site", "the built site (make site)")
	flag.Parse()
	if err := run(*addr, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

func run(addr, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("no site in %s: run make site first", dir)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("serving %s on http://%s/ (Ctrl-C stops)\n", dir, ln.Addr())
	err = http.Serve(ln, http.FileServer(http.Dir(dir)))
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
