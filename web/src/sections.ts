// The console's sections, in navigation order. Those not yet built are
// listed, greyed, so an administrator sees where the console is going.

export interface Section {
  path: string;
  title: string;
  ready: boolean;
}

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
  { path: "/trunks", title: "SIP trunks", ready: false },
  { path: "/voicemail", title: "Voicemail", ready: true },
  { path: "/reports", title: "Reports", ready: false },
];
