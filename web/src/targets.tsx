// What a destination may name, read from the API for the forms that pick
// destinations: extensions, ring groups, IVRs, schedules and sounds,
// offered as suggestions (datalists) to the inputs that name one.

import { useEffect, useState } from "preact/hooks";
import * as extensions from "./extensions";
import * as ivrs from "./ivrs";
import * as ringGroups from "./ringGroups";
import * as schedules from "./schedules";
import * as sounds from "./sounds";
import type { Kind } from "./destinations";

export interface Targets {
  extension: string[];
  ring_group: string[];
  ivr: string[];
  schedule: string[];
  sound: string[];
}

const NONE: Targets = { extension: [], ring_group: [], ivr: [], schedule: [], sound: [] };

/** The id of the datalist suggesting targets of `kind`, if there is one. */
export function listId(kind: Kind): string | undefined {
  switch (kind) {
    case "extension":
    case "voicemail":
      return "targets-extension";
    case "ring_group":
    case "ivr":
    case "schedule":
      return `targets-${kind}`;
    case "announcement":
      return "targets-sound";
    default:
      return undefined;
  }
}

/** Everything a destination may name. A list that fails to load stays
 * empty: its targets can still be typed. */
export function useTargets(): Targets {
  const [targets, setTargets] = useState(NONE);
  useEffect(() => {
    const names = (load: () => Promise<{ name: string }[]>) => load().then((l) => l.map((o) => o.name), () => []);
    Promise.all([
      extensions.list("", 0).then((page) => page.items.map((e) => e.number), () => []),
      names(ringGroups.list),
      names(ivrs.list),
      names(schedules.list),
      names(sounds.list),
    ]).then(([extension, ring_group, ivr, schedule, sound]) =>
      setTargets({ extension, ring_group, ivr, schedule, sound }),
    );
  }, []);
  return targets;
}

export function TargetLists({ targets }: { targets: Targets }) {
  return (
    <>
      {(Object.keys(targets) as (keyof Targets)[]).map((kind) => (
        <datalist key={kind} id={`targets-${kind}`}>
          {targets[kind].map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      ))}
    </>
  );
}
