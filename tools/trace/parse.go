package trace

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// A Call is one system call as strace reported it. Under -f, a call that
// blocks while another thread makes a call is written in two lines,
// "NAME(args <unfinished ...>" and "<... NAME resumed>rest) = ret"; Parse
// joins them into one Call.
type Call struct {
	Thread int    // the thread id strace prints first under -f (0 without -f)
	Start  int64  // when the call began, in µs (strace -ttt)
	Dur    int64  // how long it took, in µs (strace -T)
	Name   string // "accept4", "read", "epoll_pwait", …
	Args   []string
	Ret    int64  // the return value; -1 with Errno when it failed
	Errno  string // "EAGAIN", "ERESTARTSYS", …; empty on success
	Done   bool   // false when the process exited inside the call
	Lines  []int  // the lines of the text it came from, counted from 1
}

// End is when the call returned (or the trace ended, for a call not Done).
func (c *Call) End() int64 { return c.Start + c.Dur }

// Arg returns argument i as strace wrote it, or "" if there is none.
func (c *Call) Arg(i int) string {
	if i < len(c.Args) {
		return c.Args[i]
	}
	return ""
}

// IntArg returns argument i as an integer, or -1 if it is not one (a flag
// name, a structure).
func (c *Call) IntArg(i int) int {
	n, err := strconv.Atoi(c.Arg(i))
	if err != nil {
		return -1
	}
	return n
}

// OK reports whether the call returned and did not fail.
func (c *Call) OK() bool { return c.Done && c.Errno == "" }

// A ClientEvent is something a scripted client did, written into a recorded
// trace as a comment line: "# client 2 0.312455 connect port=40312".
type ClientEvent struct {
	Client int
	Time   int64  // µs, on strace's clock
	Kind   string // one of the Client… constants
	Port   int    // connect: the client's own port, which accept4 reports
	Bytes  int    // send, answer: how many bytes
	Err    string // fail: what went wrong (ECONNRESET, timeout, …)
}

// What a client does, in the order it does it.
const (
	ClientConnect = "connect" // the handshake is done: the connection is in the accept queue
	ClientSend    = "send"    // the whole request is written
	ClientAnswer  = "answer"  // the whole response is read, up to the server's FIN
	ClientClose   = "close"   // the client closed its socket
	ClientFail    = "fail"    // a step failed; Err says how
)

// A Signal is a signal the recorder sent the server: "# signal 1.203 SIGTERM".
type Signal struct {
	Time int64
	Name string
}

// A Trace is a parsed strace text, with the comment lines a recording adds.
type Trace struct {
	Scenario string // from "# trace SCENARIO CHAPTER", if present
	Chapter  string
	Calls    []*Call // in the order they began
	Clients  []ClientEvent
	Signals  []Signal
	Last     int64 // the latest time in the text, in µs
}

