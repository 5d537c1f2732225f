package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rotatetui/rotatetui/catalog"
)

// cmd_key_import.go: `rotatetui key import FILE.csv|FILE.json [--dry-run]`, keys declared
// or updated from an inventory (read by keyimport.go), all or nothing.

// importChange is a key an import adds (old nil) or updates.
type importChange struct {
	line int
	key  catalog.Key
	old  *catalog.Key
}

// importPlan is what an import would do.
type importPlan struct {
	changes   []importChange
	unchanged int
	warnings  []importProblem
}

// runKeyImport declares or updates keys from an inventory: key import FILE.csv|FILE.json
// [--dry-run]. All or nothing: with any bad row, every bad row is named by its line and
// nothing is written. A key already declared with the same fields is left as it is, so
// importing the same file again changes nothing.
func runKeyImport(e *env, args []string) int {
	if len(args) != 1 {
		return e.keyUsageError("import")
	}
	if !e.keyFlagsOnly("import", "--dry-run") {
		return exitUsage
	}
	file := args[0]
	data, err := catalog.ReadFile(file, e.opts.maxCatalogSize)
	if err != nil {
		return e.fail(exitFailed, "%s: cannot read: %v", catalog.PrintableLine(file), bareError(err))
	}
	rows, problems, err := readInventory(file, data)
	if err != nil {
		return e.failErr(exitUsage, err)
	}
	plan, planProblems := e.planImport(rows)
	if problems = append(problems, planProblems...); len(problems) > 0 {
		return e.refuseImport(file, problems)
	}
	for _, w := range plan.warnings {
		e.warn(fmt.Sprintf("%s:%d: %s", catalog.PrintableLine(file), w.line, w.msg))
	}
	if len(plan.changes) == 0 {
		fmt.Fprintf(e.stdout, "nothing to change: %s as in the file\n", plural(plan.unchanged, "key is", "keys are"))
		return exitOK
	}
	return e.applyImport(plan)
}

// refuseImport names every bad row, sorted by line, and returns exitUsage.
func (e *env) refuseImport(file string, problems []importProblem) int {
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].line < problems[j].line })
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "%s:%d: %s\n", catalog.PrintableLine(file), p.line, p.msg)
	}
	return e.fail(exitUsage, "nothing imported: %s", plural(len(problems), "problem", "problems"))
}

// planImport works out what importing rows does, or what is wrong with them.
func (e *env) planImport(rows []importRow) (importPlan, []importProblem) {
	var plan importPlan
	var problems []importProblem
	first := map[string]int{}
	for _, row := range rows {
		k, old, rowProblems := e.importKey(row)
		if len(rowProblems) > 0 {
			problems = append(problems, rowProblems...)
			continue
		}
		if line, dup := first[k.ID]; dup {
			problems = append(problems, importProblem{row.line, fmt.Sprintf("key %s is on line %d already", k.ID, line)})
			continue
		}
		first[k.ID] = row.line
		for _, w := range e.cat.KeyWarnings(&k) {
			plan.warnings = append(plan.warnings, importProblem{row.line, k.ID + ": " + w.Msg})
		}
		if old != nil && catalog.KeysEqual(old, &k) {
			plan.unchanged++
			continue
		}
		plan.changes = append(plan.changes, importChange{row.line, k, old})
	}
	return plan, problems
}

// importKey is the key a row declares: the existing key with the row's cells applied,
// or a new one. old is the existing key, nil for a new one.
func (e *env) importKey(row importRow) (k catalog.Key, old *catalog.Key, problems []importProblem) {
	fail := func(err error) (catalog.Key, *catalog.Key, []importProblem) {
		return catalog.Key{}, nil, []importProblem{{row.line, err.Error()}}
	}
	src, err := findSource(e.cat, row.cells["source"])
	if err != nil {
		return fail(err)
	}
	name := row.cells["name"]
	if err := catalog.CheckKeyName(name); err != nil {
		return fail(err)
	}
	k = catalog.Key{ID: catalog.KeyID(src.ID, name), Source: src.ID, Name: name}
	if found, ok := e.cat.FindKey(k.ID); ok {
		if found.Origin != userKeysPath() {
			return fail(fmt.Errorf("key %s is declared in %s, not in keys.toml: change it there", k.ID, catalog.PrintableLine(found.Origin)))
		}
		old, k = found, cloneKey(found)
	}
	for _, col := range importColumns[2:] {
		if cell, ok := row.cells[col]; ok {
			if err := setImportField(&k, col, cell); err != nil {
				problems = append(problems, importProblem{row.line, err.Error()})
			}
		}
	}
	if err := keySecrets(&k); err != nil && len(problems) == 0 {
		problems = append(problems, importProblem{row.line, err.Error()})
	}
	return k, old, problems
}

// setImportField sets one field of k from its cell; an empty cell clears it.
func setImportField(k *catalog.Key, col, cell string) error {
	var err error
	switch col {
	case "owner":
		err, k.Owner = catalog.CheckKeyText("owner", cell), cell
	case "description":
		err, k.Description = catalog.CheckKeyText("description", cell), cell
	case "rotate_every":
		k.RotateEvery = 0
		if cell != "" {
			k.RotateEvery, err = catalog.ParseDuration(cell)
		}
	case "tags":
		k.Tags, err = parsePairs(cell, catalog.CheckTag)
	case "values":
		k.Values, err = parsePairs(cell, catalog.CheckValue)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", col, err)
	}
	return nil
}

// applyImport writes the plan's changes to keys.toml (with --dry-run, only says what
// they would be).
func (e *env) applyImport(plan importPlan) int {
	dry := e.opts.key.dryRun
	var lines []string
	added := 0
	change := func(ed *catalog.KeysEdit) error {
		for _, c := range plan.changes {
			var err error
			if c.old == nil {
				added++
				err = ed.Add(c.key)
				lines = append(lines, pick(dry, "would add ", "added ")+c.key.ID)
			} else {
				err = ed.Update(c.key)
				lines = append(lines, fmt.Sprintf("%s%s (%s)", pick(dry, "would update ", "updated "), c.key.ID, strings.Join(catalog.ChangedFields(c.old, &c.key), ", ")))
			}
			if err != nil {
				return fmt.Errorf("line %d: %w", c.line, err)
			}
		}
		return nil
	}
	done := func() string {
		counts := fmt.Sprintf("%d added, %d updated, %d unchanged", added, len(plan.changes)-added, plan.unchanged)
		if dry {
			counts = fmt.Sprintf("%d to add, %d to update, %d unchanged; dry run, nothing written", added, len(plan.changes)-added, plan.unchanged)
		}
		return strings.Join(append(lines, counts), "\n")
	}
	return e.rewriteKeys(change, done, dry)
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}
