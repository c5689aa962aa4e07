// The live calls page: every call in progress, ringing or answered, with
// how long it has lasted, kept current as calls start, are answered and
// end; an administrator may hang one up. Below, the latest call records,
// so a call just ended shows how and by whom.

import { useCallback, useEffect, useState } from "preact/hooks";
import type { Session } from "./api";
import * as calls from "./calls";
import type { CallRecord, LiveCall } from "./calls";
import { useLoaded } from "./live";
import { clock, time } from "./format";

const RECENT = 20;

/** Unix seconds now, ticking every second while the page is shown. */
function useNow(): number {
  const [now, setNow] = useState(Date.now() / 1000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function CallsPage({ session }: { session: Session }) {
  const [live, setLive] = useState<LiveCall[] | null>(null);
  const [recent, setRecent] = useState<CallRecord[]>([]);
  const [error, setError] = useState("");
  const [ending, setEnding] = useState<string | null>(null);
  const [asked, setAsked] = useState<Set<string>>(new Set());
  const now = useNow();

  const load = useCallback(async () => {
    try {
      const [inProgress, ended] = await Promise.all([calls.live(), calls.recent(RECENT)]);
      setLive(inProgress);
      setRecent(ended);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useLoaded(load, "calls.changed");

  const hangUp = async (id: string) => {
    try {
      await calls.hangUp(id);
      setEnding(null);
      setAsked(new Set(asked).add(id));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>Live calls</h1>
        {live && <span class="count muted">{live.length} in progress</span>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {live && (
        <div class="table-wrap">
          <table class="list calls">
            <thead>
              <tr>
                <th>From</th>
                <th>To</th>
                <th>State</th>
                <th>Started</th>
                <th>Duration</th>
                <th>Codec</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {live.map((call) => (
                <tr key={call.id} data-call={call.id}>
                  <td class="number">{call.caller}</td>
                  <td class="number">{call.callee}</td>
                  <td class={`state ${call.state}`}>{call.state}</td>
                  <td>{time(call.started_at)}</td>
                  <td class="clock">{clock(now - (call.answered_at ?? call.started_at))}</td>
                  <td>{call.codec ?? ""}</td>
                  <td class="actions">
                    {asked.has(call.id) ? (
                      <span class="muted">ending…</span>
                    ) : ending === call.id ? (
                      <>
                        End this call?{" "}
                        <button type="button" class="danger" onClick={() => hangUp(call.id)}>End call</button>
                        <button type="button" onClick={() => setEnding(null)}>Keep</button>
                      </>
                    ) : (
                      <button type="button" onClick={() => setEnding(call.id)}>Hang up</button>
                    )}
                  </td>
                </tr>
              ))}
              {live.length === 0 && (
                <tr>
                  <td colSpan={7} class="empty">No calls in progress.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <h2>Recent calls</h2>
      <div class="table-wrap">
        <table class="list records">
          <thead>
            <tr>
              <th>From</th>
              <th>To</th>
              <th>Started</th>
              <th>Talked</th>
              <th>Result</th>
              <th>Ended by</th>
              <th>Codec</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((record) => (
              <tr key={record.id} data-record={record.id}>
                <td class="number">{record.caller}</td>
                <td class="number">{record.callee}</td>
                <td>{time(record.started_at)}</td>
                <td class="clock">{clock(record.billable)}</td>
                <td>{record.disposition}</td>
                <td>{record.hangup_side === "system" ? record.hangup_cause : `${record.hangup_side} (${record.hangup_cause})`}</td>
                <td>{record.codec ?? ""}</td>
              </tr>
            ))}
            {recent.length === 0 && (
              <tr>
                <td colSpan={7} class="empty">No calls yet{session.role === "user" ? " on your extension" : ""}.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