// Parse reads strace output written with -ttt -T (and usually -f), and the
// comment lines of a recorded trace. It returns an error for a line it
// cannot read, naming the line.
func Parse(r io.Reader) (*Trace, error) {
	t := &Trace{}
	type half struct {
		text  string
		start int64
		line  int
	}
	pending := map[int]half{} // unfinished calls, by thread
	scan := bufio.NewScanner(r)
	scan.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; scan.Scan(); n++ {
		line := strings.TrimSpace(scan.Text())
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			if err := t.comment(line); err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			continue
		}
		thread, when, rest, err := lineHead(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		t.Last = max(t.Last, when)
		switch {
		case strings.HasPrefix(rest, "---"), strings.HasPrefix(rest, "+++"):
			// A signal delivered, a thread that exited: not calls.
		case strings.HasPrefix(rest, "<... "):
			name, tail, ok := strings.Cut(strings.TrimPrefix(rest, "<... "), " resumed>")
			if !ok {
				return nil, fmt.Errorf("line %d: a resumed call without \" resumed>\": %q", n, line)
			}
			first, ok := pending[thread]
			if !ok || !strings.HasPrefix(first.text, name+"(") {
				return nil, fmt.Errorf("line %d: %s resumed, but thread %d has no unfinished %s", n, name, thread, name)
			}
			delete(pending, thread)
			// "<... NAME resumed> <unfinished ...>) = ?": the process exited
			// inside the call.
			tail = strings.TrimPrefix(tail, " <unfinished ...>")
			c, err := parseCall(first.text + tail)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			c.Thread, c.Start, c.Lines = thread, first.start, []int{first.line, n}
			if !c.Done {
				c.Dur = when - first.start
			}
			t.Calls = append(t.Calls, c)
		case strings.HasSuffix(rest, "<unfinished ...>"):
			if _, ok := pending[thread]; ok {
				return nil, fmt.Errorf("line %d: thread %d starts a call while another is unfinished", n, thread)
			}
			pending[thread] = half{strings.TrimSuffix(rest, "<unfinished ...>"), when, n}
		default:
			c, err := parseCall(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n, err)
			}
			c.Thread, c.Start, c.Lines = thread, when, []int{n}
			t.Calls = append(t.Calls, c)
		}
	}
	if err := scan.Err(); err != nil {
		return nil, err
	}
	// A call still unfinished when the text ends was cut short by the exit:
	// it lasted until the end, and returned nothing.
	for thread, h := range pending {
		c, err := parseCall(h.text + ") = ?")
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", h.line, err)
		}
		c.Thread, c.Start, c.Dur, c.Lines = thread, h.start, t.Last-h.start, []int{h.line}
		t.Calls = append(t.Calls, c)
	}
	// Calls are kept in the order they began; a resumed call was appended
	// when it ended. Ties keep the text's order.
	sort.SliceStable(t.Calls, func(i, j int) bool { return t.Calls[i].Start < t.Calls[j].Start })
	sort.SliceStable(t.Clients, func(i, j int) bool { return t.Clients[i].Time < t.Clients[j].Time })
	return t, nil
}

// comment reads a recording's comment line. Lines of other shapes are prose
// for the reader and are skipped.
func (t *Trace) comment(line string) error {
	f := strings.Fields(strings.TrimPrefix(line, "#"))
	if len(f) == 0 {
		return nil
	}
	switch f[0] {
	case "trace":
		if len(f) != 3 {
			return fmt.Errorf("want \"# trace SCENARIO CHAPTER\": %q", line)
		}
		t.Scenario, t.Chapter = f[1], f[2]
	case "signal":
		if len(f) != 3 {
			return fmt.Errorf("want \"# signal TIME NAME\": %q", line)
		}
		when, err := parseTime(f[1])
		if err != nil {
			return err
		}
		t.Signals = append(t.Signals, Signal{when, f[2]})
		t.Last = max(t.Last, when)
	case "client":
		e, err := parseClient(f[1:])
		if err != nil {
			return fmt.Errorf("%v: %q", err, line)
		}
		t.Clients = append(t.Clients, e)
		t.Last = max(t.Last, e.Time)
	}
	return nil
}

// parseClient reads "N TIME KIND [key=value …]".
func parseClient(f []string) (ClientEvent, error) {
	if len(f) < 3 {
		return ClientEvent{}, fmt.Errorf("want \"# client N TIME EVENT\"")
	}
	var e ClientEvent
	var err error
	if e.Client, err = strconv.Atoi(f[0]); err != nil || e.Client < 1 {
		return e, fmt.Errorf("client %q is not a number from 1", f[0])
	}
	if e.Time, err = parseTime(f[1]); err != nil {
		return e, err
	}
	e.Kind = f[2]
	switch e.Kind {
	case ClientConnect, ClientSend, ClientAnswer, ClientClose, ClientFail:
	default:
		return e, fmt.Errorf("unknown client event %q", e.Kind)
	}
	for _, kv := range f[3:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "port":
			e.Port, err = strconv.Atoi(v)
		case "bytes":
			e.Bytes, err = strconv.Atoi(v)
		case "err":
			e.Err = v
		default:
			err = fmt.Errorf("unknown field %q", k)
		}
		if err != nil {
			return e, err
		}
	}
	return e, nil
}

