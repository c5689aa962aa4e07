// The voicemail page: one mailbox's messages, oldest first, each playable
// in the browser (playing a new one marks it heard), marked heard or new,
// saved, or deleted; and below, the box's greetings. A manager or admin
// opens any extension's box; a user sees only their own. A message left
// or changed anywhere (a phone's voicemail menu, say) shows at once.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Session } from "./api";
import * as extensions from "./extensions";
import * as voicemail from "./voicemail";
import type { Mailbox, Message, MessageChange } from "./voicemail";
import { useChanges } from "./live";
import { clock, dateTime } from "./format";
import { Greetings } from "./Greetings";

export function VoicemailPage({ session }: { session: Session }) {
  // The box shown; "" when there is no extension, so no box either.
  const [number, setNumber] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const [box, setBox] = useState<Mailbox | null>(null);
  const [list, setList] = useState<Message[] | null>(null);
  const [error, setError] = useState("");
  const [deleting, setDeleting] = useState<string | null>(null);
  const mayPick = session.role !== "user";

  // First the first extension (for a user, the only one they see, their
  // own), unless a box was opened meanwhile.
  useEffect(() => {
    extensions.list("", 0).then(
      (page) => {
        const first = page.items[0]?.number ?? "";
        setNumber((n) => n ?? first);
        setTyped((t) => (t === "" ? first : t));
      },
      (e) => setError((e as Error).message),
    );
  }, []);

  // The box asked for last: an answer about another comes too late.
  const asked = useRef<string | null>(null);
  asked.current = number;
  const load = useCallback(async () => {
    if (!number) return;
    try {
      const [shown, messages] = await Promise.all([voicemail.mailbox(number), voicemail.messages(number)]);
      if (asked.current !== number) return;
      setBox(shown);
      setList(messages);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [number]);

  useEffect(() => {
    load();
  }, [load]);

  useChanges(
    useCallback(
      (change) => {
        if (change === "lagged" || (change.type === "voicemail.changed" && change.mailbox === number)) load();
      },
      [load, number],
    ),
  );

  const open = (event: Event) => {
    event.preventDefault();
    const wanted = typed.trim();
    if (wanted === number) return load();
    setBox(null);
    setList(null);
    setDeleting(null);
    setNumber(wanted);
  };

  const update = async (message: Message, change: MessageChange) => {
    try {
      await voicemail.update(message.id, change);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const remove = async (id: string) => {
    try {
      await voicemail.remove(id);
      setDeleting(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>Voicemail</h1>
        {mayPick && (
          <form class="mailbox-pick" onSubmit={open}>
            <label for="mailbox">Mailbox</label>
            <input id="mailbox" name="mailbox" inputMode="numeric" pattern="[0-9]{2,10}" required
              value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
            <button type="submit">Open</button>
          </form>
        )}
        {box && (
          <span class="count muted">
            {box.display_name} ({box.number}): {box.new} new, {box.old} heard
          </span>
        )}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {number === "" && <p class="muted">No extensions yet, so no mailboxes.</p>}
      {list && (
        <div class="table-wrap">
          <table class="list voicemail">
            <thead>
              <tr>
                <th>Received</th>
                <th>From</th>
                <th>Length</th>
                <th>State</th>
                <th>Listen</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.id} data-message={m.id}>
                  <td>{dateTime(m.received_at)}</td>
                  <td>
                    {m.caller_name && <>{m.caller_name} </>}
                    <span class="number">{m.caller}</span>
                  </td>
                  <td class="clock">{clock(m.duration_ms / 1000)}</td>
                  <td class={`state ${m.heard ? "heard" : "new"}`}>
                    {m.heard ? "heard" : "new"}
                    {m.folder === "saved" && ", saved"}
                  </td>
                  <td>
                    <audio controls preload="none" src={voicemail.audioUrl(m.id)}
                      onPlay={() => !m.heard && update(m, { heard: true })} />
                  </td>
                  <td class="actions">
                    {deleting === m.id ? (
                      <>
                        Delete it?{" "}
                        <button type="button" class="danger" onClick={() => remove(m.id)}>Delete</button>
                        <button type="button" onClick={() => setDeleting(null)}>Keep</button>
                      </>
                    ) : (
                      <>
                        <button type="button" onClick={() => update(m, { heard: !m.heard })}>
                          {m.heard ? "Mark new" : "Mark heard"}
                        </button>
                        {m.folder === "inbox" && (
                          <button type="button" onClick={() => update(m, { folder: "saved", heard: true })}>Save</button>
                        )}
                        <button type="button" onClick={() => setDeleting(m.id)}>Delete</button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={6} class="empty">No messages.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {box && <Greetings mailbox={box} onChanged={load} />}
    </section>
  );
}
