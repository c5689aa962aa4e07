// SIP trunks as /api/v1/trunks serves them (administrators only): the
// providers that carry calls to and from the phone network, how we reach
// and trust them, and how the running server last saw them.

import { collection } from "./collection";

export type Transport = "udp" | "tcp";

/** Where an inbound call's number is read: the Request-URI or To. */
export type CalledNumber = "request_uri" | "to";

export interface TrunkStatus {
  registration: "registered" | "registering" | "failed" | "not_registering";
  /** Whether it answers OPTIONS; null: not asked yet. */
  reachable: boolean | null;
  /** What went wrong last, in words. */
  detail: string | null;
  /** Unix milliseconds of the last change. */
  changed_at: number;
}

export interface Trunk {
  name: string;
  display_name: string | null;
  /** `sip.example.net`, `192.0.2.10:5060`. */
  host: string;
  transport: Transport;
  username: string | null;
  auth_username: string | null;
  password: string | null;
  register: boolean;
  /** Seconds a registration asks for: 60 to 3600. */
  register_expires: number;
  /** IPs, networks or IP:port calls from it come from. */
  allowed_addresses: string[];
  /** Calls it carries at once; null: no limit of its own. */
  channels: number | null;
  /** PCMU, PCMA, G722, preferred first; none: the server's. */
  codecs: string[];
  send_pai: boolean;
  send_rpid: boolean;
  called_number: CalledNumber;
  main_number: string | null;
  caller_name_url: string | null;
  /** Where calls to a number no DID lists go. */
  unknown_did: string;
  qualify: boolean;
  enabled: boolean;
  /** Read only, absent until the server has seen it. */
  status?: TrunkStatus;
  created_at: number;
  updated_at: number;
}

/** The change events the list follows: the trunks changed, or what the
 * server saw of one (its registration, whether it answers). */
export const CHANGED = ["flows.changed", "trunks.status"];

/** Trunks have no internal number. */
export const NUMBERED = false;

export const { list, create, update, remove } = collection<Trunk>("/trunks");

/** How it connects: registering with the provider, or trusting its addresses. */
export const connects = (trunk: Trunk) => (trunk.register ? "registers" : "trusts its addresses");

/** Its status in words ("registered", "failed: 403 Forbidden", "not
 * answering"), and whether that is good (up), bad (down) or neither. */
export function statusOf(trunk: Trunk): { words: string; health: "up" | "down" | "unknown" } {
  const status = trunk.status;
  const unknown = (words: string) => ({ words, health: "unknown" as const });
  if (!trunk.enabled) return unknown("disabled");
  if (!status) return unknown("not seen yet");
  const because = status.detail ? `: ${status.detail}` : "";
  if (status.registration === "failed") return { words: `failed${because}`, health: "down" };
  if (status.reachable === false) return { words: `not answering${because}`, health: "down" };
  if (status.registration === "registered") return { words: "registered", health: "up" };
  if (status.registration === "registering") return unknown("registering");
  if (status.reachable) return { words: "answering", health: "up" };
  return unknown(trunk.qualify ? "not asked yet" : "not checked");
}
