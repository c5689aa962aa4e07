// The phones registered to one extension: what they are, whether they
// answer, where they are reached, over which transport, how far away, and
// until when.

import type { Registration } from "./registrations";
import { time } from "./format";

export function PhonesCell({ phones }: { phones: Registration[] }) {
  if (phones.length === 0) return <span class="muted">not registered</span>;
  return (
    <ul class="phones">
      {phones.map((p) => (
        <li key={p.contact} class="phone" title={p.contact}>
          <span class={p.reachable ? "online" : "offline"} aria-hidden="true">●</span>{" "}
          {p.user_agent ?? "phone"}
          {!p.reachable && <span class="unreachable"> (not answering)</span>}
          <span class="where">
            {p.source} {p.transport.toUpperCase()}
            {p.rtt_ms !== null && ` · ${p.rtt_ms} ms`} · until {time(p.expires_at)}
          </span>
        </li>
      ))}
    </ul>
  );
}
