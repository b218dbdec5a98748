package trace

import (
	"fmt"
	"strings"
	"testing"
)

// handTrace is strace -f -ttt -T as a level-triggered chapter would make
// it, written by hand: thread ids, a call split by another thread's line
// (epoll_pwait, close), signals, a read of the Go runtime's own on fd 9,
// EAGAIN, and fd 5 given to two connections one after the other. The last
// epoll_pwait is still waiting when the process exits.
const handTrace = `# trace silent ch3-epoll-lt
# client 1 1700000000.005000 connect port=40001
# client 2 1700000000.005100 connect port=40002
100  1700000000.000100 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3 <0.000020>
100  1700000000.000200 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0 <0.000010>
100  1700000000.000300 bind(3, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0 <0.000010>
100  1700000000.000400 listen(3, 1)    = 0 <0.000010>
100  1700000000.000500 epoll_create1(EPOLL_CLOEXEC) = 4 <0.000010>
100  1700000000.000600 epoll_ctl(4, EPOLL_CTL_ADD, 3, {events=EPOLLIN, data={u32=3, u64=3}}) = 0 <0.000010>
101  1700000000.000700 epoll_pwait(4,  <unfinished ...>
102  1700000000.000800 read(9, "9:name=systemd:/\n", 64) = 17 <0.000010>
101  1700000000.010700 <... epoll_pwait resumed>[{events=EPOLLIN, data={u32=3, u64=3}}], 64, 1000, NULL, 0) = 1 <0.010000>
101  1700000000.010800 accept4(3, {sa_family=AF_INET, sin_port=htons(40001), sin_addr=inet_addr("127.0.0.1")}, [112 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 5 <0.000020>
101  1700000000.010900 epoll_ctl(4, EPOLL_CTL_ADD, 5, {events=EPOLLIN, data={u32=5, u64=5}}) = 0 <0.000010>
101  1700000000.011000 epoll_pwait(4, [{events=EPOLLIN, data={u32=5, u64=5}}], 64, 1000, NULL, 0) = 1 <0.000010>
101  1700000000.011100 read(5, "GET / HTTP/1.0\r\n\r\n", 1024) = 18 <0.000010>
101  1700000000.011200 read(5, 0xc000123000, 1024) = -1 EAGAIN (Resource temporarily unavailable) <0.000010>
103  1700000000.011250 --- SIGURG {si_signo=SIGURG, si_code=SI_TKILL, si_pid=100, si_uid=0} ---
101  1700000000.011300 epoll_ctl(4, EPOLL_CTL_DEL, 5, NULL) = 0 <0.000010>
101  1700000000.011400 close(5 <unfinished ...>
103  1700000000.011450 write(2, "a, b) = 1", 9) = 9 <0.000010>
101  1700000000.011500 <... close resumed>) = 0 <0.000100>
101  1700000000.011600 epoll_pwait(4, [{events=EPOLLIN, data={u32=3, u64=3}}], 64, 1000, NULL, 0) = 1 <0.000010>
101  1700000000.011700 accept4(3, {sa_family=AF_INET, sin_port=htons(40002), sin_addr=inet_addr("127.0.0.1")}, [112 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 5 <0.000020>
101  1700000000.011800 epoll_ctl(4, EPOLL_CTL_ADD, 5, {events=EPOLLIN, data={u32=5, u64=5}}) = 0 <0.000010>
101  1700000000.011900 epoll_pwait(4, [{events=EPOLLIN|EPOLLRDHUP, data={u32=5, u64=5}}], 64, 1000, NULL, 0) = 1 <0.000010>
101  1700000000.012000 read(5, "", 1024) = 0 <0.000010>
101  1700000000.012100 epoll_ctl(4, EPOLL_CTL_DEL, 5, NULL) = 0 <0.000010>
101  1700000000.012200 close(5)        = 0 <0.000010>
101  1700000000.012300 accept4(3, 0xc000124000, [112], SOCK_CLOEXEC|SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable) <0.000010>
104  1700000000.012400 epoll_pwait(4,  <unfinished ...>
100  1700000000.500000 +++ exited with 0 +++
`

