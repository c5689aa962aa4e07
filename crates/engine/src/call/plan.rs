//! The call flows the engine routes through, as the service layer defined
//! them: which internal numbers are ring groups, IVRs and schedules, how
//! each ring group rings, and what each schedule says at a moment. The
//! binary builds a [`Plan`] from the service layer and replaces it
//! whenever a flow object changes; the engine only reads it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Where a call is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Extension(String),
    RingGroup(String),
    Ivr(String),
    Schedule(String),
    Voicemail(String),
    /// A sound, then the call ends.
    Announcement(String),
    /// Through a trunk, once trunks exist.
    External(String),
    HangUp,
}

/// How a ring group's members ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    RingAll,
    Hunt,
    RoundRobin,
    LeastRecent,
}

#[derive(Clone, Debug)]
pub struct RingGroup {
    pub name: String,
    pub strategy: Strategy,
    /// Extension numbers, in the order given, and how long each rings
    /// when they ring one after another.
    pub members: Vec<(String, Duration)>,
    /// How long every member rings at once (ring all).
    pub ring_time: Duration,
    pub no_answer: Target,
    /// Put before the caller's name on the members' phones.
    pub caller_id_prefix: Option<String>,
}

/// Where a schedule sends calls at a Unix time (seconds).
pub type Decide = Arc<dyn Fn(u64) -> Target + Send + Sync>;

#[derive(Clone)]
pub struct Schedule {
    pub name: String,
    pub decide: Decide,
}

impl std::fmt::Debug for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schedule")
            .field("name", &self.name)
            .finish()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Internal numbers of flow objects (extensions' are the directory's).
    pub numbers: HashMap<String, Target>,
    pub groups: HashMap<String, RingGroup>,
    pub schedules: HashMap<String, Schedule>,
}

/// Who of each ring group answered, and when (Unix seconds): round robin
/// begins after the last, least recent with whoever answered longest ago.
#[derive(Debug, Default)]
pub struct Answers {
    last: HashMap<String, String>,
    at: HashMap<(String, String), u64>,
}

impl Answers {
    pub fn answered(&mut self, group: &str, member: &str, at: u64) {
        self.last.insert(group.to_owned(), member.to_owned());
        self.at.insert((group.to_owned(), member.to_owned()), at);
    }

    /// The order `group`'s members are tried in.
    pub fn order(&self, group: &RingGroup) -> Vec<(String, Duration)> {
        let mut members = group.members.clone();
        match group.strategy {
            Strategy::RingAll | Strategy::Hunt => {}
            Strategy::RoundRobin => {
                if let Some(last) = self.last.get(&group.name) {
                    if let Some(i) = members.iter().position(|(m, _)| m == last) {
                        members.rotate_left(i + 1);
                    }
                }
            }
            Strategy::LeastRecent => {
                // Stable: members who never answered keep their order, first.
                members.sort_by_key(|(m, _)| {
                    self.at
                        .get(&(group.name.clone(), m.clone()))
                        .copied()
                        .unwrap_or(0)
                });
            }
        }
        members
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(strategy: Strategy) -> RingGroup {
        RingGroup {
            name: "sales".into(),
            strategy,
            members: ["1001", "1002", "1003"]
                .map(|m| (m.to_owned(), Duration::from_secs(10)))
                .to_vec(),
            ring_time: Duration::from_secs(20),
            no_answer: Target::HangUp,
            caller_id_prefix: None,
        }
    }

    fn names(order: Vec<(String, Duration)>) -> Vec<String> {
        order.into_iter().map(|(m, _)| m).collect()
    }

    #[test]
    fn round_robin_begins_after_the_last_to_answer() {
        let mut answers = Answers::default();
        let g = group(Strategy::RoundRobin);
        assert_eq!(names(answers.order(&g)), ["1001", "1002", "1003"]);
        answers.answered("sales", "1002", 100);
        assert_eq!(names(answers.order(&g)), ["1003", "1001", "1002"]);
        answers.answered("sales", "1003", 200);
        assert_eq!(names(answers.order(&g)), ["1001", "1002", "1003"]);
    }

    #[test]
    fn least_recent_begins_with_who_answered_longest_ago() {
        let mut answers = Answers::default();
        let g = group(Strategy::LeastRecent);
        answers.answered("sales", "1001", 300);
        answers.answered("sales", "1002", 100);
        assert_eq!(names(answers.order(&g)), ["1003", "1002", "1001"]);
        assert_eq!(
            names(answers.order(&group(Strategy::Hunt))),
            ["1001", "1002", "1003"]
        );
    }
}
