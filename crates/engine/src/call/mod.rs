//! Calls between extensions, with Switchboard as a back-to-back user agent
//! (B2BUA): the caller's dialog ends at Switchboard, and Switchboard makes
//! its own dialog toward each of the callee's phones. Call-IDs, tags and
//! Vias of one leg never appear on the other; only what the phones must
//! know crosses (ringing, the answer, the SDP rewritten to the relay).
//!
//! This module holds the calls and their record; the flow (what each
//! request and response does) is `endpoint/calls.rs`, which owns the
//! transactions.

pub mod dialog;
pub mod forwarding;
pub mod media;
pub mod plan;

pub use dialog::Dialog;
pub use media::{MediaEvent, MediaOrder, PortPool, Side};

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;
use switchboard_sip::sdp::{Direction, Sdp};
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::Request;

/// Settings of calls.
#[derive(Clone, Debug)]
pub struct CallConfig {
    /// Seconds the callee's phones ring before the caller gets 480.
    pub ring_time: u64,
    /// The relay's address in SDP, when the address the phone reached
    /// Switchboard at is not the right one (a PBX behind NAT).
    pub media_address: Option<IpAddr>,
    /// The relay's UDP port range.
    pub rtp_port_min: u16,
    pub rtp_port_max: u16,
    /// Codecs offered to the other leg, in order of preference.
    pub codecs: Vec<String>,
    /// Calls an extension may be in at once when its own limit is unset.
    pub default_call_limit: u32,
    /// Session timer interval offered and accepted at most (RFC 4028).
    pub session_expires: u64,
}

impl Default for CallConfig {
    fn default() -> CallConfig {
        CallConfig {
            ring_time: 30,
            media_address: None,
            rtp_port_min: 10000,
            rtp_port_max: 20000,
            codecs: ["PCMU", "PCMA", "G722", "opus"].map(str::to_owned).to_vec(),
            default_call_limit: 2,
            session_expires: 1800,
        }
    }
}

/// Whether an extension's calls are recorded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Recording {
    #[default]
    Never,
    /// Every call, from its answer.
    Always,
    /// When someone asks during the call (the API).
    OnDemand,
}

/// What is asked of a call's recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordAction {
    Start,
    Pause,
    Resume,
    Stop,
}

/// How a call ended, for its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    Answered,
    Busy,
    NoAnswer,
    Cancelled,
    Failed,
    /// Answered by the callee's voicemail.
    Voicemail,
}

impl Disposition {
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Answered => "answered",
            Disposition::Busy => "busy",
            Disposition::NoAnswer => "no answer",
            Disposition::Cancelled => "cancelled",
            Disposition::Failed => "failed",
            Disposition::Voicemail => "voicemail",
        }
    }
}

/// The call detail record of a call that ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    pub id: String,
    pub caller: String,
    pub callee: String,
    /// Unix seconds.
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: i64,
    pub disposition: Disposition,
    /// The SIP status or reason that ended it (`BYE`, `486`, `media timeout`…).
    pub hangup_cause: String,
    /// Who ended it: `caller`, `callee` or `system`.
    pub hangup_side: String,
    pub codec: Option<String>,
    /// The Call-IDs of its legs, caller's first.
    pub legs: Vec<String>,
}

impl CallRecord {
    /// Seconds from start to end.
    pub fn duration(&self) -> i64 {
        (self.ended_at - self.started_at).max(0)
    }

    /// Seconds from answer to end.
    pub fn billable(&self) -> i64 {
        self.answered_at.map_or(0, |a| (self.ended_at - a).max(0))
    }
}

/// A call in progress, as reported each time it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveCall {
    pub id: String,
    pub caller: String,
    pub callee: String,
    /// Unix seconds.
    pub started_at: i64,
    pub answered_at: Option<i64>,
    /// `ringing`, `answered` or `on hold`.
    pub state: &'static str,
    pub codec: Option<String>,
}

/// A call's id as the outside world sees it (records, API, hang-up).
pub fn call_id_text(id: u64) -> String {
    format!("{id:016x}")
}

