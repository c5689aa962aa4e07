//! `switchboard ring-group`, `ivr`, `schedule`, `sound` and `numbers`:
//! call flows from the command line, through the service layer like
//! every other door. Flags become the fields of a change; the service
//! checks them and names the field at fault.

use crate::config::Config;
use crate::flows_cli::{
    FlowCommand, IvrFields, RingGroupFields, ScheduleCommand, ScheduleFields, SoundCommand,
};
use crate::store::with_service;
use serde_json::{json, Map, Value};
use switchboard_service::{
    Declaration, FlowNode, FlowObject, Format, Ivr, Override, RingGroup, Schedule,
};

/// The fields a kind's flags set.
pub(crate) trait Fields {
    fn into_map(self) -> anyhow::Result<Map<String, Value>>;
}

/// An optional text: empty means none.
pub(crate) fn text(map: &mut Map<String, Value>, key: &str, v: Option<String>) {
    if let Some(v) = v {
        let value = if v.is_empty() { Value::Null } else { json!(v) };
        map.insert(key.to_owned(), value);
    }
}

pub(crate) fn set<T: serde::Serialize>(map: &mut Map<String, Value>, key: &str, v: Option<T>) {
    if let Some(v) = v {
        map.insert(key.to_owned(), json!(v));
    }
}

impl Fields for RingGroupFields {
    fn into_map(self) -> anyhow::Result<Map<String, Value>> {
        let mut m = Map::new();
        text(&mut m, "number", self.number);
        text(&mut m, "display_name", self.display_name);
        set(&mut m, "strategy", self.strategy);
        if !self.members.is_empty() {
            let members: anyhow::Result<Vec<Value>> = self
                .members
                .iter()
                .map(|m| match m.split_once(':') {
                    None => Ok(json!({ "extension": m })),
                    Some((e, t)) => {
                        let t: u32 = t.parse().map_err(|_| {
                            anyhow::anyhow!("--member {m}: the seconds after ':' are not a number")
                        })?;
                        Ok(json!({ "extension": e, "ring_time": t }))
                    }
                })
                .collect();
            m.insert("members".into(), Value::Array(members?));
        }
        set(&mut m, "ring_time", self.ring_time);
        set(&mut m, "no_answer", self.no_answer);
        text(&mut m, "caller_id_prefix", self.caller_id_prefix);
        Ok(m)
    }
}

impl Fields for IvrFields {
    fn into_map(self) -> anyhow::Result<Map<String, Value>> {
        let mut m = Map::new();
        text(&mut m, "number", self.number);
        text(&mut m, "display_name", self.display_name);
        set(&mut m, "greeting", self.greeting);
        if !self.options.is_empty() {
            let mut options = Map::new();
            for o in &self.options {
                let (k, d) = o
                    .split_once('=')
                    .ok_or_else(|| anyhow::anyhow!("--option {o}: write KEY=DESTINATION"))?;
                options.insert(k.to_owned(), json!(d));
            }
            m.insert("options".into(), Value::Object(options));
        }
        set(&mut m, "dial_extension", self.dial_extension);
        set(&mut m, "extension_length", self.extension_length);
        set(&mut m, "timeout", self.timeout);
        set(&mut m, "repeats", self.repeats);
        set(&mut m, "fallback", self.fallback);
        Ok(m)
    }
}

impl Fields for ScheduleFields {
    fn into_map(self) -> anyhow::Result<Map<String, Value>> {
        let mut m = Map::new();
        text(&mut m, "number", self.number);
        text(&mut m, "display_name", self.display_name);
        set(&mut m, "time_zone", self.time_zone);
        if !self.hours.is_empty() {
            let hours: anyhow::Result<Vec<Value>> = self
                .hours
                .iter()
                .map(|h| {
                    let bad = || {
                        anyhow::anyhow!(
                            "--hours {h:?}: write DAYS FROM-TO, like \"mon,tue 09:00-17:00\""
                        )
                    };
                    let (days, times) = h.trim().split_once(' ').ok_or_else(bad)?;
                    let (from, to) = times.trim().split_once('-').ok_or_else(bad)?;
                    let days: Vec<&str> = days.split(',').map(str::trim).collect();
                    Ok(json!({ "days": days, "from": from, "to": to }))
                })
                .collect();
            m.insert("hours".into(), Value::Array(hours?));
        }
        if !self.holidays.is_empty() {
            let holidays: anyhow::Result<Vec<Value>> = self
                .holidays
                .iter()
                .map(|h| {
                    let (name, when) = h
                        .split_once('=')
                        .ok_or_else(|| anyhow::anyhow!("--holiday {h:?}: write NAME=WHEN"))?;
                    Ok(json!({ "name": name, "when": when }))
                })
                .collect();
            m.insert("holidays".into(), Value::Array(holidays?));
        }
        if !self.override_by.is_empty() {
            m.insert("override_by".into(), json!(self.override_by));
        }
        set(&mut m, "open", self.open);
        set(&mut m, "closed", self.closed);
        text(&mut m, "holiday", self.holiday_destination);
        Ok(m)
    }
}

/// One object as a declaration file writes it.
fn declared<T: FlowObject>(t: T) -> String {
    let mut d = Declaration::default();
    d.push_flow(t.declared());
    d.render(Format::Toml)
}

/// A line of a list.
pub(crate) trait Line {
    fn line(&self) -> String;
}

