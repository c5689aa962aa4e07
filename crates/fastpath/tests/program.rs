//! The forwarding program as the kernel runs it (`BPF_PROG_TEST_RUN`):
//! which packets it rewrites, the rewritten headers and checksums, and
//! which it leaves alone. Needs root (or CAP_BPF and CAP_NET_ADMIN), as
//! Switchboard does to use the fast path.

use std::net::{Ipv4Addr, SocketAddrV4};
use switchboard_fastpath::program::{TC_NEXT, TC_OK, TC_REDIRECT};
use switchboard_fastpath::{Delivery, FastPath, Route};

const PHONE_A: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 10), 4000);
const PHONE_B: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 20), 5004);
const RELAY_A: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 1), 10_000);
const RELAY_B: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 1), 10_002);

/// An Ethernet frame with an IPv4 UDP packet carrying `payload`, both
/// checksums right.
fn frame(from: SocketAddrV4, to: SocketAddrV4, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&[0x08, 0x00]);
    let total = 20 + 8 + payload.len();
    let mut ip = vec![0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0];
    ip[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    ip.extend_from_slice(&from.ip().octets());
    ip.extend_from_slice(&to.ip().octets());
    let sum = checksum(&ip, 0);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    f.extend_from_slice(&ip);
    let mut udp = Vec::new();
    udp.extend_from_slice(&from.port().to_be_bytes());
    udp.extend_from_slice(&to.port().to_be_bytes());
    udp.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(payload);
    let sum = udp_checksum(*from.ip(), *to.ip(), &udp);
    udp[6..8].copy_from_slice(&sum.to_be_bytes());
    f.extend_from_slice(&udp);
    f
}

