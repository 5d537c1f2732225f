package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// keyimport.go reads the inventories `rotatetui key import` takes: a CSV file with
// the columns source,name,owner,rotate_every,tags,values (and description), tags and
// values written k=v;k=v, or a JSON array of objects with the same fields. Each row
// keeps its line, so that every problem names it.

// importColumns are the columns (and JSON fields) an import may have.
var importColumns = []string{"source", "name", "owner", "description", "rotate_every", "tags", "values"}

// importRow is one row of an inventory: the cells it has, by column. A column the
// file has but a row leaves empty clears that field of an existing key; one the file
// does not have leaves the field as it is.
type importRow struct {
	line  int
	cells map[string]string
}

// importProblem is what is wrong with an inventory, at a line (0: the file).
type importProblem struct {
	line int
	msg  string
}

// readInventory reads an inventory by its name's extension: .csv or .json.
func readInventory(name string, data []byte) ([]importRow, []importProblem, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		rows, problems := readCSVInventory(data)
		return rows, problems, nil
	case ".json":
		rows, problems := readJSONInventory(data)
		return rows, problems, nil
	}
	return nil, nil, fmt.Errorf("%s: give a .csv or a .json file", catalog.PrintableLine(name))
}

// readCSVInventory reads a CSV inventory: a header row naming the columns, then a key
// a row.
func readCSVInventory(data []byte) ([]importRow, []importProblem) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))) // a BOM, as spreadsheets write
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, []importProblem{csvProblem(err)}
	}
	columns, problems := importHeader(header)
	if len(problems) > 0 {
		return nil, problems
	}
	var rows []importRow
	for {
		record, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, append(problems, csvProblem(err))
		}
		line, _ := r.FieldPos(0)
		row := importRow{line: line, cells: map[string]string{}}
		for i, col := range columns {
			row.cells[col] = strings.TrimSpace(record[i])
		}
		rows = append(rows, row)
	}
	return rows, problems
}

func csvProblem(err error) importProblem {
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return importProblem{perr.Line, "CSV: " + perr.Err.Error()}
	}
	if err == io.EOF {
		return importProblem{1, "empty file: the first row names the columns (" + strings.Join(importColumns, ",") + ")"}
	}
	return importProblem{1, "CSV: " + err.Error()}
}

// importHeader checks the header row: known columns, each once, source and name given.
func importHeader(header []string) ([]string, []importProblem) {
	var problems []importProblem
	columns := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		col := strings.ToLower(strings.TrimSpace(h))
		columns[i] = col
		if msg := checkImportField(col, seen); msg != "" {
			problems = append(problems, importProblem{1, msg})
		}
		seen[col] = true
	}
	for _, req := range []string{"source", "name"} {
		if !seen[req] {
			problems = append(problems, importProblem{1, fmt.Sprintf("no %q column (columns: %s)", req, strings.Join(importColumns, ","))})
		}
	}
	return columns, problems
}

// checkImportField says what is wrong with a column (or JSON field) name, or "".
func checkImportField(col string, seen map[string]bool) string {
	switch {
	case seen[col]:
		return fmt.Sprintf("column %q is given twice", col)
	case !contains(importColumns, col):
		msg := fmt.Sprintf("unknown column %q (columns: %s)", catalog.PrintableLine(col), strings.Join(importColumns, ","))
		if near := nearest(col, importColumns); near != "" {
			msg += "; did you mean " + near + "?"
		}
		return msg
	}
	return ""
}

// readJSONInventory reads a JSON inventory: an array of objects, their fields the
// CSV's columns; tags and values may be objects of strings, or k=v;k=v strings.
func readJSONInventory(data []byte) ([]importRow, []importProblem) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, []importProblem{{1, "JSON: the file must be an array of objects, [{\"source\": ..., \"name\": ...}, ...]"}}
	}
	var rows []importRow
	var problems []importProblem
	for dec.More() {
		line := lineAt(data, dec.InputOffset())
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			return nil, append(problems, importProblem{line, "JSON: " + err.Error()})
		}
		row, rowProblems := jsonRow(line, obj)
		problems = append(problems, rowProblems...)
		rows = append(rows, row)
	}
	if _, err := dec.Token(); err != nil {
		problems = append(problems, importProblem{lineAt(data, dec.InputOffset()), "JSON: " + err.Error()})
	}
	return rows, problems
}

// lineAt is the 1-based line of the first character at or after offset that is not a
// blank or a comma: where the next JSON value starts.
func lineAt(data []byte, offset int64) int {
	i := int(offset)
	for i < len(data) && strings.IndexByte(" \t\r\n,", data[i]) >= 0 {
		i++
	}
	return bytes.Count(data[:min(i, len(data))], []byte("\n")) + 1
}

// jsonRow turns one object of a JSON inventory into a row.
func jsonRow(line int, obj map[string]json.RawMessage) (importRow, []importProblem) {
	row := importRow{line: line, cells: map[string]string{}}
	var problems []importProblem
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if msg := checkImportField(name, nil); msg != "" {
			problems = append(problems, importProblem{line, strings.Replace(msg, "column", "field", 1)})
			continue
		}
		cell, err := jsonCell(name, obj[name])
		if err != nil {
			problems = append(problems, importProblem{line, err.Error()})
			continue
		}
		row.cells[name] = cell
	}
	for _, req := range []string{"source", "name"} {
		if _, ok := row.cells[req]; !ok && len(problems) == 0 {
			problems = append(problems, importProblem{line, fmt.Sprintf("no %q field", req)})
		}
	}
	return row, problems
}

// jsonCell is a JSON field's value as the CSV cell that means the same: a string, or
// for tags and values an object of strings written k=v;k=v. null is an empty cell.
func jsonCell(name string, raw json.RawMessage) (string, error) {
	if string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s), nil
	}
	if name == "tags" || name == "values" {
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err == nil {
			return formatPairs(m, ";"), nil
		}
		return "", fmt.Errorf("%s must be an object of strings, e.g. {\"env\": \"prod\"}, or \"env=prod;team=data\"", name)
	}
	return "", fmt.Errorf("%s must be a string", name)
}

// parsePairs reads a k=v;k=v cell, each pair checked.
func parsePairs(cell string, check func(name, value string) error) (map[string]string, error) {
	if cell == "" {
		return nil, nil
	}
	m := map[string]string{}
	for _, pair := range strings.Split(cell, ";") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		name, value, ok := strings.Cut(pair, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is no name=value pair (write k=v;k=v)", catalog.PrintableLine(pair))
		}
		if err := check(name, value); err != nil {
			return nil, err
		}
		m[name] = value
	}
	return m, nil
}
