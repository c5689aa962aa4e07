//! The media thread: one epoll loop (mio) over the sockets of every call.
//! A packet on one of a call's four sockets goes out of the matching
//! socket of the other side, to where that phone was last heard from (or
//! where its SDP said, until it is heard). No task, no buffer and no timer
//! per call: a call costs its four sockets and a few addresses. Each ready
//! socket is read a batch at a time (one system call), so a busy one cannot
//! starve the others. Orders arrive through a channel and a waker; silence
//! is checked on a sweep. Legs Switchboard answered itself
//! ([`super::answered`]) live in the same loop, on a 20 ms clock of their
//! own.

use super::answered::{Answered, Heard};
use super::batch::{Batch, SLOTS};
use super::kernel::{Kernel, Steering};
use super::Caller;
use super::{bind_pair, Order, Reserved, Started};
use crate::metrics::Metrics;
use crate::music::Music;
use crate::recordings::Write;
use mio::net::UdpSocket;
use mio::{Events, Poll, Token, Waker};
use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use switchboard_engine::{LegCodec, MediaEvent, MediaOrder, Service, Side};
use switchboard_media::channel::{Channel, Frame};
use switchboard_media::codec::{Kind, Leg};
use switchboard_media::keys::Keys;
use switchboard_media::record::Recorder;
use switchboard_media::transcode::Transcoder;

const WAKER: Token = Token(usize::MAX);
/// In the poll a socket is named by its port. The loop names it by what
/// it belongs to ([`Worker::owner`]): socket `i` of relayed call slot `s`
/// is `4s + i`; from `ANSWERED` on are the sockets of answered legs, slot
/// `s` having `ANSWERED + 2s` (RTP) and the next (RTCP).
const ANSWERED: usize = 1 << 40;
/// A port that belongs to no call (yet, or any more).
const NOBODY: usize = usize::MAX;
/// The answered legs' packet clock.
const FRAME: Duration = Duration::from_millis(20);
/// How often the calls the kernel carries are steered again, to follow
/// routes and interfaces that changed under them.
const RESTEER: Duration = Duration::from_secs(30);

pub(super) struct Worker {
    poll: Poll,
    waker: Arc<Waker>,
    bind: IpAddr,
    reserved: Reserved,
    inbox: mpsc::Receiver<Order>,
    timeout: Duration,
    events: tokio::sync::mpsc::UnboundedSender<MediaEvent>,
    /// Where answered legs go to have their flow started.
    flows: tokio::sync::mpsc::UnboundedSender<Started>,
    /// The recordings' writer.
    recordings: mpsc::Sender<Write>,
    metrics: Metrics,
    /// Calls by slot; the sockets of slot `s` have tokens `4s` to `4s + 3`.
    slots: Vec<Option<CallMedia>>,
    free: Vec<usize>,
    by_call: HashMap<u64, usize>,
    /// What each port's socket belongs to, as the loop names it, or
    /// `NOBODY`.
    owners: Vec<usize>,
    /// Sockets that filled a whole batch, or were just given to a call:
    /// more may wait.
    again: Vec<Token>,
    /// Legs Switchboard answered, by slot, and when they send next.
    answered: Vec<Option<Answered>>,
    answered_free: Vec<usize>,
    answered_by_call: HashMap<u64, usize>,
    next_frame: Option<Instant>,
    /// Calls playing music on hold (they need the clock too).
    on_hold: usize,
    music: Arc<Music>,
    /// The kernel fast path, where the kernel allows it.
    kernel: Option<Kernel>,
}

