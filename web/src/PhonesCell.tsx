// The phones registered to one extension: what they are, where they are
// reached, over which transport, and until when.

import type { Registration } from "./registrations";

const time = (unix: number) =>
  new Date(unix * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function PhonesCell({ phones }: { phones: Registration[] }) {
  if (phones.length === 0) return <span class="muted">not registered</span>;
  return (
    <ul class="phones">
      {phones.map((p) => (
        <li key={p.contact} class="phone" title={p.contact}>
          <span class="online" aria-hidden="true">●</span> {p.user_agent ?? "phone"}
          <span class="where">
            {p.source} {p.transport.toUpperCase()} · until {time(p.expires_at)}
          </span>
        </li>
      ))}
    </ul>
  );
}
