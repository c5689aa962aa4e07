// Voicemail as /api/v1/mailboxes and /api/v1/voicemail serve it: a box
// with its counts and recorded greetings, the messages callers left in it,
// and the greetings they hear first.

import { request } from "./api";
import type { VoicemailEmail } from "./extensions";

export type Folder = "inbox" | "saved";

/** Which greeting plays: when nobody answers, when the line is busy, or
 * (while one is recorded) the temporary one instead of either. */
export type Greeting = "unavailable" | "busy" | "temporary";

export interface Mailbox {
  number: string;
  display_name: string;
  email: string | null;
  voicemail_email: VoicemailEmail;
  /** Messages not heard, and heard. */
  new: number;
  old: number;
  /** The greetings recorded; the others are the default ones. */
  greetings: Greeting[];
}

export interface Message {
  id: string;
  mailbox: string;
  caller: string;
  caller_name: string | null;
  /** Unix seconds. */
  received_at: number;
  duration_ms: number;
  folder: Folder;
  heard: boolean;
}

export interface MessageChange {
  heard?: boolean;
  folder?: Folder;
}

const box = (number: string) => `/mailboxes/${encodeURIComponent(number)}`;
const message = (id: string) => `/voicemail/${encodeURIComponent(id)}`;
const greeting = (number: string, kind: Greeting) => `${box(number)}/greetings/${kind}`;

export function mailbox(number: string): Promise<Mailbox> {
  return request("GET", box(number));
}

/** A box's messages, oldest first. */
export function messages(number: string): Promise<Message[]> {
  return request("GET", `${box(number)}/messages`);
}

/** Where the browser plays a message's WAV file. */
export function audioUrl(id: string): string {
  return `/api/v1${message(id)}/audio`;
}

export function update(id: string, change: MessageChange): Promise<Message> {
  return request("PATCH", message(id), change);
}

export function remove(id: string): Promise<void> {
  return request("DELETE", message(id));
}

/** Where the browser plays a recorded greeting. */
export function greetingUrl(number: string, kind: Greeting): string {
  return `/api/v1${greeting(number, kind)}`;
}

/** Callers hear `wav` (the file as it is) from now on. */
export function setGreeting(number: string, kind: Greeting, wav: Blob): Promise<void> {
  return request("PUT", greeting(number, kind), wav);
}

/** The default greeting plays again. */
export function resetGreeting(number: string, kind: Greeting): Promise<void> {
  return request("DELETE", greeting(number, kind));
}
