// The schedules page: every schedule, with its number, whether it is open,
// closed or a holiday now, and its override, which a manager or admin
// switches with one button (forced open, forced closed, or following the
// hours again); they also create, edit and delete schedules (see
// CallFlowPage).

import type { Session } from "./api";
import { CallFlowPage } from "./CallFlowPage";
import { describe } from "./destinations";
import * as schedules from "./schedules";
import type { Override } from "./schedules";
import { ScheduleForm } from "./ScheduleForm";

const OVERRIDES: { override: Override; label: string; shown: string }[] = [
  { override: "auto", label: "Follow hours", shown: "follows the hours" },
  { override: "open", label: "Force open", shown: "forced open" },
  { override: "closed", label: "Force closed", shown: "forced closed" },
];

export function SchedulesPage({ session }: { session: Session }) {
  return (
    <CallFlowPage session={session} title="Schedules" noun="schedule" store={schedules} form={ScheduleForm}
      kind="schedules" headings={["Time zone", "Now", "Override", "Open", "Closed"]} empty="No schedules yet."
      cells={(schedule, { mayChange, act }) => (
        <>
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
        </>
      )} />
  );
}
