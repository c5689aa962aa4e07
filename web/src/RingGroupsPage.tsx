// The ring groups page: every ring group, with its number, strategy,
// members and where unanswered calls go; a manager or admin creates,
// edits and deletes them. A group still named elsewhere is not deleted,
// and the server's message says who names it.

import { useCallback, useState } from "preact/hooks";
import type { Session } from "./api";
import { describe } from "./destinations";
import { useLoaded } from "./live";
import * as ringGroups from "./ringGroups";
import type { RingGroup } from "./ringGroups";
import { RingGroupForm } from "./RingGroupForm";

type Editing = { mode: "new" } | { mode: "edit"; group: RingGroup } | null;

export function RingGroupsPage({ session }: { session: Session }) {
  const [list, setList] = useState<RingGroup[] | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const mayChange = session.role !== "user";

  const load = useCallback(async () => {
    try {
      setList(await ringGroups.list());
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useLoaded(load, ringGroups.CHANGED);

  const remove = async (name: string) => {
    try {
      await ringGroups.remove(name);
      setDeleting(null);
      load();
    } catch (e) {
      setDeleting(null);
      setError((e as Error).message);
    }
  };

  const strategy = (group: RingGroup) =>
    ringGroups.STRATEGIES.find((s) => s.strategy === group.strategy)?.label ?? group.strategy;

  return (
    <section>
      <div class="page-head">
        <h1>Ring groups</h1>
        {mayChange && (
          <button type="button" class="primary" onClick={() => setEditing({ mode: "new" })}>New ring group</button>
        )}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {editing && (
        <RingGroupForm
          key={editing.mode === "edit" ? editing.group.name : ""}
          group={editing.mode === "edit" ? editing.group : null}
          onDone={() => { setEditing(null); load(); }}
          onCancel={() => setEditing(null)}
        />
      )}
      {list && (
        <div class="table-wrap">
          <table class="list ring-groups">
            <thead>
              <tr>
                <th>Name</th>
                <th>Number</th>
                <th>Display name</th>
                <th>Strategy</th>
                <th>Members</th>
                <th>No answer</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((group) => (
                <tr key={group.name} data-name={group.name}>
                  <td>{group.name}</td>
                  <td class="number">{group.number ?? ""}</td>
                  <td>{group.display_name ?? ""}</td>
                  <td>{strategy(group)}</td>
                  <td>{group.members.map((m) => m.extension).join(", ")}</td>
                  <td>{describe(group.no_answer)}</td>
                  <td class="actions">
                    {mayChange &&
                      (deleting === group.name ? (
                        <>
                          Delete {group.name}?{" "}
                          <button type="button" class="danger" onClick={() => remove(group.name)}>Delete</button>
                          <button type="button" onClick={() => setDeleting(null)}>Keep</button>
                        </>
                      ) : (
                        <>
                          <button type="button" onClick={() => setEditing({ mode: "edit", group })}>Edit</button>
                          <button type="button" onClick={() => setDeleting(group.name)}>Delete</button>
                        </>
                      ))}
                  </td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={7} class="empty">No ring groups yet.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
