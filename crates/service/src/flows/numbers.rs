//! The number plan: extensions and flow objects share one set of
//! internal numbers. This says which numbers exist and what each is, and
//! draws where a call to a number goes, step by step, as a tree an
//! administrator reads ("700 → schedule office: open now → when open: IVR
//! main → key 2: ring group sales → no answer: voicemail of 1001").

use super::ivr::Ivr;
use super::ring_group::RingGroup;
use super::schedule::{Schedule, State};
use crate::destination::Destination;
use crate::forward::Forward;
use crate::{Actor, Extension, Service, ServiceError};
use serde::Serialize;
use std::collections::HashMap;
use switchboard_store::ExtensionQuery;

/// A number and what it reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct NumberEntry {
    pub number: String,
    #[schema(value_type = String, example = "ivr:main")]
    pub destination: Destination,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NumberList {
    pub items: Vec<NumberEntry>,
}

/// One step of a call's way, and where it may go on from there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlowNode {
    #[schema(value_type = String, example = "ivr:main")]
    pub destination: Destination,
    pub label: String,
    /// Already shown above on this path: not drawn again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub again: bool,
    #[schema(no_recursion)]
    pub branches: Vec<FlowBranch>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FlowBranch {
    /// When the call goes this way: `key 2`, `no answer`, `closed` …
    pub when: String,
    #[schema(no_recursion)]
    pub node: FlowNode,
}

/// Everything a tree is drawn from, read once.
struct Plan {
    extensions: HashMap<String, Extension>,
    groups: HashMap<String, RingGroup>,
    ivrs: HashMap<String, Ivr>,
    schedules: HashMap<String, Schedule>,
    now: i64,
}

fn named(name: &str, display: &Option<String>) -> String {
    match display {
        Some(d) => format!("{name} ({d})"),
        None => name.to_owned(),
    }
}

impl Plan {
    /// Every number, in order, and what it reaches.
    fn numbers(&self) -> Vec<(String, Destination)> {
        let mut all: Vec<(String, Destination)> = self
            .extensions
            .keys()
            .map(|n| (n.clone(), Destination::Extension(n.clone())))
            .collect();
        let flows = self
            .groups
            .values()
            .map(|g| (&g.number, Destination::RingGroup(g.name.clone())))
            .chain(
                self.ivrs
                    .values()
                    .map(|i| (&i.number, Destination::Ivr(i.name.clone()))),
            )
            .chain(
                self.schedules
                    .values()
                    .map(|s| (&s.number, Destination::Schedule(s.name.clone()))),
            );
        all.extend(flows.filter_map(|(n, d)| Some((n.clone()?, d))));
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    fn node(&self, d: &Destination, path: &mut Vec<Destination>) -> FlowNode {
        let again = path.contains(d) || path.len() > 24;
        let (label, next) = self.step(d);
        let mut node = FlowNode {
            destination: d.clone(),
            label,
            again,
            branches: Vec::new(),
        };
        if again {
            return node;
        }
        path.push(d.clone());
        node.branches = next
            .into_iter()
            .map(|(when, to)| FlowBranch {
                when,
                node: self.node(&to, path),
            })
            .collect();
        path.pop();
        node
    }

    /// A destination in words, and the ways on from it.
    fn step(&self, d: &Destination) -> (String, Vec<(String, Destination)>) {
        match d {
            Destination::Extension(n) => match self.extensions.get(n) {
                Some(e) => {
                    let mut next = Vec::new();
                    let mailbox = || Destination::Voicemail(n.clone());
                    let rules = [
                        ("forwarded always", &e.forward_always),
                        ("busy", &e.forward_busy),
                        ("no answer", &e.forward_no_answer),
                        ("not registered", &e.forward_unregistered),
                    ];
                    for (when, rule) in rules {
                        let to = match rule {
                            Forward::None => continue,
                            Forward::Voicemail => mailbox(),
                            Forward::Extension(m) => Destination::Extension(m.clone()),
                            Forward::External(m) => Destination::External(m.clone()),
                        };
                        next.push((when.to_owned(), to));
                    }
                    let dnd = if e.dnd { ", on do-not-disturb" } else { "" };
                    (format!("Extension {n} ({}){dnd}", e.display_name), next)
                }
                None => (format!("Extension {n} (does not exist)"), Vec::new()),
            },
            Destination::RingGroup(name) => match self.groups.get(name) {
                Some(g) => {
                    let members: Vec<&str> =
                        g.members.iter().map(|m| m.extension.as_str()).collect();
                    let label = format!(
                        "Ring group {}: {} {}",
                        named(name, &g.display_name),
                        g.strategy.as_str(),
                        members.join(", ")
                    );
                    (label, vec![("no answer".to_owned(), g.no_answer.clone())])
                }
                None => (format!("Ring group {name} (does not exist)"), Vec::new()),
            },
            Destination::Ivr(name) => match self.ivrs.get(name) {
                Some(i) => {
                    let mut next: Vec<(String, Destination)> = i
                        .options
                        .iter()
                        .map(|(k, d)| (format!("key {k}"), d.clone()))
                        .collect();
                    next.push(("no choice".to_owned(), i.fallback.clone()));
                    let typed = if i.dial_extension {
                        format!(", or an extension's {} digits", i.extension_length)
                    } else {
                        String::new()
                    };
                    let label = format!(
                        "IVR {}: plays {}{typed}",
                        named(name, &i.display_name),
                        i.greeting
                    );
                    (label, next)
                }
                None => (format!("IVR {name} (does not exist)"), Vec::new()),
            },
            Destination::Schedule(name) => match self.schedules.get(name) {
                Some(s) => {
                    let (state, holiday) = s.state_at(self.now);
                    let now = match (state, holiday) {
                        (State::Holiday, Some(h)) => format!("a holiday now ({h})"),
                        (State::Open, _) => "open now".to_owned(),
                        (State::Closed, _) => "closed now".to_owned(),
                        (State::Holiday, None) => "a holiday now".to_owned(),
                    };
                    let forced = match s.r#override {
                        super::schedule::Override::Auto => "",
                        super::schedule::Override::Open => ", forced open",
                        super::schedule::Override::Closed => ", forced closed",
                    };
                    let mut next = vec![
                        ("open".to_owned(), s.open.clone()),
                        ("closed".to_owned(), s.closed.clone()),
                    ];
                    if let Some(h) = &s.holiday {
                        next.push(("holiday".to_owned(), h.clone()));
                    }
                    (
                        format!(
                            "Schedule {}: {now}{forced} ({})",
                            named(name, &s.display_name),
                            s.time_zone
                        ),
                        next,
                    )
                }
                None => (format!("Schedule {name} (does not exist)"), Vec::new()),
            },
            Destination::Voicemail(n) => (format!("Voicemail of {n}"), Vec::new()),
            Destination::Announcement(s) => (format!("Announcement {s}, then hang up"), Vec::new()),
            Destination::External(n) => {
                (format!("External number {n} (through a trunk)"), Vec::new())
            }
            Destination::HangUp => ("Hang up".to_owned(), Vec::new()),
        }
    }
}

