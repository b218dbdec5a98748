package site

import "fmt"

// lang is one of the site's two languages: where its Markdown lives, and
// the words the site itself uses.
type lang struct {
	Code   string // HTML lang attribute and the site's folder: en, zh-CN
	Name   string // as the language switch shows it
	README string // a chapter's (and the root's) README in this language
	Docs   string // the folder of the narrative pages
	// Comments: the listings show their comments in this language, from
	// each main.go's translation (package comments). English is the
	// listings' own.
	Comments bool

	SiteTitle    string // when the root README has no title
	ChapterLabel string // Chapter %d
	Titled       string // Chapter 3: its title
	Chapters     string
	Reference    string
	NotesHead    string
	PyHead       string // the Python gutter's tooltip: line of example %d
	PyLine       string // Python line %d: %s
	NoNotes      string
	Highlight    string
	HighlightOff string
	Compared     string // %s compared with %s
	Summary      string // %d lines added, %d removed
	Unchanged    string // %d unchanged lines
	Explained    string
	ChangesSince string // What changed since %s
	Diff         string
	Source       string
}

var langs = []*lang{
	{
		Code: "en", Name: "English", README: "README.md", Docs: "docs/en",
		SiteTitle:    "Linux epoll, in Go",
		ChapterLabel: "Chapter %d",
		Titled:       "%s: %s",
		Chapters:     "Chapters",
		Reference:    "Background and reference",
		NotesHead:    "Notes",
		PyHead:       "Line numbers of the article's example %d (Python)",
		PyLine:       "Python line %d: %s",
		NoNotes:      "The notes for this chapter are not written yet. Here is its listing.",
		Highlight:    "Highlight the lines changed since",
		HighlightOff: "nothing",
		Compared:     "%s, compared with %s",
		Summary:      "%d lines added, %d removed.",
		Unchanged:    "%d unchanged lines",
		Explained:    "The notes on these lines",
		ChangesSince: "What changed since %s",
		Diff:         "diff",
		Source:       "Source file",
	},
	{
		Code: "zh-CN", Name: "中文", README: "README.zh-CN.md", Docs: "docs/zh-CN", Comments: true,
		SiteTitle:    "用 Go 一步步写 Linux epoll",
		ChapterLabel: "第 %d 章",
		Titled:       "%s：%s",
		Chapters:     "各章",
		Reference:    "背景与参考",
		NotesHead:    "注解",
		PyHead:       "原文示例 %d（Python）的行号",
		PyLine:       "Python 第 %d 行：%s",
		NoNotes:      "本章的注解还没写好，下面先给出完整代码。",
		Highlight:    "高亮与所选章节相比改动过的行：",
		HighlightOff: "不高亮",
		Compared:     "%s与%s对比",
		Summary:      "新增 %d 行，删除 %d 行。",
		Unchanged:    "%d 行未改动",
		Explained:    "讲到这些改动的注解",
		ChangesSince: "相对%s改了什么",
		Diff:         "对比",
		Source:       "源文件",
	},
}

func (l *lang) chapter(n int) string { return fmt.Sprintf(l.ChapterLabel, n) }

// other is the other language: the one the switch leads to.
func (l *lang) other() *lang {
	if l == langs[0] {
		return langs[1]
	}
	return langs[0]
}
