package benchdata

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func testRows() []Row {
	return []Row{
		{Server: "ch2-loop", Kind: Chapter, CPU: 40, UserShare: 0.12, RPS: 5000, Syscalls: 8, Futex: 1},
		{Server: "ch3-epoll-lt", Kind: Chapter, CPU: 50, UserShare: 0.1, RPS: 6000, Syscalls: 13, Futex: 0.25},
		{Server: "ch4-epoll-et", Kind: Chapter, CPU: 60, UserShare: 0.1, RPS: 6000, Syscalls: 12, Futex: 0.2},
		{Server: "C", Kind: Floor, CPU: 40, UserShare: 0.05, RPS: 7000, Syscalls: 10, Futex: 0},
		{Server: "net/http", Kind: Baseline, CPU: 120, UserShare: 0.4, RPS: 4000, Syscalls: 18, Futex: 1.4},
	}
}

// without returns rows without the servers of a kind.
func without(rows []Row, kind string) []Row {
	return slices.DeleteFunc(slices.Clone(rows), func(r Row) bool { return r.Kind == kind })
}

// column returns the cells of the column whose header is name.
func column(t *testing.T, tab Table, name string) []string {
	t.Helper()
	i := slices.Index(tab.Header, name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, tab.Header)
	}
	var cells []string
	for _, r := range tab.Rows {
		if len(r) != len(tab.Header) {
			t.Fatalf("row %q has %d cells for %d columns", r, len(r), len(tab.Header))
		}
		cells = append(cells, r[i])
	}
	return cells
}

// With the C floor, every server has a ratio to it and to net/http, and the
// epoll chapters are held to 1.25× C: 50 µs against 40 is met, 60 is not.
func TestResultsWithFloor(t *testing.T) {
	tab := Results(testRows(), "en")
	want := []string{"server", "CPU per request", "user share", "× C", "× net/http", "req/s",
		"syscalls per request", "futex per request", "goal (≤1.25× C)"}
	if !slices.Equal(tab.Header, want) {
		t.Fatalf("header %q, want %q", tab.Header, want)
	}
	for name, cells := range map[string][]string{
		"× C":             {"1.00", "1.25", "1.50", "1.00", "3.00"},
		"× net/http":      {"0.33", "0.42", "0.50", "0.33", "1.00"},
		"CPU per request": {"40.0 µs", "50.0 µs", "60.0 µs", "40.0 µs", "120.0 µs"},
		"goal (≤1.25× C)": {"–", "met", "missed: × C", "–", "–"},
	} {
		if got := column(t, tab, name); !slices.Equal(got, cells) {
			t.Errorf("column %q: %q, want %q", name, got, cells)
		}
	}
}

// Without a C compiler the run has no floor: no × C column and no goal,
// and the rest of the table is as before.
func TestResultsWithoutFloor(t *testing.T) {
	tab := Results(without(testRows(), Floor), "en")
	want := []string{"server", "CPU per request", "user share", "× net/http", "req/s",
		"syscalls per request", "futex per request"}
	if !slices.Equal(tab.Header, want) {
		t.Fatalf("header %q, want %q", tab.Header, want)
	}
	if got := column(t, tab, "× net/http"); !slices.Equal(got, []string{"0.33", "0.42", "0.50", "1.00"}) {
		t.Errorf("× net/http: %q", got)
	}
}

// An extra server gets its own ratio column and the 0.70× goal, and a run
// without strace shows no syscall columns; an unmeasured cell shows "–".
func TestResultsExtraAndUntraced(t *testing.T) {
	rows := testRows()
	for i := range rows {
		rows[i].Syscalls, rows[i].Futex = math.NaN(), math.NaN()
	}
	rows = append(rows, Row{Server: "python", Kind: Extra, CPU: 80, UserShare: 0.5, RPS: 3000,
		Syscalls: math.NaN(), Futex: math.NaN()})
	tab := Results(rows, "en")
	if slices.Contains(tab.Header, "syscalls per request") {
		t.Errorf("untraced run has syscall columns: %q", tab.Header)
	}
	if got := column(t, tab, "× python"); !slices.Equal(got, []string{"0.50", "0.62", "0.75", "0.50", "1.50", "1.00"}) {
		t.Errorf("× python: %q", got)
	}
	goal := column(t, tab, "goal (≤1.25× C, ≤0.70× python)")
	if want := []string{"–", "met", "missed: × C, × python", "–", "–", "–"}; !slices.Equal(goal, want) {
		t.Errorf("goal: %q, want %q", goal, want)
	}

	rows[1].Syscalls = 13 // ch3 traced, the extra not
	rows[0].Syscalls = 8
	tab = Results(rows, "en")
	if got := column(t, tab, "syscalls per request"); got[5] != "–" {
		t.Errorf("the extra's unmeasured syscalls: %q, want –", got[5])
	}
}

// The Chinese table has the same shape and numbers, in the glossary's words.
func TestResultsChinese(t *testing.T) {
	en, zh := Results(testRows(), "en"), Results(testRows(), "zh-CN")
	if len(en.Header) != len(zh.Header) || zh.Header[0] != "服务器" || zh.Header[3] != "相对 C" {
		t.Fatalf("header %q", zh.Header)
	}
	if got := column(t, zh, "目标（≤1.25× C）"); !slices.Equal(got, []string{"–", "达到", "未达到：相对 C", "–", "–"}) {
		t.Errorf("goal: %q", got)
	}
	for i := range en.Rows {
		if !slices.Equal(en.Rows[i][:6], zh.Rows[i][:6]) {
			t.Errorf("row %d: %q and %q", i, en.Rows[i], zh.Rows[i])
		}
	}
}

func TestCSVRoundTrip(t *testing.T) {
	rows := testRows()
	rows[0].Syscalls = math.NaN()
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(rows) || !math.IsNaN(back[0].Syscalls) {
		t.Fatalf("read back %+v", back)
	}
	back[0].Syscalls, rows[0].Syscalls = 0, 0
	if !slices.Equal(back, rows) {
		t.Errorf("read back %+v\nwant %+v", back, rows)
	}
	if _, err := ReadCSV(strings.NewReader("a,b\n1,2\n")); err == nil {
		t.Error("a file with another header was read")
	}
}

// The syscall table keeps the calls some server makes at least 0.05 times
// per request, in name order, and survives the CSV.
func TestSyscalls(t *testing.T) {
	s := Syscalls{Servers: []string{"ch3-epoll-lt", "C"}, Calls: map[string][]float64{
		"write": {1, 1}, "getsockopt": {1, 0}, "rt_sigaction": {0.01, 0.02}, "epoll_ctl": {4, 4},
	}}
	var b bytes.Buffer
	if err := s.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ReadSyscalls(&b)
	if err != nil {
		t.Fatal(err)
	}
	md := SyscallTable(back, "en").Markdown()
	want := "| syscall | ch3-epoll-lt | C |\n|---|---:|---:|\n" +
		"| epoll_ctl | 4.00 | 4.00 |\n| getsockopt | 1.00 | 0.00 |\n| write | 1.00 | 1.00 |\n"
	if md != want {
		t.Errorf("got\n%s\nwant\n%s", md, want)
	}
}
