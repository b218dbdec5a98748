// Command ch4-epoll-et is chapter 4 of the tutorial, the article's example 4:
// chapter 3 with edge-triggered epoll (EPOLLET). An event now says that
// something changed, once, so accept, recv and send loop until EAGAIN.
//
// Run it with `go run .` and ask it with `curl -s localhost:8080`.
package main
