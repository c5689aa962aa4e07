//! Legs Switchboard answered itself (test numbers, later IVRs and
//! voicemail), as the media thread keeps them: the port pair toward the
//! phone, its address (latched from its packets like a relayed call's),
//! the media layer's [`Channel`] that hears keys and makes the packets
//! played, and the way back to the flow deciding what plays.
//!
//! The thread sends every answered leg its next packet on one 20 ms
//! clock; what arrives is read as it comes, in the relay's loop.

use super::batch::{Batch, SLOTS};
use mio::net::UdpSocket;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use switchboard_media::channel::{Channel, Frame};
use switchboard_media::tone::Tone;
use tokio::sync::mpsc::UnboundedSender;

/// What a flow hears of its leg.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// The phone pressed a key (by event, tone or SIP INFO).
    Key(char),
    /// What was played has ended.
    Played,
    /// What the phone said (at the leg's rate), while the flow listens.
    Audio(Vec<i16>),
    /// The call could not be put through: go on with this service (or,
    /// with none, tell the caller).
    Continue(Option<switchboard_engine::Service>),
}

/// What a flow has its leg do.
#[derive(Debug)]
pub enum Play {
    /// Samples at the leg's rate.
    Audio(Arc<[i16]>),
    /// A call-progress tone (at the leg's rate).
    Tone(Tone),
    /// The phone's own audio, back.
    Echo,
    /// Silence (what played stops).
    Silence,
    /// Start (`true`) or stop hearing what the phone says.
    Listen(bool),
}

pub(super) struct Answered {
    pub call: u64,
    /// RTP and RTCP toward the phone.
    pub sockets: [UdpSocket; 2],
    /// The RTP socket's port.
    pub port: u16,
    pub peer: Option<SocketAddr>,
    pub channel: Channel,
    pub flow: UnboundedSender<Heard>,
    /// A packet came since the last sweep.
    pub heard: bool,
    pub quiet_since: Instant,
}

impl Answered {
    /// Reads what waits on socket `index` (0: RTP, 1: RTCP, which is read
    /// and dropped); true when more may wait.
    pub fn receive(&mut self, index: usize, batch: &mut Batch, keys: &mut Vec<char>) -> bool {
        let Ok(count) = batch.read(&self.sockets[index]) else {
            return false;
        };
        for i in 0..count {
            let (packet, source) = batch.packet(i);
            self.heard = true;
            if index == 1 {
                continue;
            }
            if let Some(source) = source {
                self.peer = Some(source);
            }
            self.channel.receive(packet, keys);
        }
        if let Some(audio) = self.channel.take_heard() {
            let _ = self.flow.send(Heard::Audio(audio));
        }
        for &k in keys.iter() {
            let _ = self.flow.send(Heard::Key(k));
        }
        keys.clear();
        count == SLOTS
    }

    /// Sends the next 20 ms packet; `out` is scratch.
    pub fn send_frame(&mut self, out: &mut Vec<u8>) {
        out.clear();
        if self.channel.frame(out) == Frame::Finished {
            let _ = self.flow.send(Heard::Played);
        }
        if let Some(peer) = self.peer {
            let _ = self.sockets[0].send_to(out, peer);
        }
    }

    pub fn play(&mut self, what: Play) {
        match what {
            Play::Audio(samples) => self.channel.play(samples),
            Play::Tone(tone) => self.channel.tone(tone),
            Play::Echo => self.channel.echo(),
            Play::Silence => self.channel.silence(),
            Play::Listen(on) => self.channel.listen(on),
        }
    }
}
