//! The media side of a call, as the engine decides it: which relay ports
//! each leg uses, what the SDP each phone receives says, and the orders
//! the binary's relay carries out. The engine moves no packets.
//!
//! Each leg gets a pair of ports from the configured range: RTP on the
//! even one, RTCP on the next. The caller is told to send to the caller
//! side's pair, the callee to the callee side's; the relay forwards
//! between them and learns each phone's real address from its packets
//! (symmetric RTP), so phones behind NAT get audio both ways.

use crate::endpoint::Service;
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use switchboard_sip::sdp::{Media, Sdp};

/// Which party of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The calling phone.
    Caller,
    /// The called phone.
    Callee,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::Caller => Side::Callee,
            Side::Callee => Side::Caller,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Caller => "caller",
            Side::Callee => "callee",
        }
    }

    /// 0 for the caller, 1 for the callee: where per-side arrays keep it.
    pub fn index(self) -> usize {
        match self {
            Side::Caller => 0,
            Side::Callee => 1,
        }
    }
}

/// What the relay is to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaOrder {
    /// Start relaying a call between two port pairs; `caller` is where the
    /// caller's SDP says it receives.
    Open {
        call: u64,
        caller_port: u16,
        callee_port: u16,
        caller: Option<SocketAddr>,
    },
    /// A leg's SDP says it now receives at `peer` (until its packets say
    /// otherwise).
    Peer {
        call: u64,
        side: Side,
        peer: SocketAddr,
    },
    /// Switchboard answered the call itself ([`Service`]): one port pair
    /// toward the phone, which receives at `peer` and speaks `codec`.
    Answer {
        call: u64,
        port: u16,
        peer: Option<SocketAddr>,
        codec: LegCodec,
        service: Service,
        /// Who called: the extension's number, and the name its phone gave.
        caller: String,
        caller_name: Option<String>,
    },
    /// The phones share no codec: the relay decodes each side's audio
    /// and encodes it in the other's.
    Transcode {
        call: u64,
        caller: LegCodec,
        callee: LegCodec,
    },
    /// Record the call from now on: each side's codec, and who the parties
    /// are (caller, callee).
    Record {
        call: u64,
        caller: LegCodec,
        callee: LegCodec,
        parties: [String; 2],
    },
    /// The recording stops for now (`true`) or goes on again.
    RecordPause { call: u64, paused: bool },
    /// The recording ends (its file is finished); the call goes on.
    RecordStop { call: u64 },
    /// `side` is on hold: play it music, and nothing of the other phone.
    Hold {
        call: u64,
        side: Side,
        codec: LegCodec,
    },
    /// Off hold: the phones hear each other again.
    Unhold { call: u64 },
    /// Report the keys `side` presses (for star codes during the call).
    WatchKeys {
        call: u64,
        side: Side,
        codec: LegCodec,
    },
    /// A key the phone sent by SIP INFO, in a call Switchboard answered.
    Key { call: u64, key: char },
    /// The call Switchboard answered was put through and answered: its
    /// port pair becomes the caller's side of a relayed call, toward a
    /// callee on `callee_port` who receives at `callee`; its flow ends.
    Bridge {
        call: u64,
        callee_port: u16,
        callee: Option<SocketAddr>,
    },
    /// The call Switchboard answered could not be put through: its flow
    /// goes on with `service` (the voicemail, the IVR the destination
    /// leads to), or, with none, tells the caller and ends.
    Continue {
        call: u64,
        service: Option<crate::endpoint::Service>,
    },
    /// The call is over.
    Close { call: u64 },
}

/// The codec one leg speaks, as the relay needs it to transcode or to
/// answer: its name (one of [`TRANSCODABLE`]), payload type and
/// telephone-event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegCodec {
    pub name: &'static str,
    pub payload_type: u8,
    /// telephone-event's payload type, when the phone took it.
    pub events: Option<u8>,
}