/// One phone of the callee being rung.
#[derive(Debug)]
pub struct Branch {
    /// The INVITE sent, kept for its CANCEL.
    pub invite: Request,
    pub key: TransactionKey,
    pub dialog: Dialog,
    /// A provisional answer came (a CANCEL may be sent).
    pub provisional: bool,
    /// A final answer came, or the transaction ended.
    pub done: bool,
    /// Cancel once a provisional answer comes.
    pub cancel_pending: bool,
    pub final_code: Option<u16>,
    /// The SDP offer sent to this phone.
    pub offer: Sdp,
    /// The extension the phone is of (for a trunk: the number dialled).
    pub extension: String,
    /// The trunk it goes through, when it does.
    pub trunk: Option<TrunkLeg>,
}

/// A branch to a trunk.
#[derive(Debug)]
pub struct TrunkLeg {
    pub name: String,
    /// Challenges answered on it.
    pub auth_tries: u8,
    /// Unanswered (not even 100 Trying) by then, the trunk is taken for
    /// down and the next one is tried.
    pub answer_by: Option<Instant>,
}

/// A call going out through the trunks.
#[derive(Debug)]
pub struct OutboundCall {
    /// The rule's choice: the number sent, the trunks still to try.
    pub dialled: crate::trunk::Dialled,
    /// The caller's own outbound caller ID.
    pub own_caller_id: Option<String>,
    /// The last trunk's failure, relayed when no trunk is left.
    pub last_failure: Option<(u16, String)>,
    /// Trunks passed over for having no free line.
    pub lines_full: bool,
}

/// What a call put through by a flow keeps of the call Switchboard
/// answered.
#[derive(Debug)]
pub struct Bridged {
    pub codec: media::LegCodec,
    /// The answered call, as the endpoint's service calls keep it.
    pub(crate) answered: crate::endpoint::ServiceCall,
}

/// A ring group's call, ringing.
#[derive(Clone, Debug)]
pub struct GroupRinging {
    pub name: String,
    /// Members one after another: who rings next, and for how long.
    pub next: std::collections::VecDeque<(String, std::time::Duration)>,
    pub no_answer: plan::Target,
    pub caller_id_prefix: Option<String>,
}

/// One leg's session timer (RFC 4028).
#[derive(Clone, Copy, Debug)]
pub struct SessionTimer {
    /// Seconds.
    pub interval: u64,
    /// Switchboard refreshes this leg (else the phone must).
    pub we_refresh: bool,
    /// When Switchboard refreshes, or, if the phone must, when the call
    /// ends unless it has.
    pub due: Instant,
}

/// A re-INVITE or UPDATE one phone sent, relayed to the other and waiting
/// for its answer.
#[derive(Debug)]
pub struct Pending {
    /// The phone that sent it.
    pub side: Side,
    /// Its request and server transaction, to answer it.
    pub request: Request,
    pub key: TransactionKey,
    /// The request relayed to the other phone.
    pub relayed: TransactionKey,
}

/// Where a call stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The callee's phones ring.
    Ringing,
    /// Answered; waiting for or past the caller's ACK.
    Answered,
}

