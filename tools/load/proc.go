//go:build linux

package load

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Counters are the kernel's network statistics from /proc/net/netstat (or
// /proc/net/snmp), by group and name: Counters["TcpExt"]["ListenDrops"].
// They count for the whole network namespace, not for one socket.
type Counters map[string]map[string]int64

// ParseNetstat reads the format of /proc/net/netstat and /proc/net/snmp:
// for each group a line of names and a line of values, both starting with
// the group's name and a colon.
func ParseNetstat(r io.Reader) (Counters, error) {
	c := Counters{}
	scan := bufio.NewScanner(r)
	scan.Buffer(nil, 1<<20)
	var names []string
	var group string
	for scan.Scan() {
		fields := strings.Fields(scan.Text())
		if len(fields) == 0 {
			continue
		}
		g, ok := strings.CutSuffix(fields[0], ":")
		if !ok {
			return nil, fmt.Errorf("netstat: line starts with %q, want a group name and a colon", fields[0])
		}
		if names == nil {
			names, group = fields[1:], g
			continue
		}
		if g != group {
			return nil, fmt.Errorf("netstat: values for %s follow the names of %s", g, group)
		}
		if len(fields)-1 != len(names) {
			return nil, fmt.Errorf("netstat: %s has %d names and %d values", g, len(names), len(fields)-1)
		}
		values := map[string]int64{}
		for i, name := range names {
			v, err := strconv.ParseInt(fields[i+1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("netstat: %s %s: %w", g, name, err)
			}
			values[name] = v
		}
		c[g] = values
		names = nil
	}
	if err := scan.Err(); err != nil {
		return nil, err
	}
	if names != nil {
		return nil, fmt.Errorf("netstat: %s has names but no values", group)
	}
	return c, nil
}

// ReadNetstat reads /proc/net/netstat.
func ReadNetstat() (Counters, error) {
	data, err := os.ReadFile("/proc/net/netstat")
	if err != nil {
		return nil, err
	}
	return ParseNetstat(bytes.NewReader(data))
}

// Delta returns after[group][name] - c[group][name]. A counter missing from
// either (an older kernel) counts as zero.
func (c Counters) Delta(after Counters, group, name string) int64 {
	return after[group][name] - c[group][name]
}

// The TcpExt counters that the listen queue moves:
//   - ListenOverflows: a SYN or a handshake's last ACK arrived while the
//     accept queue was full, and was dropped;
//   - ListenDrops: every drop at a listening socket, overflows included;
//   - SyncookiesSent: the SYN queue was full, and the kernel answered with
//     a SYN cookie instead of keeping state.
var listenCounters = []string{"ListenOverflows", "ListenDrops", "SyncookiesSent"}

// ListenDeltas are the changes in the listen-queue counters between two
// readings.
type ListenDeltas struct{ Overflows, Drops, Cookies int64 }

// ListenDeltas compares c (before) with after.
func (c Counters) ListenDeltas(after Counters) ListenDeltas {
	return ListenDeltas{
		Overflows: c.Delta(after, "TcpExt", listenCounters[0]),
		Drops:     c.Delta(after, "TcpExt", listenCounters[1]),
		Cookies:   c.Delta(after, "TcpExt", listenCounters[2]),
	}
}

// CPUTime is a process's CPU time so far, in clock ticks (USER_HZ, which
// Linux fixes at 100 a second for /proc), summed over its threads.
type CPUTime struct{ User, System int64 }

// ticksPerSecond is USER_HZ: /proc reports times in these ticks.
const ticksPerSecond = 100

// Seconds returns user plus system time in seconds.
func (t CPUTime) Seconds() float64 { return float64(t.User+t.System) / ticksPerSecond }

// Sub returns t - u.
func (t CPUTime) Sub(u CPUTime) CPUTime { return CPUTime{t.User - u.User, t.System - u.System} }

// ParseStat reads utime and stime (fields 14 and 15) from the text of
// /proc/PID/stat. The command name (field 2) is in parentheses and may
// contain spaces and parentheses itself, so fields are counted from the
// last ')'.
func ParseStat(stat string) (CPUTime, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return CPUTime{}, fmt.Errorf("stat: no ')' in %q", stat)
	}
	fields := strings.Fields(stat[i+1:])
	// fields[0] is field 3 (state), so field n is fields[n-3].
	if len(fields) < 13 {
		return CPUTime{}, fmt.Errorf("stat: %d fields after the command name, want at least 13", len(fields))
	}
	user, err := strconv.ParseInt(fields[11], 10, 64)
	if err != nil {
		return CPUTime{}, fmt.Errorf("stat: utime: %w", err)
	}
	system, err := strconv.ParseInt(fields[12], 10, 64)
	if err != nil {
		return CPUTime{}, fmt.Errorf("stat: stime: %w", err)
	}
	return CPUTime{User: user, System: system}, nil
}

// ReadCPU reads the CPU time of process pid.
func ReadCPU(pid int) (CPUTime, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return CPUTime{}, err
	}
	return ParseStat(string(data))
}

// ParseStatusKB returns the value, in KiB, of a "Name:   123 kB" line of
// /proc/PID/status (VmRSS, VmHWM, …).
func ParseStatusKB(status, name string) (int64, error) {
	for line := range strings.Lines(status) {
		rest, ok := strings.CutPrefix(line, name+":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("status: %s line %q", name, strings.TrimSpace(line))
		}
		return strconv.ParseInt(fields[0], 10, 64)
	}
	return 0, fmt.Errorf("status: no %s line", name)
}

// ReadRSS returns the resident set size of process pid, in KiB.
func ReadRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return ParseStatusKB(string(data), "VmRSS")
}

// CountSockets returns how many of process pid's fds are sockets.
func CountSockets(pid int) (int, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		target, err := os.Readlink(dir + "/" + e.Name())
		if err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n, nil
}

// ParseLimit returns the soft and hard values of a limit ("Max open files")
// from the text of /proc/PID/limits; "unlimited" is -1.
func ParseLimit(limits, name string) (soft, hard int64, err error) {
	for line := range strings.Lines(limits) {
		rest, ok := strings.CutPrefix(line, name)
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) < 2 {
			break
		}
		parse := func(s string) (int64, error) {
			if s == "unlimited" {
				return -1, nil
			}
			return strconv.ParseInt(s, 10, 64)
		}
		if soft, err = parse(fields[0]); err != nil {
			return 0, 0, fmt.Errorf("limits: %s: %w", name, err)
		}
		if hard, err = parse(fields[1]); err != nil {
			return 0, 0, fmt.Errorf("limits: %s: %w", name, err)
		}
		return soft, hard, nil
	}
	return 0, 0, fmt.Errorf("limits: no %q line", name)
}

// ReadFileLimit returns process pid's RLIMIT_NOFILE, soft and hard.
func ReadFileLimit(pid int) (soft, hard int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return 0, 0, err
	}
	return ParseLimit(string(data), "Max open files")
}