/// The codecs Switchboard decodes and encodes itself: name, usual payload
/// type, and rtpmap.
pub const TRANSCODABLE: [(&str, u8, &str); 4] = [
    ("PCMU", 0, "PCMU/8000"),
    ("PCMA", 8, "PCMA/8000"),
    ("G722", 9, "G722/8000"),
    ("opus", 111, "opus/48000/2"),
];

/// What the relay tells the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaEvent {
    /// No packet from either phone for the configured time.
    Silent { call: u64 },
    /// The relay could not take its ports.
    Failed { call: u64 },
    /// A phone whose keys are watched pressed one.
    Key { call: u64, side: Side, key: char },
}

impl MediaOrder {
    /// The call the order is about.
    pub fn call(&self) -> u64 {
        match self {
            MediaOrder::Open { call, .. }
            | MediaOrder::Peer { call, .. }
            | MediaOrder::Answer { call, .. }
            | MediaOrder::Transcode { call, .. }
            | MediaOrder::Record { call, .. }
            | MediaOrder::RecordPause { call, .. }
            | MediaOrder::RecordStop { call }
            | MediaOrder::Hold { call, .. }
            | MediaOrder::Unhold { call }
            | MediaOrder::WatchKeys { call, .. }
            | MediaOrder::Key { call, .. }
            | MediaOrder::Bridge { call, .. }
            | MediaOrder::Continue { call, .. }
            | MediaOrder::Close { call } => *call,
        }
    }
}

/// Reserves an RTP port and the next one for a call (by binding them);
/// false when they cannot be had (another program uses them).
pub type Reserve = Box<dyn FnMut(u16) -> bool + Send>;

/// The relay's port range: pairs handed out and taken back. Ports are
/// picked from a random point of the range (a port an attacker can guess
/// is a port they can inject into), and each is reserved before it is
/// handed out, so a port some other program holds is passed over.
pub struct PortPool {
    /// The range's first and last RTP ports.
    first: u16,
    last: u16,
    free: BTreeSet<u16>,
    /// Ports that could not be reserved, tried again once the others
    /// ran out.
    elsewhere: Vec<u16>,
    reserve: Option<Reserve>,
}

impl std::fmt::Debug for PortPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortPool")
            .field("free", &self.free.len())
            .field("elsewhere", &self.elsewhere.len())
            .finish()
    }
}

impl PortPool {
    /// Even ports from `min` to `max` (inclusive), each with the next one.
    pub fn new(min: u16, max: u16) -> PortPool {
        let first = min + (min % 2);
        let free: BTreeSet<u16> = (first..max).step_by(2).collect();
        PortPool {
            first,
            last: free.last().copied().unwrap_or(first),
            free,
            elsewhere: Vec::new(),
            reserve: None,
        }
    }

    /// Reserve each port with `reserve` before handing it out.
    pub fn set_reserve(&mut self, reserve: Reserve) {
        self.reserve = Some(reserve);
    }

    /// An RTP port (its RTCP port is the next), the first free one from
    /// `start` on (wrapping), if any is left. Each port is tried once: the
    /// free ones first, then those that could not be reserved before (a
    /// port given back can still be bound for a moment, until the relay
    /// has closed its sockets).
    pub fn take(&mut self, start: u16) -> Option<u16> {
        let mut failed = Vec::new();
        let found = loop {
            if self.free.is_empty() {
                if self.elsewhere.is_empty() {
                    break None;
                }
                self.free.extend(self.elsewhere.drain(..));
            }
            let Some(&port) = self.free.range(start..).next().or(self.free.first()) else {
                break None;
            };
            self.free.remove(&port);
            if self.reserve.as_mut().is_none_or(|reserve| reserve(port)) {
                break Some(port);
            }
            failed.push(port);
        };
        self.elsewhere.extend(failed);
        found
    }

    /// [`PortPool::take`] from a point of the range `rng` picks, so no
    /// one can tell which port a call gets.
    pub fn take_random(&mut self, rng: &mut impl rand::Rng) -> Option<u16> {
        let start = rng.gen_range(self.first..=self.last);
        self.take(start)
    }

