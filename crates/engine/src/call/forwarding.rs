//! What an extension says about calls it does not take: where they go
//! always, when it is busy (or on do-not-disturb), when nobody answered
//! within its ring time, and when no phone of its is registered.

/// Where a call goes instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Forward {
    /// Nowhere: the caller hears why the call failed.
    #[default]
    None,
    /// The extension's voicemail box.
    Voicemail,
    Extension(String),
    /// A number outside, reached through a trunk.
    External(String),
}

/// An extension's rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forwarding {
    pub always: Forward,
    pub busy: Forward,
    pub no_answer: Forward,
    pub unregistered: Forward,
    /// Do not disturb: every call is treated as busy.
    pub dnd: bool,
    /// Seconds its phones ring; none takes the server's ring time.
    pub ring_time: Option<u32>,
}

/// Why a call was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    Always,
    Busy,
    NoAnswer,
    Unregistered,
}

impl Forwarding {
    /// The rule for `reason`.
    pub fn rule(&self, reason: Reason) -> &Forward {
        match reason {
            Reason::Always => &self.always,
            Reason::Busy => &self.busy,
            Reason::NoAnswer => &self.no_answer,
            Reason::Unregistered => &self.unregistered,
        }
    }
}
