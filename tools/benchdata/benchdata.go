// Package benchdata is the efficiency benchmark's recorded data and the
// tables made from it. `make bench` writes the data (CSV, one file for the
// medians and one for the system calls by name); the results pages show
// tables rendered from the recorded copy in docs/data, in English and in
// Chinese, and the docs check (tools/doccheck) holds the pages to it.
//
// The ratios (× C, × net/http, × an extra server) are not stored: they are
// computed from the medians whenever a table is rendered, so the data and
// the tables cannot disagree.
package benchdata

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The kinds of server in a run.
const (
	Chapter  = "chapter"  // one of the tutorial's chapters
	Floor    = "floor"    // chapter 3's loop in C (tools/floor)
	Baseline = "baseline" // the net/http server (tools/cmd/baseline)
	Extra    = "extra"    // a command the reader passed with -extra
)

// The goal for the epoll chapters (3 to 6): at most GoalFloor times the C
// floor's CPU per request, and at most GoalExtra times an extra server's
// (the article's Python, when a reader measures it).
const (
	GoalFloor = 1.25
	GoalExtra = 0.70
)

// epollChapters are the chapters the goal is for.
var epollChapters = []string{"ch3-epoll-lt", "ch4-epoll-et", "ch5-tcpcork", "ch6-nodelay"}

// Row is one server's medians.
type Row struct {
	Server    string
	Kind      string
	CPU       float64 // µs of server CPU (user+system) per answered request
	UserShare float64 // user / (user+system), 0 to 1
	RPS       float64 // answered requests per second
	Syscalls  float64 // per request under strace -f -c; NaN when not measured
	Futex     float64 // futex calls per request, likewise
}

var header = []string{"server", "kind", "cpu_us_per_request", "user_share", "requests_per_second",
	"syscalls_per_request", "futex_per_request"}

// WriteCSV writes the rows with a header line. Unmeasured values are empty.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	for _, r := range rows {
		cw.Write([]string{r.Server, r.Kind, num(r.CPU), num(r.UserShare), num(r.RPS), num(r.Syscalls), num(r.Futex)})
	}
	cw.Flush()
	return cw.Error()
}

func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// ReadCSV reads what WriteCSV wrote.
func ReadCSV(r io.Reader) ([]Row, error) {
	records, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(records) == 0 || !slices.Equal(records[0], header) {
		return nil, fmt.Errorf("bench data: the header is not %s", strings.Join(header, ","))
	}
	var rows []Row
	for i, rec := range records[1:] {
		var v [5]float64
		for k := range v {
			cell := rec[2+k]
			if cell == "" {
				v[k] = math.NaN()
				continue
			}
			if v[k], err = strconv.ParseFloat(cell, 64); err != nil {
				return nil, fmt.Errorf("bench data, line %d: %s: %q is not a number", i+2, header[2+k], cell)
			}
		}
		rows = append(rows, Row{Server: rec[0], Kind: rec[1], CPU: v[0], UserShare: v[1], RPS: v[2], Syscalls: v[3], Futex: v[4]})
	}
	return rows, nil
}

// Syscalls is the number of calls per request of each system call, by
// server, from the run under strace.
type Syscalls struct {
	Servers []string
	Calls   map[string][]float64 // by syscall name: one value per server
}

