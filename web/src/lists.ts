// Changing one row of a list a form edits (members, options, hours,
// holidays), leaving the list itself as it was; and reading a list typed
// as text (addresses, patterns, numbers).

export const replaced = <T>(list: T[], index: number, row: T): T[] => list.map((r, i) => (i === index ? row : r));

export const without = <T>(list: T[], index: number): T[] => list.filter((_, i) => i !== index);

/** The list with row `index` moved `by` places (-1 up, 1 down). */
export function moved<T>(list: T[], index: number, by: number): T[] {
  const to = index + by;
  if (to < 0 || to >= list.length) return list;
  const copy = [...list];
  [copy[index], copy[to]] = [copy[to], copy[index]];
  return copy;
}

/** The items of a list typed as text, separated by commas or lines. */
export const items = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
