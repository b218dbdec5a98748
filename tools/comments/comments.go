// Package comments keeps the Chinese translation of a listing's comments.
//
// The listings (each chapter's main.go) are written in English. Beside
// each one, main.go.zh-CN.txt gives every comment block of main.go in
// Chinese, so that the Chinese pages of the site can show the listing with
// Chinese comments. A comment block is a run of lines that hold a //
// comment and nothing else; its indentation is not part of it. The file
// is a list of entries, separated by blank lines:
//
//	# A line that starts with # is a note for translators.
//
//	// The English block, verbatim,
//	// each line from its //.
//	=>
//	// 中文，行数与英文
//	// 完全相同。
//
// The Chinese has exactly as many lines as the English, so the listing's
// line numbers, which the pages quote, stay where they are.
//
// Translate reads a listing's translation, checks it against the listing
// (a block with no translation is missing; a translation whose English is
// no longer in the listing is stale) and returns the listing with its
// comments in Chinese. The site and `make docs` both use it.
package comments

import (
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Suffix names a listing's translation: main.go → main.go.zh-CN.txt.
const Suffix = ".zh-CN.txt"

// Separator is the line between an entry's English and its Chinese.
const Separator = "=>"

// Problem is one fault, at a line of the listing or of its translation.
type Problem struct {
	File    string // as the caller named it (a slash path from the root)
	Line    int    // 1-based
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

// Block is a comment block of a listing.
type Block struct {
	Line int      // its first line, 1-based
	Text []string // its lines without indentation, each starting with //
}

// Entry is one block of the translation file.
type Entry struct {
	Line    int      // the line of its first English line in the file
	English []string // as in the listing, without indentation
	Chinese []string
	// Broken is set when Parse reported the entry (no Chinese, a line
	// count that differs): it translates nothing, but its block is not
	// reported missing as well.
	Broken bool
}

// Result is a listing's translation, checked against the listing.
type Result struct {
	File    string   // the translation file
	Entries []Entry  // as the file gives them
	Lines   []string // the listing with its comments in Chinese (English where a translation is missing or broken)
	// Problems are what `make docs` reports: missing and stale
	// translations, line-count mismatches, a file that does not parse.
	Problems []Problem
}

// Translate checks listing (a slash path from root, whose lines are
// given) against its translation and returns the listing in Chinese. A
// listing without comments needs no translation file. The error is for a
// file that cannot be read; everything else is a Problem.
func Translate(root, listing string, lines []string) (*Result, error) {
	res := &Result{File: listing + Suffix}
	blocks, problems := Blocks(listing, lines)
	res.Problems = problems
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(res.File)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if len(blocks) > 0 {
			res.Problems = append(res.Problems, Problem{listing, blocks[0].Line,
				fmt.Sprintf("missing: %s has comments but no %s to put them in Chinese", path(listing), path(res.File))})
		}
		res.Lines = slices.Clone(lines)
		return res, nil
	case err != nil:
		return nil, err
	}
	var perr []Problem
	res.Entries, perr = Parse(res.File, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"))
	res.Problems = append(res.Problems, perr...)
	res.Problems = append(res.Problems, Check(listing, blocks, res.File, res.Entries)...)
	res.Lines = Apply(lines, blocks, res.Entries)
	return res, nil
}

// path is the last part of a file's path, for short messages.
func path(file string) string { return file[strings.LastIndex(file, "/")+1:] }

// Blocks finds the comment blocks of a Go listing. Only whole-line //
// comments are translated, so a comment after code on its line, or a
// /* */ comment, is a problem (none of the listings has one). Compiler
// directives (//go:build) are code, not comments.
func Blocks(file string, lines []string) ([]Block, []Problem) {
	src := []byte(strings.Join(lines, "\n") + "\n")
	fset := token.NewFileSet()
	var problems []Problem
	var s scanner.Scanner
	s.Init(fset.AddFile(file, -1, len(src)), src, func(pos token.Position, msg string) {
		problems = append(problems, Problem{file, pos.Line, "does not scan as Go: " + msg})
	}, scanner.ScanComments)
	comment := make([]bool, len(lines)+1) // by line: holds a whole-line comment
	codeUntil := 0                        // the last line that holds code so far
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		line := fset.Position(pos).Line
		switch {
		case tok == token.SEMICOLON && lit == "\n":
			// Inserted at a line's end: not code of its own.
		case tok != token.COMMENT:
			codeUntil = line + strings.Count(lit, "\n")
		case strings.HasPrefix(lit, "/*"):
			problems = append(problems, Problem{file, line, "a /* */ comment: write it as // lines, which " + path(file) + Suffix + " can translate"})
		case codeUntil == line:
			problems = append(problems, Problem{file, line, "a comment after code on its line: put it on a line of its own, above the code, so " + path(file) + Suffix + " can translate it"})
		case !directive(lit):
			comment[line] = true
		}
	}
	var blocks []Block
	for i := 1; i <= len(lines); i++ {
		if !comment[i] {
			continue
		}
		b := Block{Line: i}
		for ; i <= len(lines) && comment[i]; i++ {
			b.Text = append(b.Text, strings.TrimSpace(lines[i-1]))
		}
		blocks = append(blocks, b)
	}
	return blocks, problems
}

// directiveRE matches what go/ast calls a directive: //go:build, //line.
var directiveRE = regexp.MustCompile(`^//(?:line |extern |export |[a-z0-9]+:[a-z0-9])`)

func directive(comment string) bool { return directiveRE.MatchString(comment) }

// Parse reads a translation file's lines into entries.
func Parse(file string, lines []string) ([]Entry, []Problem) {
	var entries []Entry
	var problems []Problem
	report := func(line int, format string, args ...any) {
		problems = append(problems, Problem{file, line, fmt.Sprintf(format, args...)})
	}
	var cur *Entry
	chinese := false // cur is past its separator
	sep := 0         // the separator's line
	end := func() {
		if cur == nil {
			return
		}
		cur.Broken = true
		switch {
		case !chinese:
			report(cur.Line, "English without Chinese: add a line %s and the Chinese after it", Separator)
		case len(cur.Chinese) == 0:
			report(sep, "no Chinese after %s", Separator)
		case len(cur.Chinese) != len(cur.English):
			report(sep+1, "the Chinese has %d lines, the English %d: give it exactly as many, so the listing's line numbers stay", len(cur.Chinese), len(cur.English))
		case !hasHan(cur.Chinese):
			report(sep+1, "the Chinese has no Chinese in it")
		default:
			cur.Broken = false
		}
		entries = append(entries, *cur)
		cur, chinese = nil, false
	}
	for i, raw := range lines {
		n, line := i+1, strings.TrimSpace(raw)
		switch {
		case line == "":
			end()
		case cur == nil && strings.HasPrefix(line, "#"):
		case line == Separator:
			switch {
			case cur == nil:
				report(n, "%s with no English before it", Separator)
			case chinese:
				report(n, "a second %s in one entry: separate entries with a blank line", Separator)
			default:
				chinese, sep = true, n
			}
		case strings.HasPrefix(line, "//"):
			switch {
			case cur == nil:
				cur = &Entry{Line: n, English: []string{line}}
			case chinese:
				cur.Chinese = append(cur.Chinese, line)
			default:
				cur.English = append(cur.English, line)
			}
		default:
			report(n, "neither a comment (//), %s, a # note nor blank", Separator)
		}
	}
	end()
	// An English block translated twice is an error: which one would win?
	first := map[string]int{}
	kept := entries[:0]
	for _, e := range entries {
		k := key(e.English)
		if at, dup := first[k]; dup {
			report(e.Line, "this English is translated already, at line %d", at)
			continue
		}
		first[k] = e.Line
		kept = append(kept, e)
	}
	return kept, problems
}

func key(lines []string) string { return strings.Join(lines, "\n") }

func hasHan(lines []string) bool {
	return slices.ContainsFunc(lines, func(l string) bool {
		return strings.ContainsFunc(l, func(r rune) bool { return unicode.Is(unicode.Han, r) })
	})
}

// Check holds a listing's comment blocks and its translation's entries to
// each other: every block translated ("missing"), every entry's English
// still in the listing ("stale"), and no Chinese line much wider than the
// English it stands for.
func Check(listing string, blocks []Block, file string, entries []Entry) []Problem {
	var problems []Problem
	byKey := map[string]Entry{}
	for _, e := range entries {
		byKey[key(e.English)] = e
	}
	used := map[string]bool{}
	var missing []Block
	for _, b := range blocks {
		if _, ok := byKey[key(b.Text)]; !ok {
			missing = append(missing, b)
			continue
		}
		used[key(b.Text)] = true
	}
	for _, b := range missing {
		problems = append(problems, Problem{listing, b.Line,
			fmt.Sprintf("missing: this comment has no Chinese in %s (it starts %q)", path(file), b.Text[0])})
	}
	for _, e := range entries {
		if used[key(e.English)] {
			if !e.Broken {
				problems = append(problems, wide(file, e)...)
			}
			continue
		}
		msg := fmt.Sprintf("stale: the English changed; %s no longer has this comment", path(listing))
		if b, ok := likeliest(e, missing); ok {
			msg += fmt.Sprintf(" (is it now the one at %s:%d?)", path(listing), b.Line)
		}
		problems = append(problems, Problem{file, e.Line, msg})
	}
	return problems
}

// likeliest is the missing block that a stale entry most likely became:
// the one that shares the most of its words, if that is at least half.
func likeliest(e Entry, missing []Block) (Block, bool) {
	words := func(lines []string) map[string]bool {
		set := map[string]bool{}
		for _, l := range lines {
			for _, w := range strings.Fields(strings.TrimPrefix(l, "//")) {
				set[w] = true
			}
		}
		return set
	}
	was := words(e.English)
	var best Block
	score := 0.0
	for _, b := range missing {
		now := words(b.Text)
		common := 0
		for w := range now {
			if was[w] {
				common++
			}
		}
		if s := float64(common) / float64(max(len(was), len(now), 1)); s > score {
			best, score = b, s
		}
	}
	return best, score >= 0.5
}

// Slack is how many columns wider than the widest line of its English a
// line of Chinese may be. A Han character takes two columns in a monospace
// font; the listing's column is as wide as its longest line.
const Slack = 8

func wide(file string, e Entry) []Problem {
	most := 0
	for _, l := range e.English {
		most = max(most, Width(l))
	}
	var problems []Problem
	for i, l := range e.Chinese {
		if w := Width(l); w > most+Slack {
			problems = append(problems, Problem{file, e.Line + len(e.English) + 1 + i,
				fmt.Sprintf("this line is %d columns wide, the English at most %d: move words to a shorter line of the block", w, most)})
		}
	}
	return problems
}

// Width is how many columns s takes in a monospace font: two for a wide
// (East Asian) character, four for a tab, one for anything else.
func Width(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r == '\t':
			w += 4
		case wideRune(r):
			w += 2
		default:
			w++
		}
	}
	return w
}

