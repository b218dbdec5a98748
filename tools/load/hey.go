//go:build linux

package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Request is one row of hey's CSV output (-o csv): one request that got a
// response. Times are in seconds, as hey prints them (to 0.1 ms). Requests
// that failed (refused, reset, timed out) do not appear in the CSV at all.
type Request struct {
	Total   float64 // response-time: from asking for a connection to the last byte
	Connect float64 // DNS+dialup: until the TCP connection was up (the handshake)
	DNS     float64 // DNS: name lookup; zero for an IP address
	Write   float64 // Request-write: sending the request
	Wait    float64 // Response-delay: from the request sent to the first byte back
	Read    float64 // Response-read: from the first byte to the last
	Status  int     // status-code
	Offset  float64 // offset: when the request started, since the run began
}

// heyColumns is the header line of hey v0.1.5's CSV output.
var heyColumns = []string{"response-time", "DNS+dialup", "DNS", "Request-write",
	"Response-delay", "Response-read", "status-code", "offset"}

// ParseCSV reads hey's CSV output. The header must be the one hey v0.1.5
// writes: a different column order would silently swap the meanings.
func ParseCSV(r io.Reader) ([]Request, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(heyColumns)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("hey csv: empty output")
	}
	if err != nil {
		return nil, fmt.Errorf("hey csv: %w", err)
	}
	if strings.Join(header, ",") != strings.Join(heyColumns, ",") {
		return nil, fmt.Errorf("hey csv: header %q, want %q", strings.Join(header, ","), strings.Join(heyColumns, ","))
	}
	var out []Request
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("hey csv: %w", err)
		}
		var f [8]float64
		for i, s := range rec {
			if i == 6 {
				continue
			}
			if f[i], err = strconv.ParseFloat(s, 64); err != nil {
				line, _ := cr.FieldPos(i)
				return nil, fmt.Errorf("hey csv line %d: %s %q: %w", line, heyColumns[i], s, err)
			}
		}
		status, err := strconv.Atoi(rec[6])
		if err != nil {
			line, _ := cr.FieldPos(6)
			return nil, fmt.Errorf("hey csv line %d: status-code %q: %w", line, rec[6], err)
		}
		out = append(out, Request{Total: f[0], Connect: f[1], DNS: f[2], Write: f[3],
			Wait: f[4], Read: f[5], Status: status, Offset: f[7]})
	}
}

// Hey runs the hey binary that BuildHey made.
type Hey struct {
	Path string
}

// BuildHey builds hey from the tools module, at the version its go.mod pins
// (the `tool` line), into dir. Building once is faster than `go tool hey` on
// every run, and nothing is installed outside dir.
func BuildHey(ctx context.Context, toolsDir, dir string) (*Hey, error) {
	path := filepath.Join(dir, "hey")
	if err := goBuild(ctx, toolsDir, path, "github.com/rakyll/hey"); err != nil {
		return nil, err
	}
	return &Hey{Path: path}, nil
}

// goBuild runs `go build -o out pkg` in dir.
func goBuild(ctx context.Context, dir, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s: %v\n%s", pkg, filepath.Base(dir), err, stderr.String())
	}
	return nil
}

// Load is one hey run: Requests requests (or, when Duration is set, as many
// as fit in it) from Workers concurrent clients, each giving up on a request
// after Timeout. Keep-alive is always off: the servers answer HTTP/1.0 and
// close the connection.
type Load struct {
	URL      string
	Requests int
	Workers  int
	Duration time.Duration
	Timeout  time.Duration // whole seconds, at least 1 (hey's -t)
}

func (l Load) args() []string {
	timeout := max(1, int(l.Timeout/time.Second))
	args := []string{"-disable-keepalive", "-c", strconv.Itoa(l.Workers), "-t", strconv.Itoa(timeout)}
	if l.Duration > 0 {
		args = append(args, "-z", l.Duration.String())
	} else {
		args = append(args, "-n", strconv.Itoa(l.Requests))
	}
	return append(args, l.URL)
}

// Bound is how long the run can take at worst: each worker's requests one
// after the other, each timing out, or the duration plus one timeout. A
// run is killed after it (plus some slack) so a driver never hangs.
func (l Load) Bound() time.Duration {
	timeout := time.Duration(max(1, int(l.Timeout/time.Second))) * time.Second
	if l.Duration > 0 {
		return l.Duration + timeout
	}
	perWorker := (l.Requests + l.Workers - 1) / max(1, l.Workers)
	return time.Duration(perWorker) * timeout
}

