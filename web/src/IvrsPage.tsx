// The IVRs page: every IVR, with its number, greeting, keys and fallback;
// a manager or admin creates, edits and deletes them. An IVR still named
// elsewhere is not deleted, and the server's message says who names it.

import { useCallback, useState } from "preact/hooks";
import type { Session } from "./api";
import { describe } from "./destinations";
import * as ivrs from "./ivrs";
import type { Ivr } from "./ivrs";
import { IvrForm } from "./IvrForm";
import { useLoaded } from "./live";

type Editing = { mode: "new" } | { mode: "edit"; ivr: Ivr } | null;

export function IvrsPage({ session }: { session: Session }) {
  const [list, setList] = useState<Ivr[] | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const mayChange = session.role !== "user";

  const load = useCallback(async () => {
    try {
      setList(await ivrs.list());
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useLoaded(load, ivrs.CHANGED);

  const remove = async (name: string) => {
    try {
      await ivrs.remove(name);
      setDeleting(null);
      load();
    } catch (e) {
      setDeleting(null);
      setError((e as Error).message);
    }
  };

  return (
    <section>
      <div class="page-head">
        <h1>IVRs</h1>
        {mayChange && (
          <button type="button" class="primary" onClick={() => setEditing({ mode: "new" })}>New IVR</button>
        )}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {editing && (
        <IvrForm
          key={editing.mode === "edit" ? editing.ivr.name : ""}
          ivr={editing.mode === "edit" ? editing.ivr : null}
          onDone={() => { setEditing(null); load(); }}
          onCancel={() => setEditing(null)}
        />
      )}
      {list && (
        <div class="table-wrap">
          <table class="list ivrs">
            <thead>
              <tr>
                <th>Name</th>
                <th>Number</th>
                <th>Display name</th>
                <th>Greeting</th>
                <th>Keys</th>
                <th>No key</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((ivr) => (
                <tr key={ivr.name} data-name={ivr.name}>
                  <td>{ivr.name}</td>
                  <td class="number">{ivr.number ?? ""}</td>
                  <td>{ivr.display_name ?? ""}</td>
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
                  <td class="actions">
                    {mayChange &&
                      (deleting === ivr.name ? (
                        <>
                          Delete {ivr.name}?{" "}
                          <button type="button" class="danger" onClick={() => remove(ivr.name)}>Delete</button>
                          <button type="button" onClick={() => setDeleting(null)}>Keep</button>
                        </>
                      ) : (
                        <>
                          <button type="button" onClick={() => setEditing({ mode: "edit", ivr })}>Edit</button>
                          <button type="button" onClick={() => setDeleting(ivr.name)}>Delete</button>
                        </>
                      ))}
                  </td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={7} class="empty">No IVRs yet.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
