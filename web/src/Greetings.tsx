// A mailbox's greetings, what callers hear before leaving a message: each
// is a WAV file someone recorded or uploaded, or else the default one.
// The temporary greeting, while recorded, plays instead of the others.

import { useState } from "preact/hooks";
import * as voicemail from "./voicemail";
import type { Greeting, Mailbox } from "./voicemail";

const KINDS: { kind: Greeting; label: string; plays: string }[] = [
  { kind: "unavailable", label: "Unavailable", plays: "when nobody answers" },
  { kind: "busy", label: "Busy", plays: "when the line is busy" },
  { kind: "temporary", label: "Temporary", plays: "instead of the others, while recorded" },
];

interface Props {
  mailbox: Mailbox;
  onChanged: () => void;
}

export function Greetings({ mailbox, onChanged }: Props) {
  const [error, setError] = useState("");
  // Counts changes, so the player of a replaced greeting loads the new file.
  const [changes, setChanges] = useState(0);

  const change = async (action: () => Promise<void>) => {
    try {
      await action();
      setError("");
      setChanges(changes + 1);
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const upload = (kind: Greeting, input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = "";
    if (file) change(() => voicemail.setGreeting(mailbox.number, kind, file));
  };

  return (
    <>
      <h2>Greetings</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="table-wrap">
        <table class="list greetings">
          <thead>
            <tr>
              <th>Greeting</th>
              <th>Plays</th>
              <th>Now</th>
              <th>Listen</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {KINDS.map(({ kind, label, plays }) => {
              const recorded = mailbox.greetings.includes(kind);
              return (
                <tr key={kind} data-greeting={kind}>
                  <td>{label}</td>
                  <td class="muted">{plays}</td>
                  <td>{recorded ? "recorded" : <span class="muted">default</span>}</td>
                  <td>
                    {recorded && (
                      <audio key={changes} controls preload="none" src={voicemail.greetingUrl(mailbox.number, kind)} />
                    )}
                  </td>
                  <td class="actions">
                    <input type="file" accept=".wav,audio/wav" aria-label={`Upload a WAV file as the ${kind} greeting`}
                      onChange={(e) => upload(kind, e.currentTarget)} />
                    {recorded && (
                      <button type="button" onClick={() => change(() => voicemail.resetGreeting(mailbox.number, kind))}>
                        Use default
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
