// Creating or editing one ring group: its name and number, how it rings
// its members (added, removed, reordered, each with its own ring time),
// and where an unanswered call goes. The server validates; its message is
// shown beside the field it names.

import { DestinationField } from "./DestinationField";
import { FlowEditor } from "./FlowEditor";
import { useFlowForm, type EditorProps, type Own } from "./flowForm";
import { moved, replaced, without } from "./lists";
import { NameFields, optional, optionalNumber } from "./NameFields";
import * as ringGroups from "./ringGroups";
import type { Member, RingGroup, Strategy } from "./ringGroups";

/** The caller-ID prefix as typed: empty for none. */
type Fields = Omit<Own<RingGroup>, "caller_id_prefix"> & { caller_id_prefix: string };

function fieldsOf(group: RingGroup | null): Fields {
  return {
    strategy: group?.strategy ?? "ring_all",
    members: group?.members ?? [],
    ring_time: group?.ring_time ?? 20,
    no_answer: group?.no_answer ?? "hangup",
    caller_id_prefix: group?.caller_id_prefix ?? "",
  };
}

export function RingGroupForm(props: EditorProps<RingGroup>) {
  const form = useFlowForm(ringGroups, props, fieldsOf);
  const { fields, set, errors } = form;

  const setMember = (index: number, member: Member) => set("members", replaced(fields.members, index, member));

  const submit = () =>
    form.save({
      ...fields,
      members: fields.members.map((m) => ({ ...m, extension: m.extension.trim() })),
      caller_id_prefix: optional(fields.caller_id_prefix),
    });

  return (
    <FlowEditor noun="ring group" form={form} onSubmit={submit}>
      <div class="grid">
        <NameFields form={form} />
        <div class="field">
          <label for="field-strategy">Strategy</label>
          <select id="field-strategy" name="strategy" value={fields.strategy} {...errors.invalid("strategy")}
            onChange={(e) => set("strategy", e.currentTarget.value as Strategy)}>
            {ringGroups.STRATEGIES.map(({ strategy, label }) => (
              <option key={strategy} value={strategy}>{label}</option>
            ))}
          </select>
          {errors.message("strategy")}
        </div>
        <div class="field">
          <label for="field-ring_time">Ring time (seconds)</label>
          <input id="field-ring_time" name="ring_time" type="number" min={5} max={300} value={fields.ring_time}
            {...errors.invalid("ring_time")} onInput={(e) => set("ring_time", Number(e.currentTarget.value))} />
          {errors.message("ring_time")}
        </div>
        <DestinationField id="field-no_answer" label="When nobody answers" value={fields.no_answer}
          onChange={(value) => set("no_answer", value ?? "hangup")} invalid={errors.invalid("no_answer")}>
          {errors.message("no_answer")}
        </DestinationField>
        <div class="field">
          <label for="field-caller_id_prefix">Caller-ID prefix</label>
          <input id="field-caller_id_prefix" name="caller_id_prefix" value={fields.caller_id_prefix}
            placeholder="none, if left empty" {...errors.invalid("caller_id_prefix")}
            onInput={(e) => set("caller_id_prefix", e.currentTarget.value)} />
          {errors.message("caller_id_prefix")}
        </div>
      </div>
      <fieldset class="rows members">
        <legend>Members</legend>
        {fields.members.map((member, i) => (
          <div class="row" key={i} data-row={i}>
            <span class="muted">{i + 1}.</span>
            <input name={`member-${i}`} aria-label={`Member ${i + 1}`} placeholder="extension number"
              list="targets-extension" value={member.extension} required {...errors.invalid("members")}
              onInput={(e) => setMember(i, { ...member, extension: e.currentTarget.value })} />
            <input name={`member-${i}-ring_time`} aria-label={`Member ${i + 1} ring time`} type="number"
              min={5} max={300} placeholder="group's ring time" value={member.ring_time ?? ""}
              onInput={(e) => setMember(i, { ...member, ring_time: optionalNumber(e.currentTarget.value) })} />
            <button type="button" class="small" aria-label={`Move member ${i + 1} up`} disabled={i === 0}
              onClick={() => set("members", moved(fields.members, i, -1))}>↑</button>
            <button type="button" class="small" aria-label={`Move member ${i + 1} down`}
              disabled={i === fields.members.length - 1}
              onClick={() => set("members", moved(fields.members, i, 1))}>↓</button>
            <button type="button" class="small" aria-label={`Remove member ${i + 1}`}
              onClick={() => set("members", without(fields.members, i))}>Remove</button>
          </div>
        ))}
        {fields.members.length === 0 && <p class="muted">No members yet.</p>}
        <button type="button" onClick={() => set("members", [...fields.members, { extension: "", ring_time: null }])}>
          Add member
        </button>
        {errors.message("members")}
      </fieldset>
    </FlowEditor>
  );
}
