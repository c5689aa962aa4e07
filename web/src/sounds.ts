// Sounds as /api/v1/sounds serves them: greetings and announcements
// uploaded as WAV files, and the prompts shipped with Switchboard.

import { request } from "./api";

export interface Sound {
  name: string;
  shipped: boolean;
  duration_ms: number;
}

const one = (name: string) => `/sounds/${encodeURIComponent(name)}`;

/** The change event the list follows. */
export const CHANGED = "flows.changed";

export async function list(): Promise<Sound[]> {
  return (await request<{ items: Sound[] }>("GET", "/sounds")).items;
}

/** Stores `wav` (the file as it is) as sound `name`, replacing one uploaded before. */
export function upload(name: string, wav: Blob): Promise<Sound> {
  return request("PUT", one(name), new Blob([wav], { type: "audio/wav" }));
}

/** Where the browser plays a sound. */
export function audioUrl(name: string): string {
  return `/api/v1${one(name)}/audio`;
}

export function remove(name: string): Promise<void> {
  return request("DELETE", one(name));
}
