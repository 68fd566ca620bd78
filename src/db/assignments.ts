// The SET list of an UPDATE built from a record's changes, for stores whose rows change a few
// columns at a time (referrals, prescriptions). Only columns on the store's allow-list can be set,
// so a field name never reaches the SQL; values go in as parameters.

/**
 * `column = $n` for each change (and `state = $n` when a state is given), adding the values to
 * `params`. A change the allow-list does not name is a programming error and throws.
 */
export function assignments(
  settable: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, unknown>>,
  params: unknown[],
  state?: string,
): string[] {
  const sets: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const column = Object.hasOwn(settable, key) ? settable[key] : undefined;
    if (!column) throw new Error(`${key} cannot be set`);
    params.push(value instanceof Date ? value.toISOString() : value);
    sets.push(`${column} = $${params.length}`);
  }
  if (state) {
    params.push(state);
    sets.push(`state = $${params.length}`);
  }
  return sets;
}
