package doccheck

import (
	"errors"
	"io/fs"

	"epolltutorial/tools/comments"
	"epolltutorial/tools/layout"
)

// checkComments holds each chapter's Chinese comments (main.go.zh-CN.txt,
// see package comments) to its listing: every comment block translated,
// no translation of English that main.go no longer has, the same line
// count, the same Chinese for the same English in every chapter, and the
// glossary's terms, as on a Chinese page.
func (c *checker) checkComments() {
	terms := c.glossaryTerms()
	var results []*comments.Result
	for _, ch := range layout.Chapters {
		file := ch + "/main.go"
		lines, err := c.file(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a tree without this chapter: the page checks say so
		}
		if err != nil {
			c.problems = append(c.problems, Problem{File: file, Message: "cannot read the listing: " + err.Error(), Missing: file})
			continue
		}
		res, err := comments.Translate(c.root, file, lines)
		if err != nil {
			c.problems = append(c.problems, Problem{File: file + comments.Suffix, Message: "cannot read it: " + err.Error()})
			continue
		}
		c.commentProblems(res.Problems)
		for _, e := range res.Entries {
			for i, l := range e.Chinese {
				for _, msg := range termUses(l, terms) {
					c.problems = append(c.problems, Problem{File: res.File, Line: e.Line + len(e.English) + 1 + i, Message: msg})
				}
			}
		}
		results = append(results, res)
	}
	c.commentProblems(comments.Agree(results))
}

func (c *checker) commentProblems(ps []comments.Problem) {
	for _, p := range ps {
		c.problems = append(c.problems, Problem{File: p.File, Line: p.Line, Message: p.Message})
	}
}
