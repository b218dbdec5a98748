package trace

import (
	"cmp"
	"fmt"
	"slices"
)

// The lessons that the recorded runs are meant to show. Each returns nil
// when the run shows its lesson, or an error that says what is missing; the
// tests hold the recorded files to them, and the recorder checks a fresh
// run before it replaces one. They compare the order of events, never how
// long anything took.

// HeadOfLine is the silent scenario's lesson for chapter 2: while the
// server waits in read for the silent client 1, client 2 waits in the
// accept queue. Its accept begins only after the read on client 1 returns,
// and it is answered only after client 1 has closed.
func HeadOfLine(r *Run) error {
	c1, c2, err := r.clients(1, 2)
	if err != nil {
		return err
	}
	read := r.last(Lane(c1.N), isRead)
	accept := r.acceptOf(c2)
	if read == nil || accept == nil {
		return fmt.Errorf("no read on client 1's connection, or no accept of client 2's")
	}
	if accept.Call.Start < read.Call.End() {
		return fmt.Errorf("client 2 was accepted (%s) before the read on silent client 1 returned (%s)",
			formatTime(accept.Call.Start), formatTime(read.Call.End()))
	}
	closed, answered := r.clientEvent(1, ClientClose), r.clientEvent(2, ClientAnswer)
	if closed == nil || answered == nil || answered.Time < closed.Time {
		return fmt.Errorf("client 2 was not answered after client 1 closed")
	}
	return nil
}

// NoHeadOfLine is the silent scenario's lesson for chapter 3: the server
// answers client 2 while client 1 is still connected and silent. The last
// write to client 2 comes before the read that finds client 1's EOF, and
// client 2 reads its answer before client 1 closes.
func NoHeadOfLine(r *Run) error {
	c1, c2, err := r.clients(1, 2)
	if err != nil {
		return err
	}
	write := r.last(Lane(c2.N), isWrite)
	eof := r.last(Lane(c1.N), func(op Op) bool { return isRead(op) && op.Call.OK() && op.Call.Ret == 0 })
	if write == nil || eof == nil {
		return fmt.Errorf("no write to client 2, or no read of client 1's EOF")
	}
	if write.Call.Start > eof.Call.Start {
		return fmt.Errorf("the response to client 2 was written after the server read silent client 1's EOF")
	}
	closed, answered := r.clientEvent(1, ClientClose), r.clientEvent(2, ClientAnswer)
	if closed == nil || answered == nil || answered.Time > closed.Time {
		return fmt.Errorf("client 2 was not answered before client 1 closed")
	}
	return nil
}

// LevelRepeats is the burst scenario's lesson for chapter 3: with
// level-triggered epoll, a socket that still holds data is reported again
// and again. More than one epoll_wait return reports the big request's
// connection with IN, and each report is followed by exactly one read on it.
func LevelRepeats(r *Run) error {
	big := r.ClientConn(BigClient)
	if big == nil {
		return fmt.Errorf("client %d (the big request) was not accepted", BigClient)
	}
	reports := r.reports(Lane(big.N), "IN")
	if len(reports) < 2 {
		return fmt.Errorf("client %d's connection was reported with IN %d times, want more than one", BigClient, len(reports))
	}
	for i, at := range reports {
		end := len(r.Ops)
		if i+1 < len(reports) {
			end = reports[i+1]
		}
		if n := r.count(at, end, Lane(big.N), isRead); n != 1 {
			return fmt.Errorf("report %d of client %d's IN was followed by %d reads, want 1", i+1, BigClient, n)
		}
	}
	return nil
}