struct CallMedia {
    call: u64,
    /// RTP and RTCP toward the caller, the same toward the callee.
    sockets: [UdpSocket; 4],
    /// The RTP ports of `sockets` toward the caller and the callee.
    ports: [u16; 2],
    /// What the kernel carries of the call.
    steering: Steering,
    peers: [Peer; 2],
    /// A packet came since the last sweep.
    heard: bool,
    quiet_since: Instant,
    /// The phones share no codec: caller to callee, callee to caller.
    transcoders: Option<Box<[Transcoder; 2]>>,
    /// Being recorded, and the stereo samples not yet handed to the
    /// writer.
    recorder: Option<Box<Recorder>>,
    recorded: Vec<i16>,
    /// The keys of each side, when the engine listens for star codes.
    keys: [Option<Box<Keys>>; 2],
    /// A side on hold (0 the caller, 1 the callee) and the music it
    /// hears, in its codec.
    music: Option<(usize, Box<Channel>)>,
}

/// Stereo samples gathered before they go to the recordings' writer.
const RECORDED_BATCH: usize = 16_000;

/// Where one phone is: RTP and RTCP addresses, from SDP until its own
/// packets say otherwise.
#[derive(Default)]
struct Peer {
    rtp: Option<SocketAddr>,
    rtcp: Option<SocketAddr>,
    latched: bool,
}

impl Worker {
    pub(super) fn new(
        bind: IpAddr,
        reserved: Reserved,
        inbox: mpsc::Receiver<Order>,
        timeout: Duration,
        events: tokio::sync::mpsc::UnboundedSender<MediaEvent>,
        outlets: super::Outlets,
        metrics: Metrics,
    ) -> std::io::Result<Worker> {
        let super::Outlets {
            flows,
            recordings,
            music,
            kernel,
        } = outlets;
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        Ok(Worker {
            poll,
            waker,
            bind,
            reserved,
            inbox,
            timeout,
            events,
            flows,
            recordings,
            metrics,
            slots: Vec::new(),
            free: Vec::new(),
            by_call: HashMap::new(),
            owners: vec![NOBODY; 1 << 16],
            again: Vec::new(),
            answered: Vec::new(),
            answered_free: Vec::new(),
            answered_by_call: HashMap::new(),
            next_frame: None,
            on_hold: 0,
            music,
            kernel,
        })
    }

    pub(super) fn waker(&self) -> Arc<Waker> {
        self.waker.clone()
    }

    /// The poll, for the SIP thread to put reserved ports in.
    pub(super) fn registry(&self) -> std::io::Result<mio::Registry> {
        self.poll.registry().try_clone()
    }

    /// What the socket on port `token` belongs to, as the loop names it.
    fn owner(&self, token: Token) -> Option<Token> {
        let owner = *self.owners.get(token.0)?;
        (owner != NOBODY).then_some(Token(owner))
    }

    /// Port `port`'s socket now belongs to `owner` (or `NOBODY`); what
    /// arrived before is read on this turn.
    fn own(&mut self, port: u16, owner: usize) {
        self.owners[usize::from(port)] = owner;
        if owner != NOBODY {
            self.again.push(Token(owner));
        }
    }