// Command returns the command line that Run executes, for the record.
func (h *Hey) Command(l Load, csv bool) string {
	args := l.args()
	if csv {
		args = append([]string{"-o", "csv"}, args...)
	}
	return "hey " + strings.Join(args, " ")
}

// Run executes hey with CSV output and returns its rows and the wall time
// of the run. The number of failed requests is l.Requests minus the rows
// (with Duration, failures cannot be counted: hey does not report them in
// CSV mode).
func (h *Hey) Run(ctx context.Context, l Load) ([]Request, time.Duration, error) {
	reqs, _, elapsed, err := h.RunRaw(ctx, l)
	return reqs, elapsed, err
}

// RunRaw is Run that also returns hey's CSV output as it came.
func (h *Hey) RunRaw(ctx context.Context, l Load) ([]Request, []byte, time.Duration, error) {
	out, elapsed, err := h.run(ctx, l, "-o", "csv")
	if err != nil {
		return nil, out, elapsed, err
	}
	reqs, err := ParseCSV(bytes.NewReader(out))
	return reqs, out, elapsed, err
}

// Summary is what hey's default (human) output says about the outcome:
// how many responses had each status code, and how many requests failed
// with each error.
type Summary struct {
	Statuses    map[int]int
	Errors      map[string]int
	Total       float64         // seconds the run took
	Slowest     float64         // seconds, slowest successful request
	Percentiles map[int]float64 // "99% in 0.0123 secs": 99 → 0.0123
}

// OK counts the responses, Failed the requests that got none.
func (s Summary) OK() int { return sumValues(s.Statuses) }

// Failed counts the requests that got no response.
func (s Summary) Failed() int { return sumValues(s.Errors) }

// Percentile returns hey's figure for p, or NaN if hey printed none (no
// request succeeded).
func (s Summary) Percentile(p int) float64 {
	if v, ok := s.Percentiles[p]; ok {
		return v
	}
	return math.NaN()
}

func sumValues[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// RunSummary executes hey with its default output and returns the status
// and error distributions from it, and the text itself.
func (h *Hey) RunSummary(ctx context.Context, l Load) (Summary, string, error) {
	out, _, err := h.run(ctx, l)
	if err != nil {
		return Summary{}, string(out), err
	}
	s, err := ParseSummary(bytes.NewReader(out))
	return s, string(out), err
}

var (
	statusLine  = regexp.MustCompile(`^\s*\[(\d+)\]\s+(\d+) responses`)
	errorLine   = regexp.MustCompile(`^\s*\[(\d+)\]\s+(.*)$`)
	secondsLine = regexp.MustCompile(`^\s*(Total|Slowest):\s+([0-9.]+) secs`)
	percentLine = regexp.MustCompile(`^\s*(\d+)%+ in ([0-9.]+) secs`)
)

// ParseSummary reads the "Status code distribution" and "Error
// distribution" sections of hey's default output.
func ParseSummary(r io.Reader) (Summary, error) {
	s := Summary{Statuses: map[int]int{}, Errors: map[string]int{}, Percentiles: map[int]float64{}}
	section := ""
	scan := bufio.NewScanner(r)
	for scan.Scan() {
		line := scan.Text()
		switch strings.TrimSpace(line) {
		case "Status code distribution:":
			section = "status"
			continue
		case "Error distribution:":
			section = "error"
			continue
		case "":
			continue
		}
		if !strings.HasPrefix(line, " ") {
			section = ""
		}
		if m := secondsLine.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			if m[1] == "Total" {
				s.Total = v
			} else {
				s.Slowest = v
			}
			continue
		}
		if m := percentLine.FindStringSubmatch(line); m != nil {
			p, _ := strconv.Atoi(m[1])
			s.Percentiles[p], _ = strconv.ParseFloat(m[2], 64)
			continue
		}
		switch section {
		case "status":
			if m := statusLine.FindStringSubmatch(line); m != nil {
				code, _ := strconv.Atoi(m[1])
				n, _ := strconv.Atoi(m[2])
				s.Statuses[code] += n
			}
		case "error":
			if m := errorLine.FindStringSubmatch(line); m != nil {
				n, _ := strconv.Atoi(m[1])
				s.Errors[m[2]] += n
			}
		}
	}
	return s, scan.Err()
}

func (h *Hey) run(ctx context.Context, l Load, extra ...string) ([]byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, l.Bound()+15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.Path, append(extra, l.args()...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return nil, elapsed, fmt.Errorf("hey: killed after %v: %w", elapsed.Round(time.Second), ctx.Err())
	}
	if err != nil {
		return nil, elapsed, fmt.Errorf("hey: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), elapsed, nil
}
