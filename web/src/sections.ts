// The console's sections, in navigation order. Those not yet built are
// listed, greyed, so an administrator sees where the console is going.
// Sections of a group follow each other and are shown under its heading;
// a section only some roles may open is shown to them alone.

import type { Role } from "./api";

export interface Section {
  path: string;
  title: string;
  ready: boolean;
  group?: string;
  /** The least role that may open it; none: everyone. */
  least?: Role;
}

const NETWORK = "Phone network";

export const SECTIONS: Section[] = [
  { path: "/extensions", title: "Extensions", ready: true },
  { path: "/calls", title: "Live calls", ready: true },
  { path: "/recordings", title: "Recordings", ready: true },
  { path: "/numbers", title: "Numbers", ready: true },
  { path: "/ring-groups", title: "Ring groups", ready: true },
  { path: "/queues", title: "Call queues", ready: false },
  { path: "/ivrs", title: "IVRs", ready: true },
  { path: "/schedules", title: "Schedules", ready: true },
  { path: "/sounds", title: "Sounds", ready: true },
  { path: "/voicemail", title: "Voicemail", ready: true },
  { path: "/trunks", title: "SIP trunks", ready: true, group: NETWORK, least: "admin" },
  { path: "/dids", title: "DIDs", ready: true, group: NETWORK, least: "admin" },
  { path: "/outbound-rules", title: "Outbound rules", ready: true, group: NETWORK, least: "admin" },
  { path: "/capacity", title: "Capacity", ready: true, group: NETWORK, least: "manager" },
  { path: "/reports", title: "Reports", ready: false },
];

const RANK: Record<Role, number> = { user: 0, manager: 1, admin: 2 };

/** Whether someone with `role` sees the section (to open it, it must also be ready). */
export const shownTo = (section: Section, role: Role) => RANK[role] >= RANK[section.least ?? "user"];

/** The sections someone with `role` may open. */
export const openTo = (role: Role) => SECTIONS.filter((s) => s.ready && shownTo(s, role));
