// Command docs checks the tutorial's Markdown against the code, by the rules
// in CONTRIBUTING.md, and prints each problem as file:line: message (paths
// from the repository root). It exits 1 if there is any.
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
	if print(problems) || failed {
		os.Exit(1)
	}
	fmt.Println("docs: ok")
}

// print writes the problems on stderr and tells whether there were any.
func print(problems []doccheck.Problem) bool {
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	return len(problems) > 0
}
