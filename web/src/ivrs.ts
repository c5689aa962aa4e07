// IVRs as /api/v1/ivrs serves them: a greeting, then where each key leads.

import { collection } from "./collection";

export interface Ivr {
  name: string;
  number: string | null;
  display_name: string | null;
  /** A sound's name. */
  greeting: string;
  /** Key (0–9, *, #) → destination. */
  options: Record<string, string>;
  dial_extension: boolean;
  extension_length: number;
  timeout: number;
  repeats: number;
  fallback: string;
  created_at: number;
  updated_at: number;
}

export const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"];

/** The change event the list follows. */
export const CHANGED = "flows.changed";

export const { list, create, update, remove } = collection<Ivr>("/ivrs");
