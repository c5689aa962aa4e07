// Schedules as /api/v1/schedules serves them: opening hours in a time
// zone, holidays, an override, and where calls go when open, closed or on
// a holiday.

import { request } from "./api";
import { collection } from "./collection";

export type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export const DAYS: { day: Day; label: string }[] = [
  { day: "mon", label: "Mon" },
  { day: "tue", label: "Tue" },
  { day: "wed", label: "Wed" },
  { day: "thu", label: "Thu" },
  { day: "fri", label: "Fri" },
  { day: "sat", label: "Sat" },
  { day: "sun", label: "Sun" },
];

export interface Hours {
  days: Day[];
  /** HH:MM; `to` may be 24:00. */
  from: string;
  to: string;
}

export interface Holiday {
  name: string;
  /** YYYY-MM-DD, MM-DD (every year), or A..B of either. */
  when: string;
}

export type Override = "auto" | "open" | "closed";

export interface Schedule {
  name: string;
  number: string | null;
  display_name: string | null;
  time_zone: string;
  hours: Hours[];
  holidays: Holiday[];
  override: Override;
  /** Extensions whose phones may set the override by star code (left out when none). */
  override_by?: string[];
  open: string;
  closed: string;
  /** null: the closed destination. */
  holiday: string | null;
  /** Read only: what the schedule says now. */
  state: "open" | "closed" | "holiday";
  created_at: number;
  updated_at: number;
}

/** The change event the list follows. */
export const CHANGED = "flows.changed";

export const { list, create, update, remove } = collection<Schedule>("/schedules");

export function setOverride(name: string, override: Override): Promise<Schedule> {
  return request("PATCH", `/schedules/${encodeURIComponent(name)}`, { override });
}
