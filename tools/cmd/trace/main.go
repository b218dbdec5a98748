//go:build linux

// Command trace records what the kernel sees while a chapter serves a few
// scripted clients, and draws it as a timeline (make trace):
//
//	trace                        record the three comparisons anew into docs/data/trace
//	                             and draw docs/img/trace-*.svg from them
//	trace -draw                  only draw docs/img/trace-*.svg again, from docs/data/trace
//	trace -ch N [-scenario S]    record chapter N into results/ and draw it there
//
// The scenarios are silent, burst and split (see package trace).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"epolltutorial/tools/layout"
	"epolltutorial/tools/trace"
)

// attempts is how often a comparison's run is recorded before giving up
// when it does not show its lesson: a run on a busy machine can, rarely,
// have the big request arrive in two pieces.
const attempts = 3

func main() {
	draw := flag.Bool("draw", false, "only redraw docs/img/trace-*.svg from the recorded runs in docs/data/trace")
	ch := flag.Int("ch", 0, "record chapter `N` (1 to 6) alone, into results/")
	scenario := flag.String("scenario", "", "with -ch: silent, burst or split (default: the one that suits the chapter)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: trace [-draw] [-ch N [-scenario silent|burst|split]]\n\n"+
			"Without flags, records the three comparisons anew (silent: ch2 and ch3, burst: ch3 and ch4,\n"+
			"split: ch3 and ch5) into docs/data/trace and draws docs/img/trace-*.svg.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fail(2, "unexpected argument %q", flag.Arg(0))
	}
	root, err := layout.Root()
	if err != nil {
		fail(1, "no go.work above the working directory: run from inside the repository")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	switch {
	case *draw && *ch != 0:
		fail(2, "-draw redraws the recorded comparisons; it does not go with -ch")
	case *draw:
		err = drawAll(root)
	case *ch != 0:
		err = recordOne(ctx, root, *ch, *scenario)
	case *scenario != "":
		fail(2, "-scenario goes with -ch N")
	default:
		err = recordAll(ctx, root)
		if err == nil {
			err = drawAll(root)
		}
	}
	if err != nil {
		fail(1, "%v", err) // for a machine without strace: "strace not found: apt-get install strace"
	}
}

// recordAll records every comparison's two runs into docs/data/trace,
// each one held to its lesson before it replaces the one there.
func recordAll(ctx context.Context, root string) error {
	rec, err := trace.NewRecorder(root)
	if err != nil {
		return err
	}
	defer rec.Close()
	if err := os.MkdirAll(filepath.Join(root, trace.DataDir), 0o755); err != nil {
		return err
	}
	for _, c := range trace.Comparisons {
		for _, chapter := range c.Chapters {
			path := trace.DataPath(c.Scenario, chapter)
			var data []byte
			for try := 1; ; try++ {
				fmt.Fprintf(os.Stderr, "recording %s with the %s scenario\n", chapter, c.Scenario)
				if data, err = record(ctx, rec, chapter, c.Scenario); err == nil || try == attempts || ctx.Err() != nil {
					break
				}
				fmt.Fprintf(os.Stderr, "  %v; recording again\n", err)
			}
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(root, path), data, 0o644); err != nil {
				return err
			}
			fmt.Printf("wrote %s\n", path)
		}
	}
	return nil
}

// record records one run and holds it to its lesson.
func record(ctx context.Context, rec *trace.Recorder, chapter, scenario string) ([]byte, error) {
	data, err := rec.Record(ctx, chapter, trace.Scenarios[scenario])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", chapter, err)
	}
	run, err := trace.Read(data)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the recording: %w", chapter, err)
	}
	return data, trace.Check(run)
}

// drawAll draws every comparison from docs/data/trace, in both languages.
func drawAll(root string) error {
	for _, c := range trace.Comparisons {
		for _, lang := range trace.Langs {
			svg, err := trace.Render(root, c, lang)
			if err != nil {
				return err
			}
			path := trace.ImagePath(c.Scenario, lang)
			if err := os.WriteFile(filepath.Join(root, path), svg, 0o644); err != nil {
				return err
			}
			fmt.Printf("wrote %s\n", path)
		}
	}
	return nil
}

// recordOne records chapter ch in scenario into results/ and draws it
// there, in both languages.
func recordOne(ctx context.Context, root string, ch int, scenario string) error {
	if ch < 1 || ch > len(layout.Chapters) {
		return fmt.Errorf("-ch %d: the chapters are 1 to %d", ch, len(layout.Chapters))
	}
	if scenario == "" {
		scenario = trace.DefaultScenario(ch)
	}
	sc, ok := trace.Scenarios[scenario]
	if !ok {
		return fmt.Errorf("no scenario %q: silent, burst or split", scenario)
	}
	chapter := layout.Chapters[ch-1]
	rec, err := trace.NewRecorder(root)
	if err != nil {
		return err
	}
	defer rec.Close()
	fmt.Fprintf(os.Stderr, "recording %s with the %s scenario\n", chapter, scenario)
	data, err := rec.Record(ctx, chapter, sc)
	if err != nil {
		return err
	}
	run, err := trace.Read(data)
	if err != nil {
		return fmt.Errorf("reading the recording: %w", err)
	}
	if err := trace.Check(run); err != nil {
		fmt.Fprintf(os.Stderr, "note: %v\n", err)
	}
	if err := os.MkdirAll(filepath.Join(root, "results"), 0o755); err != nil {
		return err
	}
	base := filepath.Join("results", fmt.Sprintf("trace-ch%d-%s", ch, scenario))
	if err := os.WriteFile(filepath.Join(root, base+".txt"), data, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s.txt\n", base)
	for _, lang := range trace.Langs {
		var b bytes.Buffer
		if err := trace.Draw(&b, []*trace.Run{run}, lang); err != nil {
			return err
		}
		name := base + ".svg"
		if lang != "en" {
			name = base + "." + lang + ".svg"
		}
		if err := os.WriteFile(filepath.Join(root, name), b.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s\n", name)
	}
	return nil
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "trace: "+format+"\n", args...)
	os.Exit(code)
}