    /// Relays until the SIP thread's handle is gone.
    pub(super) fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let mut batch = Batch::new();
        let sweep_every =
            (self.timeout / 4).clamp(Duration::from_millis(100), Duration::from_secs(1));
        let mut next_sweep = Instant::now() + sweep_every;
        let mut next_resteer = Instant::now() + RESTEER;
        let (mut keys, mut out) = (Vec::new(), Vec::with_capacity(256));
        let mut ready = Vec::with_capacity(1024);
        loop {
            let wake = self.next_frame.map_or(next_sweep, |f| f.min(next_sweep));
            let wait = if self.again.is_empty() {
                wake.saturating_duration_since(Instant::now())
            } else {
                Duration::ZERO
            };
            if let Err(e) = self.poll.poll(&mut events, Some(wait)) {
                if e.kind() != ErrorKind::Interrupted {
                    tracing::error!("media relay stopped: {e}");
                    return;
                }
            }
            // Orders first, whatever woke the thread: some were sent
            // without waking it.
            if !self.take_orders() {
                return;
            }
            let mut relayed = 0;
            // The waker's token is no port: it has no owner.
            ready.clear();
            ready.append(&mut self.again);
            ready.extend(events.iter().filter_map(|e| self.owner(e.token())));
            for &token in &ready {
                if token.0 >= ANSWERED {
                    self.receive_answered(token, &mut batch, &mut keys);
                } else {
                    relayed += self.forward(token, &mut batch);
                }
            }
            if relayed > 0 {
                self.metrics.relayed_packets(relayed);
            }
            let now = Instant::now();
            if self.next_frame.is_some_and(|f| now >= f) {
                self.send_frames(now, &mut out);
            }
            if now >= next_sweep {
                self.sweep(now);
                next_sweep = now + sweep_every;
            }
            if now >= next_resteer {
                self.resteer();
                next_resteer = now + RESTEER;
            }
        }
    }

    /// Carries out the orders waiting; false once the handle is gone.
    fn take_orders(&mut self) -> bool {
        loop {
            match self.inbox.try_recv() {
                Ok(Order::Engine(order)) => self.order(order),
                Ok(Order::Play { call, what }) => {
                    if let Some(leg) = self.answered_mut(call) {
                        leg.play(what);
                    }
                }
                Err(mpsc::TryRecvError::Empty) => return true,
                Err(mpsc::TryRecvError::Disconnected) => return false,
            }
        }
    }

    fn order(&mut self, order: MediaOrder) {
        let call = order.call();
        let closing = matches!(order, MediaOrder::Close { .. });
        self.carry_out(order);
        if !closing {
            self.steer(call);
        }
    }

    fn carry_out(&mut self, order: MediaOrder) {
        match order {
            MediaOrder::Open {
                call,
                caller_port,
                callee_port,
                caller,
            } => {
                if let Err(e) = self.open(call, [caller_port, callee_port], caller) {
                    tracing::warn!("media relay of call {call:016x}: {e}");
                    let _ = self.events.send(MediaEvent::Failed { call });
                }
            }
            MediaOrder::Peer { call, side, peer } => {
                if let Some(media) = self.call_mut(call) {
                    media.peers[side.index()].heard_of(peer);
                }
            }
            MediaOrder::Answer {
                call,
                port,
                peer,
                codec,
                service,
                caller,
                caller_name,
            } => {
                let who = Caller {
                    number: caller,
                    name: caller_name,
                };
                if let Err(e) = self.answer(call, port, peer, &codec, service, who) {
                    tracing::warn!("media of call {call:016x}: {e}");
                    let _ = self.events.send(MediaEvent::Failed { call });
                }
            }
            MediaOrder::Transcode {
                call,
                caller,
                callee,
            } => {
                let (Some(a), Some(b)) = (media_leg(&caller), media_leg(&callee)) else {
                    return;
                };
                if let Some(media) = self.call_mut(call) {
                    let t = |from, to| {
                        Transcoder::new(from, to, rand::random(), rand::random(), rand::random())
                    };
                    media.transcoders = Some(Box::new([t(a, b), t(b, a)]));
                }
            }
            MediaOrder::Record {
                call,
                caller,
                callee,
                parties,
            } => {
                let (Some(a), Some(b)) = (media_leg(&caller), media_leg(&callee)) else {
                    return;
                };
                if let Some(media) = self.call_mut(call) {
                    let recorder = Recorder::new(a, b);
                    let rate = recorder.rate();
                    media.recorder = Some(Box::new(recorder));
                    let _ = self.recordings.send(Write::Open {
                        call,
                        rate,
                        parties,
                    });
                }
            }
            MediaOrder::RecordPause { call, paused } => {
                if let Some(r) = self.call_mut(call).and_then(|m| m.recorder.as_mut()) {
                    r.pause(paused);
                }
            }
            MediaOrder::RecordStop { call } => {
                if let Some(media) = self.call_mut(call) {
                    let done = finish_recording(call, media);
                    self.send_recorded(done);
                }
            }
            MediaOrder::Hold { call, side, codec } => {
                let Some(leg) = media_leg(&codec) else {
                    return;
                };
                let track = self.music.get(leg.codec.rate());
                let Some(media) = self.call_mut(call) else {
                    return;
                };
                let mut player = Channel::new(leg, rand::random(), rand::random(), rand::random());
                player.play(track);
                if media
                    .music
                    .replace((side.index(), Box::new(player)))
                    .is_none()
                {
                    self.on_hold += 1;
                }
                self.next_frame
                    .get_or_insert_with(|| Instant::now() + FRAME);
            }
            MediaOrder::Unhold { call } => {
                if self.call_mut(call).and_then(|m| m.music.take()).is_some() {
                    self.on_hold -= 1;
                    self.stop_clock_if_idle();
                }
            }
            MediaOrder::WatchKeys { call, side, codec } => {
                let (Some(leg), Some(media)) = (media_leg(&codec), self.call_mut(call)) else {
                    return;
                };
                media.keys[side.index()] = Some(Box::new(Keys::new(leg)));
            }
            MediaOrder::Key { call, key } => {
                if let Some(leg) = self.answered_mut(call) {
                    let _ = leg.flow.send(Heard::Key(key));
                }
            }
            MediaOrder::Bridge {
                call,
                callee_port,
                callee,
            } => {
                if let Err(e) = self.bridge(call, callee_port, callee) {
                    tracing::warn!("media relay of call {call:016x}: {e}");
                    let _ = self.events.send(MediaEvent::Failed { call });
                }
            }
            MediaOrder::Continue { call, service } => {
                if let Some(leg) = self.answered_mut(call) {
                    let _ = leg.flow.send(Heard::Continue(service));
                }
            }
            MediaOrder::Close { call } => {
                self.close(call);
                self.close_answered(call);
            }
        }
    }

    /// The answered leg of `call` becomes the caller's side of a relayed
    /// call toward a callee on `callee_port` (at `callee`); its flow ends.
    fn bridge(
        &mut self,
        call: u64,
        callee_port: u16,
        callee: Option<SocketAddr>,
    ) -> std::io::Result<()> {
        let Some(slot) = self.answered_by_call.remove(&call) else {
            return Err(std::io::Error::other("no answered leg to put through"));
        };
        let Some(leg) = self.answered[slot].take() else {
            return Err(std::io::Error::other("no answered leg to put through"));
        };
        self.answered_free.push(slot);
        self.own(leg.port, NOBODY);
        self.own(leg.port.wrapping_add(1), NOBODY);
        self.stop_clock_if_idle();
        let [b0, b1] = self.pair(callee_port)?;
        let [a0, a1] = leg.sockets;
        self.install(call, [a0, a1, b0, b1], [leg.port, callee_port], leg.peer)?;
        if let (Some(peer), Some(media)) = (callee, self.call_mut(call)) {
            media.peers[Side::Callee.index()].heard_of(peer);
        }
        Ok(())
    }

    /// Takes a leg Switchboard answered, and has its flow started.
    fn answer(
        &mut self,
        call: u64,
        port: u16,
        peer: Option<SocketAddr>,
        codec: &LegCodec,
        service: Service,
        caller: Caller,
    ) -> std::io::Result<()> {
        let Some(leg) = media_leg(codec) else {
            return Err(std::io::Error::other(format!("no codec {}", codec.name)));
        };
        let [rtp, rtcp] = self.pair(port)?;
        let slot = self.answered_free.pop().unwrap_or_else(|| {
            self.answered.push(None);
            self.answered.len() - 1
        });
        let (flow, heard) = tokio::sync::mpsc::unbounded_channel();
        let answered = Answered {
            call,
            sockets: [rtp, rtcp],
            port,
            peer,
            channel: Channel::new(leg, rand::random(), rand::random(), rand::random()),
            flow,
            heard: false,
            quiet_since: Instant::now(),
        };
        self.own(port, ANSWERED + slot * 2);
        self.own(port.wrapping_add(1), ANSWERED + slot * 2 + 1);
        self.answered[slot] = Some(answered);
        self.answered_by_call.insert(call, slot);
        self.next_frame
            .get_or_insert_with(|| Instant::now() + FRAME);
        let _ = self.flows.send(Started {
            call,
            service,
            caller,
            rate: leg.codec.rate(),
            heard,
        });
        Ok(())
    }

    fn close_answered(&mut self, call: u64) {
        let Some(slot) = self.answered_by_call.remove(&call) else {
            return;
        };
        if let Some(leg) = self.answered[slot].take() {
            self.own(leg.port, NOBODY);
            self.own(leg.port.wrapping_add(1), NOBODY);
        }
        self.answered_free.push(slot);
        self.stop_clock_if_idle();
    }

    /// The 20 ms clock runs while answered legs or music on hold need it.
    fn stop_clock_if_idle(&mut self) {
        if self.answered_by_call.is_empty() && self.on_hold == 0 {
            self.next_frame = None;
        }
    }

    fn answered_mut(&mut self, call: u64) -> Option<&mut Answered> {
        let slot = *self.answered_by_call.get(&call)?;
        self.answered[slot].as_mut()
    }

    fn receive_answered(&mut self, token: Token, batch: &mut Batch, keys: &mut Vec<char>) {
        let (slot, index) = ((token.0 - ANSWERED) / 2, (token.0 - ANSWERED) % 2);
        if let Some(Some(leg)) = self.answered.get_mut(slot) {
            if leg.receive(index, batch, keys) {
                self.again.push(token);
            }
        }
    }

    /// Every answered leg's next packet; the clock moves on 20 ms (or
    /// starts again from now, after a stall).
    fn send_frames(&mut self, now: Instant, out: &mut Vec<u8>) {
        for leg in self.answered.iter_mut().flatten() {
            leg.send_frame(out);
        }
        if self.on_hold > 0 {
            for media in self.slots.iter_mut().flatten() {
                let Some((side, player)) = &mut media.music else {
                    continue;
                };
                out.clear();
                if player.frame(out) == Frame::Finished {
                    player.play(self.music.get(player.leg().codec.rate()));
                }
                if let Some(to) = media.peers[*side].rtp {
                    let _ = media.sockets[*side * 2].send_to(out, to);
                }
            }
        }
        let next = self.next_frame.map_or(now, |f| f + FRAME);
        self.next_frame = Some(if next + FRAME * 5 < now {
            now + FRAME
        } else {
            next
        });
    }

    fn open(
        &mut self,
        call: u64,
        ports: [u16; 2],
        caller: Option<SocketAddr>,
    ) -> std::io::Result<()> {
        let sockets = self.sockets(ports)?;
        self.install(call, sockets, ports, caller)
    }

    /// Relays `call` over `sockets` (caller's RTP and RTCP, callee's), the
    /// RTP ones on `ports`.
    fn install(
        &mut self,
        call: u64,
        sockets: [UdpSocket; 4],
        ports: [u16; 2],
        caller: Option<SocketAddr>,
    ) -> std::io::Result<()> {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            self.slots.len() - 1
        });
        let mut media = CallMedia {
            call,
            sockets,
            ports,
            steering: Steering::default(),
            peers: [Peer::default(), Peer::default()],
            heard: false,
            quiet_since: Instant::now(),
            transcoders: None,
            recorder: None,
            recorded: Vec::new(),
            keys: [None, None],
            music: None,
        };
        for (i, port) in socket_ports(ports).into_iter().enumerate() {
            self.own(port, slot * 4 + i);
        }
        if let Some(peer) = caller {
            media.peers[Side::Caller.index()].heard_of(peer);
        }
        self.slots[slot] = Some(media);
        self.by_call.insert(call, slot);
        Ok(())
    }

    /// The call's sockets: the pairs reserved for it, or bound now.
    fn sockets(&self, [a, b]: [u16; 2]) -> std::io::Result<[UdpSocket; 4]> {
        let ([a0, a1], [b0, b1]) = (self.pair(a)?, self.pair(b)?);
        Ok([a0, a1, b0, b1])
    }

    /// The RTP port and the next: as reserved, or bound now.
    fn pair(&self, port: u16) -> std::io::Result<[UdpSocket; 2]> {
        let held = self
            .reserved
            .lock()
            .expect("the reservations' lock")
            .remove(&port);
        match held {
            Some(pair) => Ok(pair),
            None => bind_pair(self.bind, port, self.poll.registry()),
        }
    }

    fn close(&mut self, call: u64) {
        let Some(slot) = self.by_call.remove(&call) else {
            return;
        };
        if let Some(mut media) = self.slots[slot].take() {
            if let Some(kernel) = &mut self.kernel {
                let carried = kernel.release(media.ports, &mut media.steering);
                self.metrics.kernel_packets(carried);
            }
            for port in socket_ports(media.ports) {
                self.own(port, NOBODY);
            }
            let done = finish_recording(call, &mut media);
            self.send_recorded(done);
            if media.music.is_some() {
                self.on_hold -= 1;
                self.stop_clock_if_idle();
            }
        }
        self.free.push(slot);
        switchboard_sip::sparse::shrink_map(&mut self.by_call);
    }

    fn call_mut(&mut self, call: u64) -> Option<&mut CallMedia> {
        let slot = *self.by_call.get(&call)?;
        self.slots[slot].as_mut()
    }

    /// Gives the kernel what it can carry of `call` now, and takes back
    /// what it no longer can.
    fn steer(&mut self, call: u64) {
        if let Some(&slot) = self.by_call.get(&call) {
            self.steer_slot(slot);
        }
    }

    /// Steers again every call the kernel carries.
    fn resteer(&mut self) {
        for slot in 0..self.slots.len() {
            let carried = self.slots[slot]
                .as_ref()
                .is_some_and(|m| m.steering.carried());
            if carried {
                self.steer_slot(slot);
            }
        }
    }

    fn steer_slot(&mut self, slot: usize) {
        let (Some(kernel), Some(Some(media))) = (&mut self.kernel, self.slots.get_mut(slot)) else {
            return;
        };
        let plain = media.transcoders.is_none()
            && media.recorder.is_none()
            && media.keys.iter().all(Option::is_none)
            && media.music.is_none();
        let phones = [0, 1].map(|i| {
            let peer = &media.peers[i];
            peer.rtp.filter(|_| peer.latched)
        });
        kernel.steer(media.ports, phones, plain, &mut media.steering);
    }

    /// Relays what waits on socket `token`, a batch at most; returns how
    /// many packets went out.
    fn forward(&mut self, token: Token, batch: &mut Batch) -> u64 {
        let (slot, index) = (token.0 / 4, token.0 % 4);
        let Some(Some(media)) = self.slots.get_mut(slot) else {
            return 0;
        };
        let (from, rtcp) = (index / 2, index % 2 == 1);
        let Ok(count) = batch.read(&media.sockets[index]) else {
            return 0;
        };
        if count == SLOTS {
            self.again.push(token);
        }
        let (mut relayed, mut moved) = (0, false);
        for i in 0..count {
            let (packet, Some(source)) = batch.packet(i) else {
                continue;
            };
            media.heard = true;
            let me = &mut media.peers[from];
            if rtcp {
                me.rtcp = Some(source);
            } else {
                moved |= !me.latched || me.rtp != Some(source);
                me.rtp = Some(source);
                if !me.latched {
                    me.latched = true;
                    me.rtcp.get_or_insert(next_port(source));
                }
            }
            let other = &media.peers[1 - from];
            let to = if rtcp { other.rtcp } else { other.rtp };
            if let (Some(r), false) = (&mut media.recorder, rtcp) {
                r.packet(from, packet, &mut media.recorded);
            }
            if let (Some(k), false) = (&mut media.keys[from], rtcp) {
                let mut pressed = Vec::new();
                k.packet(packet, &mut pressed);
                let side = [Side::Caller, Side::Callee][from];
                for key in pressed {
                    let call = media.call;
                    let _ = self.events.send(MediaEvent::Key { call, side, key });
                }
            }
            let Some(to) = to else { continue };
            if media
                .music
                .as_ref()
                .is_some_and(|(held, _)| *held == 1 - from)
            {
                // The phone on hold hears the music, not the other phone.
                continue;
            }
            let out = &media.sockets[(1 - from) * 2 + index % 2];
            match &mut media.transcoders {
                // RTCP describes a stream the other phone never sees.
                Some(_) if rtcp => {}
                Some(t) => t[from].packet(packet, &mut |p: &[u8]| {
                    if out.send_to(p, to).is_ok() {
                        relayed += 1;
                    }
                }),
                None => {
                    if out.send_to(packet, to).is_ok() {
                        relayed += 1;
                    }
                }
            }
        }
        if media.recorded.len() >= RECORDED_BATCH {
            let samples = std::mem::take(&mut media.recorded);
            let _ = self.recordings.send(Write::Samples {
                call: media.call,
                samples,
            });
        }
        if moved {
            self.steer_slot(slot);
        }
        relayed
    }

    /// Hands a finished recording's last samples to the writer, and closes
    /// it there.
    fn send_recorded(&self, done: Option<(u64, Vec<i16>)>) {
        if let Some((call, samples)) = done {
            let _ = self.recordings.send(Write::Samples { call, samples });
            let _ = self.recordings.send(Write::Close { call });
        }
    }

    /// Reports calls silent for the timeout, once per silence; returns the
    /// memory of closed calls to the system.
    fn sweep(&mut self, now: Instant) {
        crate::allocator::give_back();
        if let Some(kernel) = &self.kernel {
            let mut carried = 0;
            for media in self.slots.iter_mut().flatten() {
                let n = kernel.forwarded(media.ports, &mut media.steering);
                media.heard |= n > 0;
                carried += n;
            }
            self.metrics.kernel_packets(carried);
        }
        let legs = self
            .slots
            .iter_mut()
            .flatten()
            .map(|m| (m.call, &mut m.heard, &mut m.quiet_since));
        let answered = self
            .answered
            .iter_mut()
            .flatten()
            .map(|a| (a.call, &mut a.heard, &mut a.quiet_since));
        for (call, heard, quiet_since) in legs.chain(answered) {
            if std::mem::take(heard) {
                *quiet_since = now;
            } else if now.duration_since(*quiet_since) >= self.timeout {
                let _ = self.events.send(MediaEvent::Silent { call });
                *quiet_since = now;
            }
        }
    }
}

