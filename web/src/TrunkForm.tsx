// Creating or editing one SIP trunk: its name, where the provider is and
// how SIP reaches it, the account it registers with (or the addresses it
// is trusted from), the calls it carries at once, its codecs, how the
// caller's identity is asserted, where the called number is read, the
// main number, the URL that names inbound callers, and where calls to
// unknown numbers go. The server validates; its message is shown beside
// the field it names.

import { DestinationField } from "./DestinationField";
import { FlowEditor } from "./FlowEditor";
import { useFlowForm, type EditorProps, type Own } from "./flowForm";
import { items } from "./lists";
import { NameFields, optional, optionalNumber } from "./NameFields";
import * as trunks from "./trunks";
import type { CalledNumber, Transport, Trunk } from "./trunks";

/** The fields typed as text: empty for none, lists separated by commas. */
type Typed =
  | "username"
  | "auth_username"
  | "password"
  | "main_number"
  | "caller_name_url"
  | "allowed_addresses"
  | "codecs";

type Fields = Omit<Own<Trunk>, "status" | Typed> & Record<Typed, string>;

function fieldsOf(trunk: Trunk | null): Fields {
  return {
    host: trunk?.host ?? "",
    transport: trunk?.transport ?? "udp",
    username: trunk?.username ?? "",
    auth_username: trunk?.auth_username ?? "",
    password: trunk?.password ?? "",
    register: trunk?.register ?? false,
    register_expires: trunk?.register_expires ?? 300,
    allowed_addresses: (trunk?.allowed_addresses ?? []).join(", "),
    channels: trunk?.channels ?? null,
    codecs: (trunk?.codecs ?? []).join(", "),
    send_pai: trunk?.send_pai ?? false,
    send_rpid: trunk?.send_rpid ?? false,
    called_number: trunk?.called_number ?? "request_uri",
    main_number: trunk?.main_number ?? "",
    caller_name_url: trunk?.caller_name_url ?? "",
    unknown_did: trunk?.unknown_did ?? "hangup",
    qualify: trunk?.qualify ?? true,
    enabled: trunk?.enabled ?? true,
  };
}

export function TrunkForm(props: EditorProps<Trunk>) {
  const form = useFlowForm(trunks, props, fieldsOf);
  const { fields, set, errors } = form;

  const submit = () =>
    form.save({
      ...fields,
      host: fields.host.trim(),
      username: optional(fields.username),
      auth_username: optional(fields.auth_username),
      password: fields.password === "" ? null : fields.password,
      allowed_addresses: items(fields.allowed_addresses),
      codecs: items(fields.codecs),
      main_number: optional(fields.main_number),
      caller_name_url: optional(fields.caller_name_url),
    });

  const text = (key: "host" | Exclude<Typed, "password">, label: string, hint: string) => (
    <div class="field">
      <label for={`field-${key}`}>{label}</label>
      <input id={`field-${key}`} name={key} value={fields[key]} placeholder={hint} required={key === "host"}
        {...errors.invalid(key)} onInput={(e) => set(key, e.currentTarget.value)} />
      {errors.message(key)}
    </div>
  );

  const check = (key: "register" | "qualify" | "send_pai" | "send_rpid" | "enabled", label: string) => (
    <div class="field check">
      <label class="check">
        <input name={key} type="checkbox" checked={fields[key]} {...errors.invalid(key)}
          onChange={(e) => set(key, e.currentTarget.checked)} />
        {label}
      </label>
      {errors.message(key)}
    </div>
  );

  return (
    <FlowEditor noun="trunk" form={form} onSubmit={submit}>
      <div class="grid">
        <NameFields form={form} />
        {text("host", "Host", "sip.example.net or 192.0.2.10:5060")}
        <div class="field">
          <label for="field-transport">Transport</label>
          <select id="field-transport" name="transport" value={fields.transport} {...errors.invalid("transport")}
            onChange={(e) => set("transport", e.currentTarget.value as Transport)}>
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
          </select>
          {errors.message("transport")}
        </div>
        {text("username", "Username", "none, if left empty")}
        {text("auth_username", "Auth username", "the username, if left empty")}
        <div class="field">
          <label for="field-password">Password</label>
          <input id="field-password" name="password" type="password" autocomplete="new-password"
            value={fields.password} placeholder="none, if left empty" {...errors.invalid("password")}
            onInput={(e) => set("password", e.currentTarget.value)} />
          {errors.message("password")}
        </div>
        {check("register", "Register with the provider")}
        <div class="field">
          <label for="field-register_expires">Registration lasts (seconds)</label>
          <input id="field-register_expires" name="register_expires" type="number" min={60} max={3600}
            value={fields.register_expires} disabled={!fields.register} {...errors.invalid("register_expires")}
            onInput={(e) => set("register_expires", Number(e.currentTarget.value))} />
          {errors.message("register_expires")}
        </div>
        {text("allowed_addresses", "Allowed addresses", "192.0.2.10, 192.0.2.0/24, 192.0.2.10:5060")}
        <div class="field">
          <label for="field-channels">Calls at once</label>
          <input id="field-channels" name="channels" type="number" min={1} max={10000} placeholder="no limit"
            value={fields.channels ?? ""} {...errors.invalid("channels")}
            onInput={(e) => set("channels", optionalNumber(e.currentTarget.value))} />
          {errors.message("channels")}
        </div>
        {text("codecs", "Codecs, preferred first", "the server's, if left empty (PCMU, PCMA, G722)")}
        <div class="field">
          <label for="field-called_number">Called number from</label>
          <select id="field-called_number" name="called_number" value={fields.called_number}
            {...errors.invalid("called_number")}
            onChange={(e) => set("called_number", e.currentTarget.value as CalledNumber)}>
            <option value="request_uri">Request-URI (most providers)</option>
            <option value="to">To header</option>
          </select>
          {errors.message("called_number")}
        </div>
        {text("main_number", "Main number", "none, if left empty (+4930123456)")}
        {text("caller_name_url", "Caller name lookup URL", "none, if left empty (http://crm/lookup?number={number})")}
        <DestinationField id="field-unknown_did" label="Calls to numbers no DID lists" value={fields.unknown_did}
          onChange={(value) => set("unknown_did", value ?? "hangup")} invalid={errors.invalid("unknown_did")}>
          {errors.message("unknown_did")}
        </DestinationField>
        {check("qualify", "Check that it answers (OPTIONS)")}
        {check("send_pai", "Send P-Asserted-Identity")}
        {check("send_rpid", "Send Remote-Party-ID")}
        {check("enabled", "Enabled")}
      </div>
    </FlowEditor>
  );
}
