// The SIP trunks page (administrators): every trunk, with its host, how it
// connects, the calls it carries at once and how the server last saw it;
// created, edited and deleted like the call flows (see CallFlowPage).

import type { Session } from "./api";
import { CallFlowPage } from "./CallFlowPage";
import { dateTime } from "./format";
import * as trunks from "./trunks";
import { TrunkForm } from "./TrunkForm";

export function TrunksPage({ session }: { session: Session }) {
  return (
    <CallFlowPage session={session} title="SIP trunks" noun="trunk" store={trunks} form={TrunkForm} kind="trunks"
      headings={["Host", "Connects", "Calls at once", "Status"]} empty="No trunks yet."
      cells={(trunk) => {
        const { words, health } = trunks.statusOf(trunk);
        return (
          <>
            <td>{trunk.host} <span class="muted">{trunk.transport.toUpperCase()}</span></td>
            <td>{trunks.connects(trunk)}</td>
            <td>{trunk.channels ?? <span class="muted">no limit</span>}</td>
            <td class={`health ${health}`}
              title={trunk.status && `since ${dateTime(trunk.status.changed_at / 1000)}`}>{words}</td>
          </>
        );
      }} />
  );
}
