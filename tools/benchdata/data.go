package benchdata

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Data is a recorded table as its CSV file holds it: the load driver's
// scenarios (backlog, c10k, cork, nodelay) write it, docs/data keeps the
// recorded runs, and the results pages show it through Render.
//
// The header holds keys, not words: snake_case names (p99_s, answered), a
// server's name (ch2-loop) or a kernel counter's (ListenOverflows). The
// first column names the rows, with a key too. A cell is a number, a label
// key (never_removed), free text (-backlog 128), or empty when it was not
// measured.
//
// A key says the unit of its column, or of its row when the column has
// none, with one of its words: s, ms or us for durations, mib for MiB, b for
// bytes (p99_s, rss_before_mib). Render writes such a number with its unit;
// every other number is shown as it was recorded.
type Data struct {
	Header []string
	Rows   [][]string
}

// Add appends a row: strings as they are, float64 with six significant
// digits (NaN as empty), everything else with fmt's %v.
func (d *Data) Add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		switch c := c.(type) {
		case string:
			row[i] = c
		case float64:
			row[i] = num(c)
		default:
			row[i] = fmt.Sprint(c)
		}
	}
	d.Rows = append(d.Rows, row)
}

// WriteCSV writes the header line and the rows.
func (d Data) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(d.Header)
	cw.WriteAll(d.Rows)
	return cw.Error()
}

// ReadData reads what WriteCSV wrote: a header and rows of the same width.
func ReadData(r io.Reader) (Data, error) {
	records, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return Data{}, err
	}
	if len(records) == 0 {
		return Data{}, fmt.Errorf("no header line")
	}
	d := Data{Header: records[0], Rows: records[1:]}
	for i, key := range d.Header {
		if key == "" {
			return Data{}, fmt.Errorf("column %d has no name", i+1)
		}
		if slices.Index(d.Header, key) != i {
			return Data{}, fmt.Errorf("column %q is named twice", key)
		}
	}
	return d, nil
}