    pub fn give_back(&mut self, port: u16) {
        self.free.insert(port);
    }

    pub fn available(&self) -> usize {
        self.free.len()
    }
}

/// Where the first audio stream of `sdp` is received.
pub fn audio_peer(sdp: &Sdp) -> Option<SocketAddr> {
    let index = sdp.media.iter().position(is_audio)?;
    let port = sdp.media[index].port;
    let ip = sdp.connection(index)?;
    (port != 0 && !ip.is_unspecified()).then(|| SocketAddr::new(ip, port))
}

/// The codec the answer chose: its first audio format other than
/// telephone-event.
pub fn chosen_codec(answer: &Sdp) -> Option<String> {
    let audio = answer.media.iter().find(|m| is_audio(m))?;
    audio
        .codecs()
        .find(|c| !c.name.eq_ignore_ascii_case("telephone-event"))
        .map(|c| c.name.to_owned())
}

/// `sdp` as the other phone must see it: media at `address`:`port`, only
/// the codecs `allowed` names (telephone-event always passes), ICE and
/// RTCP attributes gone, streams other than the first audio one refused
/// (port 0: the relay carries one audio stream). False when no allowed
/// codec is left.
pub fn rewrite(
    sdp: &mut Sdp,
    address: IpAddr,
    port: u16,
    allowed: &[String],
    session_id: u64,
    version: u64,
) -> bool {
    sdp.set_address(address, session_id, version);
    let audio = sdp.media.iter().position(is_audio);
    let mut usable = audio.is_some();
    for (i, m) in sdp.media.iter_mut().enumerate() {
        m.strip_transport_attributes();
        if Some(i) != audio {
            m.port = 0;
            continue;
        }
        m.port = port;
        let keep: Vec<String> = m
            .codecs()
            .filter(|c| {
                c.name.eq_ignore_ascii_case("telephone-event")
                    || allowed.iter().any(|a| a.eq_ignore_ascii_case(c.name))
            })
            .map(|c| c.payload_type.to_owned())
            .collect();
        usable = m.retain_formats(|pt| keep.iter().any(|k| k == pt))
            && m.codecs()
                .any(|c| !c.name.eq_ignore_ascii_case("telephone-event"));
    }
    usable
}

/// Switchboard's own offer, for a caller whose INVITE had none (late
/// offer): audio at `address`:`port` in the codecs of `allowed` that have
/// a well-known payload type, preferred first, and telephone-event. None
/// when `allowed` names no such codec.
pub fn offer(
    address: IpAddr,
    port: u16,
    allowed: &[String],
    session_id: u64,
    version: u64,
) -> Option<Sdp> {
    const KNOWN: [(&str, &str, &str); 5] = [
        ("PCMU", "0", "PCMU/8000"),
        ("PCMA", "8", "PCMA/8000"),
        ("G722", "9", "G722/8000"),
        ("G729", "18", "G729/8000"),
        ("opus", "111", "opus/48000/2"),
    ];
    let known: Vec<_> = allowed
        .iter()
        .filter_map(|name| KNOWN.iter().find(|(n, ..)| n.eq_ignore_ascii_case(name)))
        .collect();
    if known.is_empty() {
        return None;
    }
    let formats: Vec<&str> = known.iter().map(|(_, pt, _)| *pt).collect();
    let mut text = format!(
        "v=0\r\no=switchboard 0 0 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP {} 101\r\n",
        formats.join(" ")
    );
    for (_, pt, map) in known {
        text += &format!("a=rtpmap:{pt} {map}\r\n");
    }
    text += "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n";
    let mut sdp = Sdp::parse(text.as_bytes()).ok()?;
    sdp.set_address(address, session_id, version);
    Some(sdp)
}

