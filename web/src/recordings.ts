// Recordings as /api/v1/recordings serves them.

import { request } from "./api";

export interface Recording {
  id: string;
  caller: string;
  callee: string;
  /** Unix seconds. */
  started_at: number;
  ended_at: number;
  sample_rate: number;
  duration_ms: number;
  size: number;
}

export function list(): Promise<Recording[]> {
  return request("GET", "/recordings");
}

/** Where the browser plays or downloads a recording's WAV file. */
export function audioUrl(id: string): string {
  return `/api/v1/recordings/${encodeURIComponent(id)}/audio`;
}

export function remove(id: string): Promise<void> {
  return request("DELETE", `/recordings/${encodeURIComponent(id)}`);
}
