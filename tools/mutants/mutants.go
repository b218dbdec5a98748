// Package mutants undoes, one at a time, each fix that the chapters make to
// the article's code, and checks that a named test then fails. A fix whose
// removal no test notices is not tested; this package is how the tutorial
// keeps its promise that every fix has a test that fails without it. The
// same mutants make the break-and-fix exercises of `make exercise`
// (exercises.go): a learner gets a copy of a chapter with one fix undone.
package mutants

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A Mutant is one fix undone: in Chapter's File, Old (which must occur
// exactly once) becomes New, and Test must then fail. The exercises
// (exercises.go) apply mutants to a learner's copy of a chapter.
type Mutant struct {
	Name    string // the errata anchor of the fix (docs/en/errata.md), or "lesson: …", or "tutorial: …" for a fix of the tutorial's own
	Chapter string
	File    string
	Old     string
	New     string
	Test    string // a go test -run pattern naming one test
	// Through, if set, makes the mutant a cut: what becomes New is the text
	// from Old through the first Through after it (a skeleton's TODOs).
	Through string
}

// Apply returns src with the mutant applied, the offset where New now
// starts, and the text that New replaced.
func (m Mutant) Apply(src string) (out string, at int, removed string, err error) {
	if n := strings.Count(src, m.Old); n != 1 {
		return "", 0, "", fmt.Errorf("%s/%s has the fix's code %d times, want once: update the mutant\n%s", m.Chapter, m.File, n, m.Old)
	}
	at = strings.Index(src, m.Old)
	end := at + len(m.Old)
	if m.Through != "" {
		i := strings.Index(src[end:], m.Through)
		if i < 0 {
			return "", 0, "", fmt.Errorf("%s/%s has no %q after the cut's start: update the mutant", m.Chapter, m.File, m.Through)
		}
		end += i + len(m.Through)
	}
	return src[:at] + m.New + src[end:], at, src[at:end], nil
}

// ApplyIn applies the mutant to its file in dir, a copy of its chapter.
func (m Mutant) ApplyIn(dir string) error {
	path := filepath.Join(dir, m.File)
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, _, _, err := m.Apply(string(src))
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(out), 0o644)
}