// wideRune is true for the characters a Chinese comment uses that a
// monospace font draws two columns wide: Han, CJK punctuation, full-width
// forms.
func wideRune(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		r >= 0x3000 && r <= 0x303f || // CJK symbols and punctuation: 、。「」
		r >= 0xff00 && r <= 0xff60 || // full-width forms: ，：；（）
		r >= 0xffe0 && r <= 0xffe6 ||
		r == '“' || r == '”' || r == '‘' || r == '’' || r == '…' || r == '—'
}

// Apply returns the listing with each translated block in Chinese, at the
// block's indentation; every other line is as it was.
func Apply(lines []string, blocks []Block, entries []Entry) []string {
	byKey := map[string][]string{}
	for _, e := range entries {
		if !e.Broken {
			byKey[key(e.English)] = e.Chinese
		}
	}
	out := slices.Clone(lines)
	for _, b := range blocks {
		zh, ok := byKey[key(b.Text)]
		if !ok {
			continue
		}
		for i, l := range zh {
			orig := lines[b.Line-1+i]
			indent := orig[:len(orig)-len(strings.TrimLeft(orig, " \t"))]
			out[b.Line-1+i] = indent + l
		}
	}
	return out
}

// Agree reports an English block that two listings translate differently:
// the progressive chapters repeat comments, and a reader comparing two
// chapters should see the same Chinese for the same English. The first
// result to translate a block sets it; later ones are held to it.
func Agree(results []*Result) []Problem {
	type first struct {
		file    string
		line    int
		chinese []string
	}
	seen := map[string]first{}
	var problems []Problem
	for _, r := range results {
		for _, e := range r.Entries {
			if e.Broken {
				continue
			}
			k := key(e.English)
			f, ok := seen[k]
			switch {
			case !ok:
				seen[k] = first{r.File, e.Line, e.Chinese}
			case !slices.Equal(f.chinese, e.Chinese):
				problems = append(problems, Problem{r.File, e.Line,
					fmt.Sprintf("translated differently in %s:%d: the same English should read the same in every chapter", f.file, f.line)})
			}
		}
	}
	return problems
}
