// The numbers page: every number that can be called (extensions, ring
// groups, IVRs, schedules) and what it is; choosing one shows the chain of
// destinations a call to it follows, read again when anything changes.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { describe } from "./destinations";
import { FlowChain } from "./FlowChain";
import * as ivrs from "./ivrs";
import { useChanges } from "./live";
import * as numbers from "./numbers";
import type { FlowNode, PlanNumber } from "./numbers";
import * as ringGroups from "./ringGroups";
import * as schedules from "./schedules";

const FOLLOWED = new Set([ringGroups.CHANGED, ivrs.CHANGED, schedules.CHANGED]);

export function NumbersPage() {
  const [list, setList] = useState<PlanNumber[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [flow, setFlow] = useState<FlowNode | null>(null);
  const [error, setError] = useState("");

  // The number asked for last: an answer about another comes too late.
  const asked = useRef<string | null>(null);
  asked.current = chosen;

  const load = useCallback(async () => {
    try {
      const [plan, tree] = await Promise.all([numbers.list(), chosen ? numbers.flow(chosen) : null]);
      if (asked.current !== chosen) return;
      setList(plan);
      setFlow(tree);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, [chosen]);

  useEffect(() => {
    load();
  }, [load]);

  useChanges(
    useCallback(
      (change) => {
        if (change === "lagged" || FOLLOWED.has(change.type) || change.type.startsWith("extension.")) load();
      },
      [load],
    ),
  );

  const choose = (number: string) => {
    if (number === chosen) return;
    setFlow(null);
    setChosen(number);
  };

  return (
    <section>
      <div class="page-head">
        <h1>Numbers</h1>
        {list && <span class="count muted">{list.length} in use</span>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {chosen && flow && <FlowChain number={chosen} flow={flow} />}
      {list && (
        <div class="table-wrap">
          <table class="list numbers">
            <thead>
              <tr>
                <th>Number</th>
                <th>What it is</th>
                <th>Destination</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((n) => (
                <tr key={n.number} data-number={n.number} class={n.number === chosen ? "chosen" : undefined}>
                  <td class="number">{n.number}</td>
                  <td>{n.label}</td>
                  <td>{describe(n.destination)}</td>
                  <td class="actions">
                    <button type="button" aria-pressed={n.number === chosen} onClick={() => choose(n.number)}>
                      Show the flow
                    </button>
                  </td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={4} class="empty">No numbers yet.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
