// The recordings page: every call recording, newest first, each playable
// in the browser (the caller on the left channel, the callee on the
// right), downloadable as WAV, and deletable by a manager or admin. A new
// recording appears as its call ends.

import { useCallback, useState } from "preact/hooks";
import type { Session } from "./api";
import * as recordings from "./recordings";
import type { Recording } from "./recordings";
import { useLoaded } from "./live";
import { clock, dateTime } from "./format";

export function RecordingsPage({ session }: { session: Session }) {
  const [list, setList] = useState<Recording[] | null>(null);
  const [error, setError] = useState("");
  const [deleting, setDeleting] = useState<string | null>(null);
  const mayDelete = session.role !== "user";

  const load = useCallback(async () => {
    try {
      setList(await recordings.list());
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useLoaded(load, "recordings.changed");

  const remove = async (id: string) => {
    try {
      await recordings.remove(id);
      setDeleting(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>Recordings</h1>
        {list && <span class="count muted">{list.length} kept</span>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {list && (
        <div class="table-wrap">
          <table class="list recordings">
            <thead>
              <tr>
                <th>Started</th>
                <th>From</th>
                <th>To</th>
                <th>Length</th>
                <th>Listen</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.id} data-recording={r.id}>
                  <td>{dateTime(r.started_at)}</td>
                  <td class="number">{r.caller}</td>
                  <td class="number">{r.callee}</td>
                  <td class="clock">{clock(r.duration_ms / 1000)}</td>
                  <td>
                    <audio controls preload="none" src={recordings.audioUrl(r.id)} />
                  </td>
                  <td class="actions">
                    <a href={recordings.audioUrl(r.id)} download={`recording-${r.id}.wav`}>Download</a>{" "}
                    {mayDelete &&
                      (deleting === r.id ? (
                        <>
                          Delete it?{" "}
                          <button type="button" class="danger" onClick={() => remove(r.id)}>Delete</button>
                          <button type="button" onClick={() => setDeleting(null)}>Keep</button>
                        </>
                      ) : (
                        <button type="button" onClick={() => setDeleting(r.id)}>Delete</button>
                      ))}
                  </td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={6} class="empty">No recordings.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
