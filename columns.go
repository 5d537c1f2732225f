package main

import (
	"io"
	"strings"
	"unicode/utf8"
)

// columnGap is the space between two columns of a table.
const columnGap = 2

// columns lays out the tables of `status` and `history`: every cell but the last of a
// row is padded with spaces to the width of its column's widest cell plus columnGap,
// and the last cell is written as it is. That is text/tabwriter's layout with padding
// 2 for rows of equal length (a test compares the two), done in one pass over cells
// that are already strings: tabwriter buffers every byte and cell it is written, and
// `status` is the command that stands in for the first frame when start-up is
// measured. Widths count runes, as tabwriter's do; cells are single printable lines.
type columns struct {
	rows   [][]string
	widths []int
}

// add appends a row; every row should have as many cells as the first.
func (c *columns) add(cells ...string) {
	for i, cell := range cells[:len(cells)-1] {
		if i == len(c.widths) {
			c.widths = append(c.widths, 0)
		}
		c.widths[i] = max(c.widths[i], utf8.RuneCountInString(cell))
	}
	c.rows = append(c.rows, cells)
}

// writeTo writes the rows, one line each.
func (c *columns) writeTo(w io.Writer) error {
	var line strings.Builder
	for _, row := range c.rows {
		line.Reset()
		last := len(row) - 1
		for i, cell := range row[:last] {
			line.WriteString(cell)
			for pad := c.widths[i] + columnGap - utf8.RuneCountInString(cell); pad > 0; pad-- {
				line.WriteByte(' ')
			}
		}
		line.WriteString(row[last])
		line.WriteByte('\n')
		if _, err := io.WriteString(w, line.String()); err != nil {
			return err
		}
	}
	return nil
}
