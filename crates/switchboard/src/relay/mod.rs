//! The media relay: carries each call's RTP and RTCP between the two
//! phones, through ports of Switchboard's, so media works whatever NAT
//! either phone is behind and every call's audio passes one place.
//!
//! The engine decides the ports and says where each phone's SDP asks to
//! receive ([`MediaOrder`]). Each port pair is bound the moment the engine
//! picks it ([`Relay::reserve`]), so a port another program holds is
//! never written into an SDP, and put in the media thread's poll at once,
//! named by its port. One thread ("media", [`worker`]) waits on every
//! call's sockets at once and forwards what arrives on one side out of
//! the other; orders reach it in batches, at most one wake-up per turn of
//! the SIP thread. Orders that only matter once packets flow (opening a
//! call, where a phone receives, closing it) do not wake it: the first
//! packet does, and the thread reads its orders before its sockets.
//! Each phone's address is learned from its own packets (symmetric RTP,
//! latching), which beats what its SDP said: behind NAT that address is
//! private. A call whose media has been silent for
//! `timeout` is reported, once per silence.
//!
//! Where the kernel allows, a call both of whose phones have been heard
//! and whose audio nothing in Switchboard needs is carried by the kernel
//! instead ([`kernel`]); the sockets stay, for what it does not take.
//!
//! Legs Switchboard answers itself (the test numbers) are media of the
//! same thread: the engine's [`MediaOrder::Answer`] opens one and hands
//! its flow a [`Started`]; the flow says what plays through a
//! [`Control`], and hears keys and the end of what it played.

mod answered;
mod batch;
mod kernel;
mod worker;

pub use answered::{Heard, Play};
pub use kernel::Kernel;

use crate::metrics::Metrics;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use switchboard_engine::{MediaEvent, MediaOrder, Service};

/// What the media thread is told.
#[derive(Debug)]
pub enum Order {
    /// The engine's.
    Engine(MediaOrder),
    /// A flow's: what its leg plays.
    Play { call: u64, what: Play },
}

/// Who called a leg Switchboard answered.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The extension's number.
    pub number: String,
    /// The name its phone gave, if any.
    pub name: Option<String>,
}

/// A leg Switchboard answered, for its flow.
#[derive(Debug)]
pub struct Started {
    pub call: u64,
    pub service: Service,
    pub caller: Caller,
    /// The sample rate of what it plays (its codec's).
    pub rate: u32,
    /// Keys and the ends of what was played; closed with the call.
    pub heard: tokio::sync::mpsc::UnboundedReceiver<Heard>,
}

/// What the media thread works with besides its sockets: where answered
/// legs go to their flows, recordings to their writer, the music on
/// hold, and the kernel fast path.
pub struct Outlets {
    pub flows: tokio::sync::mpsc::UnboundedSender<Started>,
    pub recordings: mpsc::Sender<crate::recordings::Write>,
    /// What phones on hold hear.
    pub music: Arc<crate::music::Music>,
    /// Carries plain calls in the kernel, where it allows.
    pub kernel: Option<Kernel>,
}

/// The flows' way to the media thread.
#[derive(Clone)]
pub struct Control {
    orders: mpsc::Sender<Order>,
    waker: Arc<mio::Waker>,
}

impl Control {
    pub fn play(&self, call: u64, what: Play) {
        if self.orders.send(Order::Play { call, what }).is_ok() {
            let _ = self.waker.wake();
        }
    }
}

/// The handle the SIP thread keeps: reserves ports, sends orders.
pub struct Relay {
    bind: IpAddr,
    reserved: Reserved,
    /// The media thread's poll, where reserved ports are put.
    registry: Arc<mio::Registry>,
    orders: mpsc::Sender<Order>,
    waker: Arc<mio::Waker>,
    /// Orders sent since the media thread was last woken.
    unannounced: bool,
}

/// Port pairs bound for calls about to start, already in the media
/// thread's poll: RTP port → its RTP and RTCP sockets.
type Reserved = Arc<Mutex<HashMap<u16, [mio::net::UdpSocket; 2]>>>;

