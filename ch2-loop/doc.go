// Command ch2-loop is chapter 2 of the tutorial, the article's example 2:
// chapter 1 in a loop. It serves clients one after another, and one client
// that connects and says nothing holds up all the others.
//
// Run it with `go run .` and ask it with `curl -s localhost:8080`.
package main
