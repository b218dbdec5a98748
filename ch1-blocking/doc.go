// Command ch1-blocking is chapter 1 of the tutorial, the article's example 1:
// a blocking server that accepts one connection, reads one HTTP request,
// answers it and exits. Every call waits until its work is done, which is
// simple to read and serves exactly one client at a time.
//
// Run it with `go run .` and ask it with `curl -s localhost:8080`.
package main
