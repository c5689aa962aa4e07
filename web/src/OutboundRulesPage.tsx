// The outbound rules page (administrators): every rule in the order they
// are tried (emergency first, then by priority), with its patterns, how
// the number is rewritten, who may use it, the trunks it tries in order
// and its marks; created, edited and deleted like the call flows (see
// CallFlowPage).

import type { Session } from "./api";
import { CallFlowPage } from "./CallFlowPage";
import * as outboundRules from "./outboundRules";
import type { OutboundRule } from "./outboundRules";
import { OutboundRuleForm } from "./OutboundRuleForm";

/** How the dialled number is rewritten: "strip 1, prepend +49", "as dialled". */
function rewrite(rule: OutboundRule): string {
  const steps = [rule.strip > 0 && `strip ${rule.strip}`, rule.prepend && `prepend ${rule.prepend}`];
  return steps.filter(Boolean).join(", ") || "as dialled";
}

export function OutboundRulesPage({ session }: { session: Session }) {
  return (
    <CallFlowPage session={session} title="Outbound rules" noun="outbound rule" store={outboundRules}
      form={OutboundRuleForm} kind="outbound-rules"
      headings={["Priority", "Patterns", "Sent as", "Who", "Trunks", "Marks"]} empty="No outbound rules yet."
      cells={(rule) => (
        <>
          <td class="number">{rule.priority}</td>
          <td><code>{rule.patterns.join(", ")}</code></td>
          <td>{rewrite(rule)}</td>
          <td>{rule.allowed.length > 0 ? rule.allowed.join(", ") : <span class="muted">everyone</span>}</td>
          <td class="trunks">{rule.trunks.join(" → ")}</td>
          <td>
            {rule.emergency && <span class="mark emergency">emergency</span>}
            {rule.international && <span class="mark international">international</span>}
          </td>
        </>
      )} />
  );
}
