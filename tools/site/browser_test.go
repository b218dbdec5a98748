package site

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"epolltutorial/tools/layout"
)

// screenshotsEnv names a folder for the browser test's screenshots; by
// default they go to a temporary folder that the test removes.
const screenshotsEnv = "SITE_SCREENSHOTS"

// chromium finds Debian's chromium. Without it the test is skipped, except
// in CI (CI=true), where .ci/run installs it and its absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	exe, err := exec.LookPath("chromium")
	if err == nil {
		return exe
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, and CI=true: .ci/run should have installed it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium): skipping the browser test")
	return ""
}

// pageFaults collects what a reader would see go wrong on a page: console
// errors, uncaught exceptions, resources that fail to load, requests that
// leave the test server.
type pageFaults struct {
	mu     sync.Mutex
	origin string
	urls   map[network.RequestID]string
	faults []string
}

func (f *pageFaults) listen(ev any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, fmt.Sprint(a.Value, a.Description))
			}
			f.faults = append(f.faults, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		f.faults = append(f.faults, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			f.faults = append(f.faults, fmt.Sprintf("log: %s %s", ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		f.urls[ev.RequestID] = u
		if !strings.HasPrefix(u, f.origin) && !strings.HasPrefix(u, "data:") {
			f.faults = append(f.faults, "request leaves the site: "+u)
		}
	case *network.EventLoadingFailed:
		f.faults = append(f.faults, fmt.Sprintf("failed to load %s: %s", f.urls[ev.RequestID], ev.ErrorText))
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			f.faults = append(f.faults, fmt.Sprintf("%s: HTTP %d", ev.Response.URL, ev.Response.Status))
		}
	}
}

func (f *pageFaults) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.faults
	f.faults = nil
	return out
}

// The built site in a real browser: every page opens without an error or
// a failed load, the language switch keeps the reader's place, and the
// chapter pages are photographed in both languages.
func TestSiteInChromium(t *testing.T) {
	exe := chromium(t)
	root := repoRoot(t)
	out := t.TempDir()
	res, err := Build(Config{Root: root, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Containers often have a small /dev/shm.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	faults := &pageFaults{origin: srv.URL + "/", urls: map[network.RequestID]string{}}
	if err := chromedp.Listen(bctx, faults.listen); err != nil {
		t.Fatal(err)
	}
	open := func(path string) {
		t.Helper()
		if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/"+path)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}

	// First a page that goes wrong in every way watched for, to show that
	// the watch sees it.
	canary := `<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>` +
		`<img src="missing.png" alt=""><script>console.error("canary"); undefinedCall();</script></body></html>`
	if err := os.WriteFile(filepath.Join(out, "canary.html"), []byte(canary), 0o644); err != nil {
		t.Fatal(err)
	}
	open("canary.html")
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool]("document.readyState === 'complete'")); err != nil {
		t.Fatal(err)
	}
	seen := strings.Join(faults.take(), "\n")
	for _, want := range []string{`console.error: "canary"`, "exception", "missing.png: HTTP 404"} {
		if !strings.Contains(seen, want) {
			t.Errorf("the canary page's fault %q went unseen; seen:\n%s", want, seen)
		}
	}

	// And a page that shows diagrams wrongly in every way watched for:
	// Mermaid, DOT and D2 source as code, and an English picture on a
	// Chinese page.
	wrong := `<!DOCTYPE html><html lang="zh-CN"><head><link rel="icon" href="data:,"></head><body>` +
		"<pre><code>flowchart LR\n  a --> b</code></pre><pre><code>digraph g {\n  a -> b\n}</code></pre>" +
		"<pre><code>direction: down\nx -> y: go</code></pre>" +
		`<img src="en.svg" alt=""></body></html>`
	for name, text := range map[string]string{
		"diagrams.html": wrong,
		"en.svg":        `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"><text y="15">accept queue</text></svg>`,
	} {
		if err := os.WriteFile(filepath.Join(out, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open("diagrams.html")
	got, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](diagramFaultsJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Errorf("the diagram canary has 4 faults, the watch saw %d: %q", len(got), got)
	}

	// Every page, and every fault on it.
	diagrams := 0
	for _, p := range res.Pages {
		open(p)
		// A console error or a failed image can come just after the load:
		// one more round trip to the page lets their events arrive first.
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool]("document.readyState === 'complete'")); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		bad, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](diagramFaultsJS, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, f := range bad {
			t.Errorf("%s: %s", p, f)
		}
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('img[src$=".svg"]').length`))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		diagrams += n
		for _, f := range faults.take() {
			t.Errorf("%s: %s", p, f)
		}
	}
	if diagrams == 0 {
		t.Error("no page of the site shows an SVG picture")
	}

	// The chapter to read: chapter 3, the heart of the tutorial (or the
	// first chapter with both READMEs, in a tree where it has none).
	chapter := layout.Chapters[2]
	for _, ch := range append([]string{chapter}, layout.Chapters...) {
		if readmeMissing(root, ch) == "" {
			chapter = ch
			break
		}
	}
	en, zh := "en/"+chapter+".html", "zh-CN/"+chapter+".html"

	// From an anchor in the address bar: the other language opens at it.
	open(en)
	anchor, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(() => {
		const notes = document.querySelectorAll(".note h3[id]");
		if (notes.length > 1) return notes[notes.length - 2].id;
		const lines = document.querySelectorAll(".loc[id]");
		return lines[Math.floor(lines.length / 2)].id;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[string](fmt.Sprintf("location.hash = %q", anchor))); err != nil {
		t.Fatal(err)
	}
	switchLanguage(t, bctx, "zh-CN", anchor)
	switchLanguage(t, bctx, "en", anchor)

	// From a place scrolled to: the other language opens at the anchor
	// the reader had last scrolled past.
	open("index.html")
	open(en)
	place, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(() => {
		const lines = document.querySelectorAll(".loc[id]");
		lines[Math.floor(lines.length * 2 / 3)].scrollIntoView();
		window.scrollBy(0, 3);
		return placeOnScreen();
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if place == "" {
		t.Fatal("scrolled into the listing, the page finds no place on screen")
	}
	switchLanguage(t, bctx, "zh-CN", place)

	// Screenshots of the chapter in both languages: the top of the page,
	// and the listing where its first note stands beside it.
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{en, zh} {
		open(path)
		for _, at := range []string{"top", "notes"} {
			if at == "notes" {
				// The first row with a note, at the top of the window.
				js := `location.hash = document.querySelector(".row:not(.bare):not(.head)").id`
				if _, err := chromedp.Run(bctx, chromedp.Evaluate[string](js)); err != nil {
					t.Fatal(err)
				}
			}
			png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			lang, _, _ := strings.Cut(path, "/")
			file := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", chapter, lang, at))
			if err := os.WriteFile(file, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", file)
		}
	}
	// The pictures in a Chinese reader's view: the chapter's syscall
	// timeline with the listing below it, and a diagram page at its
	// diagram.
	for _, shot := range []struct{ path, js, name string }{
		{zh, `document.querySelector('img[src*="trace-"]').scrollIntoView()`, chapter + "-zh-CN-timeline"},
		{"zh-CN/docs/epoll-steps.html", `document.querySelector('img[src*="lifecycle"]').scrollIntoView()`, "epoll-steps-zh-CN-diagram"},
	} {
		open(shot.path)
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(`+shot.js+`, true)`)); err != nil {
			t.Fatalf("%s: %v", shot.path, err)
		}
		png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, shot.name+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", file)
	}
	for _, f := range faults.take() {
		t.Errorf("%s: %s", chapter, f)
	}
}

