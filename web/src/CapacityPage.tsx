// The capacity page (managers and administrators): the plan of external
// calls at once, whether it fits (the server's hint, foremost), the peak
// and the refusals of the last 30 days, and the record by day and by hour
// of the last 24, read again as calls come and go.

import { useCallback, useState } from "preact/hooks";
import * as capacity from "./capacity";
import type { CapacityReport, Counts } from "./capacity";
import { hourOf } from "./format";
import { useLoaded } from "./live";
import { PageFrame } from "./PageFrame";

const calls = (n: number) => (n === 1 ? "1 call" : `${n} calls`);

/** The plan in words: "8 external calls at once", "unlimited". */
const plan = (limit: number | null) => (limit === null ? "unlimited" : `${limit} external calls at once`);

function CountsTable({ kind, when, rows, empty }: {
  kind: string;
  when: string;
  rows: (Counts & { when: string })[];
  empty: string;
}) {
  return (
    <div class="table-wrap">
      <table class={`list ${kind}`}>
        <thead>
          <tr>
            <th>{when}</th>
            <th>Most at once</th>
            <th>Refused inbound</th>
            <th>Refused outbound</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.when} data-when={row.when}>
              <td>{row.when}</td>
              <td class="number">{row.peak}</td>
              <td class="number">{row.refused_inbound}</td>
              <td class="number">{row.refused_outbound}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} class="empty">{empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function CapacityPage() {
  const [report, setReport] = useState<CapacityReport | null>(null);
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setReport(await capacity.report());
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useLoaded(load, capacity.CHANGED);

  return (
    <PageFrame title="Capacity" error={error}>
      {report && (
        <div class="capacity">
          <p class="hint card" role="status">{report.hint}</p>
          <dl class="summary">
            <dt>Plan</dt>
            <dd class="plan">{plan(report.capacity)}</dd>
            <dt>Peak in 30 days</dt>
            <dd class="peak">{calls(report.peak)} at once</dd>
            <dt>Refused at the limit in 30 days</dt>
            <dd class="refused">{calls(report.refused)}</dd>
          </dl>
          <h2>Last 30 days</h2>
          <CountsTable kind="capacity-days" when="Day" empty="No external calls in the last 30 days."
            rows={report.days.map((d) => ({ ...d, when: d.day }))} />
          <h2>Last 24 hours</h2>
          <CountsTable kind="capacity-hours" when="Hour" empty="No external calls in the last 24 hours."
            rows={report.hours.map((h) => ({ ...h, when: hourOf(h.hour) }))} />
        </div>
      )}
    </PageFrame>
  );
}
