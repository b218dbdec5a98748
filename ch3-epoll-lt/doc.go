// Command ch3-epoll-lt is chapter 3 of the tutorial: the article's example 3,
// a server that multiplexes every connection on one thread with epoll in
// level-triggered mode. Each connection goes EPOLLIN (read the request) →
// EPOLLOUT (write the response) → no events + shutdown → EPOLLHUP (close).
//
// Run it with `go run .` and ask it with `curl -s localhost:8080`.
package main
