// Extensions as /api/v1/extensions serves them.

import { request } from "./api";

export interface Extension {
  number: string;
  display_name: string;
  auth_name: string;
  secret: string;
  email: string | null;
  voicemail_pin: string | null;
  enabled: boolean;
  outbound_caller_id: string | null;
  call_limit: number;
  recording: Recording;
  /** Do not disturb: its calls are treated as busy. */
  dnd: boolean;
  forward_always: Forward;
  forward_busy: Forward;
  forward_no_answer: Forward;
  forward_unregistered: Forward;
  /** Seconds its phones ring; null: the server's default. */
  ring_time: number | null;
  voicemail_email: VoicemailEmail;
  /** Calls abroad allowed (toll-fraud protection: refused by default). */
  international_calls: boolean;
  /** Outbound calls allowed per hour, 1 to 10000; null: no limit. */
  outbound_calls_per_hour: number | null;
  created_at: number;
  updated_at: number;
}

export interface ExtensionPage {
  items: Extension[];
  total: number;
  limit: number;
  offset: number;
}

/** Whether an extension's calls are recorded. */
export type Recording = "never" | "always" | "on_demand";

/** Where calls go instead of ringing the extension: nowhere (the caller
 * hears busy or unavailable), its voicemail, another extension, or an
 * external number. */
export type Forward = "none" | "voicemail" | `extension:${string}` | `external:${string}`;

/** When calls are forwarded: always, when busy (or on do not disturb),
 * when nobody answered in the ring time, when no phone is registered. */
export type ForwardWhen = "forward_always" | "forward_busy" | "forward_no_answer" | "forward_unregistered";

/** Whether voicemail messages are emailed to the extension's address,
 * and kept in the box once sent. */
export type VoicemailEmail = "off" | "send_and_keep" | "send_and_delete";

/** The fields an administrator edits; empty optional fields are cleared. */
export interface ExtensionFields {
  number: string;
  display_name: string;
  auth_name: string;
  email: string;
  voicemail_pin: string;
  enabled: boolean;
  outbound_caller_id: string;
  call_limit: number;
  recording: Recording;
  dnd: boolean;
  forward_always: Forward;
  forward_busy: Forward;
  forward_no_answer: Forward;
  forward_unregistered: Forward;
  ring_time: number | null;
  voicemail_email: VoicemailEmail;
  international_calls: boolean;
  outbound_calls_per_hour: number | null;
}

export const PAGE_SIZE = 50;

export function list(search: string, offset: number): Promise<ExtensionPage> {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
  if (search.trim()) query.set("search", search.trim());
  return request("GET", `/extensions?${query}`);
}

const optional = (value: string) => (value.trim() === "" ? null : value.trim());

export function create(fields: ExtensionFields): Promise<Extension> {
  const body: Record<string, unknown> = {
    number: fields.number.trim(),
    display_name: fields.display_name.trim(),
    enabled: fields.enabled,
    call_limit: fields.call_limit,
    recording: fields.recording,
    dnd: fields.dnd,
    forward_always: fields.forward_always,
    forward_busy: fields.forward_busy,
    forward_no_answer: fields.forward_no_answer,
    forward_unregistered: fields.forward_unregistered,
    ring_time: fields.ring_time,
    voicemail_email: fields.voicemail_email,
    international_calls: fields.international_calls,
    outbound_calls_per_hour: fields.outbound_calls_per_hour,
  };
  for (const key of ["auth_name", "email", "voicemail_pin", "outbound_caller_id"] as const) {
    const value = optional(fields[key]);
    if (value !== null) body[key] = value;
  }
  return request("POST", "/extensions", body);
}

/** Sends only the fields that differ from `extension`'s: a user may change
 * some of their own extension's (name, email, PIN, do not disturb,
 * forwarding, ring time, voicemail email) but not the others, even
 * unchanged. */
export function update(extension: Extension, fields: ExtensionFields): Promise<Extension> {
  const edited: Partial<Record<keyof Extension, unknown>> = {
    number: fields.number.trim(),
    display_name: fields.display_name.trim(),
    auth_name: fields.auth_name.trim(),
    email: optional(fields.email),
    voicemail_pin: optional(fields.voicemail_pin),
    enabled: fields.enabled,
    outbound_caller_id: optional(fields.outbound_caller_id),
    call_limit: fields.call_limit,
    recording: fields.recording,
    dnd: fields.dnd,
    forward_always: fields.forward_always,
    forward_busy: fields.forward_busy,
    forward_no_answer: fields.forward_no_answer,
    forward_unregistered: fields.forward_unregistered,
    ring_time: fields.ring_time,
    voicemail_email: fields.voicemail_email,
    international_calls: fields.international_calls,
    outbound_calls_per_hour: fields.outbound_calls_per_hour,
  };
  const changed = Object.fromEntries(
    Object.entries(edited).filter(([key, value]) => extension[key as keyof Extension] !== value),
  );
  return request("PATCH", `/extensions/${encodeURIComponent(extension.number)}`, changed);
}

export function remove(number: string): Promise<void> {
  return request("DELETE", `/extensions/${encodeURIComponent(number)}`);
}

export function regenerateSecret(number: string): Promise<Extension> {
  return request("POST", `/extensions/${encodeURIComponent(number)}/secret`);
}
