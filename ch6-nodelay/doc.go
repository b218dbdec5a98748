// Command ch6-nodelay is chapter 6 of the tutorial, the article's example 6:
// chapter 3 plus TCP_NODELAY on the listening socket, which every accepted
// socket inherits: small writes leave at once instead of waiting for Nagle's
// algorithm.
//
// Run it with `go run .` and ask it with `curl -s localhost:8080`.
package main