impl Peer {
    /// Where signalling says the phone receives; its own packets win.
    fn heard_of(&mut self, peer: SocketAddr) {
        if !self.latched {
            self.rtp = Some(peer);
            self.rtcp = Some(next_port(peer));
        }
    }
}

/// The ports of a call's four sockets, in the order of its `sockets`:
/// RTP and RTCP toward the caller, the same toward the callee.
fn socket_ports([caller, callee]: [u16; 2]) -> [u16; 4] {
    [
        caller,
        caller.wrapping_add(1),
        callee,
        callee.wrapping_add(1),
    ]
}

/// Ends a call's recording: what the recorder still held, after what was
/// gathered; none when it was not being recorded.
fn finish_recording(call: u64, media: &mut CallMedia) -> Option<(u64, Vec<i16>)> {
    let mut recorder = media.recorder.take()?;
    let mut samples = std::mem::take(&mut media.recorded);
    recorder.finish(&mut samples);
    Some((call, samples))
}

/// A leg's codec as the media layer takes it; none for a codec it lacks.
fn media_leg(codec: &LegCodec) -> Option<Leg> {
    Some(Leg {
        codec: Kind::from_name(codec.name)?,
        payload_type: codec.payload_type,
        events: codec.events,
    })
}

fn next_port(address: SocketAddr) -> SocketAddr {
    SocketAddr::new(address.ip(), address.port().wrapping_add(1))
}