// EdgeDrains is the burst scenario's lesson for chapter 4: with
// edge-triggered epoll, one report stands for all the data that has
// arrived, so the server reads until EAGAIN. The big request's reads end
// with EAGAIN, and its connection is reported with IN fewer times than it
// is read (against chapter 3's one report per read).
func EdgeDrains(r *Run) error {
	big := r.ClientConn(BigClient)
	if big == nil {
		return fmt.Errorf("client %d (the big request) was not accepted", BigClient)
	}
	reads := r.filter(Lane(big.N), isRead)
	if len(reads) == 0 || reads[len(reads)-1].Call.Errno != "EAGAIN" {
		return fmt.Errorf("client %d's reads do not end with EAGAIN", BigClient)
	}
	reports := r.reports(Lane(big.N), "IN")
	if len(reports) == 0 || len(reports)*2 > len(reads) {
		return fmt.Errorf("client %d's connection: %d reports of IN for %d reads; an edge should stand for many reads",
			BigClient, len(reports), len(reads))
	}
	return nil
}

// SplitWrites is the split scenario's lesson for chapters 3 and 5: with
// -split 4, the server writes the response in four pieces, which the
// client reads as one response.
func SplitWrites(r *Run) error {
	c := r.ClientConn(1)
	if c == nil {
		return fmt.Errorf("client 1 has no connection in the trace")
	}
	writes := r.filter(Lane(c.N), func(op Op) bool { return isWrite(op) && op.Call.OK() })
	if len(writes) != 4 {
		return fmt.Errorf("%d writes of the response, want 4", len(writes))
	}
	// The four pieces are the whole response that the client read.
	sent := 0
	for _, w := range writes {
		sent += int(w.Call.Ret)
	}
	if answer := r.clientEvent(1, ClientAnswer); answer == nil || answer.Bytes != sent {
		return fmt.Errorf("the server wrote %d bytes, and client 1 did not read them all", sent)
	}
	return nil
}

// CorkAround is the split scenario's lesson for chapter 5: TCP_CORK is set
// before the first piece is written and cleared after the last.
func CorkAround(r *Run) error {
	c := r.ClientConn(1)
	if c == nil {
		return fmt.Errorf("client 1 has no connection in the trace")
	}
	first := r.index(Lane(c.N), isWrite, false)
	last := r.index(Lane(c.N), isWrite, true)
	on := r.index(Lane(c.N), isCork(1), false)
	off := r.index(Lane(c.N), isCork(0), true)
	switch {
	case first < 0:
		return fmt.Errorf("no write to client 1")
	case on < 0 || on > first:
		return fmt.Errorf("TCP_CORK is not set before the first write")
	case off < 0 || off < last:
		return fmt.Errorf("TCP_CORK is not cleared after the last write")
	}
	return nil
}

// InConnectOrder holds every recording to how its pictures number the
// clients: client 1 connects first, then client 2, and so on, and the
// server accepts them in that order, so the lanes read from the top down as
// the clients joined.
func InConnectOrder(r *Run) error {
	var connects []ClientEvent
	for _, e := range r.Trace.Clients {
		if e.Kind == ClientConnect {
			connects = append(connects, e)
		}
	}
	slices.SortStableFunc(connects, func(a, b ClientEvent) int { return cmp.Compare(a.Time, b.Time) })
	for i, e := range connects {
		if e.Client != i+1 {
			return fmt.Errorf("client %d was number %d to connect; clients are numbered in the order they connect", e.Client, i+1)
		}
	}
	last := 0
	for _, c := range r.Conns {
		if c.Client == 0 {
			continue
		}
		if c.Client < last {
			return fmt.Errorf("client %d was accepted after client %d, though it connected first", c.Client, last)
		}
		last = c.Client
	}
	return nil
}

// WaitsAtSignal holds every recording to its last step: the recorder sends
// SIGTERM only once the server has gone back to waiting, so that the
// picture shows where it waits (ch2 in accept4, the epoll chapters in
// epoll_wait) before the signal. A call that waits began after the clients'
// last event and before the signal, and had not returned when it came.
func WaitsAtSignal(r *Run) error {
	if len(r.Trace.Signals) == 0 {
		return fmt.Errorf("no signal in the recording")
	}
	at := r.Trace.Signals[0].Time
	var last int64
	for _, e := range r.Trace.Clients {
		last = max(last, e.Time)
	}
	for _, op := range r.Ops {
		c := op.Call
		if blocking[c.Name] && last < c.Start && c.Start < at && (!c.Done || c.End() > at) {
			return nil
		}
	}
	return fmt.Errorf("the server was not back in a call that waits when SIGTERM came (%s)", formatTime(at))
}

