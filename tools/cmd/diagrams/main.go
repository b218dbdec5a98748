// Command diagrams draws the tutorial's diagrams (docs/diagrams/*.d2) to
// SVG in docs/img, or with -check, fails when a committed picture is
// missing or no longer matches its source. Run it from the repository root
// (`make diagrams`).
package main

import (
	"flag"
	"fmt"
	"os"

	"epolltutorial/tools/diagram"
)

func main() {
	check := flag.Bool("check", false, "report stale pictures instead of drawing them")
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	problems, err := diagram.Check(*root, !*check, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "diagrams:", err)
		os.Exit(1)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}
