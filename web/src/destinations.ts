// Destinations, where a call goes next, as an administrator writes them:
// `kind:target` (`ivr:main`, `voicemail:1001`) or `hangup`.

export type Kind =
  | "extension"
  | "ring_group"
  | "ivr"
  | "schedule"
  | "voicemail"
  | "announcement"
  | "external"
  | "hangup";

export const KINDS: { kind: Kind; label: string; target?: string }[] = [
  { kind: "extension", label: "Extension", target: "extension number" },
  { kind: "ring_group", label: "Ring group", target: "ring group name" },
  { kind: "ivr", label: "IVR", target: "IVR name" },
  { kind: "schedule", label: "Schedule", target: "schedule name" },
  { kind: "voicemail", label: "Voicemail", target: "mailbox number" },
  { kind: "announcement", label: "Announcement", target: "sound name" },
  { kind: "external", label: "External number", target: "phone number" },
  { kind: "hangup", label: "Hang up" },
];

export function parse(destination: string): { kind: Kind; target: string } {
  const [kind, ...rest] = destination.split(":");
  return { kind: kind as Kind, target: rest.join(":") };
}

export function format(kind: Kind, target: string): string {
  return kind === "hangup" ? kind : `${kind}:${target}`;
}

/** A destination in words, for lists: "Voicemail 1001", "Hang up". */
export function describe(destination: string | null): string {
  if (destination === null) return "";
  const { kind, target } = parse(destination);
  const label = KINDS.find((k) => k.kind === kind)?.label ?? kind;
  return target ? `${label} ${target}` : label;
}
