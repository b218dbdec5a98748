package benchdata

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

const sweepCSV = `backlog,requests_per_second,p50_s,p99_s,connect_1s,connect_2s,connect_4s_or_more,request_resent
1,24,0.0013,7.82,74,12,0,57
128,1677,0.0229,,0,0,0,0
`

func readData(t *testing.T, text string) Data {
	t.Helper()
	d, err := ReadData(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The same data in both languages: the headers and labels translated, the
// numbers the same, durations with their unit, an unmeasured cell as "–".
func TestRenderData(t *testing.T) {
	d := readData(t, sweepCSV)
	en, zh := d.Render("en").Markdown(), d.Render("zh-CN").Markdown()
	wantEN := "| backlog | req/s | p50 | p99 | connect ~1 s | ~2 s | ≥4 s | request resent |\n" +
		"|---|---:|---:|---:|---:|---:|---:|---:|\n" +
		"| 1 | 24 | 1.3 ms | 7.82 s | 74 | 12 | 0 | 57 |\n" +
		"| 128 | 1677 | 22.9 ms | – | 0 | 0 | 0 | 0 |\n"
	if en != wantEN {
		t.Errorf("English:\n%s\nwant:\n%s", en, wantEN)
	}
	if !strings.HasPrefix(zh, "| backlog | 请求/秒 | p50 | p99 | 建连 ~1 秒 | ~2 秒 | ≥4 秒 | 请求重发 |\n") {
		t.Errorf("Chinese header:\n%s", zh)
	}
	// Below the header, the tables are the same.
	if _, rest, _ := strings.Cut(en, "\n"); !strings.HasSuffix(zh, rest) {
		t.Errorf("the Chinese rows differ from the English:\n%s", zh)
	}

	// Rows named by keys, units by the row, text cells aligned left.
	c := readData(t, "measure,ch2-loop,ch3-epoll-lt\nrss_after_mib,2.40234,7.4\nrss_per_connection_b,,503.4\n"+
		"open_time_s,4.91234,1.1\nactive_answered,0,17092\n")
	want := "| measure | ch2-loop | ch3-epoll-lt |\n|---|---:|---:|\n| server RSS after | 2.4 MiB | 7.4 MiB |\n" +
		"| RSS per accepted connection | – | 503 B |\n| time to open them | 4.91 s | 1.1 s |\n" +
		"| active requests answered | 0 | 17092 |\n"
	if got := c.Render("en").Markdown(); got != want {
		t.Errorf("by rows:\n%s\nwant:\n%s", got, want)
	}
	k := readData(t, "chapter,responses,cork\nch5-tcpcork,20,cork_while_writing\n")
	if got := k.Render("zh-CN").Markdown(); got != "| 章节 | 响应数 | TCP_CORK |\n|---|---:|---|\n| ch5-tcpcork | 20 | 写响应期间打开，写完关闭 |\n" {
		t.Errorf("a text column:\n%s", got)
	}
}

// Every key has words in both languages.
func TestLabelsInBothLanguages(t *testing.T) {
	for key := range labels["en"] {
		if labels["zh-CN"][key] == "" {
			t.Errorf("%q has no Chinese words", key)
		}
	}
	for key := range labels["zh-CN"] {
		if labels["en"][key] == "" {
			t.Errorf("%q has no English words", key)
		}
	}
}

func TestLookup(t *testing.T) {
	d := readData(t, "server,cpu_us_per_request,user_share,p99_s\nch3-epoll-lt,29.5,0.253968,0.0752\n"+
		"C,21.5,0.0465,\nnet/http,61,0.53,\nch2-loop,20,0.28,\nch2-loop,21,0.3,\n")
	for _, c := range []struct {
		row, col string
		want     float64
		unit     string
	}{
		{"ch3-epoll-lt", "cpu_us_per_request", 29.5, "µs"},
		{"ch3-epoll-lt", "p99_s", 0.0752, "s"},
		{"ch3-epoll-lt", "user_share", 0.253968, ""},
		{"net/http", "cpu_us_per_request", 61, "µs"},              // a row, not a ratio
		{"ch3-epoll-lt/C", "cpu_us_per_request", 29.5 / 21.5, ""}, // a ratio has no unit
		{"net/http/C", "cpu_us_per_request", 61 / 21.5, ""},
	} {
		v, unit, err := d.Lookup(c.row, c.col)
		if err != nil || math.Abs(v-c.want) > 1e-12 || unit != c.unit {
			t.Errorf("Lookup(%q, %q) = %v %q %v, want %v %q", c.row, c.col, v, unit, err, c.want, c.unit)
		}
	}
	for _, c := range []struct{ row, col, err string }{
		{"ch4-epoll-et", "p99_s", `no row "ch4-epoll-et"`},
		{"C", "p99_s", "not measured"},
		{"C", "p50_s", `no column "p50_s"`},
		{"ch2-loop", "user_share", `2 rows are named "ch2-loop"`},
		{"ch3-epoll-lt/ch4-epoll-et", "user_share", `no row "ch3-epoll-lt/ch4-epoll-et"`},
	} {
		if _, _, err := d.Lookup(c.row, c.col); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Lookup(%q, %q): %v, want %q", c.row, c.col, err, c.err)
		}
	}
}

func TestReadDataRejects(t *testing.T) {
	for _, text := range []string{"", "a,,b\n1,2,3\n", "a,b,a\n1,2,3\n", "a,b\n1,2,3\n"} {
		if _, err := ReadData(strings.NewReader(text)); err == nil {
			t.Errorf("%q: no error", text)
		}
	}
}

// Merge adds a chapter's column, replaces it when the chapter runs again,
// and keeps the rows in order.
func TestMerge(t *testing.T) {
	a := readData(t, "measure,ch2-loop\nidle_asked,10000\naccepted,1\n")
	b := readData(t, "measure,ch3-epoll-lt\nidle_asked,10000\naccepted,10000\nmax_s,0.2\n")
	c := readData(t, "measure,ch2-loop\naccepted,2\n")
	got := a.Merge(b).Merge(c)
	var out bytes.Buffer
	got.WriteCSV(&out)
	want := "measure,ch2-loop,ch3-epoll-lt\nidle_asked,10000,10000\naccepted,2,10000\nmax_s,,0.2\n"
	if out.String() != want {
		t.Errorf("merged:\n%s\nwant:\n%s", out.String(), want)
	}
	other := readData(t, "server,x\nC,1\n")
	if m := a.Merge(other); !slices.Equal(m.Header, other.Header) {
		t.Errorf("tables that do not fit: %q", m.Header)
	}
}

func TestAdd(t *testing.T) {
	var d Data
	d.Add("p99_s", 0.0752, math.NaN(), 17092, int64(20000))
	if got := strings.Join(d.Rows[0], ","); got != "p99_s,0.0752,,17092,20000" {
		t.Errorf("row %q", got)
	}
}
