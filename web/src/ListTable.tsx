// A list page's table: its columns' headings and an actions column, one
// row per item, and a line saying so when there is none.

import type { VNode } from "preact";

interface Props<T> {
  /** The table's class besides `list`. */
  kind: string;
  headings: string[];
  items: T[];
  /** The item's row, keyed. */
  row: (item: T) => VNode;
  empty: string;
}

export function ListTable<T>({ kind, headings, items, row, empty }: Props<T>) {
  return (
    <div class="table-wrap">
      <table class={`list ${kind}`}>
        <thead>
          <tr>
            {headings.map((heading) => (
              <th key={heading}>{heading}</th>
            ))}
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {items.map(row)}
          {items.length === 0 && (
            <tr>
              <td colSpan={headings.length + 1} class="empty">{empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