impl Relay {
    /// A relay binding its ports on `bind`, reporting to `events`, with its
    /// own thread.
    pub fn start(
        bind: IpAddr,
        timeout: Duration,
        events: tokio::sync::mpsc::UnboundedSender<MediaEvent>,
        outlets: Outlets,
        metrics: Metrics,
    ) -> std::io::Result<Relay> {
        let reserved = Reserved::default();
        let (orders, inbox) = mpsc::channel();
        let media = worker::Worker::new(
            bind,
            reserved.clone(),
            inbox,
            timeout,
            events,
            outlets,
            metrics,
        )?;
        let waker = media.waker();
        let registry = Arc::new(media.registry()?);
        std::thread::Builder::new()
            .name("media".into())
            .spawn(move || media.run())?;
        Ok(Relay {
            bind,
            reserved,
            registry,
            orders,
            waker,
            unannounced: false,
        })
    }

    /// For the engine's port pool: binds an RTP port and the next one,
    /// holding them for the call that will use them; false when either is
    /// taken.
    pub fn reserve(&self) -> switchboard_engine::Reserve {
        let (bind, reserved, registry) = (self.bind, self.reserved.clone(), self.registry.clone());
        Box::new(move |port| {
            let mut held = reserved.lock().expect("the reservations' lock");
            if held.contains_key(&port) {
                return true;
            }
            match bind_pair(bind, port, &registry) {
                Ok(pair) => {
                    held.insert(port, pair);
                    true
                }
                Err(_) => false,
            }
        })
    }

    /// Queues one order of the engine's; [`Relay::flush`] delivers.
    /// Opening a relayed call, where a phone receives and closing the call
    /// do not wake the media thread: its sockets are in the thread's poll
    /// from the start, so the call's first packet wakes it, and it reads
    /// its orders before the packet (where a latched phone receives does
    /// not change; a closed call's sockets can wait for the sweep, within
    /// a second). Waking the media thread costs each thread more than a
    /// SIP message: the orders that need it to act without a packet (music,
    /// recording, legs Switchboard answers) still do.
    pub fn order(&mut self, order: MediaOrder) {
        let urgent = !matches!(
            order,
            MediaOrder::Open { .. } | MediaOrder::Peer { .. } | MediaOrder::Close { .. }
        );
        if self.orders.send(Order::Engine(order)).is_ok() && urgent {
            self.unannounced = true;
        }
    }

    /// A handle for flows.
    pub fn control(&self) -> Control {
        Control {
            orders: self.orders.clone(),
            waker: self.waker.clone(),
        }
    }

    /// Wakes the media thread if orders are waiting for it.
    pub fn flush(&mut self) {
        if std::mem::take(&mut self.unannounced) {
            if let Err(e) = self.waker.wake() {
                tracing::warn!("waking the media relay: {e}");
            }
        }
    }
}

impl Drop for Relay {
    /// The media thread sees the orders' channel closed, and stops.
    fn drop(&mut self) {
        let _ = self.waker.wake();
    }
}

/// An RTP port and the RTCP port after it, non-blocking from the start
/// (one system call less per socket than setting it after), in the media
/// thread's poll under their port numbers. A socket leaves the poll when
/// it is closed: no call's sockets are ever duplicated.
fn bind_pair(
    bind: IpAddr,
    port: u16,
    registry: &mio::Registry,
) -> std::io::Result<[mio::net::UdpSocket; 2]> {
    let one = |port: u16| -> std::io::Result<mio::net::UdpSocket> {
        let address = SocketAddr::new(bind, port);
        let kind = socket2::Type::DGRAM.nonblocking();
        let socket = socket2::Socket::new(socket2::Domain::for_address(address), kind, None)?;
        socket.bind(&address.into())?;
        let mut socket = mio::net::UdpSocket::from_std(socket.into());
        registry.register(
            &mut socket,
            mio::Token(usize::from(port)),
            mio::Interest::READABLE,
        )?;
        Ok(socket)
    };
    Ok([one(port)?, one(port.wrapping_add(1))?])
}
