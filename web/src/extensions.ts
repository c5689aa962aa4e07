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
  };
  for (const key of ["auth_name", "email", "voicemail_pin", "outbound_caller_id"] as const) {
    const value = optional(fields[key]);
    if (value !== null) body[key] = value;
  }
  return request("POST", "/extensions", body);
}

export function update(number: string, fields: ExtensionFields): Promise<Extension> {
  return request("PATCH", `/extensions/${encodeURIComponent(number)}`, {
    number: fields.number.trim(),
    display_name: fields.display_name.trim(),
    auth_name: fields.auth_name.trim(),
    email: optional(fields.email),
    voicemail_pin: optional(fields.voicemail_pin),
    enabled: fields.enabled,
    outbound_caller_id: optional(fields.outbound_caller_id),
    call_limit: fields.call_limit,
    recording: fields.recording,
  });
}

export function remove(number: string): Promise<void> {
  return request("DELETE", `/extensions/${encodeURIComponent(number)}`);
}

export function regenerateSecret(number: string): Promise<Extension> {
  return request("POST", `/extensions/${encodeURIComponent(number)}/secret`);
}