/// A call between two extensions.
#[derive(Debug)]
pub struct Call {
    pub id: u64,
    pub caller: String,
    pub callee: String,
    /// The extension whose phones ring: the callee, or where its calls
    /// were forwarded.
    pub target: String,
    /// How many times the call was forwarded.
    pub forwards: u32,
    /// The first branch of the extension ringing now (those before rang
    /// an extension that forwarded the call).
    pub first_branch: usize,
    /// The caller's INVITE and its server transaction.
    pub invite: Request,
    pub invite_key: TransactionKey,
    /// The caller's leg (its remote tag and target from the INVITE).
    pub a: Dialog,
    pub branches: Vec<Branch>,
    /// The callee's leg, once a phone answered.
    pub b: Option<usize>,
    pub phase: Phase,
    pub ring_deadline: Instant,
    pub caller_port: u16,
    pub callee_port: u16,
    /// SDP session id and version of each leg's descriptions.
    pub sdp_session: u64,
    pub sdp_version: u64,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub codec: Option<String>,
    /// The last SDP sent to the caller, to the callee.
    pub sdp_sent: [Option<Sdp>; 2],
    /// A mid-call offer waiting for the other phone's answer.
    pub pending: Option<Pending>,
    /// Session timers of the caller's leg and the callee's.
    pub timers: [Option<SessionTimer>; 2],
    /// The caller's INVITE had no SDP (late offer): Switchboard offered to
    /// the callee itself and offers to the caller in its 200; the caller's
    /// answer, in its ACK, is still to come.
    pub answer_in_ack: bool,
    /// The phones share no codec: what the caller speaks and what the
    /// callee does, the relay transcoding between them.
    pub transcoding: Option<[media::LegCodec; 2]>,
    /// Each side's codec, for a recording: known once answered.
    pub codecs: Option<[media::LegCodec; 2]>,
    /// Being recorded now.
    pub recording: bool,
    /// A star pressed during the call, by which side and when: the start
    /// of a star code.
    pub star: Option<(media::Side, Instant)>,
    /// The phone hearing music on hold, while one is held.
    pub music: Option<media::Side>,
    /// A ring group ringing: the members still to try, and where the call
    /// goes when none answers.
    pub group: Option<GroupRinging>,
    /// The caller was answered by Switchboard first (an IVR put the call
    /// through): its leg, the codec it speaks, and the answered call to go
    /// back to when nobody takes this one.
    pub bridged: Option<Box<Bridged>>,
    /// The trunk the call came in on.
    pub trunk_in: Option<String>,
    /// Going out through a trunk.
    pub outbound: Option<Box<OutboundCall>>,
}

impl Call {
    /// Whether it goes through a trunk (and counts against the capacity
    /// plan).
    pub fn external(&self) -> bool {
        self.trunk_in.is_some() || self.outbound.is_some()
    }

    /// Whether it occupies a line of trunk `name`.
    pub fn uses_trunk(&self, name: &str) -> bool {
        self.trunk_in.as_deref() == Some(name)
            || self.outbound.is_some()
                && self
                    .branches
                    .last()
                    .and_then(|b| b.trunk.as_ref())
                    .is_some_and(|t| t.name == name)
    }

    /// One side's leg, once the call is answered.
    pub fn dialog(&self, side: Side) -> Option<&Dialog> {
        match side {
            Side::Caller => Some(&self.a),
            Side::Callee => self.b.map(|b| &self.branches[b].dialog),
        }
    }

    /// As [`Call::dialog`], to send in it.
    pub fn dialog_mut(&mut self, side: Side) -> Option<&mut Dialog> {
        match side {
            Side::Caller => Some(&mut self.a),
            Side::Callee => self.callee_dialog(),
        }
    }

    /// The relay's RTP port toward one side.
    pub fn port(&self, side: Side) -> u16 {
        match side {
            Side::Caller => self.caller_port,
            Side::Callee => self.callee_port,
        }
    }

    /// The answered callee leg.
    pub fn callee_dialog(&mut self) -> Option<&mut Dialog> {
        let b = self.b?;
        Some(&mut self.branches[b].dialog)
    }

    /// A phone put the call on hold: what either phone was last sent is
    /// not sendrecv (sendonly, recvonly or inactive).
    pub fn on_hold(&self) -> bool {
        self.sdp_sent
            .iter()
            .flatten()
            .any(|sdp| sdp.direction(0) != Direction::SendRecv)
    }

    /// The call as it stands, for the list of calls in progress.
    pub fn live(&self) -> LiveCall {
        LiveCall {
            id: call_id_text(self.id),
            caller: self.caller.clone(),
            callee: self.callee.clone(),
            started_at: self.started_at,
            answered_at: self.answered_at,
            state: match (self.phase, self.on_hold()) {
                (Phase::Ringing, _) => "ringing",
                (Phase::Answered, false) => "answered",
                (Phase::Answered, true) => "on hold",
            },
            codec: self.codec.clone(),
        }
    }

    pub fn record(
        &self,
        ended_at: i64,
        disposition: Disposition,
        cause: &str,
        side: &str,
    ) -> CallRecord {
        let mut legs = vec![self.a.call_id.clone()];
        legs.extend(self.branches.iter().map(|b| b.dialog.call_id.clone()));
        CallRecord {
            id: call_id_text(self.id),
            caller: self.caller.clone(),
            callee: self.callee.clone(),
            started_at: self.started_at,
            answered_at: self.answered_at,
            ended_at,
            disposition,
            hangup_cause: cause.to_owned(),
            hangup_side: side.to_owned(),
            codec: self.codec.clone(),
            legs,
        }
    }
}

