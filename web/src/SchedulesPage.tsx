// The schedules page: every schedule, with its number, whether it is open,
// closed or a holiday now, and its override, which a manager or admin
// switches with one button (forced open, forced closed, or following the
// hours again); they also create, edit and delete schedules.

import { useCallback, useState } from "preact/hooks";
import type { Session } from "./api";
import { describe } from "./destinations";
import { useLoaded } from "./live";
import * as schedules from "./schedules";
import type { Override, Schedule } from "./schedules";
import { ScheduleForm } from "./ScheduleForm";

type Editing = { mode: "new" } | { mode: "edit"; schedule: Schedule } | null;

const OVERRIDES: { override: Override; label: string; shown: string }[] = [
  { override: "auto", label: "Follow hours", shown: "follows the hours" },
  { override: "open", label: "Force open", shown: "forced open" },
  { override: "closed", label: "Force closed", shown: "forced closed" },
];

export function SchedulesPage({ session }: { session: Session }) {
  const [list, setList] = useState<Schedule[] | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const mayChange = session.role !== "user";

  const load = useCallback(async () => {
    try {
      setList(await schedules.list());
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useLoaded(load, schedules.CHANGED);

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
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
        <h1>Schedules</h1>
        {mayChange && (
          <button type="button" class="primary" onClick={() => setEditing({ mode: "new" })}>New schedule</button>
        )}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {editing && (
        <ScheduleForm
          key={editing.mode === "edit" ? editing.schedule.name : ""}
          schedule={editing.mode === "edit" ? editing.schedule : null}
          onDone={() => { setEditing(null); load(); }}
          onCancel={() => setEditing(null)}
        />
      )}
      {list && (
        <div class="table-wrap">
          <table class="list schedules">
            <thead>
              <tr>
                <th>Name</th>
                <th>Number</th>
                <th>Display name</th>
                <th>Time zone</th>
                <th>Now</th>
                <th>Override</th>
                <th>Open</th>
                <th>Closed</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((schedule) => (
                <tr key={schedule.name} data-name={schedule.name}>
                  <td>{schedule.name}</td>
                  <td class="number">{schedule.number ?? ""}</td>
                  <td>{schedule.display_name ?? ""}</td>
                  <td>{schedule.time_zone}</td>
                  <td class={`state ${schedule.state}`}>{schedule.state}</td>
                  <td class="override">
                    <span>{OVERRIDES.find((o) => o.override === schedule.override)?.shown}</span>
                    {mayChange && (
                      <span class="switch">
                        {OVERRIDES.map(({ override, label }) => (
                          <button key={override} type="button" class="small" aria-pressed={schedule.override === override}
                            onClick={() => act(() => schedules.setOverride(schedule.name, override))}>
                            {label}
                          </button>
                        ))}
                      </span>
                    )}
                  </td>
                  <td>{describe(schedule.open)}</td>
                  <td>{describe(schedule.closed)}</td>
                  <td class="actions">
                    {mayChange &&
                      (deleting === schedule.name ? (
                        <>
                          Delete {schedule.name}?{" "}
                          <button type="button" class="danger" onClick={() => act(() => schedules.remove(schedule.name))}>
                            Delete
                          </button>
                          <button type="button" onClick={() => setDeleting(null)}>Keep</button>
                        </>
                      ) : (
                        <>
                          <button type="button" onClick={() => setEditing({ mode: "edit", schedule })}>Edit</button>
                          <button type="button" onClick={() => setDeleting(schedule.name)}>Delete</button>
                        </>
                      ))}
                  </td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={9} class="empty">No schedules yet.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
