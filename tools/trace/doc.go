// Package trace records what the kernel sees while a chapter serves a few
// scripted clients, and draws it as a timeline.
//
// A recording runs the chapter's binary under strace -f -ttt -T, drives it
// with a small scenario of clients in this process (silent, burst, split),
// and keeps the lines of the chapter's own fds: the listening socket, its
// epoll instance and the connections it accepts. The clients' events
// (connect, request sent, response read, close) go into the same text as
// comment lines, stamped on the same clock, so one recorded file tells the
// whole story and can be drawn again without a new run.
//
// Parse reads that text (or strace's own), Analyse finds the listening
// socket, the epoll instance and each connection in it, and Draw renders one
// or more runs as an SVG timeline in English or Chinese. The lessons each
// comparison is meant to show are functions too (lessons.go), so the tests
// hold the recorded files to them.
package trace