/// The Internet checksum of `bytes`, starting from `sum`.
fn checksum(bytes: &[u8], mut sum: u32) -> u16 {
    for pair in bytes.chunks(2) {
        let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        sum += u32::from(word);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn udp_checksum(from: Ipv4Addr, to: Ipv4Addr, udp: &[u8]) -> u16 {
    let mut pseudo = Vec::new();
    pseudo.extend_from_slice(&from.octets());
    pseudo.extend_from_slice(&to.octets());
    pseudo.extend_from_slice(&[0, 17]);
    pseudo.extend_from_slice(&(udp.len() as u16).to_be_bytes());
    pseudo.extend_from_slice(udp);
    match checksum(&pseudo, 0) {
        0 => 0xffff,
        s => s,
    }
}

fn rtp() -> Vec<u8> {
    let mut p = vec![
        0x80, 0x00, 0x12, 0x34, 0, 0, 0x10, 0, 0xde, 0xad, 0xbe, 0xef,
    ];
    p.extend((0..160).map(|i| (i * 7) as u8));
    p
}

fn fast_path() -> FastPath {
    FastPath::open(RELAY_A.port(), RELAY_B.port() + 1)
        .expect("the fast path loads (these tests run as root, as the test command does)")
}

fn a_to_b() -> Route {
    Route {
        from: PHONE_A,
        source: RELAY_B,
        to: PHONE_B,
        delivery: Delivery::Out(1),
    }
}

#[test]
fn a_latched_phones_packet_is_rewritten_toward_the_other_phone() {
    let mut fp = fast_path();
    assert!(fp.set(RELAY_A.port(), &a_to_b()));
    let payload = rtp();
    let (verdict, out) = fp
        .try_packet(&frame(PHONE_A, RELAY_A, &payload))
        .expect("the program runs");
    assert_eq!(verdict, TC_REDIRECT);
    assert_eq!(
        out,
        frame(RELAY_B, PHONE_B, &payload),
        "headers and checksums"
    );
    assert_eq!(fp.packets(RELAY_A.port()), 1);
}

#[test]
fn a_phone_on_this_host_gets_it_up_the_stack() {
    let mut fp = fast_path();
    let route = Route {
        delivery: Delivery::Local,
        ..a_to_b()
    };
    fp.set(RELAY_A.port(), &route);
    let payload = rtp();
    let (verdict, out) = fp.try_packet(&frame(PHONE_A, RELAY_A, &payload)).unwrap();
    assert_eq!(verdict, TC_OK);
    assert_eq!(out, frame(RELAY_B, PHONE_B, &payload));
}

#[test]
fn checksums_stay_right_for_every_payload_length_and_address() {
    let mut fp = fast_path();
    for i in 0..64u8 {
        let from = SocketAddrV4::new(Ipv4Addr::new(10, i, 255 - i, 1), 1000 + u16::from(i) * 977);
        let to = SocketAddrV4::new(Ipv4Addr::new(172, 16, i, 254), 65_535 - u16::from(i));
        let source = SocketAddrV4::new(Ipv4Addr::new(100, 64, 0, i), RELAY_B.port());
        fp.set(
            RELAY_A.port(),
            &Route {
                from,
                source,
                to,
                delivery: Delivery::Out(3),
            },
        );
        let payload: Vec<u8> = (0..usize::from(i) * 5 + 1)
            .map(|j| (j * 31) as u8 ^ i)
            .collect();
        let (verdict, out) = fp.try_packet(&frame(from, RELAY_A, &payload)).unwrap();
        assert_eq!(verdict, TC_REDIRECT, "round {i}");
        assert_eq!(out, frame(source, to, &payload), "round {i}");
    }
}

#[test]
fn a_zero_udp_checksum_stays_zero() {
    let mut fp = fast_path();
    fp.set(RELAY_A.port(), &a_to_b());
    let mut packet = frame(PHONE_A, RELAY_A, &rtp());
    packet[40] = 0;
    packet[41] = 0;
    let (_, out) = fp.try_packet(&packet).unwrap();
    assert_eq!(&out[40..42], &[0, 0]);
    assert_eq!(&out[26..38], &frame(RELAY_B, PHONE_B, &rtp())[26..38]);
}

#[test]
fn packets_not_for_a_route_go_on_unchanged() {
    let mut fp = fast_path();
    fp.set(RELAY_A.port(), &a_to_b());
    let stranger = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 66), 4000);
    let other_port = SocketAddrV4::new(*PHONE_A.ip(), 4001);
    let unused_port = SocketAddrV4::new(*RELAY_A.ip(), RELAY_B.port());
    let below = SocketAddrV4::new(*RELAY_A.ip(), RELAY_A.port() - 1);
    let above = SocketAddrV4::new(*RELAY_A.ip(), RELAY_B.port() + 2);
    let cases = [
        ("another source address", frame(stranger, RELAY_A, &rtp())),
        ("another source port", frame(other_port, RELAY_A, &rtp())),
        ("a port with no route", frame(PHONE_A, unused_port, &rtp())),
        ("a port below the range", frame(PHONE_A, below, &rtp())),
        ("a port above the range", frame(PHONE_A, above, &rtp())),
    ];
    for (what, packet) in cases {
        let (verdict, out) = fp.try_packet(&packet).unwrap();
        assert_eq!((verdict, &out), (TC_NEXT, &packet), "{what}");
    }
    let mut fragment = frame(PHONE_A, RELAY_A, &rtp());
    fragment[20] |= 0x20; // more fragments
    let mut options = frame(PHONE_A, RELAY_A, &rtp());
    options[14] = 0x46;
    let mut tcp = frame(PHONE_A, RELAY_A, &rtp());
    tcp[23] = 6;
    let mut ipv6 = frame(PHONE_A, RELAY_A, &rtp());
    ipv6[12..14].copy_from_slice(&[0x86, 0xdd]);
    let short = frame(PHONE_A, RELAY_A, &[])[..40].to_vec();
    let mut broadcast = frame(PHONE_A, RELAY_A, &rtp());
    broadcast[..6].copy_from_slice(&[0xff; 6]);
    let mut other_host = frame(PHONE_A, RELAY_A, &rtp());
    other_host[..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 0x01]);
    for (what, packet) in [
        ("a fragment", fragment),
        ("IP options", options),
        ("TCP", tcp),
        ("IPv6", ipv6),
        ("a cut-off header", short),
        ("a broadcast frame", broadcast),
        ("a frame for another host", other_host),
    ] {
        let (verdict, out) = fp.try_packet(&packet).unwrap();
        assert_eq!((verdict, &out), (TC_NEXT, &packet), "{what}");
    }
    assert_eq!(fp.packets(RELAY_A.port()), 0);
}

#[test]
fn a_cleared_route_leaves_packets_to_userspace() {
    let mut fp = fast_path();
    fp.set(RELAY_A.port(), &a_to_b());
    fp.clear(RELAY_A.port());
    let packet = frame(PHONE_A, RELAY_A, &rtp());
    let (verdict, out) = fp.try_packet(&packet).unwrap();
    assert_eq!((verdict, out), (TC_NEXT, packet));
}

#[test]
fn a_route_rewritten_is_the_new_one_whole() {
    let mut fp = fast_path();
    fp.set(RELAY_A.port(), &a_to_b());
    let moved = SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 99), 6000);
    fp.set(
        RELAY_A.port(),
        &Route {
            to: moved,
            ..a_to_b()
        },
    );
    let (_, out) = fp.try_packet(&frame(PHONE_A, RELAY_A, &rtp())).unwrap();
    assert_eq!(out, frame(RELAY_B, moved, &rtp()));
}

#[test]
fn ports_outside_the_range_are_refused() {
    let mut fp = fast_path();
    assert!(!fp.set(RELAY_A.port() - 2, &a_to_b()));
    assert!(!fp.set(RELAY_B.port() + 2, &a_to_b()));
    assert_eq!(fp.packets(1), 0);
}
