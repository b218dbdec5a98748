// Command site builds the tutorial's reading site: every chapter's notes
// beside its code, in English and Chinese, with the narrative pages.
//
//	go run ./tools/cmd/site -out site
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"epolltutorial/tools/layout"
	"epolltutorial/tools/site"
)

func main() {
	out := flag.String("out", "", "the site's folder (default: site/ at the repository's root)")
	root := flag.String("root", "", "the repository (default: found upwards from here by its go.work)")
	flag.Parse()
	if err := run(*root, *out); err != nil {
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(1)
	}
}

func run(root, out string) error {
	if root == "" {
		r, err := layout.Root()
		if err != nil {
			return fmt.Errorf("no go.work above the working directory: pass -root")
		}
		root = r
	}
	if out == "" {
		out = filepath.Join(root, "site")
	}
	res, err := site.Build(site.Config{
		Root: root,
		Out:  out,
		Logf: func(format string, args ...any) { fmt.Fprintf(os.Stderr, "site: "+format+"\n", args...) },
	})
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintln(os.Stderr, "site: warning:", p)
	}
	fmt.Printf("wrote %d pages to %s\n", len(res.Pages), out)
	return nil
}
