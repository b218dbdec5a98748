package trace

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A Run is a trace read as a chapter's server: its listening socket, its
// epoll instance (none in chapters 1 and 2), each connection it accepted,
// and, in time order, the calls it made on them.
type Run struct {
	Trace    *Trace
	Listener int // the listening socket's fd
	Epoll    int // the chapter's epoll fd, or -1
	Conns    []*Conn
	Ops      []Op // the calls on the chapter's fds, in the order they began
}

// A Conn is one accepted connection: its fd from accept until close. fd
// numbers are reused, so a connection, not an fd, is the unit.
type Conn struct {
	N      int // 1, 2, … in the order they were accepted
	FD     int
	Port   int // the client's port, from the address accept4 returns
	Client int // the scripted client it belongs to (by port), or 0
}

// Lane says whose an Op is: the listening socket, the epoll instance, or a
// connection (its N).
type Lane int

const (
	LaneListener Lane = -1
	LaneEpoll    Lane = -2
)

// An Op is a call on one of the chapter's fds, read for what it means.
type Op struct {
	Call *Call
	Lane Lane
	// epoll_ctl: EPOLL_CTL_ADD, _MOD or _DEL without the prefix, and the
	// events asked for ("IN", "OUT|ET", "0").
	CtlOp, CtlEvents string
	// epoll_wait: what it reported, in the order the kernel listed it.
	Ready []Ready
	// setsockopt: the option's name and value ("TCP_CORK", 1).
	Option string
	Value  int
	// accept: the connection it returned, or 0.
	Accepted Lane
}

// Ready is one event that epoll_wait reported: the fd, the lane it belongs
// to at that moment, and its events without the EPOLL prefix ("IN|RDHUP").
type Ready struct {
	FD     int
	Lane   Lane
	Events string
}

// Has reports whether the events include flag ("IN", "HUP", …).
func (e Ready) Has(flag string) bool {
	return slices.Contains(strings.Split(e.Events, "|"), flag)
}

// ClientConn returns the connection of scripted client n, or nil if the
// server never accepted it.
func (r *Run) ClientConn(n int) *Conn {
	for _, c := range r.Conns {
		if c.Client == n {
			return c
		}
	}
	return nil
}

var (
	portRE   = regexp.MustCompile(`sin_port=htons\((\d+)\)`)
	eventsRE = regexp.MustCompile(`events=([A-Z0-9_|x]+)`)
	readyRE  = regexp.MustCompile(`\{events=([A-Z0-9_|x]+), data=\{u32=(\d+)`)
)

// Analyse finds the listening socket (the socket that listen is called on),
// the chapter's epoll instance (the one the listening socket is added to)
// and the connections, and keeps the calls on them. The rest of the process
// (the Go runtime, stderr) is left out.
func Analyse(t *Trace) (*Run, error) {
	r := &Run{Trace: t, Listener: -1, Epoll: -1}
	for _, c := range t.Calls {
		if c.Name == "listen" && c.OK() {
			r.Listener = c.IntArg(0)
			break
		}
	}
	if r.Listener < 0 {
		return nil, fmt.Errorf("no listen call in the trace")
	}
	for _, c := range t.Calls {
		if c.Name == "epoll_ctl" && c.Arg(1) == "EPOLL_CTL_ADD" && c.IntArg(2) == r.Listener && c.OK() {
			r.Epoll = c.IntArg(0)
			break
		}
	}

	// Walk the calls in order, following which fd is which: the listening
	// socket from socket to close, each connection from accept to close.
	listening := false
	live := map[int]*Conn{}
	for _, c := range t.Calls {
		fd := c.IntArg(0)
		op := Op{Call: c}
		switch {
		case c.Name == "socket" && c.OK() && int(c.Ret) == r.Listener && !listening:
			listening = true
			op.Lane = LaneListener
		case fd == r.Listener && listening:
			op.Lane = LaneListener
			if c.Name == "accept4" || c.Name == "accept" {
				if c.OK() {
					conn := &Conn{N: len(r.Conns) + 1, FD: int(c.Ret)}
					if m := portRE.FindStringSubmatch(c.Arg(1)); m != nil {
						conn.Port = number(m[1])
					}
					r.Conns = append(r.Conns, conn)
					live[conn.FD] = conn
					op.Accepted = Lane(conn.N)
				}
			}
			if c.Name == "setsockopt" {
				op.Option, op.Value = option(c)
			}
			if c.Name == "close" {
				listening = false
			}
		case c.Name == "epoll_create1" && c.OK() && int(c.Ret) == r.Epoll:
			op.Lane = LaneEpoll
		case fd == r.Epoll && r.Epoll >= 0:
			switch c.Name {
			case "epoll_ctl":
				op.CtlOp = strings.TrimPrefix(c.Arg(1), "EPOLL_CTL_")
				op.CtlEvents = "-"
				if m := eventsRE.FindStringSubmatch(c.Arg(3)); m != nil {
					op.CtlEvents = shortEvents(m[1])
				}
				target := c.IntArg(2)
				switch {
				case target == r.Listener:
					op.Lane = LaneListener
				case live[target] != nil:
					op.Lane = Lane(live[target].N)
				default:
					continue
				}
			case "epoll_wait", "epoll_pwait":
				op.Lane = LaneEpoll
				for _, m := range readyRE.FindAllStringSubmatch(c.Arg(1), -1) {
					fd := number(m[2])
					ready := Ready{FD: fd, Events: shortEvents(m[1])}
					switch {
					case fd == r.Listener:
						ready.Lane = LaneListener
					case live[fd] != nil:
						ready.Lane = Lane(live[fd].N)
					}
					op.Ready = append(op.Ready, ready)
				}
			case "close":
				op.Lane = LaneEpoll
			default:
				continue
			}
		case live[fd] != nil:
			conn := live[fd]
			op.Lane = Lane(conn.N)
			switch c.Name {
			case "read", "recvfrom", "write", "sendto", "shutdown":
			case "setsockopt":
				op.Option, op.Value = option(c)
			case "close":
				delete(live, fd)
			default:
				continue
			}
		default:
			continue
		}
		r.Ops = append(r.Ops, op)
	}

	// Match connections to the scripted clients by the client's port.
	for _, e := range t.Clients {
		if e.Kind != ClientConnect {
			continue
		}
		for _, conn := range r.Conns {
			if conn.Port == e.Port && conn.Client == 0 {
				conn.Client = e.Client
			}
		}
	}
	sort.SliceStable(r.Ops, func(i, j int) bool { return r.Ops[i].Call.Start < r.Ops[j].Call.Start })
	return r, nil
}

// option reads setsockopt(fd, LEVEL, NAME, [VALUE], 4).
func option(c *Call) (string, int) {
	v, err := strconv.Atoi(strings.Trim(c.Arg(3), "[]"))
	if err != nil {
		v = -1
	}
	return c.Arg(2), v
}

// number reads a run of digits that a pattern has matched.
func number(digits string) int {
	n := 0
	for _, d := range digits {
		n = n*10 + int(d-'0')
	}
	return n
}

// shortEvents drops the EPOLL prefixes: "EPOLLIN|EPOLLRDHUP" → "IN|RDHUP".
func shortEvents(s string) string {
	return strings.ReplaceAll(s, "EPOLL", "")
}
