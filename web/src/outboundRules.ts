// Outbound rules as /api/v1/outbound-rules serves them (administrators
// only): which dialled numbers leave through which trunks, rewritten how,
// for whom and under which caller ID; listed in the order they are tried.

import { collection } from "./collection";

export interface OutboundRule {
  name: string;
  display_name: string | null;
  /** Lower first (emergency rules before all). */
  priority: number;
  /** `0[1-9]XXXXXXXX`, `00.`, `112`. */
  patterns: string[];
  /** Digits taken off the front, 0 to 15. */
  strip: number;
  /** Put in front after stripping: `+49`. */
  prepend: string;
  /** Extension numbers or `ring_group:NAME`; none: everyone. */
  allowed: string[];
  /** Trunk names, tried in this order. */
  trunks: string[];
  /** `extension`, `main`, `withheld` or a number. */
  caller_id: string;
  emergency: boolean;
  international: boolean;
  created_at: number;
  updated_at: number;
}

export const CALLER_IDS: { caller_id: string; label: string }[] = [
  { caller_id: "extension", label: "The extension's" },
  { caller_id: "main", label: "The trunk's main number" },
  { caller_id: "withheld", label: "Withheld" },
];

/** The change event the list follows. */
export const CHANGED = "flows.changed";

/** Outbound rules have no internal number. */
export const NUMBERED = false;

const rules = collection<OutboundRule>("/outbound-rules");

export const { create, update, remove } = rules;

/** The rules in the order they are tried: emergency first, then by priority. */
export async function list(): Promise<OutboundRule[]> {
  const order = (a: OutboundRule, b: OutboundRule) =>
    Number(b.emergency) - Number(a.emergency) || a.priority - b.priority || a.name.localeCompare(b.name);
  return (await rules.list()).sort(order);
}