func parseHand(t *testing.T) *Trace {
	t.Helper()
	tr, err := Parse(strings.NewReader(handTrace))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestParse(t *testing.T) {
	tr := parseHand(t)
	if tr.Scenario != "silent" || tr.Chapter != "ch3-epoll-lt" {
		t.Errorf("header: scenario %q, chapter %q", tr.Scenario, tr.Chapter)
	}
	if len(tr.Calls) != 25 {
		t.Fatalf("%d calls, want 25 (the signal and the exit are not calls)", len(tr.Calls))
	}
	if tr.Last != 1700000000_500000 {
		t.Errorf("Last = %d, want the exit's time", tr.Last)
	}

	// The two halves of a call split by another thread's line are one call,
	// begun at the first half's time, its arguments joined.
	wait := tr.Calls[6]
	if wait.Name != "epoll_pwait" || wait.Thread != 101 || wait.Start != 1700000000_000700 || wait.Dur != 10000 ||
		wait.Ret != 1 || !wait.OK() || fmt.Sprint(wait.Lines) != "[10 12]" {
		t.Errorf("joined epoll_pwait: %+v", *wait)
	}
	if got := wait.Arg(1); got != "[{events=EPOLLIN, data={u32=3, u64=3}}]" {
		t.Errorf("joined epoll_pwait's events: %q", got)
	}
	// A call that began before another but ended after it keeps its place
	// by start time.
	if tr.Calls[7].Name != "read" || tr.Calls[7].IntArg(0) != 9 {
		t.Errorf("call 7 is %s, want the runtime's read of fd 9", tr.Calls[7].Name)
	}

	var eagain, closed, quoted, cut *Call
	for _, c := range tr.Calls {
		switch {
		case c.Name == "read" && c.Errno == "EAGAIN":
			eagain = c
		case c.Name == "close" && len(c.Lines) == 2:
			closed = c
		case c.Name == "write":
			quoted = c
		case !c.Done:
			cut = c
		}
	}
	if eagain == nil || eagain.Ret != -1 || eagain.OK() || !eagain.Done {
		t.Errorf("read → EAGAIN: %+v", eagain)
	}
	if closed == nil || closed.IntArg(0) != 5 || closed.Ret != 0 || closed.Dur != 100 {
		t.Errorf("joined close: %+v", closed)
	}
	// A comma, a parenthesis and " = " inside a string are not syntax.
	if quoted == nil || len(quoted.Args) != 3 || quoted.Arg(1) != `"a, b) = 1"` || quoted.Ret != 9 {
		t.Errorf("write with a tricky string: %+v", quoted)
	}
	// The call the process exited in lasted until the end, and returned nothing.
	// It keeps the arguments strace wrote before the exit, and no empty one.
	if cut == nil || cut.Name != "epoll_pwait" || cut.Thread != 104 || cut.Dur != 500000-12400 || fmt.Sprint(cut.Args) != "[4]" {
		t.Errorf("unfinished at exit: %+v", cut)
	}
	if len(tr.Clients) != 2 || tr.Clients[1] != (ClientEvent{Client: 2, Time: 1700000000_005100, Kind: ClientConnect, Port: 40002}) {
		t.Errorf("clients: %+v", tr.Clients)
	}
}

// Without -f there is no thread id; strace then writes the time first.
func TestParseWithoutThreads(t *testing.T) {
	tr, err := Parse(strings.NewReader("1700000000.5 listen(3, 1) = 0 <0.000010>\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c := tr.Calls[0]; c.Thread != 0 || c.Start != 1700000000_500000 || c.Name != "listen" || c.Dur != 10 {
		t.Errorf("%+v", *c)
	}
}

// A line Parse cannot read is an error that names its line.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"resumed without its start", "1 1.000000 <... read resumed>) = 0 <0.1>\n", "line 1: read resumed, but thread 1 has no unfinished read"},
		{"two unfinished calls in a thread", "1 1.0 read(3, <unfinished ...>\n1 1.1 write(4, <unfinished ...>\n", "line 2: thread 1 starts a call"},
		{"no return value", "1 1.0 read(3, \"x\", 1)\n", "line 1: read: no \" = \""},
		{"not a time", "1 one listen(3, 1) = 0\n", "line 1: \"one\" is not a time"},
		{"a bad client line", "# client 0 1.0 connect port=1\n", "line 1: client \"0\""},
		{"an unknown client event", "# client 1 1.0 wave\n", "line 1: unknown client event \"wave\""},
		{"unterminated string", "1 1.0 write(1, \"abc) = 3\n", "line 1: write: unterminated string"},
	} {
		_, err := Parse(strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestAnalyse(t *testing.T) {
	r, err := Analyse(parseHand(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Listener != 3 || r.Epoll != 4 {
		t.Errorf("listener %d, epoll %d; want 3 and 4", r.Listener, r.Epoll)
	}
	// fd 5 served two connections: two lanes, each with its client.
	if len(r.Conns) != 2 {
		t.Fatalf("%d connections, want 2", len(r.Conns))
	}
	for i, c := range r.Conns {
		if c.FD != 5 || c.N != i+1 || c.Port != 40001+i || c.Client != i+1 {
			t.Errorf("connection %d: %+v", i+1, *c)
		}
	}
	// Each connection's calls, in order; the runtime's read of fd 9 and
	// its write to stderr belong to no lane.
	lanes := map[Lane][]string{}
	for _, op := range r.Ops {
		name := op.Call.Name
		switch {
		case op.CtlOp != "":
			name += " " + op.CtlOp + " " + op.CtlEvents
		case op.Call.Errno != "":
			name += " " + op.Call.Errno
		}
		lanes[op.Lane] = append(lanes[op.Lane], name)
	}
	want := map[Lane]string{
		LaneListener: "socket, setsockopt, bind, listen, epoll_ctl ADD IN, accept4, accept4, accept4 EAGAIN",
		LaneEpoll:    "epoll_create1, epoll_pwait, epoll_pwait, epoll_pwait, epoll_pwait, epoll_pwait",
		1:            "epoll_ctl ADD IN, read, read EAGAIN, epoll_ctl DEL -, close",
		2:            "epoll_ctl ADD IN, read, epoll_ctl DEL -, close",
	}
	for l, w := range want {
		if got := strings.Join(lanes[l], ", "); got != w {
			t.Errorf("lane %d:\n got %s\nwant %s", l, got, w)
		}
	}
	if len(lanes) != len(want) {
		t.Errorf("%d lanes, want %d: %v", len(lanes), len(want), lanes)
	}
	// What epoll_wait reported, and whose it was at that moment.
	var ready []string
	for _, op := range r.Ops {
		for _, e := range op.Ready {
			ready = append(ready, fmt.Sprintf("%d:%d %s", e.Lane, e.FD, e.Events))
		}
	}
	if got, want := strings.Join(ready, ", "), "-1:3 IN, 1:5 IN, -1:3 IN, 2:5 IN|RDHUP"; got != want {
		t.Errorf("reported: %s, want %s", got, want)
	}
	if op := r.Ops[len(r.Ops)-1]; op.Call.Done || op.Lane != LaneEpoll {
		t.Errorf("the last op is %+v, want the epoll_pwait cut short by the exit", op)
	}
}

func TestAnalyseNoListener(t *testing.T) {
	tr, err := Parse(strings.NewReader("1 1.0 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3 <0.000010>\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Analyse(tr); err == nil {
		t.Error("a trace without listen was analysed")
	}
}
