//go:build linux

package load

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"epolltutorial/tools/benchdata"
)

// Table is a result table, printed aligned on the terminal and written as
// Markdown and CSV for the results folder.
type Table struct {
	Header []string
	Rows   [][]string
	Text   []bool // by column: text, aligned left in Markdown (optional)
}

// FromBench converts a table of the bench data.
func FromBench(t benchdata.Table) Table { return Table{Header: t.Header, Rows: t.Rows, Text: t.Text} }

// FromData lays out recorded data in English, as the results pages show it.
func FromData(d benchdata.Data) Table { return FromBench(d.Render("en")) }

// Add appends a row; cells are formatted with fmt's %v.
func (t *Table) Add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = fmt.Sprint(c)
	}
	t.Rows = append(t.Rows, row)
}

// WriteText writes the table with columns padded to line up, numbers (and
// everything else but the first column) aligned right.
func (t Table) WriteText(w io.Writer) error {
	widths := make([]int, len(t.Header))
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i == 0 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString("  " + pad + cell)
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the table as a Markdown table, the first column and
// the text columns aligned left, the others right.
func (t Table) WriteMarkdown(w io.Writer) error {
	_, err := io.WriteString(w, benchdata.Table{Header: t.Header, Rows: t.Rows, Text: t.Text}.Markdown())
	return err
}

// WriteCSV writes the table as CSV with a header line.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(t.Header)
	cw.WriteAll(t.Rows)
	return cw.Error()
}
