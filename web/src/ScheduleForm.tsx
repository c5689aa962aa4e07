// Creating or editing one schedule: its name and number, its time zone,
// opening hours and holidays, an override (and the extensions that may set
// it by star code), and where calls go when it is open, closed or a
// holiday. The server validates; its message is shown
// beside the field it names.

import { DestinationField } from "./DestinationField";
import { FlowEditor } from "./FlowEditor";
import { useFlowForm, type EditorProps, type Own } from "./flowForm";
import { replaced, without } from "./lists";
import { NameFields } from "./NameFields";
import * as schedules from "./schedules";
import type { Holiday, Hours, Override, Schedule } from "./schedules";
import { LOCAL_ZONE, TIME_ZONES } from "./timeZones";

/** All but the state, which the server works out. */
type Fields = Omit<Own<Schedule>, "state">;

function fieldsOf(schedule: Schedule | null): Fields {
  return {
    time_zone: schedule?.time_zone ?? LOCAL_ZONE,
    hours: schedule?.hours ?? [],
    holidays: schedule?.holidays ?? [],
    override: schedule?.override ?? "auto",
    override_by: schedule?.override_by ?? [],
    open: schedule?.open ?? "extension:",
    closed: schedule?.closed ?? "hangup",
    holiday: schedule?.holiday ?? null,
  };
}

const WORKDAYS: Hours = { days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" };

export function ScheduleForm(props: EditorProps<Schedule>) {
  const form = useFlowForm(schedules, props, fieldsOf);
  const { fields, set, errors } = form;

  const setHours = (index: number, hours: Hours) => set("hours", replaced(fields.hours, index, hours));
  const setHoliday = (index: number, holiday: Holiday) => set("holidays", replaced(fields.holidays, index, holiday));
  const toggle = (hours: Hours, day: schedules.Day, on: boolean) =>
    schedules.DAYS.map((d) => d.day).filter((d) => (d === day ? on : hours.days.includes(d)));

  const submit = () =>
    form.save({
      ...fields,
      time_zone: fields.time_zone.trim(),
      override_by: fields.override_by ?? [],
      holidays: fields.holidays.map((h) => ({ name: h.name.trim(), when: h.when.trim() })),
    });

  return (
    <FlowEditor noun="schedule" form={form} onSubmit={submit}>
      <datalist id="time-zones">
        {TIME_ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <div class="grid">
        <NameFields form={form} />
        <div class="field">
          <label for="field-time_zone">Time zone</label>
          <input id="field-time_zone" name="time_zone" list="time-zones" value={fields.time_zone} required
            placeholder="Europe/Berlin" {...errors.invalid("time_zone")}
            onInput={(e) => set("time_zone", e.currentTarget.value)} />
          {errors.message("time_zone")}
        </div>
        <div class="field">
          <label for="field-override">Override</label>
          <select id="field-override" name="override" value={fields.override} {...errors.invalid("override")}
            onChange={(e) => set("override", e.currentTarget.value as Override)}>
            <option value="auto">Follow the hours</option>
            <option value="open">Forced open</option>
            <option value="closed">Forced closed</option>
          </select>
          {errors.message("override")}
        </div>
        <div class="field">
          <label for="field-override_by">Star codes from</label>
          <input id="field-override_by" name="override_by" placeholder="1001, 1002"
            value={(fields.override_by ?? []).join(", ")} {...errors.invalid("override_by")}
            onInput={(e) => set("override_by", e.currentTarget.value.split(",").map((x) => x.trim()).filter(Boolean))} />
          {errors.message("override_by")}
        </div>
        <DestinationField id="field-open" label="When open" value={fields.open}
          onChange={(value) => set("open", value ?? "hangup")} invalid={errors.invalid("open")}>
          {errors.message("open")}
        </DestinationField>
        <DestinationField id="field-closed" label="When closed" value={fields.closed}
          onChange={(value) => set("closed", value ?? "hangup")} invalid={errors.invalid("closed")}>
          {errors.message("closed")}
        </DestinationField>
        <DestinationField id="field-holiday" label="On a holiday" value={fields.holiday} emptyLabel="As when closed"
          onChange={(value) => set("holiday", value)} invalid={errors.invalid("holiday")}>
          {errors.message("holiday")}
        </DestinationField>
      </div>
      <fieldset class="rows hours">
        <legend>Opening hours</legend>
        {fields.hours.map((hours, i) => (
          <div class="row" key={i} data-row={i}>
            <span class="days">
              {schedules.DAYS.map(({ day, label }) => (
                <label key={day} class="check">
                  <input type="checkbox" name={`hours-${i}-${day}`} checked={hours.days.includes(day)}
                    onChange={(e) => setHours(i, { ...hours, days: toggle(hours, day, e.currentTarget.checked) })} />
                  {label}
                </label>
              ))}
            </span>
            <input name={`hours-${i}-from`} aria-label="From" placeholder="09:00"
              value={hours.from} {...errors.invalid("hours")}
              onInput={(e) => setHours(i, { ...hours, from: e.currentTarget.value.trim() })} />
            <span>to</span>
            <input name={`hours-${i}-to`} aria-label="To" placeholder="17:00"
              value={hours.to} {...errors.invalid("hours")}
              onInput={(e) => setHours(i, { ...hours, to: e.currentTarget.value.trim() })} />
            <button type="button" class="small" onClick={() => set("hours", without(fields.hours, i))}>Remove</button>
          </div>
        ))}
        {fields.hours.length === 0 && <p class="muted">No opening hours: always closed unless forced open.</p>}
        <button type="button" onClick={() => set("hours", [...fields.hours, WORKDAYS])}>Add hours</button>
        {errors.message("hours")}
      </fieldset>
      <fieldset class="rows holidays">
        <legend>Holidays</legend>
        {fields.holidays.map((holiday, i) => (
          <div class="row" key={i} data-row={i}>
            <input name={`holiday-${i}-name`} aria-label="Holiday" placeholder="Christmas" value={holiday.name}
              {...errors.invalid("holidays")} onInput={(e) => setHoliday(i, { ...holiday, name: e.currentTarget.value })} />
            <input name={`holiday-${i}-when`} aria-label="When" placeholder="12-25, 2026-07-03 or A..B"
              value={holiday.when} {...errors.invalid("holidays")}
              onInput={(e) => setHoliday(i, { ...holiday, when: e.currentTarget.value })} />
            <button type="button" class="small" onClick={() => set("holidays", without(fields.holidays, i))}>
              Remove
            </button>
          </div>
        ))}
        {fields.holidays.length === 0 && <p class="muted">No holidays.</p>}
        <button type="button" onClick={() => set("holidays", [...fields.holidays, { name: "", when: "" }])}>
          Add holiday
        </button>
        {errors.message("holidays")}
      </fieldset>
    </FlowEditor>
  );
}
