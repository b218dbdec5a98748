// Command ch5-tcpcork is chapter 5 of the tutorial, the article's example 5:
// chapter 3 plus TCP_CORK, set before the response is written and cleared
// after, so that a response written in pieces leaves in as few segments as
// possible. -split N writes it in N pieces to make that visible.
//
// Run it with `go run .` and ask it with `curl -s localhost:8080`.
package main
