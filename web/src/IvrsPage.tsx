// The IVRs page: every IVR, with its number, greeting, keys and fallback;
// a manager or admin creates, edits and deletes them (see CallFlowPage).

import type { Session } from "./api";
import { CallFlowPage } from "./CallFlowPage";
import { describe } from "./destinations";
import * as ivrs from "./ivrs";
import { IvrForm } from "./IvrForm";

export function IvrsPage({ session }: { session: Session }) {
  return (
    <CallFlowPage session={session} title="IVRs" noun="IVR" store={ivrs} form={IvrForm} kind="ivrs"
      headings={["Greeting", "Keys", "No key"]} empty="No IVRs yet." cells={(ivr) => (
        <>
          <td>{ivr.greeting}</td>
          <td>
            <ul class="keys">
              {Object.entries(ivr.options).map(([key, destination]) => (
                <li key={key}>{key} → {describe(destination)}</li>
              ))}
              {ivr.dial_extension && <li class="muted">or an extension ({ivr.extension_length} digits)</li>}
            </ul>
          </td>
          <td>{describe(ivr.fallback)}</td>
        </>
      )} />
  );
}
