// Command docs checks the tutorial's Markdown against the code, by the rules
// in CONTRIBUTING.md, and prints each problem as file:line: message (paths
// from the repository root). It exits 1 if there is any.
//
// It also prints each chapter's listing length against the article's example.
//
// With -fix it first renumbers the quoted code and line links whose code only
// moved, in both languages alike (see doccheck.Fix for the rules).
//
//	go run ./tools/cmd/docs [-fix]
package main

import (
	"flag"
	"fmt"
	"os"

	"epolltutorial/tools/doccheck"
	"epolltutorial/tools/layout"
)

func main() {
	fix := flag.Bool("fix", false, "first renumber quoted lines whose code only moved")
	flag.Parse()
	root, err := layout.Root()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docs: no go.work above the working directory")
		os.Exit(2)
	}
	failed := false
	if *fix {
		rewritten, problems, err := doccheck.Fix(root)
		for _, page := range rewritten {
			fmt.Println("renumbered", page)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "docs:", err)
			os.Exit(2)
		}
		failed = print(problems)
	}
	problems, err := doccheck.Check(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docs:", err)
		os.Exit(2)
	}
	listings(root)
	counts, err := doccheck.Counts(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docs:", err)
		os.Exit(2)
	}
	fmt.Println("prose per page (chapter pages have a budget):")
	for _, w := range counts {
		fmt.Println(" ", w)
	}
	if print(problems) || failed {
		os.Exit(1)
	}
	fmt.Println("docs: ok")
}

// listings prints how long each listing is against its article example, the
// budget that tools/layout's test enforces.
func listings(root string) {
	fmt.Println("listings: Go code lines per non-blank line of the article's example")
	for i, ch := range layout.Chapters {
		code, article, err := layout.Listing(root, i)
		if err != nil {
			fmt.Fprintln(os.Stderr, "docs:", err)
			os.Exit(2)
		}
		fmt.Printf("  %-13s %3d / %2d = %.2f× (at most %.1f×)\n", ch, code, article,
			float64(code)/float64(article), layout.MaxRatio(i+1))
	}
}

// print writes the problems on stderr and tells whether there were any.
func print(problems []doccheck.Problem) bool {
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	return len(problems) > 0
}