// lineHead splits "PID  SECONDS.MICROS REST" (PID only under -f).
func lineHead(line string) (thread int, when int64, rest string, err error) {
	f := strings.SplitN(line, " ", 2)
	if !strings.Contains(f[0], ".") {
		if thread, err = strconv.Atoi(f[0]); err != nil || len(f) < 2 {
			return 0, 0, "", fmt.Errorf("not a line of strace -f -ttt: %q", line)
		}
		f = strings.SplitN(strings.TrimLeft(f[1], " "), " ", 2)
	}
	if len(f) < 2 {
		return 0, 0, "", fmt.Errorf("not a line of strace -ttt: %q", line)
	}
	when, err = parseTime(f[0])
	return thread, when, strings.TrimLeft(f[1], " "), err
}

// parseTime reads strace's -ttt time, SECONDS.MICROS, into µs. It is read
// as two integers, so that no float rounds a microsecond away.
func parseTime(s string) (int64, error) {
	sec, frac, _ := strings.Cut(s, ".")
	if !digits(sec) || len(frac) > 6 || frac != "" && !digits(frac) {
		return 0, fmt.Errorf("%q is not a time in seconds with microseconds", s)
	}
	secs, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %v", s, err)
	}
	micros := int64(0)
	if frac != "" {
		if micros, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil {
			return 0, fmt.Errorf("%q: %v", s, err)
		}
	}
	return secs*1e6 + micros, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// formatTime writes µs as strace -ttt does: SECONDS.MICROS.
func formatTime(us int64) string {
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// parseCall reads "NAME(ARGS) = RET [ERRNO (text)] [<DURATION>]".
func parseCall(s string) (*Call, error) {
	open := strings.IndexByte(s, '(')
	if open <= 0 {
		return nil, fmt.Errorf("not a system call: %q", s)
	}
	c := &Call{Name: s[:open], Done: true}
	args, close, err := splitArgs(s[open+1:])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", c.Name, err)
	}
	c.Args = args
	rest := strings.TrimSpace(s[open+1+close+1:])
	ret, ok := strings.CutPrefix(rest, "=")
	if !ok {
		return nil, fmt.Errorf("%s: no \" = \" after the arguments: %q", c.Name, s)
	}
	f := strings.Fields(ret)
	if len(f) == 0 {
		return nil, fmt.Errorf("%s: no return value: %q", c.Name, s)
	}
	if d := f[len(f)-1]; strings.HasPrefix(d, "<") && strings.HasSuffix(d, ">") {
		if d != "<unavailable>" {
			if c.Dur, err = parseTime(d[1 : len(d)-1]); err != nil {
				return nil, fmt.Errorf("%s: duration: %v", c.Name, err)
			}
		}
		f = f[:len(f)-1]
	}
	switch {
	case len(f) == 0:
		return nil, fmt.Errorf("%s: no return value: %q", c.Name, s)
	case f[0] == "?":
		// No value: the process exited inside the call, or a signal
		// interrupted it and the kernel restarts it (ERESTARTSYS).
		c.Ret = -1
		if len(f) > 1 && strings.HasPrefix(f[1], "E") {
			c.Errno = f[1]
		} else {
			c.Done = false
		}
	default:
		if c.Ret, err = strconv.ParseInt(f[0], 0, 64); err != nil {
			return nil, fmt.Errorf("%s: return value %q", c.Name, f[0])
		}
		if len(f) > 1 && strings.HasPrefix(f[1], "E") {
			c.Errno = f[1]
		}
	}
	return c, nil
}

// splitArgs splits strace's argument list at its top-level commas, and
// returns the arguments and the index of the parenthesis that closes the
// list. Commas and parentheses inside quoted strings, braces and brackets
// do not count.
func splitArgs(s string) ([]string, int, error) {
	var args []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			// Skip the string, minding backslash escapes.
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			if i >= len(s) {
				return nil, 0, fmt.Errorf("unterminated string in %q", s)
			}
		case '{', '[', '(':
			depth++
		case '}', ']':
			depth--
		case ')':
			if depth == 0 {
				// strace writes no empty argument: an empty last one is
				// where a call cut short by the exit stopped ("accept4(6, ").
				if a := strings.TrimSpace(s[start:i]); a != "" {
					args = append(args, a)
				}
				return args, i, nil
			}
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return nil, 0, fmt.Errorf("no closing parenthesis in %q", s)
}