// diagramFaultsJS lists what is wrong with a page's diagrams: a code block
// that holds a diagram's source (Mermaid, DOT or D2: a reader would see the
// source, not the picture), and an SVG picture whose text is not in the
// page's language (Han characters on a Chinese page and none on an
// English one; the pictures are fetched, and D2 embeds its fonts, so the
// text is what the picture shows).
const diagramFaultsJS = `(async () => {
	const faults = [];
	const mermaid = /^\s*(flowchart|graph|stateDiagram(-v2)?|sequenceDiagram|classDiagram|erDiagram|gantt|pie|mindmap|timeline)\b/;
	const dot = /^\s*(strict\s+)?(di)?graph\s*[\w"]*\s*\{/;
	const d2 = /^\s*(direction:\s*(up|down|left|right)|[\w."]+\s*<?->\s*[\w."]+\s*(:.*)?)\s*$/m;
	for (const pre of document.querySelectorAll("pre")) {
		const text = pre.textContent;
		const kind = mermaid.test(text) ? "Mermaid" : dot.test(text) ? "DOT" : d2.test(text) ? "D2" : "";
		if (kind) faults.push(kind + " source shown as code: " + JSON.stringify(text.slice(0, 40)));
	}
	const zh = document.documentElement.lang === "zh-CN";
	for (const img of document.querySelectorAll('img[src$=".svg"]')) {
		const svg = await (await fetch(img.src)).text();
		const han = /\p{Script=Han}/u.test(new DOMParser().parseFromString(svg, "image/svg+xml").documentElement.textContent);
		if (han !== zh) faults.push((zh ? "a picture without Chinese text on a Chinese page: " : "a picture with Chinese text on an English page: ") + img.getAttribute("src"));
	}
	return faults;
})()`

// switchLanguage clicks the language switch and checks that the page in
// lang opens with anchor in the address bar and its element on screen.
func switchLanguage(t *testing.T, ctx context.Context, lang, anchor string) {
	t.Helper()
	// A click from the page itself: chromedp.Click would first scroll the
	// switch into view, and so move the reader's place.
	click := chromedp.Evaluate[bool](`(document.querySelector("header a.lang").click(), true)`)
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, click)); err != nil {
		t.Fatalf("switch to %s: %v", lang, err)
	}
	type landing struct {
		Lang, Hash string
		Top        float64
		Height     float64
		Found      bool
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[landing](`(() => {
		const el = document.getElementById(location.hash.slice(1));
		return {
			Lang: document.documentElement.lang,
			Hash: location.hash,
			Found: el !== null,
			Top: el ? el.getBoundingClientRect().top : -1,
			Height: window.innerHeight,
		};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Lang != lang || got.Hash != "#"+anchor || !got.Found {
		t.Errorf("after the switch: page in %q at %q (element found: %v), want %q at #%s", got.Lang, got.Hash, got.Found, lang, anchor)
	} else if got.Top < 0 || got.Top >= got.Height {
		t.Errorf("after the switch to %s: #%s is at %.0f px, off a %.0f px screen", lang, anchor, got.Top, got.Height)
	}
}
