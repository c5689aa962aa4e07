// Ring groups as /api/v1/ring-groups serves them: extensions rung together
// or one after another, and where the call goes when nobody answers.

import { collection } from "./collection";

export type Strategy = "ring_all" | "hunt" | "round_robin" | "least_recent";

export const STRATEGIES: { strategy: Strategy; label: string }[] = [
  { strategy: "ring_all", label: "Ring all at once" },
  { strategy: "hunt", label: "One after another, in order" },
  { strategy: "round_robin", label: "One after another, after the last to answer" },
  { strategy: "least_recent", label: "One after another, who answered longest ago first" },
];

export interface Member {
  extension: string;
  /** Seconds it rings in the one-after-another strategies; null: the group's. */
  ring_time: number | null;
}

export interface RingGroup {
  name: string;
  number: string | null;
  display_name: string | null;
  strategy: Strategy;
  members: Member[];
  ring_time: number;
  no_answer: string;
  caller_id_prefix: string | null;
  created_at: number;
  updated_at: number;
}

/** The change event the list follows. */
export const CHANGED = "flows.changed";

export const { list, create, update, remove } = collection<RingGroup>("/ring-groups");