// WriteCSV writes one line per system call, one column per server.
func (s Syscalls) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"syscall"}, s.Servers...))
	for _, name := range s.names() {
		rec := []string{name}
		for _, v := range s.Calls[name] {
			rec = append(rec, num(v))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func (s Syscalls) names() []string {
	var names []string
	for name := range s.Calls {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// ReadSyscalls reads what Syscalls.WriteCSV wrote.
func ReadSyscalls(r io.Reader) (Syscalls, error) {
	records, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return Syscalls{}, err
	}
	if len(records) == 0 || len(records[0]) < 2 || records[0][0] != "syscall" {
		return Syscalls{}, fmt.Errorf("syscall data: the header is not syscall,SERVER…")
	}
	s := Syscalls{Servers: records[0][1:], Calls: map[string][]float64{}}
	for i, rec := range records[1:] {
		for _, cell := range rec[1:] {
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return Syscalls{}, fmt.Errorf("syscall data, line %d: %q is not a number", i+2, cell)
			}
			s.Calls[rec[0]] = append(s.Calls[rec[0]], v)
		}
	}
	return s, nil
}

// Table is a rendered table: a header and rows of cells, the first column
// text and the others numbers, except those Text marks.
type Table struct {
	Header []string
	Rows   [][]string
	Text   []bool // by column: text, aligned left like the first (optional)
}

// left says whether column i is aligned left: the first, and text.
func (t Table) left(i int) bool { return i == 0 || i < len(t.Text) && t.Text[i] }

// Markdown writes t as a Markdown table, the first column and the text
// columns aligned left, the others right.
func (t Table) Markdown() string {
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Header)
	b.WriteString("|")
	for i := range t.Header {
		if t.left(i) {
			b.WriteString("---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	return b.String()
}

// words are the tables' words in each language the pages are written in.
var words = map[string]map[string]string{
	"en": {
		"server": "server", "cpu": "CPU per request", "user": "user share", "times": "× %s",
		"rps": "req/s", "syscalls": "syscalls per request", "futex": "futex per request",
		"goal": "goal (%s)", "met": "met", "missed": "missed: %s", "syscall": "syscall", "and": ", ",
	},
	"zh-CN": {
		"server": "服务器", "cpu": "每请求 CPU", "user": "用户态占比", "times": "相对 %s",
		"rps": "请求/秒", "syscalls": "每请求系统调用", "futex": "每请求 futex",
		"goal": "目标（%s）", "met": "达到", "missed": "未达到：%s", "syscall": "系统调用", "and": "，",
	},
}

// Languages are the languages Results and SyscallTable can write.
func Languages() []string { return []string{"en", "zh-CN"} }

// find returns the first row of a kind, or nil.
func find(rows []Row, kind string) *Row {
	i := slices.IndexFunc(rows, func(r Row) bool { return r.Kind == kind })
	if i < 0 {
		return nil
	}
	return &rows[i]
}

// Results renders the medians in lang ("en" or "zh-CN"): CPU per request,
// user share, the ratio to each yardstick that the run has (the C floor,
// net/http, an extra server), requests per second, the strace columns when
// they were measured, and, for the epoll chapters, the goal.
func Results(rows []Row, lang string) Table {
	w := words[lang]
	if w == nil {
		w = words["en"]
	}
	var yardsticks []*Row
	for _, kind := range []string{Floor, Baseline, Extra} {
		if r := find(rows, kind); r != nil {
			yardsticks = append(yardsticks, r)
		}
	}
	traced := len(rows) > 0 && !math.IsNaN(rows[0].Syscalls)
	floor, extra := find(rows, Floor), find(rows, Extra)
	goals := goalText(floor, extra, w)

	t := Table{Header: []string{w["server"], w["cpu"], w["user"]}}
	for _, y := range yardsticks {
		t.Header = append(t.Header, fmt.Sprintf(w["times"], y.Server))
	}
	t.Header = append(t.Header, w["rps"])
	if traced {
		t.Header = append(t.Header, w["syscalls"], w["futex"])
	}
	if goals != "" {
		t.Header = append(t.Header, fmt.Sprintf(w["goal"], goals))
	}
	for _, r := range rows {
		cells := []string{r.Server, fmt.Sprintf("%.1f µs", r.CPU), fmt.Sprintf("%.1f%%", r.UserShare*100)}
		for _, y := range yardsticks {
			cells = append(cells, fmt.Sprintf("%.2f", r.CPU/y.CPU))
		}
		cells = append(cells, fmt.Sprintf("%.0f", r.RPS))
		if traced {
			cells = append(cells, cell("%.1f", r.Syscalls), cell("%.2f", r.Futex))
		}
		if goals != "" {
			cells = append(cells, Goal(r, floor, extra, lang))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// cell formats v, or writes "–" when it was not measured.
func cell(format string, v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

func goalText(floor, extra *Row, w map[string]string) string {
	var parts []string
	if floor != nil {
		parts = append(parts, fmt.Sprintf("≤%.2f× %s", GoalFloor, floor.Server))
	}
	if extra != nil {
		parts = append(parts, fmt.Sprintf("≤%.2f× %s", GoalExtra, extra.Server))
	}
	return strings.Join(parts, w["and"])
}

// Goal says whether r, if it is an epoll chapter, meets the goal against the
// yardsticks present ("–" for the other servers, or with no yardstick).
func Goal(r Row, floor, extra *Row, lang string) string {
	w := words[lang]
	if w == nil {
		w = words["en"]
	}
	if !slices.Contains(epollChapters, r.Server) || floor == nil && extra == nil {
		return "–"
	}
	var missed []string
	if floor != nil && r.CPU > GoalFloor*floor.CPU {
		missed = append(missed, fmt.Sprintf(w["times"], floor.Server))
	}
	if extra != nil && r.CPU > GoalExtra*extra.CPU {
		missed = append(missed, fmt.Sprintf(w["times"], extra.Server))
	}
	if len(missed) == 0 {
		return w["met"]
	}
	return fmt.Sprintf(w["missed"], strings.Join(missed, w["and"]))
}

// SyscallTable renders the calls per request of every system call that some
// server makes at least 0.05 times per request.
func SyscallTable(s Syscalls, lang string) Table {
	w := words[lang]
	if w == nil {
		w = words["en"]
	}
	t := Table{Header: append([]string{w["syscall"]}, s.Servers...)}
	for _, name := range s.names() {
		if slices.Max(append([]float64{0}, s.Calls[name]...)) < 0.05 {
			continue
		}
		cells := []string{name}
		for _, v := range s.Calls[name] {
			cells = append(cells, fmt.Sprintf("%.2f", v))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// The recorded data files that a page can show as a table, by base name.
const (
	ResultsFile  = "bench.csv"
	SyscallsFile = "bench-syscalls.csv"
)

// RenderFile reads a recorded data file and returns its table in lang as
// Markdown: bench.csv and bench-syscalls.csv (by their base names) as the
// bench shows them, with the ratios and the goal; any other file as Data
// renders it.
func RenderFile(path, lang string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	switch filepath.Base(path) {
	case ResultsFile:
		rows, err := ReadCSV(bytes.NewReader(data))
		if err != nil {
			return "", err
		}
		return Results(rows, lang).Markdown(), nil
	case SyscallsFile:
		s, err := ReadSyscalls(bytes.NewReader(data))
		if err != nil {
			return "", err
		}
		return SyscallTable(s, lang).Markdown(), nil
	}
	d, err := ReadData(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return d.Render(lang).Markdown(), nil
}
