// Where the results panel opens: beside the rule, never in a new third column. Pure (column
// numbers as VS Code counts them, 1-based), so it is unit-tested.

/** The column for the panel given the rule's column and how many editor columns exist. */
export function besideColumnNumber(ruleColumn: number, columns: number): number {
  // Right of the rule when that column exists or the rule is in the first one (the second is then
  // created); else, the rule being in the last of several columns, the one left of it.
  if (ruleColumn <= 1 || ruleColumn < columns) return ruleColumn + 1;
  return ruleColumn - 1;
}

/** The column to reveal an existing panel in: where it is, unless it shares the rule's column. */
export function revealColumnNumber(panelColumn: number | undefined, ruleColumn: number, columns: number): number {
  return panelColumn !== undefined && panelColumn !== ruleColumn ? panelColumn : besideColumnNumber(ruleColumn, columns);
}
