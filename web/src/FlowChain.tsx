// Where a call to a number goes, as a readable chain: each destination on
// its own line, what it leads to indented below it after the condition
// ("when open", "key 1", "no answer"), and a destination met again on the
// same path marked as going back to the one above.

import type { FlowNode } from "./numbers";

function Branches({ node }: { node: FlowNode }) {
  const branches = node.branches ?? [];
  if (branches.length === 0) return null;
  return (
    <ul>
      {branches.map(({ when, node: next }, i) => (
        <li key={i} data-destination={next.destination}>
          <span class="when">{when}:</span>{" "}
          {next.again ? (
            <span class="again">(back to {next.label} above)</span>
          ) : (
            <span class="label">{next.label}</span>
          )}
          <Branches node={next} />
        </li>
      ))}
    </ul>
  );
}

export function FlowChain({ number, flow }: { number: string; flow: FlowNode }) {
  return (
    <div class="flow" aria-label={`Where a call to ${number} goes`}>
      <p class="root" data-destination={flow.destination}>
        <span class="number">{number}</span> → <span class="label">{flow.label}</span>
      </p>
      <Branches node={flow} />
    </div>
  );
}
