// The ring groups page: every ring group, with its number, strategy,
// members and where unanswered calls go; a manager or admin creates, edits
// and deletes them (see CallFlowPage).

import type { Session } from "./api";
import { CallFlowPage } from "./CallFlowPage";
import { describe } from "./destinations";
import * as ringGroups from "./ringGroups";
import type { RingGroup } from "./ringGroups";
import { RingGroupForm } from "./RingGroupForm";

const strategy = (group: RingGroup) =>
  ringGroups.STRATEGIES.find((s) => s.strategy === group.strategy)?.label ?? group.strategy;

export function RingGroupsPage({ session }: { session: Session }) {
  return (
    <CallFlowPage session={session} title="Ring groups" noun="ring group" store={ringGroups} form={RingGroupForm}
      kind="ring-groups" headings={["Strategy", "Members", "No answer"]} empty="No ring groups yet."
      cells={(group) => (
        <>
          <td>{strategy(group)}</td>
          <td>{group.members.map((m) => m.extension).join(", ")}</td>
          <td>{describe(group.no_answer)}</td>
        </>
      )} />
  );
}