impl Line for RingGroup {
    fn line(&self) -> String {
        let members: Vec<&str> = self.members.iter().map(|m| m.extension.as_str()).collect();
        format!(
            "{:<16} {:<6} {:<12} {:<24} no answer: {}",
            self.name,
            self.number.as_deref().unwrap_or("-"),
            self.strategy.as_str(),
            members.join(", "),
            self.no_answer
        )
    }
}

impl Line for Ivr {
    fn line(&self) -> String {
        let options: Vec<String> = self
            .options
            .iter()
            .map(|(k, d)| format!("{k} → {d}"))
            .collect();
        format!(
            "{:<16} {:<6} plays {:<16} {}; otherwise {}",
            self.name,
            self.number.as_deref().unwrap_or("-"),
            self.greeting,
            options.join(", "),
            self.fallback
        )
    }
}

impl Line for Schedule {
    fn line(&self) -> String {
        let state = self
            .state
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        format!(
            "{:<16} {:<6} {:<8} {:<18} open: {}, closed: {}",
            self.name,
            self.number.as_deref().unwrap_or("-"),
            state,
            self.time_zone,
            self.open,
            self.closed
        )
    }
}

/// Runs a ring group's, an IVR's or a schedule's command.
pub fn run<T, F>(config: Config, command: FlowCommand<F>) -> anyhow::Result<()>
where
    T: FlowObject + Line,
    F: clap::Args + Fields,
{
    match command {
        FlowCommand::List => {
            let all = with_service(config, async |s, actor| Ok(s.flows::<T>(&actor).await?))?;
            for t in all {
                println!("{}", t.line());
            }
        }
        FlowCommand::Show { name } => {
            let t = with_service(config, async |s, actor| {
                Ok(s.flow::<T>(&actor, &name).await?)
            })?;
            print!("{}", declared(t));
        }
        FlowCommand::Add { name, fields } => {
            let mut m = fields.into_map()?;
            m.insert("name".into(), json!(name));
            let t: T = serde_json::from_value(Value::Object(m))
                .map_err(|e| anyhow::anyhow!("{} {name}: {e}", T::NOUN))?;
            let t = with_service(config, async |s, actor| {
                Ok(s.create_flow(&actor, t).await?)
            })?;
            println!("{} {} added", T::NOUN, t.name());
        }
        FlowCommand::Set {
            name,
            new_name,
            fields,
        } => {
            let mut m = fields.into_map()?;
            set(&mut m, "name", new_name);
            let t = with_service(config, async |s, actor| {
                Ok(s.update_flow::<T>(&actor, &name, m).await?)
            })?;
            println!("{} {} changed", T::NOUN, t.name());
        }
        FlowCommand::Remove { name } => {
            with_service(config, async |s, actor| {
                Ok(s.delete_flow::<T>(&actor, &name).await?)
            })?;
            println!("{} {name} removed", T::NOUN);
        }
    }
    Ok(())
}

pub fn schedule(config: Config, command: ScheduleCommand) -> anyhow::Result<()> {
    match command {
        ScheduleCommand::Object(c) => run::<Schedule, _>(config, c),
        ScheduleCommand::Override { name, to } => {
            let value: Override = serde_json::from_value(json!(to))
                .map_err(|_| anyhow::anyhow!("{to:?}: write auto, open or closed"))?;
            let mut m = Map::new();
            m.insert("override".into(), json!(value));
            let s = with_service(config, async |s, actor| {
                Ok(s.update_flow::<Schedule>(&actor, &name, m).await?)
            })?;
            println!("{}", s.line());
            Ok(())
        }
    }
}

pub fn sound(config: Config, command: SoundCommand) -> anyhow::Result<()> {
    match command {
        SoundCommand::List => {
            let list = with_service(config, async |s, actor| Ok(s.sounds(&actor).await?))?;
            for sound in list.items {
                let kind = if sound.shipped { "shipped" } else { "uploaded" };
                println!(
                    "{:<28} {:>6.1}s  {kind}",
                    sound.name,
                    sound.duration_ms as f64 / 1000.0
                );
            }
        }
        SoundCommand::Add { name, file } => {
            let wav =
                std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let sound = with_service(config, async |s, actor| {
                Ok(s.set_sound(&actor, &name, wav).await?)
            })?;
            println!(
                "sound {} uploaded ({:.1} s)",
                sound.name,
                sound.duration_ms as f64 / 1000.0
            );
        }
        SoundCommand::Remove { name } => {
            with_service(config, async |s, actor| {
                Ok(s.delete_sound(&actor, &name).await?)
            })?;
            println!("sound {name} removed");
        }
    }
    Ok(())
}

/// Every number, or where a call to `number` goes.
pub fn numbers(config: Config, number: Option<String>) -> anyhow::Result<()> {
    match number {
        None => {
            let list = with_service(config, async |s, actor| Ok(s.numbers(&actor).await?))?;
            for n in list.items {
                println!("{:<10} {}", n.number, n.label);
            }
        }
        Some(number) => {
            let tree = with_service(config, async |s, actor| {
                Ok(s.number_flow(&actor, &number).await?)
            })?;
            println!("{number} → {}", tree.label);
            print_branches(&tree, 1);
        }
    }
    Ok(())
}

fn print_branches(node: &FlowNode, depth: usize) {
    for b in &node.branches {
        let again = if b.node.again {
            " (again, as above)"
        } else {
            ""
        };
        println!("{}{}: {}{again}", "  ".repeat(depth), b.when, b.node.label);
        print_branches(&b.node, depth + 1);
    }
}
