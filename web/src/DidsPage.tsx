// The DIDs page (administrators): every DID, with the public numbers it
// lists and where their calls go; created, edited and deleted like the
// call flows (see CallFlowPage).

import type { Session } from "./api";
import { CallFlowPage } from "./CallFlowPage";
import { describe } from "./destinations";
import * as dids from "./dids";
import { DidForm } from "./DidForm";

export function DidsPage({ session }: { session: Session }) {
  return (
    <CallFlowPage session={session} title="DIDs" noun="DID" store={dids} form={DidForm} kind="dids"
      headings={["Numbers", "Goes to"]} empty="No DIDs yet." cells={(did) => (
        <>
          <td class="number">{did.numbers.join(", ")}</td>
          <td>→ {describe(did.destination)}</td>
        </>
      )} />
  );
}