/// Adds to an offer's audio stream the codecs of `allowed` that
/// Switchboard transcodes and the offer lacks, after the offer's own: a
/// phone sharing a codec with the caller picks that one, and one that does
/// not still finds one it speaks.
pub fn add_transcodable(sdp: &mut Sdp, allowed: &[String]) {
    let Some(audio) = sdp.media.iter_mut().find(|m| is_audio(m)) else {
        return;
    };
    for name in allowed {
        let Some(&(name, pt, map)) = TRANSCODABLE
            .iter()
            .find(|(n, ..)| n.eq_ignore_ascii_case(name))
        else {
            continue;
        };
        if audio.offers(name) {
            continue;
        }
        let taken = |pt: &str| audio.formats.iter().any(|f| f == pt);
        let pt = if !taken(&pt.to_string()) {
            pt.to_string()
        } else {
            match (96..=127).map(|p: u8| p.to_string()).find(|p| !taken(p)) {
                Some(free) => free,
                None => continue,
            }
        };
        audio.lines.push(switchboard_sip::sdp::Line::new(
            b'a',
            format!("rtpmap:{pt} {map}"),
        ));
        audio.formats.push(pt);
    }
}

/// Puts the audio formats of `sdp` in the order `order` names their
/// codecs (a trunk's preference); the others (telephone-event, codecs it
/// does not name) follow as they were.
pub fn prefer(sdp: &mut Sdp, order: &[String]) {
    let Some(audio) = sdp.media.iter_mut().find(|m| is_audio(m)) else {
        return;
    };
    let names: Vec<(String, String)> = audio
        .codecs()
        .map(|c| (c.payload_type.to_owned(), c.name.to_owned()))
        .collect();
    let rank = |pt: &String| {
        names
            .iter()
            .find(|(p, _)| p == pt)
            .and_then(|(_, n)| order.iter().position(|o| o.eq_ignore_ascii_case(n)))
            .unwrap_or(order.len())
    };
    audio.formats.sort_by_key(rank);
}

/// The first codec of `sdp`'s audio stream that Switchboard transcodes
/// (an offer's preferred, an answer's choice), with its telephone-event.
pub fn leg_codec(sdp: &Sdp) -> Option<LegCodec> {
    let audio = sdp.media.iter().find(|m| is_audio(m))?;
    let events = audio
        .codecs()
        .find(|c| c.name.eq_ignore_ascii_case("telephone-event"))
        .and_then(|c| c.payload_type.parse().ok());
    audio.codecs().find_map(|c| {
        let &(name, ..) = TRANSCODABLE.iter().find(|(n, _, map)| {
            n.eq_ignore_ascii_case(c.name)
                && map.split('/').nth(1) == Some(&c.clock_rate.to_string())
        })?;
        Some(LegCodec {
            name,
            payload_type: c.payload_type.parse().ok()?,
            events,
        })
    })
}

/// Whether `sdp`'s audio stream offers a codec of that name.
pub fn offers(sdp: &Sdp, name: &str) -> bool {
    sdp.media
        .iter()
        .find(|m| is_audio(m))
        .is_some_and(|m| m.offers(name))
}

/// Makes `sdp`'s audio stream carry `codec` (and its telephone-event)
/// alone: what a phone of a transcoded call must see, whatever the other
/// phone chose.
pub fn set_codec(sdp: &mut Sdp, codec: &LegCodec) {
    let Some(audio) = sdp.media.iter_mut().find(|m| is_audio(m)) else {
        return;
    };
    let events = audio.offers("telephone-event");
    audio.retain_formats(|_| false);
    audio.formats.clear();
    let map = TRANSCODABLE
        .iter()
        .find(|(n, ..)| *n == codec.name)
        .map_or("PCMU/8000", |(.., map)| map);
    audio.formats.push(codec.payload_type.to_string());
    let mut lines = vec![switchboard_sip::sdp::Line::new(
        b'a',
        format!("rtpmap:{} {map}", codec.payload_type),
    )];
    if let (Some(pt), true) = (codec.events, events) {
        audio.formats.push(pt.to_string());
        lines.push(switchboard_sip::sdp::Line::new(
            b'a',
            format!("rtpmap:{pt} telephone-event/8000"),
        ));
        lines.push(switchboard_sip::sdp::Line::new(
            b'a',
            format!("fmtp:{pt} 0-16"),
        ));
    }
    audio.lines.splice(0..0, lines);
}

