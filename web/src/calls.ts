// Calls as /api/v1/calls (in progress) and /api/v1/cdr (ended) serve them.

import { request } from "./api";

export interface LiveCall {
  id: string;
  caller: string;
  callee: string;
  /** Unix seconds. */
  started_at: number;
  /** Unix seconds. */
  answered_at: number | null;
  state: "ringing" | "answered";
  codec: string | null;
}

export interface CallRecord {
  id: string;
  caller: string;
  callee: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number;
  duration: number;
  billable: number;
  disposition: string;
  hangup_cause: string;
  hangup_side: string;
  codec: string | null;
  legs: string[];
}

export function live(): Promise<LiveCall[]> {
  return request("GET", "/calls");
}

/** The newest `limit` records. */
export function recent(limit: number): Promise<CallRecord[]> {
  return request("GET", `/cdr?limit=${limit}`);
}

export function hangUp(id: string): Promise<void> {
  return request("POST", `/calls/${encodeURIComponent(id)}/hangup`);
}
