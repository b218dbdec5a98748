package trace

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// rawTrace is handTrace as strace writes it: no comment lines.
func rawTrace() string {
	var lines []string
	for _, line := range strings.Split(handTrace, "\n") {
		if !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// A recording keeps the calls on the chapter's fds and the main thread's
// exit, renumbers the threads, counts time from the first call, and puts
// the clients' events among the lines in time order.
func TestNormalise(t *testing.T) {
	clients := []ClientEvent{
		{Client: 2, Time: 1700000000_011650, Kind: ClientConnect, Port: 40002},
		{Client: 1, Time: 1700000000_005000, Kind: ClientConnect, Port: 40001},
		{Client: 1, Time: 1700000000_012250, Kind: ClientFail, Err: "ECONNRESET"},
	}
	signals := []Signal{{1700000000_012350, "SIGTERM"}}
	out, err := Normalise([]byte(rawTrace()), []string{"trace silent ch3-epoll-lt"}, clients, signals)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, gone := range []string{"systemd", "SIGURG", "write(2", "read(9", "si_pid", "100  ", "101  "} {
		if strings.Contains(text, gone) {
			t.Errorf("the recording keeps %q:\n%s", gone, text)
		}
	}
	// The lines that count, without the prose for the reader.
	var body []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		f := strings.Fields(line)
		if f[0] != "#" || f[1] == "trace" || f[1] == "client" || f[1] == "signal" {
			body = append(body, line)
		}
	}
	want := []string{
		"# trace silent ch3-epoll-lt",
		"1 0.000000 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3 <0.000020>",
		"1 0.000100 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0 <0.000010>",
		"1 0.000200 bind(3, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0 <0.000010>",
		"1 0.000300 listen(3, 1)    = 0 <0.000010>",
		"1 0.000400 epoll_create1(EPOLL_CLOEXEC) = 4 <0.000010>",
		"1 0.000500 epoll_ctl(4, EPOLL_CTL_ADD, 3, {events=EPOLLIN, data={u32=3, u64=3}}) = 0 <0.000010>",
		"2 0.000600 epoll_pwait(4,  <unfinished ...>",
		"# client 1 0.004900 connect port=40001",
		"2 0.010600 <... epoll_pwait resumed>[{events=EPOLLIN, data={u32=3, u64=3}}], 64, 1000, NULL, 0) = 1 <0.010000>",
	}
	for i, w := range want {
		if i >= len(body) || body[i] != w {
			t.Fatalf("line %d of the recording:\n got %q\nwant %q\n%s", i+1, at(body, i), w, text)
		}
	}
	for _, w := range []string{
		"# client 2 0.011550 connect port=40002",
		"# client 1 0.012150 fail err=ECONNRESET",
		"# signal 0.012250 SIGTERM",
		"3 0.012300 epoll_pwait(4,  <unfinished ...>",
		"1 0.499900 +++ exited with 0 +++",
	} {
		if !strings.Contains(text, w+"\n") {
			t.Errorf("the recording lacks %q:\n%s", w, text)
		}
	}

	// The recording reads back as the same run.
	before, err := Analyse(parseHand(t))
	if err != nil {
		t.Fatal(err)
	}
	after, err := Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Ops) != len(before.Ops) || len(after.Conns) != 2 || after.Conns[1].Client != 2 || after.Trace.Scenario != "silent" {
		t.Errorf("read back: %d ops (want %d), connections %+v", len(after.Ops), len(before.Ops), after.Conns)
	}
	for i := range after.Ops {
		a, b := after.Ops[i], before.Ops[i]
		if a.Call.Name != b.Call.Name || a.Lane != b.Lane || a.Call.Start-after.Ops[0].Call.Start != b.Call.Start-before.Ops[0].Call.Start {
			t.Errorf("op %d: %s on lane %d, want %s on lane %d", i, a.Call.Name, a.Lane, b.Call.Name, b.Lane)
		}
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(nothing)"
}

// A client event before the server's first call cannot be placed.
func TestNormaliseEarlyClient(t *testing.T) {
	_, err := Normalise([]byte(rawTrace()), nil, []ClientEvent{{Client: 1, Time: 1, Kind: ClientConnect}}, nil)
	if err == nil {
		t.Error("a client event before the trace began was accepted")
	}
}

// machinePath matches what would tie a recording to a machine: a path
// under the usual roots.
var machinePath = regexp.MustCompile(`/(home|root|tmp|proc|sys|dev|usr|etc|var|run|work|opt|srv|mnt)\b`)

// The recorded runs carry nothing of the machine they were made on: no
// paths, small thread ids, times from the first call, and the header that
// names their scenario and chapter.
func TestRecordedFilesPortable(t *testing.T) {
	root := repoRoot(t)
	for _, c := range Comparisons {
		for _, chapter := range c.Chapters {
			path := DataPath(c.Scenario, chapter)
			data := readRepo(t, root, path)
			if m := machinePath.Find(data); m != nil {
				t.Errorf("%s holds a path: %q", path, m)
			}
			r, err := Read(data)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if r.Trace.Scenario != c.Scenario || r.Trace.Chapter != chapter {
				t.Errorf("%s says it is %s of %s", path, r.Trace.Scenario, r.Trace.Chapter)
			}
			for _, call := range r.Trace.Calls {
				if call.Thread < 1 || call.Thread > 20 {
					t.Errorf("%s: thread id %d, want one renumbered from 1", path, call.Thread)
					break
				}
			}
			if first := r.Trace.Calls[0]; first.Start != 0 {
				t.Errorf("%s: the first call is at %s, want 0", path, formatTime(first.Start))
			}
			if !bytes.HasSuffix(data, []byte("\n")) {
				t.Errorf("%s does not end with a newline", path)
			}
		}
	}
}