fn is_audio(m: &Media) -> bool {
    m.kind == "audio" && m.port != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_even_and_returned() {
        let mut pool = PortPool::new(10001, 10006);
        assert_eq!(pool.available(), 2);
        let a = pool.take(0).unwrap();
        let b = pool.take(0).unwrap();
        assert_eq!((a, b), (10002, 10004));
        assert_eq!(pool.take(0), None);
        pool.give_back(a);
        assert_eq!(pool.take(0), Some(10002));
    }

    /// A point picked from the whole range, not from all the numbers a
    /// u16 can be (which, for a range of 10,000 ports, landed outside it
    /// five times in six, and so on its lowest free port).
    #[test]
    fn random_ports_are_spread_over_the_range() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut pool = PortPool::new(10000, 20000);
        let taken: Vec<u16> = (0..200)
            .map(|_| pool.take_random(&mut rng).unwrap())
            .collect();
        let low = taken.iter().filter(|&&p| p < 10_400).count();
        assert!(
            low < 30,
            "{low} of 200 ports in the lowest 4 % of the range"
        );
        let high = taken.iter().filter(|&&p| p >= 15_000).count();
        assert!(
            (60..=140).contains(&high),
            "{high} of 200 in the upper half"
        );
        for port in taken {
            pool.give_back(port);
        }
        let lowest = (0..200)
            .filter(|_| {
                let port = pool.take_random(&mut rng).unwrap();
                pool.give_back(port);
                port == 10000
            })
            .count();
        assert!(lowest < 5, "the lowest port {lowest} times in 200");
    }

    #[test]
    fn ports_come_from_where_asked_and_busy_ones_are_passed_over() {
        let mut pool = PortPool::new(10000, 10010);
        assert_eq!(pool.take(10005), Some(10006));
        assert_eq!(pool.take(60000), Some(10000), "wraps around");
        pool.set_reserve(Box::new(|port| port != 10002));
        assert_eq!(pool.take(10001), Some(10004), "10002 is held elsewhere");
        assert_eq!(pool.take(0), Some(10008));
        assert_eq!(pool.take(0), None);
        pool.give_back(10004);
        assert_eq!(pool.take(0), Some(10004));
    }

    #[test]
    fn a_port_still_held_sends_the_search_on_to_those_passed_over_before() {
        use std::sync::{Arc, Mutex};
        let held = Arc::new(Mutex::new(vec![10000]));
        let mut pool = PortPool::new(10000, 10006);
        let h = held.clone();
        pool.set_reserve(Box::new(move |port| !h.lock().unwrap().contains(&port)));
        assert_eq!(pool.take(0), Some(10002), "10000 is held");
        assert_eq!(pool.take(0), Some(10004));
        // 10000 is let go; 10002 comes back while its sockets still close.
        *held.lock().unwrap() = vec![10002];
        pool.give_back(10002);
        assert_eq!(pool.take(0), Some(10000));
        assert_eq!(pool.take(0), None, "10002 is still held");
        held.lock().unwrap().clear();
        assert_eq!(pool.take(0), Some(10002));
    }

    #[test]
    fn the_rewrite_points_at_the_relay_and_keeps_allowed_codecs() {
        let offer = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n\
            m=audio 4000 RTP/AVP 9 0 101\r\na=rtpmap:101 telephone-event/8000\r\n\
            m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
        let mut sdp = Sdp::parse(offer.as_bytes()).unwrap();
        assert_eq!(audio_peer(&sdp), Some("10.0.0.5:4000".parse().unwrap()));
        let allowed = vec!["PCMU".to_owned(), "PCMA".to_owned()];
        assert!(rewrite(
            &mut sdp,
            "192.0.2.1".parse().unwrap(),
            30000,
            &allowed,
            7,
            1
        ));
        let text = sdp.to_string();
        assert!(text.contains("m=audio 30000 RTP/AVP 0 101\r\n"), "{text}");
        assert!(text.contains("m=video 0 RTP/AVP 96\r\n"), "{text}");
        assert_eq!(audio_peer(&sdp), Some("192.0.2.1:30000".parse().unwrap()));
        assert_eq!(chosen_codec(&sdp).as_deref(), Some("PCMU"));
    }

    #[test]
    fn a_late_offer_lists_the_known_codecs_preferred_first() {
        let allowed: Vec<String> = ["G722", "PCMU", "iLBC"].map(String::from).into();
        let sdp = offer("192.0.2.1".parse().unwrap(), 30000, &allowed, 7, 1).unwrap();
        let text = sdp.to_string();
        assert!(text.contains("m=audio 30000 RTP/AVP 9 0 101\r\n"), "{text}");
        assert!(text.contains("a=rtpmap:9 G722/8000\r\n"), "{text}");
        assert!(
            text.contains("a=rtpmap:101 telephone-event/8000\r\n"),
            "{text}"
        );
        assert_eq!(audio_peer(&sdp), Some("192.0.2.1:30000".parse().unwrap()));
        assert_eq!(Sdp::parse(&sdp.to_bytes()).unwrap(), sdp, "round trip");
        let unknown = vec!["iLBC".to_owned()];
        assert!(offer("192.0.2.1".parse().unwrap(), 30000, &unknown, 7, 1).is_none());
    }

    #[test]
    fn an_offer_gains_the_codecs_switchboard_transcodes_and_each_side_keeps_its_own() {
        let offer =
            "v=0\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 111 101\r\n\
            a=rtpmap:111 iLBC/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
        let mut sdp = Sdp::parse(offer.as_bytes()).unwrap();
        let allowed: Vec<String> = ["PCMU", "PCMA", "opus"].map(String::from).into();
        add_transcodable(&mut sdp, &allowed);
        let text = sdp.to_string();
        assert!(
            text.contains("m=audio 4000 RTP/AVP 8 111 101 0 96\r\n"),
            "{text}"
        );
        assert!(
            text.contains("a=rtpmap:96 opus/48000/2\r\n"),
            "111 was taken: {text}"
        );
        assert!(offers(&sdp, "PCMA") && offers(&sdp, "opus") && !offers(&sdp, "G722"));
        let caller = leg_codec(&sdp).unwrap();
        assert_eq!(
            (caller.name, caller.payload_type, caller.events),
            ("PCMA", 8, Some(101))
        );

        let answer = "v=0\r\ns=-\r\nc=IN IP4 10.0.0.6\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 101\r\n\
            a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";
        let mut sdp = Sdp::parse(answer.as_bytes()).unwrap();
        assert_eq!(leg_codec(&sdp).unwrap().name, "PCMU");
        set_codec(&mut sdp, &caller);
        let text = sdp.to_string();
        assert!(text.contains("m=audio 5000 RTP/AVP 8 101\r\n"), "{text}");
        assert!(text.contains("a=rtpmap:8 PCMA/8000\r\n"), "{text}");
        assert!(!text.contains("0-15"), "{text}");
        assert!(text.contains("a=sendrecv"), "{text}");
        assert_eq!(Sdp::parse(&sdp.to_bytes()).unwrap(), sdp, "round trip");
    }

    #[test]
    fn no_common_codec_is_reported() {
        let offer = "v=0\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9 101\r\n\
            a=rtpmap:101 telephone-event/8000\r\n";
        let mut sdp = Sdp::parse(offer.as_bytes()).unwrap();
        let allowed = vec!["PCMU".to_owned()];
        assert!(!rewrite(
            &mut sdp,
            "192.0.2.1".parse().unwrap(),
            30000,
            &allowed,
            7,
            1
        ));
    }
}
