// Command exercise runs the tutorial's exercises (`make exercise`): each
// takes one lesson out of a copy of a chapter, for the learner to put back,
// and grades the fix with the chapter's own tests. The exercises and the
// copies are tools/mutants' business; this command only talks to the
// learner, in English or Chinese.
//
//	exercise [-lang en|zh-CN] list
//	exercise [-lang en|zh-CN] prepare NAME   make exercises/NAME, the learner's copy
//	exercise [-lang en|zh-CN] check NAME     run its tests: pass, or the failing test and a hint
//	exercise [-lang en|zh-CN] hint NAME N    hints 1 to N
//	exercise [-lang en|zh-CN] reset NAME     throw the copy away and prepare it again
//
// Without -lang, a LANG (or LC_ALL, LC_MESSAGES) that starts with zh
// chooses Chinese.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"epolltutorial/tools/layout"
	"epolltutorial/tools/mutants"
)

// patience bounds each wait of a learner's tests: shorter than the tests'
// own default, so that a failing check answers soon, and long enough for a
// laptop or a container.
const patience = 10 * time.Second

func main() {
	lang := flag.String("lang", "", "`en` or zh-CN (default: from LANG)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: exercise [-lang en|zh-CN] list | prepare NAME | check NAME | hint NAME N | reset NAME")
		flag.PrintDefaults()
	}
	flag.Parse()
	w := words(language(*lang))
	root, err := layout.Root()
	if err != nil {
		fail(err)
	}
	args := flag.Args()
	if len(args) == 0 || args[0] == "list" {
		list(w)
		return
	}
	if len(args) < 2 {
		flag.Usage()
		os.Exit(2)
	}
	e, ok := mutants.Find(args[1])
	if !ok {
		fmt.Fprintf(os.Stderr, w.noSuch+"\n", args[1])
		list(w)
		os.Exit(2)
	}
	dir := filepath.Join(root, "exercises", e.Name)
	switch args[0] {
	case "prepare":
		err := mutants.Prepare(root, dir, e, w.lang)
		if errors.Is(err, mutants.ErrExists) {
			fmt.Printf(w.exists+"\n\n", e.Name)
			fmt.Print(e.Guide(w.lang))
			return
		}
		if err != nil {
			fail(err)
		}
		fmt.Printf(w.prepared+"\n\n", e.Name, e.Chapter)
		fmt.Print(e.Guide(w.lang))
	case "reset":
		if err := mutants.Reset(root, dir, e, w.lang); err != nil {
			fail(err)
		}
		fmt.Printf(w.reset+"\n\n", e.Name)
		fmt.Print(e.Guide(w.lang))
	case "hint":
		n := 1
		if len(args) > 2 {
			if n, err = strconv.Atoi(args[2]); err != nil || n < 1 {
				fail(fmt.Errorf("HINT=%s: %s", args[2], w.hintNumber))
			}
		}
		n = min(n, len(e.Hints))
		for i, h := range e.Hints[:n] {
			fmt.Printf(w.hintN+"\n\n", i+1, len(e.Hints), h.In(w.lang))
		}
		if n < len(e.Hints) {
			fmt.Printf(w.moreHints+"\n", e.Name, n+1)
		}
	case "check":
		if !mutants.Exists(dir) {
			fmt.Fprintf(os.Stderr, w.notPrepared+"\n", e.Name)
			os.Exit(2)
		}
		fmt.Printf(w.checking+"\n", e.Name)
		start := time.Now()
		r, err := mutants.Check(dir, e, patience)
		if err != nil {
			fail(err)
		}
		report(w, e, r, time.Since(start))
		if !r.Pass {
			os.Exit(1)
		}
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// report says how a check went.
func report(w *vocabulary, e mutants.Exercise, r mutants.Result, took time.Duration) {
	took = took.Round(100 * time.Millisecond)
	switch {
	case r.Pass:
		fmt.Printf(w.pass+"\n", e.Name, took)
		if !e.Suite {
			fmt.Printf(w.whole+"\n", e.Name)
		}
	case r.Build:
		fmt.Printf(w.build+"\n", e.Name)
		for _, l := range r.Log {
			fmt.Println("  " + l)
		}
	case r.Test != "":
		fmt.Printf(w.failed+"\n", e.Name, r.Name, took)
		for _, l := range r.Log {
			fmt.Println("  " + l)
		}
		if h := r.Hint(e, w.lang); h != "" {
			fmt.Printf("\n"+w.hint+"\n", h)
		}
		fmt.Printf(w.moreHints+"\n", e.Name, 1)
	default:
		fmt.Printf(w.failedOther+"\n", e.Name)
		for _, l := range r.Tail {
			fmt.Println("  " + l)
		}
	}
}

// list prints the exercises, one line each.
func list(w *vocabulary) {
	fmt.Println(w.listHead)
	skeleton := false
	for _, e := range mutants.Exercises {
		if e.Skeleton && !skeleton {
			fmt.Println("\n" + w.listSkeletons)
			skeleton = true
		}
		fmt.Printf("  %-17s %s\n", e.Name, e.Title.In(w.lang))
	}
	fmt.Println("\n" + w.listFoot)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// language picks en or zh-CN: the -lang flag, else the locale.
func language(flagged string) string {
	if flagged != "" {
		if strings.HasPrefix(strings.ToLower(flagged), "zh") {
			return "zh-CN"
		}
		return "en"
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if strings.HasPrefix(s, "zh") {
				return "zh-CN"
			}
			return "en"
		}
	}
	return "en"
}

// vocabulary is what the command says, in one language.
type vocabulary struct {
	lang                                      string
	listHead, listSkeletons, listFoot, noSuch string
	prepared, exists, reset, notPrepared      string
	checking, pass, whole, build, failed      string
	failedOther, hint, hintN, moreHints       string
	hintNumber                                string
}

func words(lang string) *vocabulary {
	if lang == "zh-CN" {
		return &vocabulary{
			lang:          lang,
			listHead:      "动手修复：每个练习从某一章的副本里拿掉一课（make exercise X=名称，副本放在 exercises/名称）",
			listSkeletons: "自己动手写：",
			listFoot:      "make exercise X=名称 CHECK=1 检查，HINT=1 看提示，RESET=1 重置。加 L=en 显示英文。",
			noSuch:        "没有名为 %q 的练习。",
			prepared:      "已准备好 exercises/%s：%s 的一个副本，拿掉了一课。本章本身没有改动。",
			exists:        "exercises/%s 已经存在，里面是你的修改，没有覆盖。要从头再来，用 RESET=1。",
			reset:         "已重置 exercises/%s：你的修改已丢弃，副本回到了练习开始时的样子。",
			notPrepared:   "还没有 exercises/%[1]s：先运行 make exercise X=%[1]s",
			checking:      "正在检查 exercises/%s……",
			pass:          "通过：%s 的测试全部通过（用时 %v）。",
			whole:         "再跑一遍整章的测试，确认没有别的地方坏掉：cd exercises/%s && go test .",
			build:         "失败：exercises/%s 编译不通过：",
			failed:        "失败：exercises/%s 中 %s 没有通过（用时 %v）：",
			failedOther:   "失败：exercises/%s 的测试没有通过，go test 的输出末尾如下：",
			hint:          "提示：%s",
			hintN:         "提示 %d/%d：%s",
			moreHints:     "更多提示：make exercise X=%s HINT=%d",
			hintNumber:    "要给一个从 1 开始的数字",
		}
	}
	return &vocabulary{
		lang:          "en",
		listHead:      "Break and fix: each exercise takes one lesson out of a copy of a chapter (make exercise X=NAME; the copy goes to exercises/NAME)",
		listSkeletons: "Write it yourself:",
		listFoot:      "make exercise X=NAME CHECK=1 checks it, HINT=1 gives a hint, RESET=1 starts again. L=zh-CN for Chinese.",
		noSuch:        "There is no exercise called %q.",
		prepared:      "Prepared exercises/%s: a copy of %s with one lesson taken out. The chapter itself is untouched.",
		exists:        "exercises/%s is already there, with your changes: left as it is. RESET=1 starts again.",
		reset:         "Reset exercises/%s: your changes are gone, and the copy is as the exercise starts.",
		notPrepared:   "There is no exercises/%[1]s yet: make exercise X=%[1]s first",
		checking:      "Checking exercises/%s…",
		pass:          "PASS: the tests of %s pass (%v).",
		whole:         "To be sure nothing else broke, run the whole chapter's tests: cd exercises/%s && go test .",
		build:         "FAIL: exercises/%s does not compile:",
		failed:        "FAIL: exercises/%s: %s failed (%v):",
		failedOther:   "FAIL: the tests of exercises/%s did not pass; the end of go test's output:",
		hint:          "Hint: %s",
		hintN:         "Hint %d/%d: %s",
		moreHints:     "More hints: make exercise X=%s HINT=%d",
		hintNumber:    "want a number from 1",
	}
}