impl Service {
    /// Refuses (409 on `number`) a number some extension or other flow
    /// object (not `except`, kind and name) already has.
    pub(crate) async fn number_unused(
        &self,
        number: &str,
        except: Option<(&str, &str)>,
    ) -> Result<(), ServiceError> {
        if self.store.extension(number).await?.is_some() {
            return Err(ServiceError::Conflict {
                field: "number",
                message: format!("{number} is already an extension"),
            });
        }
        if let Some(f) = self.store.flow_by_number(number).await? {
            if except != Some((f.kind.as_str(), f.name.as_str())) {
                return Err(ServiceError::Conflict {
                    field: "number",
                    message: format!(
                        "{number} is already {} {}",
                        f.kind.replace('_', " "),
                        f.name
                    ),
                });
            }
        }
        Ok(())
    }

    /// Refuses (409 on `number`) an extension number a flow object has.
    pub(crate) async fn not_a_flow_number(&self, number: &str) -> Result<(), ServiceError> {
        match self.store.flow_by_number(number).await? {
            Some(f) => Err(ServiceError::Conflict {
                field: "number",
                message: format!(
                    "{number} is already {} {}",
                    f.kind.replace('_', " "),
                    f.name
                ),
            }),
            None => Ok(()),
        }
    }

    async fn number_plan(&self, actor: &Actor) -> Result<Plan, ServiceError> {
        actor.require_manager()?;
        let query = ExtensionQuery {
            search: None,
            enabled: None,
            limit: i64::from(i32::MAX),
            offset: 0,
        };
        let (records, _) = self.store.extensions(&query).await?;
        let groups: Vec<RingGroup> = self.flows(actor).await?;
        let ivrs: Vec<Ivr> = self.flows(actor).await?;
        let schedules: Vec<Schedule> = self.flows(actor).await?;
        Ok(Plan {
            extensions: records
                .into_iter()
                .map(|r| (r.number.clone(), Extension::from(r)))
                .collect(),
            groups: groups.into_iter().map(|g| (g.name.clone(), g)).collect(),
            ivrs: ivrs.into_iter().map(|i| (i.name.clone(), i)).collect(),
            schedules: schedules.into_iter().map(|s| (s.name.clone(), s)).collect(),
            now: self.schedule_clock(),
        })
    }

    /// Every number of the plan, in order, and what it reaches.
    pub async fn numbers(&self, actor: &Actor) -> Result<NumberList, ServiceError> {
        let plan = self.number_plan(actor).await?;
        let items = plan
            .numbers()
            .into_iter()
            .map(|(number, destination)| NumberEntry {
                label: plan.step(&destination).0,
                number,
                destination,
            })
            .collect();
        Ok(NumberList { items })
    }

    /// Where a call to `number` goes.
    pub async fn number_flow(&self, actor: &Actor, number: &str) -> Result<FlowNode, ServiceError> {
        let plan = self.number_plan(actor).await?;
        let (_, destination) = plan
            .numbers()
            .into_iter()
            .find(|(n, _)| n == number)
            .ok_or_else(|| ServiceError::NotFound(format!("number {number}")))?;
        Ok(plan.node(&destination, &mut Vec::new()))
    }

    /// Ring groups' members answered (group, extension, Unix seconds):
    /// kept so the order of round robin survives a restart.
    pub async fn record_group_answers(
        &self,
        answers: &[(String, String, i64)],
    ) -> Result<(), ServiceError> {
        for (group, extension, at) in answers {
            self.store
                .record_group_answer(group, extension, *at)
                .await?;
        }
        Ok(())
    }

    /// Who of each ring group answered, and when.
    pub async fn group_answers(&self) -> Result<Vec<(String, String, i64)>, ServiceError> {
        Ok(self.store.group_answers().await?)
    }

    /// Every flow object, for the running engine (no actor: the system).
    pub async fn call_flows(
        &self,
    ) -> Result<(Vec<RingGroup>, Vec<Ivr>, Vec<Schedule>), ServiceError> {
        let system = Actor::system("call flows");
        Ok((
            self.flows(&system).await?,
            self.flows(&system).await?,
            self.flows(&system).await?,
        ))
    }
}
