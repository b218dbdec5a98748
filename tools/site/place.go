package site

import "sort"

// row is a band of the side-by-side walkthrough: lines Start..End of the
// listing on the right, and on the left the notes whose first quoted range
// starts at Start.
type row struct {
	Start, End int
	Notes      []int // indexes into the notes, in the README's order
}

// place cuts a listing of n lines into rows so that every line is in
// exactly one row and each note sits beside the first line it quotes.
// notes[i] are the ranges note i quotes, all within 1..n. A row starts at
// line 1, at every quoted range's first line, and after the last line of a
// quoted stretch (so lines no note quotes stand in a row of their own).
func place(n int, notes [][]Range) []row {
	if n == 0 {
		return nil
	}
	covered := make([]bool, n+2)
	start := map[int]bool{1: true}
	for _, ranges := range notes {
		for _, r := range ranges {
			start[r.A] = true
			for l := r.A; l <= r.B; l++ {
				covered[l] = true
			}
		}
	}
	for l := 2; l <= n; l++ {
		if covered[l-1] && !covered[l] {
			start[l] = true
		}
	}
	starts := make([]int, 0, len(start))
	for l := range start {
		starts = append(starts, l)
	}
	sort.Ints(starts)
	rows := make([]row, len(starts))
	index := map[int]int{}
	for i, s := range starts {
		end := n
		if i+1 < len(starts) {
			end = starts[i+1] - 1
		}
		rows[i] = row{Start: s, End: end}
		index[s] = i
	}
	for i, ranges := range notes {
		if len(ranges) > 0 {
			r := &rows[index[ranges[0].A]]
			r.Notes = append(r.Notes, i)
		}
	}
	return rows
}