/// Every call, and the indexes that find one from a message.
#[derive(Debug, Default)]
pub struct Calls {
    /// Boxed: a call is some 2 KB, and a table that grows moves every
    /// entry it holds.
    pub calls: HashMap<u64, Box<Call>>,
    /// Client transactions (INVITEs to the callee's phones) → call and
    /// branch.
    pub branches: HashMap<TransactionKey, (u64, usize)>,
    /// The caller's INVITE server transaction → call.
    pub invites: HashMap<TransactionKey, u64>,
    /// (Call-ID, our tag) → call and side, for requests inside dialogs.
    pub dialogs: HashMap<(String, String), (u64, Side)>,
    /// Re-INVITEs and UPDATEs relayed (client transactions) → call and
    /// the side they went to, until the transaction ends.
    pub relayed: HashMap<TransactionKey, (u64, Side)>,
    /// Switchboard's own session refreshes → call and side.
    pub refreshes: HashMap<TransactionKey, (u64, Side)>,
    /// How many calls each extension is in (as caller, callee or target),
    /// for call limits: counting them call by call cost every new call a
    /// pass over all the others. Kept by [`Calls::insert`],
    /// [`Calls::set_target`] and [`Calls::remove`].
    parties: HashMap<String, u32>,
}

/// Adds `call` to (or, with `add` false, takes it from) the count of
/// each extension it counts against, each once.
fn tally(parties: &mut HashMap<String, u32>, call: &Call, add: bool) {
    let (a, b, c) = (&call.caller, &call.callee, &call.target);
    let distinct = [
        Some(a),
        (b != a).then_some(b),
        (c != a && c != b).then_some(c),
    ];
    for party in distinct.into_iter().flatten() {
        if add {
            *parties.entry(party.clone()).or_default() += 1;
        } else if let Some(n) = parties.get_mut(party) {
            *n -= 1;
            if *n == 0 {
                parties.remove(party);
            }
        }
    }
}

impl Calls {
    /// Gives back the room a peak of calls left in the tables.
    pub fn shrink(&mut self) {
        use switchboard_sip::sparse::shrink_map;
        shrink_map(&mut self.calls);
        shrink_map(&mut self.branches);
        shrink_map(&mut self.invites);
        shrink_map(&mut self.dialogs);
        shrink_map(&mut self.relayed);
        shrink_map(&mut self.refreshes);
        shrink_map(&mut self.parties);
    }

    /// How many calls `extension` is in.
    pub fn count_for(&self, extension: &str) -> usize {
        let counted = self.parties.get(extension).map_or(0, |n| *n as usize);
        debug_assert_eq!(
            counted,
            self.calls
                .values()
                .filter(|c| c.caller == extension || c.callee == extension || c.target == extension)
                .count(),
            "the call count of {extension} went astray"
        );
        counted
    }

    /// Keeps a new call.
    pub fn insert(&mut self, call: Box<Call>) {
        tally(&mut self.parties, &call, true);
        if let Some(old) = self.calls.insert(call.id, call) {
            tally(&mut self.parties, &old, false);
        }
    }

    /// Call `id` now rings `target`'s phones.
    pub fn set_target(&mut self, id: u64, target: String) {
        if let Some(call) = self.calls.get_mut(&id) {
            tally(&mut self.parties, call, false);
            call.target = target;
            tally(&mut self.parties, call, true);
        }
    }

    /// Forgets a call and its indexes.
    pub fn remove(&mut self, id: u64) -> Option<Box<Call>> {
        let call = self.calls.remove(&id)?;
        tally(&mut self.parties, &call, false);
        self.invites.remove(&call.invite_key);
        self.dialogs
            .remove(&(call.a.call_id.clone(), call.a.local_tag.clone()));
        for b in &call.branches {
            self.branches.remove(&b.key);
            self.dialogs
                .remove(&(b.dialog.call_id.clone(), b.dialog.local_tag.clone()));
        }
        Some(call)
    }
}
