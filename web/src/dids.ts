// DIDs as /api/v1/dids serves them (administrators only): the public
// numbers the trunks bring in, exact or as ranges, and where their calls
// go.

import { collection } from "./collection";

export interface Did {
  name: string;
  display_name: string | null;
  /** `+4930123456`, or a range `+4930123400..+4930123499`. */
  numbers: string[];
  destination: string;
  created_at: number;
  updated_at: number;
}

/** The change event the list follows. */
export const CHANGED = "flows.changed";

/** DIDs have no internal number. */
export const NUMBERED = false;

export const { list, create, update, remove } = collection<Did>("/dids");
