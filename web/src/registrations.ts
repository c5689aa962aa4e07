// Registered phones as /api/v1/registrations serves them.

import { request } from "./api";

export interface Registration {
  extension: string;
  contact: string;
  instance: string | null;
  reg_id: number | null;
  q: string | null;
  source: string;
  transport: string;
  user_agent: string | null;
  /** Unix seconds. */
  expires_at: number;
  /** Unix seconds. */
  registered_at: number;
  local: string;
  reachable: boolean;
  rtt_ms: number | null;
}

/** Every registered phone, by extension number. */
export async function byExtension(): Promise<Map<string, Registration[]>> {
  const all = await request<Registration[]>("GET", "/registrations");
  const map = new Map<string, Registration[]>();
  for (const r of all) {
    const list = map.get(r.extension) ?? [];
    list.push(r);
    map.set(r.extension, list);
  }
  return map;
}
