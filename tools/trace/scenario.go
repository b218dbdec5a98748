package trace

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A Scenario is a small script of clients, and the server flags it needs.
type Scenario struct {
	Name string
	Args []string // the server's flags beyond -addr and -quiet
	run  func(addr string, log *clientLog)
}

// Scenarios are the three scripts, by name.
var Scenarios = map[string]Scenario{
	"silent": {Name: "silent", run: silent},
	"burst":  {Name: "burst", Args: []string{"-backlog", "8"}, run: burst},
	"split":  {Name: "split", Args: []string{"-split", "4"}, run: split},
}

// A Comparison is a scenario run on two chapters, drawn one above the other.
type Comparison struct {
	Scenario string
	Chapters [2]string
}

// Comparisons are the pictures the tutorial shows.
var Comparisons = []Comparison{
	{"silent", [2]string{"ch2-loop", "ch3-epoll-lt"}},
	{"burst", [2]string{"ch3-epoll-lt", "ch4-epoll-et"}},
	{"split", [2]string{"ch3-epoll-lt", "ch5-tcpcork"}},
}

// DefaultScenario is the scenario that shows chapter ch's lesson best.
func DefaultScenario(chapter int) string {
	switch chapter {
	case 2, 3:
		return "silent"
	case 4:
		return "burst"
	}
	return "split"
}

const (
	// silentFor is how long the silent client holds its connection open
	// without a word: long enough to stand out from the microseconds that
	// everything else takes.
	silentFor = 300 * time.Millisecond
	// settle is the script's last step: a pause after the clients are done
	// and before the recorder sends SIGTERM, so that the picture shows the
	// server back where it waits (ch2 in accept4, ch3 in epoll_wait) before
	// the signal. It is part of the scenario, not a synchronisation: make
	// trace records a run again if its server was not back in its wait by
	// then (WaitsAtSignal).
	settle = 100 * time.Millisecond
	// clientTimeout bounds every client, so that a scenario ends even when a
	// server does not answer (chapter 1 serves one client and exits).
	clientTimeout = 5 * time.Second
	// BurstClients connect at once in burst; the last of them is BigClient,
	// whose request carries BigRequest bytes of headers.
	BurstClients = 6
	BigClient    = BurstClients
	BigRequest   = 16 << 10
)

// request is a short HTTP/1.0 request, as curl would send it.
const request = "GET / HTTP/1.0\r\n\r\n"

// bigRequest is a request whose headers fill about size bytes before the
// empty line that ends it, so that the server needs many 1024-byte reads.
func bigRequest(size int) string {
	var b strings.Builder
	b.WriteString("GET /big HTTP/1.0\r\n")
	line := "X-Pad: " + strings.Repeat("x", 55) + "\r\n" // 64 bytes
	for b.Len()+len(line) <= size {
		b.WriteString(line)
	}
	b.WriteString("\r\n")
	return b.String()
}

// silent: client 1 connects and says nothing for silentFor; as soon as it is
// connected, client 2 sends a request and reads the response.
func silent(addr string, log *clientLog) {
	c1 := log.dial(addr, 1)
	if c1 == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(silentFor) // the scenario's script, not a synchronisation
		log.close(c1, 1)
	}()
	log.exchange(addr, 2, request)
	<-done
}

// burst: BurstClients clients connect one right after another, then all
// send their requests at once; the last one's request is BigRequest bytes
// long. Connecting in turn numbers the clients in the order they connect,
// which is the order the server accepts them in, so the lanes read 1, 2, …
func burst(addr string, log *clientLog) {
	conns := make([]*net.TCPConn, BurstClients+1)
	for n := 1; n <= BurstClients; n++ {
		conns[n] = log.dial(addr, n)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for n := 1; n <= BurstClients; n++ {
		if conns[n] == nil {
			continue
		}
		req := request
		if n == BigClient {
			req = bigRequest(BigRequest)
		}
		wg.Go(func() {
			<-start
			log.talk(conns[n], n, req)
		})
	}
	close(start)
	wg.Wait()
}

// split: one client, one request; the server writes the response in pieces.
func split(addr string, log *clientLog) {
	log.exchange(addr, 1, request)
}

// clientLog collects the clients' events, stamped with the wall clock in µs,
// which is the clock strace -ttt reads. Like strace, which stamps a call
// when it begins, a client stamps a step when it begins it: the server's
// view of a step (accept, read) then never comes before the step itself.
// Only an answer is stamped when it is complete.
type clientLog struct {
	mu     sync.Mutex
	events []ClientEvent
}

func now() int64 { return time.Now().UnixMicro() }

func (l *clientLog) add(at int64, e ClientEvent) {
	e.Time = at
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

// fail records that client n's step failed, by the error's errno where
// there is one, as strace would name it.
func (l *clientLog) fail(n int, err error) {
	why := "error"
	for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE} {
		if errors.Is(err, errno) {
			why = errnoName[errno]
		}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		why = "timeout"
	}
	l.add(now(), ClientEvent{Client: n, Kind: ClientFail, Err: why})
}

var errnoName = map[syscall.Errno]string{
	syscall.ECONNREFUSED: "ECONNREFUSED",
	syscall.ECONNRESET:   "ECONNRESET",
	syscall.EPIPE:        "EPIPE",
}

// dial connects client n, or records why it could not and returns nil.
func (l *clientLog) dial(addr string, n int) *net.TCPConn {
	at := now()
	conn, err := net.DialTimeout("tcp4", addr, clientTimeout)
	if err != nil {
		l.fail(n, err)
		return nil
	}
	tcp := conn.(*net.TCPConn)
	l.add(at, ClientEvent{Client: n, Kind: ClientConnect, Port: tcp.LocalAddr().(*net.TCPAddr).Port})
	if err := tcp.SetDeadline(time.Now().Add(clientTimeout)); err != nil {
		l.fail(n, err)
	}
	return tcp
}

func (l *clientLog) close(conn *net.TCPConn, n int) {
	at := now()
	if err := conn.Close(); err != nil {
		l.fail(n, err)
		return
	}
	l.add(at, ClientEvent{Client: n, Kind: ClientClose})
}

// exchange is one client's whole life: connect, then talk.
func (l *clientLog) exchange(addr string, n int, req string) {
	if conn := l.dial(addr, n); conn != nil {
		l.talk(conn, n, req)
	}
}

// talk sends req on client n's connection, reads the response to the
// server's FIN, and closes.
func (l *clientLog) talk(conn *net.TCPConn, n int, req string) {
	defer l.close(conn, n)
	at := now()
	if _, err := io.WriteString(conn, req); err != nil {
		l.fail(n, err)
		return
	}
	l.add(at, ClientEvent{Client: n, Kind: ClientSend, Bytes: len(req)})
	answer, err := io.ReadAll(conn)
	if err != nil {
		l.fail(n, err)
		return
	}
	l.add(now(), ClientEvent{Client: n, Kind: ClientAnswer, Bytes: len(answer)})
}