// ReadDataFile reads a recorded data file.
func ReadDataFile(path string) (Data, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Data{}, err
	}
	d, err := ReadData(bytes.NewReader(data))
	if err != nil {
		return Data{}, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Merge returns d with the columns of other: a column other also has takes
// other's values, a new one is added on the right, and rows are matched by
// their first cell (rows only other has come last). Merging the c10k
// results of two chapters this way gives one table with a column for each.
// When the first columns differ, the tables do not fit together, and Merge
// returns other.
func (d Data) Merge(other Data) Data {
	if len(d.Header) == 0 || len(other.Header) == 0 || d.Header[0] != other.Header[0] {
		return other
	}
	out := Data{Header: slices.Clone(d.Header)}
	for _, key := range other.Header[1:] {
		if !slices.Contains(out.Header, key) {
			out.Header = append(out.Header, key)
		}
	}
	put := func(row []string, header []string, from []string) {
		for i, key := range header[1:] {
			if i+1 < len(from) {
				row[slices.Index(out.Header, key)] = from[i+1]
			}
		}
	}
	byName := map[string]int{}
	for _, r := range d.Rows {
		row := make([]string, len(out.Header))
		row[0] = r[0]
		put(row, d.Header, r)
		byName[r[0]] = len(out.Rows)
		out.Rows = append(out.Rows, row)
	}
	for _, r := range other.Rows {
		i, ok := byName[r[0]]
		if !ok {
			row := make([]string, len(out.Header))
			row[0] = r[0]
			i, byName[r[0]] = len(out.Rows), len(out.Rows)
			out.Rows = append(out.Rows, row)
		}
		put(out.Rows[i], other.Header, r)
	}
	return out
}

// Lookup returns the number in the cell of a row (named by its first cell)
// and a column (named by its header), and the cell's unit (see Data). A row
// written a/b, where a and b are rows, gives the ratio of their cells, with
// no unit. A row that the table has by its full name is that row, so that
// net/http is the server, not a ratio.
func (d Data) Lookup(row, column string) (float64, string, error) {
	col := slices.Index(d.Header, column)
	if col < 0 {
		return 0, "", fmt.Errorf("no column %q (the columns: %s)", column, strings.Join(d.Header, ", "))
	}
	if v, unit, err := d.cell(row, col); err == nil || d.count(row) > 0 {
		return v, unit, err
	}
	for i := range len(row) {
		if row[i] != '/' || d.count(row[:i]) == 0 || d.count(row[i+1:]) == 0 {
			continue
		}
		a, _, err := d.cell(row[:i], col)
		if err != nil {
			return 0, "", err
		}
		b, _, err := d.cell(row[i+1:], col)
		if err != nil {
			return 0, "", err
		}
		if b == 0 {
			return 0, "", fmt.Errorf("row %q, column %q is 0: no ratio", row[i+1:], column)
		}
		return a / b, "", nil
	}
	return 0, "", fmt.Errorf("no row %q", row)
}

// count is how many rows are named name.
func (d Data) count(name string) int {
	n := 0
	for _, r := range d.Rows {
		if len(r) > 0 && r[0] == name {
			n++
		}
	}
	return n
}

// cell reads the number in row name, column col.
func (d Data) cell(name string, col int) (float64, string, error) {
	switch n := d.count(name); {
	case n == 0:
		return 0, "", fmt.Errorf("no row %q", name)
	case n > 1:
		return 0, "", fmt.Errorf("%d rows are named %q", n, name)
	}
	i := slices.IndexFunc(d.Rows, func(r []string) bool { return r[0] == name })
	r := d.Rows[i]
	if col >= len(r) || r[col] == "" {
		return 0, "", fmt.Errorf("row %q, column %q was not measured (empty)", name, d.Header[col])
	}
	v, err := strconv.ParseFloat(r[col], 64)
	if err != nil {
		return 0, "", fmt.Errorf("row %q, column %q is %q, not a number", name, d.Header[col], r[col])
	}
	return v, cmp.Or(unitOf(d.Header[col]), unitOf(name)), nil
}

// The units a key can name, by the word that names them.
var units = map[string]string{"s": "s", "ms": "ms", "us": "µs", "mib": "MiB", "b": "B"}

// unitOf returns the unit that one of a key's words names, or "".
func unitOf(key string) string {
	for _, w := range strings.Split(strings.ToLower(key), "_") {
		if u, ok := units[w]; ok {
			return u
		}
	}
	return ""
}

// secondsPer is what one of a duration unit is in seconds.
var secondsPer = map[string]float64{"s": 1, "ms": 1e-3, "µs": 1e-6}

// SecondsPer returns how many seconds one of unit is ("s", "ms", "µs"), and
// whether unit is a duration.
func SecondsPer(unit string) (float64, bool) {
	f, ok := secondsPer[unit]
	return f, ok
}

// FormatSeconds writes a duration in seconds the way a reader says it:
// 250 µs, 1.2 ms, 35 ms, 1.04 s; NaN as "–".
func FormatSeconds(s float64) string {
	switch {
	case math.IsNaN(s):
		return "–"
	case s >= 1:
		return TrimZeros(fmt.Sprintf("%.2f", s)) + " s"
	case s >= 1e-3:
		return TrimZeros(fmt.Sprintf("%.3g", s*1e3)) + " ms"
	default:
		return TrimZeros(fmt.Sprintf("%.3g", s*1e6)) + " µs"
	}
}

// TrimZeros drops a decimal number's trailing zeros: "1.50" is "1.5", "2.0"
// is "2".
func TrimZeros(s string) string {
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "e") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Render lays the data out in lang ("en" or "zh-CN"): the header's keys
// and the label keys among the cells in words, numbers with their units
// (see Data), an empty cell as "–". The numbers are the same in every
// language.
func (d Data) Render(lang string) Table {
	t := Table{Text: make([]bool, len(d.Header))}
	band := false // a SYN band's column came before: the next says less
	for i, key := range d.Header {
		t.Header = append(t.Header, headerLabel(key, lang, band))
		band = bandRE.MatchString(key)
		t.Text[i] = d.text(i)
	}
	for _, r := range d.Rows {
		cells := make([]string, len(d.Header))
		for i := range cells {
			cell := ""
			if i < len(r) {
				cell = r[i]
			}
			cells[i] = d.format(cell, i, r[0], lang)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// text says whether column col holds text: no cell of it is a number.
func (d Data) text(col int) bool {
	for _, r := range d.Rows {
		if col < len(r) {
			if _, err := strconv.ParseFloat(r[col], 64); err == nil {
				return false
			}
		}
	}
	return true
}

// format writes one cell of column col in row name.
func (d Data) format(cell string, col int, name, lang string) string {
	if cell == "" {
		return "–"
	}
	if label, ok := lookupLabel(cell, lang); ok {
		return label
	}
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil || col == 0 {
		return cell
	}
	switch unit := cmp.Or(unitOf(d.Header[col]), unitOf(name)); unit {
	case "s", "ms", "µs":
		return FormatSeconds(v * secondsPer[unit])
	case "MiB":
		return fmt.Sprintf("%.1f MiB", v)
	case "B":
		return fmt.Sprintf("%.0f B", v)
	}
	return cell
}

// bandRE is the key of a column that counts connects by the SYN
// retransmissions they needed: connect_1s is "connected after about 1 s",
// connect_4s_or_more "after 4 s or more" (the times depend on the kernel;
// see tools/load's Edges).
var bandRE = regexp.MustCompile(`^connect_([0-9.]+)s(_or_more)?$`)

// headerLabel says a column's key in words. The first of the SYN band
// columns says "connect ~1 s", the ones after it only "~2 s".
func headerLabel(key, lang string, afterBand bool) string {
	m := bandRE.FindStringSubmatch(key)
	if m == nil {
		label, _ := lookupLabel(key, lang)
		if label == "" {
			return key
		}
		return label
	}
	w := labels[lang]
	if w == nil {
		w = labels["en"]
	}
	text := "~" + m[1] + " " + w["band_unit"]
	if m[2] != "" {
		text = "≥" + m[1] + " " + w["band_unit"]
	}
	if !afterBand {
		text = w["band_connect"] + " " + text
	}
	return text
}

// lookupLabel returns the words for a key in lang, falling back to English.
func lookupLabel(key, lang string) (string, bool) {
	if w, ok := labels[lang][key]; ok {
		return w, true
	}
	w, ok := labels["en"][key]
	return w, ok
}

// Labels is the dictionary Render uses: the keys of the recorded data, in
// words, by language. Keys that are not in it (a server's name, a kernel
// counter's) are shown as they are.
func Labels(lang string) map[string]string { return labels[lang] }

// labels: the English and the Chinese words for the keys of the recorded
// data. Every key has both.
var labels = map[string]map[string]string{
	"en": {
		"band_connect": "connect", "band_unit": "s",
		// the backlog sweep
		"backlog": "backlog", "requests_per_second": "req/s", "p50_s": "p50", "p90_s": "p90",
		"p99_s": "p99", "max_s": "max", "failed": "failed", "request_resent": "request resent",
		// c10k
		"measure": "measure", "idle_asked": "idle connections asked for",
		"idle_set_up": "set up (client side)", "accepted": "accepted by the server",
		"dials_failed": "dials that failed", "open_time_s": "time to open them",
		"rss_before_mib": "server RSS before", "rss_after_mib": "server RSS after",
		"rss_per_connection_b": "RSS per accepted connection",
		"nofile_soft":          "server RLIMIT_NOFILE, soft", "nofile_hard": "server RLIMIT_NOFILE, hard",
		"active_answered": "active requests answered", "active_failed": "active requests failed",
		"answered_per_second": "answered per second", "listen_overflows": "ListenOverflows during the run",
		// cork
		"chapter": "chapter", "responses": "responses",
		"segments_out_min": "data segments out (server), fewest", "segments_out_max": "most",
		"segments_in_min": "data segments in (client), fewest", "segments_in_max": "most",
		"cork": "TCP_CORK", "cork_never": "never set", "cork_while_writing": "on while the response is written, then off",
		"arrival": "cork", "arrival_median_s": "median arrival", "min_s": "min",
		"never_removed": "set, never removed", "removed_after_write": "set, removed after the write",
		// nodelay
		"nodelay": "server's TCP_NODELAY", "nodelay_off": "off (Nagle's algorithm on)", "nodelay_on": "on",
		"round_trips": "round trips", "median_s": "median", "total_s": "all of them", "flags": "flags",
		// the runtime's share (perf stat, perf record), and the yield
		"per_request": "per request", "ch3_without_yield": "ch3-epoll-lt without the yield",
		"task_clock_us": "CPU (perf task-clock)", "syscalls": "system calls",
		"getsockopt_calls": "`getsockopt`", "nanosleep_calls": "`nanosleep` (sysmon)", "futex_calls": "`futex`",
		"context_switches": "context switches", "wakeups": "wake-ups of another thread",
		"signals": "signals (preemption)",
		"where":   "where the difference went", "difference_us": "per request",
		"sysmon_nanosleep":  "sysmon's `nanosleep` calls and the context switches they cause",
		"futex_handoff":     "`futex`: a thread woken to take over the processor, then put back to sleep",
		"resched_on_return": "the kernel rescheduling on the way back from a system call",
		"user_runtime":      "user time, nearly all the runtime's `entersyscall`/`exitsyscall` and scheduler",
		"getsockopt_time":   "`getsockopt`",
		"slower_syscalls":   "`write`, `shutdown`, `accept4` and `epoll_ctl`, each slower than in C (cold caches)",
		"server":            "server", "cpu_us_per_request": "CPU per request",
		"variant": "change to chapter 3 (without the yield)", "cpu_x": "CPU per request, × unchanged",
		"zero_timeout_poll": "a zero-timeout `epoll_pwait` before the blocking one",
		"gomaxprocs_1":      "`runtime.GOMAXPROCS(1)`",
	},
	"zh-CN": {
		"band_connect": "建连", "band_unit": "秒",
		"backlog": "backlog", "requests_per_second": "请求/秒", "p50_s": "p50", "p90_s": "p90",
		"p99_s": "p99", "max_s": "最大", "failed": "失败", "request_resent": "请求重发",
		"measure": "指标", "idle_asked": "要求建立的空闲连接",
		"idle_set_up": "建立成功（客户端侧）", "accepted": "被服务器 accept",
		"dials_failed": "拨号失败", "open_time_s": "建立耗时",
		"rss_before_mib": "服务器 RSS（之前）", "rss_after_mib": "服务器 RSS（之后）",
		"rss_per_connection_b": "每个已 accept 连接的 RSS",
		"nofile_soft":          "服务器 RLIMIT_NOFILE 软限制", "nofile_hard": "服务器 RLIMIT_NOFILE 硬限制",
		"active_answered": "得到响应的活跃请求", "active_failed": "失败的活跃请求",
		"answered_per_second": "每秒响应数", "listen_overflows": "运行期间的 ListenOverflows",
		"chapter": "章节", "responses": "响应数",
		"segments_out_min": "发出的数据报文段（服务器），最少", "segments_out_max": "最多",
		"segments_in_min": "收到的数据报文段（客户端），最少", "segments_in_max": "最多",
		"cork": "TCP_CORK", "cork_never": "从不设置", "cork_while_writing": "写响应期间打开，写完关闭",
		"arrival": "塞子", "arrival_median_s": "到达时间中位数", "min_s": "最小",
		"never_removed": "塞上，一直不拔", "removed_after_write": "塞上，写完立即拔掉",
		"nodelay": "服务器的 TCP_NODELAY", "nodelay_off": "关闭（启用 Nagle 算法）", "nodelay_on": "打开",
		"round_trips": "来回次数", "median_s": "中位数", "total_s": "合计", "flags": "参数",
		"per_request": "每请求", "ch3_without_yield": "ch3-epoll-lt（不让出）",
		"task_clock_us": "CPU（perf task-clock）", "syscalls": "系统调用",
		"getsockopt_calls": "`getsockopt`", "nanosleep_calls": "`nanosleep`（sysmon）", "futex_calls": "`futex`",
		"context_switches": "上下文切换", "wakeups": "唤醒另一个线程",
		"signals": "信号（抢占）",
		"where":   "多出的时间花在哪里", "difference_us": "每请求",
		"sysmon_nanosleep":  "sysmon 的 `nanosleep` 及由此引起的上下文切换",
		"futex_handoff":     "`futex`：唤醒一个线程来接管处理器，再让它睡回去",
		"resched_on_return": "内核从系统调用返回时重新调度",
		"user_runtime":      "用户态时间，几乎全是运行时的 `entersyscall`/`exitsyscall` 和调度器",
		"getsockopt_time":   "`getsockopt`",
		"slower_syscalls":   "`write`、`shutdown`、`accept4` 和 `epoll_ctl`，每个都比 C 版本慢（缓存是冷的）",
		"server":            "服务器", "cpu_us_per_request": "每请求 CPU",
		"variant": "对第 3 章（不让出）的改动", "cpu_x": "每请求 CPU，相对不改",
		"zero_timeout_poll": "阻塞的 `epoll_pwait` 之前先做一次零超时的 `epoll_pwait`",
		"gomaxprocs_1":      "`runtime.GOMAXPROCS(1)`",
	},
}