// Mutants are the fixes and lessons, each with the test that guards it.
var Mutants = []Mutant{
	{
		Name: "early-eof", Chapter: "ch3-epoll-lt", File: "sys.go",
		Old:  "\tcase n == 0:\n\t\treturn request, errEarlyEOF",
		New:  "\tcase n == 0:\n\t\treturn request, nil // like Python's recv returning b''",
		Test: "TestClientLeavesBeforeTheRequestEnds/half-close",
	},
	{
		Name: "early-eof", Chapter: "ch2-loop", File: "sys.go",
		Old:  "\tcase n == 0:\n\t\treturn request, errEarlyEOF",
		New:  "\tcase n == 0:\n\t\treturn request, nil",
		Test: "TestClientLeavesBeforeTheRequestEnds/close",
	},
	{
		Name: "et-eof-spin", Chapter: "ch4-epoll-et", File: "sys.go",
		Old:  "\tcase n == 0:\n\t\treturn request, errEarlyEOF",
		New:  "\tcase n == 0:\n\t\treturn request, nil",
		Test: "TestClientLeavesBeforeTheRequestEnds/half-close",
	},
	{
		// The article lets the exception end the server.
		Name: "reset", Chapter: "ch3-epoll-lt", File: "main.go",
		Old:  "\t\t\t\tif err != nil && err != unix.EAGAIN {\n\t\t\t\t\tdrop(fd, err)\n\t\t\t\t}\n\n\t\t\t// Room to write.",
		New:  "\t\t\t\tif err != nil && err != unix.EAGAIN && err != errEarlyEOF && err != errTooLarge {\n\t\t\t\t\treturn\n\t\t\t\t} else if err != nil && err != unix.EAGAIN {\n\t\t\t\t\tdrop(fd, err)\n\t\t\t\t}\n\n\t\t\t// Room to write.",
		Test: "TestClientLeavesBeforeTheRequestEnds/reset",
	},
	{
		Name: "eintr", Chapter: "ch3-epoll-lt", File: "main.go",
		Old:  "\t\tif err == unix.EINTR {\n\t\t\tcontinue\n\t\t}\n",
		New:  "",
		Test: "TestSignalStormIsHarmless",
	},
	{
		Name: "request-cap", Chapter: "ch3-epoll-lt", File: "sys.go",
		Old:  "\tif len(request) > maxRequest {",
		New:  "\tif false {",
		Test: "TestOversizedRequestIsDropped",
	},
	{
		Name: "emfile", Chapter: "ch3-epoll-lt", File: "sys.go",
		Old:  "\t\tcase err == unix.EMFILE || err == unix.ENFILE:",
		New:  "\t\tcase false:",
		Test: "TestOutOfFDsDropsNewConnections",
	},
	{
		Name: "emfile", Chapter: "ch2-loop", File: "sys.go",
		Old:  "\t\tcase err == unix.EMFILE || err == unix.ENFILE:",
		New:  "\t\tcase false:",
		Test: "TestOutOfFDsDropsNewConnections",
	},
	{
		Name: "utf8", Chapter: "ch3-epoll-lt", File: "sys.go",
		Old:  "\tvar out strings.Builder\n",
		New:  "\treturn string(b)\n\tvar out strings.Builder\n",
		Test: "TestEchoIsSafeForTerminals",
	},
	{
		Name: "partial-send", Chapter: "ch2-loop", File: "main.go",
		Old:  "\t\t\tfor out := response; len(out) > 0 && err == nil; {\n\t\t\t\tout, err = send(connFD, out)\n\t\t\t}",
		New:  "\t\t\t_, err = send(connFD, response)",
		Test: "TestResponseWrittenInPieces",
	},
	{
		Name: "fd-leak", Chapter: "ch3-epoll-lt", File: "main.go",
		Old:  "\t\tcloseFD(fd)\n\t\tdelete(connections, fd)",
		New:  "\t\tdelete(connections, fd)",
		Test: "TestNoFDLeaks",
	},
	{
		Name: "stop-on-signal", Chapter: "ch3-epoll-lt", File: "sys.go",
		Old:  "\t\tstop.set.Store(true)",
		New:  "\t\t_ = stop",
		Test: "TestStopsOnSignal",
	},
	{
		Name: "lesson: accept until EAGAIN", Chapter: "ch4-epoll-et", File: "main.go",
		Old:  "\t\t\t\tfor {\n\t\t\t\t\tconnFD, address, err := accept(",
		New:  "\t\t\t\tfor range 1 {\n\t\t\t\t\tconnFD, address, err := accept(",
		Test: "TestBurstOfConnections",
	},
	{
		Name: "lesson: read until EAGAIN", Chapter: "ch4-epoll-et", File: "main.go",
		Old:  "\t\t\t\tfor err = nil; err == nil; {\n\t\t\t\t\trequests[fd], err = recv(fd, requests[fd])\n\t\t\t\t}",
		New:  "\t\t\t\trequests[fd], err = recv(fd, requests[fd])",
		Test: "TestLargeRequestSentInOneWrite",
	},
	{
		// Reading 1024 bytes per edge leaves a body unread: close sends RST.
		Name: "lingering-close", Chapter: "ch4-epoll-et", File: "main.go",
		Old:  "\t\t\t\tfor err = nil; err == nil; {\n\t\t\t\t\trequests[fd], err = recv(fd, requests[fd])\n\t\t\t\t}",
		New:  "\t\t\t\trequests[fd], err = recv(fd, requests[fd])",
		Test: "TestBodyReadToEAGAINClosesCleanly",
	},
	{
		Name: "lesson: cork removed", Chapter: "ch5-tcpcork", File: "main.go",
		Old:  "\t\t\t\t\tsetOption(fd, unix.IPPROTO_TCP, unix.TCP_CORK, 0)\n",
		New:  "",
		Test: "TestCorkJoinsTheResponseIntoOneSegment",
	},
	{
		Name: "lesson: cork set", Chapter: "ch5-tcpcork", File: "main.go",
		Old:  "\t\t\t\t\tsetOption(fd, unix.IPPROTO_TCP, unix.TCP_CORK, 1)\n",
		New:  "",
		Test: "TestCorkJoinsTheResponseIntoOneSegment",
	},
	{
		// The article dies with the exception that send raises.
		Name: "reset", Chapter: "ch3-epoll-lt", File: "main.go",
		Old:  "\t\t\t\tresponses[fd], err = send(fd, responses[fd])\n\t\t\t\tif err != nil && err != unix.EAGAIN {\n\t\t\t\t\tdrop(fd, err)",
		New:  "\t\t\t\tresponses[fd], err = send(fd, responses[fd])\n\t\t\t\tif err != nil && err != unix.EAGAIN {\n\t\t\t\t\treturn",
		Test: "TestResetAfterTheRequest",
	},
	{
		Name: "request-scan", Chapter: "ch1-blocking", File: "sys.go",
		Old:  "\t\tstart := max(seen-len(eol)+1, 0)",
		New:  "\t\tstart := 0",
		Test: "TestRequestEndScansOnlyNewBytes",
	},
	{
		// Pieces of ⌈len/N⌉ bytes: -split 16 made 15 writes.
		Name: "tutorial: -split makes N writes", Chapter: "ch1-blocking", File: "sys.go",
		Old:  "\t\tif end := k * total / pieces; end > sent {",
		New:  "\t\tif end := min(k*((total+pieces-1)/pieces), total); end > sent {",
		Test: "TestSendSplitsTheResponse",
	},
	{
		// One shed per EMFILE, as if the queue were empty after it.
		Name: "emfile: shed until empty", Chapter: "ch1-blocking", File: "sys.go",
		Old:  "\t\t\tif err := shed(serverFD, err); err != nil {\n\t\t\t\treturn -1, nil, err\n\t\t\t}",
		New:  "\t\t\tshed(serverFD, err)\n\t\t\treturn -1, nil, unix.EAGAIN",
		Test: "TestAcceptShedsTheQueueWhenOutOfFDs",
	},
	{
		// The listening line before the signal handling.
		Name: "tutorial: listening means ready", Chapter: "ch2-loop", File: "main.go",
		Old:  "\topen := closeOnSignal(serverFD)\n\tannounce(serverFD)\n",
		New:  "\tannounce(serverFD)\n\topen := closeOnSignal(serverFD)\n",
		Test: "TestSignalRightAfterTheListeningLine",
	},
	{
		// The article's print: a blocking write in the event loop.
		Name: "echo-blocks", Chapter: "ch3-epoll-lt", File: "sys.go",
		Old:  "\tif stdout == os.Stdout {\n\t\tstdout = newEchoQueue(os.Stdout, maxEchoQueue)\n\t}\n",
		New:  "",
		Test: "TestUnreadStdout",
	},
	{
		Name: "lesson: TCP_NODELAY inherited", Chapter: "ch6-nodelay", File: "main.go",
		Old:  "\tsetOption(serverFD, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)\n",
		New:  "",
		Test: "TestAcceptedSocketInheritsNoDelay",
	},
	{
		// The article's example 1 reads once; a request may come in pieces.
		Name: "lesson: recv until the request ends", Chapter: "ch1-blocking", File: "main.go",
		Old:  "\tfor end < 0 && err == nil {\n\t\tseen := len(request)",
		New:  "\tif end < 0 && err == nil {\n\t\tseen := len(request)",
		Test: "TestRequestSplitOverSeveralWrites",
	},
	{
		Name: "lesson: serve in a loop", Chapter: "ch2-loop", File: "main.go",
		Old:  "\tfor {\n\t\t// One client at a time",
		New:  "\tfor range 1 {\n\t\t// One client at a time",
		Test: "TestServesClientsInTurn",
	},
	{
		Name: "lesson: switch to EPOLLOUT", Chapter: "ch3-epoll-lt", File: "main.go",
		Old:  "\t\t\t\t\terr = named(\"epoll_ctl\", unix.EpollCtl(epollFD, unix.EPOLL_CTL_MOD, fd, interest(fd, unix.EPOLLOUT)))\n",
		New:  "",
		Test: "TestResponseIsTheArticlesBytes",
	},
	{
		// EPOLLHUP is reported for ever, even for a mask of 0: the loop spins.
		Name: "lesson: close on the hang-up", Chapter: "ch3-epoll-lt", File: "main.go",
		Old:  "\t\t\tcase event.Events&(unix.EPOLLHUP|unix.EPOLLERR) != 0:\n\t\t\t\tdrop(fd, nil)\n",
		New:  "\t\t\tcase event.Events&(unix.EPOLLHUP|unix.EPOLLERR) != 0:\n",
		Test: "TestNoFDLeaks",
	},
	{
		Name: "lesson: write until EAGAIN", Chapter: "ch4-epoll-et", File: "main.go",
		Old:  "\t\t\t\tfor err = nil; err == nil && len(responses[fd]) > 0; {\n\t\t\t\t\tresponses[fd], err = send(fd, responses[fd])\n\t\t\t\t}",
		New:  "\t\t\t\tresponses[fd], err = send(fd, responses[fd])",
		Test: "TestResponseWrittenInPieces",
	},
}