// Lesson returns the lesson that chapter's run of scenario must show, or
// nil if there is none.
func Lesson(scenario, chapter string) func(*Run) error {
	switch scenario + " " + chapter {
	case "silent ch2-loop":
		return HeadOfLine
	case "silent ch3-epoll-lt":
		return NoHeadOfLine
	case "burst ch3-epoll-lt":
		return LevelRepeats
	case "burst ch4-epoll-et":
		return EdgeDrains
	case "split ch3-epoll-lt":
		return SplitWrites
	case "split ch5-tcpcork":
		return func(r *Run) error {
			if err := SplitWrites(r); err != nil {
				return err
			}
			return CorkAround(r)
		}
	}
	return nil
}

func isRead(op Op) bool  { return op.Call.Name == "read" || op.Call.Name == "recvfrom" }
func isWrite(op Op) bool { return op.Call.Name == "write" || op.Call.Name == "sendto" }

func isCork(value int) func(Op) bool {
	return func(op Op) bool { return op.Option == "TCP_CORK" && op.Value == value && op.Call.OK() }
}

// clients returns the connections of clients a and b.
func (r *Run) clients(a, b int) (*Conn, *Conn, error) {
	ca, cb := r.ClientConn(a), r.ClientConn(b)
	if ca == nil || cb == nil {
		return nil, nil, fmt.Errorf("client %d or client %d has no connection in the trace", a, b)
	}
	return ca, cb, nil
}

// filter returns the ops on lane l for which keep is true.
func (r *Run) filter(l Lane, keep func(Op) bool) []Op {
	var ops []Op
	for _, op := range r.Ops {
		if op.Lane == l && keep(op) {
			ops = append(ops, op)
		}
	}
	return ops
}

// last returns the last op on lane l for which keep is true, or nil.
func (r *Run) last(l Lane, keep func(Op) bool) *Op {
	if i := r.index(l, keep, true); i >= 0 {
		return &r.Ops[i]
	}
	return nil
}

// index returns the position in r.Ops of the first (or last) op on lane l
// for which keep is true, or -1.
func (r *Run) index(l Lane, keep func(Op) bool, last bool) int {
	found := -1
	for i, op := range r.Ops {
		if op.Lane == l && keep(op) {
			found = i
			if !last {
				break
			}
		}
	}
	return found
}

// acceptOf returns the accept that returned conn's fd.
func (r *Run) acceptOf(conn *Conn) *Op {
	n := 0
	for i, op := range r.Ops {
		if op.Lane == LaneListener && (op.Call.Name == "accept4" || op.Call.Name == "accept") && op.Call.OK() {
			if n++; n == conn.N {
				return &r.Ops[i]
			}
		}
	}
	return nil
}

// reports returns the positions in r.Ops of the epoll_wait returns that
// report lane l with events that include flag.
func (r *Run) reports(l Lane, flag string) []int {
	var at []int
	for i, op := range r.Ops {
		if slices.ContainsFunc(op.Ready, func(e Ready) bool { return e.Lane == l && e.Has(flag) }) {
			at = append(at, i)
		}
	}
	return at
}

// count counts the ops in r.Ops[from:to] on lane l for which keep is true.
func (r *Run) count(from, to int, l Lane, keep func(Op) bool) int {
	n := 0
	for _, op := range r.Ops[from:to] {
		if op.Lane == l && keep(op) {
			n++
		}
	}
	return n
}

// clientEvent returns client n's first event of kind, or nil.
func (r *Run) clientEvent(n int, kind string) *ClientEvent {
	for i, e := range r.Trace.Clients {
		if e.Client == n && e.Kind == kind {
			return &r.Trace.Clients[i]
		}
	}
	return nil
}
