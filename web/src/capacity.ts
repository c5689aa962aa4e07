// The capacity report as /api/v1/capacity serves it (managers and
// administrators): the plan of external calls at once, the peak and the
// calls refused at the limit per hour and per day, and whether the plan
// fits, in words.

import { request } from "./api";

/** One hour's or day's: the most external calls at once, and those refused. */
export interface Counts {
  peak: number;
  refused_inbound: number;
  refused_outbound: number;
}

export interface CapacityReport {
  /** External calls allowed at once; null: unlimited. */
  capacity: number | null;
  /** The last 24 hours that had external calls; `hour`: RFC 3339. */
  hours: (Counts & { hour: string })[];
  /** The last 30 days that had external calls; `day`: YYYY-MM-DD. */
  days: (Counts & { day: string })[];
  /** The most external calls at once in those 30 days. */
  peak: number;
  /** Calls refused at the limit in those 30 days. */
  refused: number;
  hint: string;
}

/** The record follows the calls. */
export const CHANGED = "calls.changed";

export function report(): Promise<CapacityReport> {
  return request("GET", "/capacity");
}
