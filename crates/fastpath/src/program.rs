//! The forwarding program, run by the kernel at an interface's ingress
//! (tc, through a TCX link) for every packet that arrives there.
//!
//! It looks for IPv4 UDP packets addressed to this host, unfragmented and
//! without IP options, to
//! a port of the relay's range whose entry in the routes table is on,
//! from the address that entry expects (the phone latched onto). Such a
//! packet gets the other leg's addresses and ports — the relay's port
//! toward the other phone as its source, that phone as its destination —
//! with the IP and UDP checksums updated, and goes on: up the local stack
//! when the other phone is on this host, else out of the interface toward
//! it (`bpf_redirect_neigh`, which resolves the next hop's link address).
//! The entry counts it. Anything else goes on unchanged to the next
//! program and the sockets, where the relay in userspace takes it.
//!
//! An entry is read under a sequence lock: the relay writes an odd number
//! to its `seq`, then the fields, then the next even number. The program
//! reads `seq` (an atomic, fully ordered), copies the fields to its stack,
//! and reads `seq` again; a packet that met a write in progress is left to
//! userspace, so a half-written route is never used.
//!
//! Entry layout (little-endian numbers, addresses and ports as on the
//! wire), 40 bytes:
//!
//! | offset | field |
//! | ---: | --- |
//! | 0 | `seq` (u32): even when whole, 0 never written |
//! | 4 | `action` (u32): 0 off, 1 deliver here, 2 send out of `ifindex` |
//! | 8 | source address the packet must come from |
//! | 12 | its source port (u16), then two bytes unused |
//! | 16 | new source address, new destination address |
//! | 24 | new source port, new destination port |
//! | 28 | `ifindex` (u32) to send out of |
//! | 32 | packets forwarded (u64) |

use crate::asm::{Asm, Cond, Size, FP, R0, R1, R2, R3, R4, R5, R6, R7, R8};

pub const ENTRY_SIZE: u32 = 40;
pub const SEQ: usize = 0;
pub const ACTION: usize = 4;
pub const FROM_ADDR: usize = 8;
pub const FROM_PORT: usize = 12;
pub const NEW_ADDRS: usize = 16;
pub const NEW_PORTS: usize = 24;
pub const IFINDEX: usize = 28;
pub const PACKETS: usize = 32;

pub const ACTION_OFF: u32 = 0;
pub const ACTION_LOCAL: u32 = 1;
pub const ACTION_OUT: u32 = 2;

/// tc's verdicts: go on to the next program (and the stack), take the
/// packet up the stack now, drop it.
pub const TC_NEXT: i32 = -1;
pub const TC_OK: i32 = 0;
pub const TC_SHOT: i32 = 2;
/// What `bpf_redirect_neigh` returns when the packet is sent on.
pub const TC_REDIRECT: i32 = 7;

// Kernel helpers, by number (`___BPF_FUNC_MAPPER` in linux/bpf.h).
const MAP_LOOKUP_ELEM: i32 = 1;
const SKB_STORE_BYTES: i32 = 9;
const L3_CSUM_REPLACE: i32 = 10;
const L4_CSUM_REPLACE: i32 = 11;
const CSUM_DIFF: i32 = 28;
const REDIRECT_NEIGH: i32 = 152;
/// `bpf_l4_csum_replace` flags: the change is in the pseudo-header; a
/// zero checksum (none, over IPv4) stays zero.
const F_PSEUDO_HDR: i32 = 1 << 4;
const F_MARK_MANGLED_0: i32 = 1 << 5;

// `struct __sk_buff`.
const SKB_PKT_TYPE: i16 = 4;
const SKB_DATA: i16 = 76;
const SKB_DATA_END: i16 = 80;

// The packet: Ethernet, then IPv4 (20 bytes, no options), then UDP.
const ETH_TYPE: i16 = 12;
const IP: i16 = 14;
const IP_VERSION_IHL: i16 = IP;
const IP_FRAGMENT: i16 = IP + 6;
const IP_PROTOCOL: i16 = IP + 9;
const IP_CHECKSUM: i32 = IP as i32 + 10;
const IP_SOURCE: i16 = IP + 12;
const IP_DESTINATION: i16 = IP + 16;
const UDP: i16 = IP + 20;
const UDP_SOURCE: i16 = UDP;
const UDP_DESTINATION: i16 = UDP + 2;
const UDP_CHECKSUM: i32 = UDP as i32 + 6;
const HEADERS: i32 = UDP as i32 + 8;
/// `skb->pkt_type` of a packet addressed to this host.
const PACKET_HOST: i32 = 0;
/// 0x0800 as it reads from the wire into a little-endian u16.
const ETH_P_IP_WIRE: i32 = 0x0008;
/// The more-fragments flag and the fragment offset, likewise.
const FRAGMENT_MASK_WIRE: i32 = 0xff3f;

// The stack frame (offsets from the frame pointer).
const KEY: i16 = -4;
/// The new source and destination addresses and ports, 12 bytes, in the
/// packet's order.
const NEW: i16 = -16;
/// The packet's own, likewise.
const OLD: i16 = -32;
const SAVED_ACTION: i16 = -40;
const SAVED_IFINDEX: i16 = -36;
const SAVED_FROM_ADDR: i16 = -48;
const SAVED_FROM_PORT: i16 = -44;
const ADDRESS_DIFF: i16 = -56;

/// The program's instructions for a routes table `map` (a descriptor)
/// covering ports `first_port` to `first_port + ports - 1`.
pub fn forwarder(map: i32, first_port: u16, ports: u32) -> Vec<u8> {
    let mut a = Asm::default();
    let next = a.label();
    let drop = a.label();
    let deliver = a.label();

    a.mov(R6, R1);
    // Only packets addressed to this host (not broadcast, multicast, or
    // seen in promiscuous mode).
    a.load(Size::U32, R4, R6, SKB_PKT_TYPE);
    a.jump_imm(Cond::Ne, R4, PACKET_HOST, next);
    headers(&mut a, next);
    a.load(Size::U16, R4, R2, ETH_TYPE);
    a.jump_imm(Cond::Ne, R4, ETH_P_IP_WIRE, next);
    a.load(Size::U8, R4, R2, IP_VERSION_IHL);
    a.jump_imm(Cond::Ne, R4, 0x45, next);
    a.load(Size::U8, R4, R2, IP_PROTOCOL);
    a.jump_imm(Cond::Ne, R4, libc::IPPROTO_UDP, next);
    a.load(Size::U16, R4, R2, IP_FRAGMENT);
    a.and_imm(R4, FRAGMENT_MASK_WIRE);
    a.jump_imm(Cond::Ne, R4, 0, next);

    // The entry of the destination port.
    a.load(Size::U16, R4, R2, UDP_DESTINATION);
    a.be16(R4);
    a.add_imm(R4, -i32::from(first_port));
    a.jump_imm(Cond::Ge, R4, ports as i32, next);
    a.store(Size::U32, FP, KEY, R4);
    a.load_map(R1, map);
    a.mov(R2, FP);
    a.add_imm(R2, i32::from(KEY));
    a.call(MAP_LOOKUP_ELEM);
    a.jump_imm(Cond::Eq, R0, 0, next);
    a.mov(R7, R0);

    // Its fields, under the sequence lock.
    a.mov_imm(R1, 0);
    a.fetch_add(Size::U32, R7, SEQ as i16, R1);
    a.jump_imm(Cond::Set, R1, 1, next);
    a.jump_imm(Cond::Eq, R1, 0, next);
    a.mov(R8, R1);
    for (from, to) in [
        (ACTION, SAVED_ACTION),
        (IFINDEX, SAVED_IFINDEX),
        (FROM_ADDR, SAVED_FROM_ADDR),
        (FROM_PORT, SAVED_FROM_PORT),
        (NEW_ADDRS, NEW),
        (NEW_ADDRS + 4, NEW + 4),
        (NEW_PORTS, NEW + 8),
    ] {
        a.load(Size::U32, R1, R7, from as i16);
        a.store(Size::U32, FP, to, R1);
    }
    a.mov_imm(R1, 0);
    a.fetch_add(Size::U32, R7, SEQ as i16, R1);
    a.jump(Cond::Ne, R1, R8, next);
    a.load(Size::U32, R1, FP, SAVED_ACTION);
    a.jump_imm(Cond::Eq, R1, ACTION_OFF as i32, next);

    // From the phone the entry expects? (The helper call above made the
    // packet pointers stale: they are read again.)
    headers(&mut a, next);
    a.load(Size::U32, R4, R2, IP_SOURCE);
    a.load(Size::U32, R5, FP, SAVED_FROM_ADDR);
    a.jump(Cond::Ne, R4, R5, next);
    a.load(Size::U16, R4, R2, UDP_SOURCE);
    a.load(Size::U16, R5, FP, SAVED_FROM_PORT);
    a.jump(Cond::Ne, R4, R5, next);
    for (from, to) in [
        (IP_SOURCE, OLD),
        (IP_DESTINATION, OLD + 4),
        (UDP_SOURCE, OLD + 8),
    ] {
        a.load(Size::U32, R4, R2, from);
        a.store(Size::U32, FP, to, R4);
    }
    a.mov_imm(R1, 1);
    a.fetch_add(Size::U64, R7, PACKETS as i16, R1);

    // Checksums: the addresses are in the IP header and UDP's pseudo-
    // header, the ports in the UDP header. From here a failure leaves the
    // packet half rewritten, so it is dropped.
    csum_diff(&mut a, OLD, NEW, 8);
    a.store(Size::U64, FP, ADDRESS_DIFF, R0);
    a.mov(R1, R6);
    a.mov_imm(R2, IP_CHECKSUM);
    a.mov_imm(R3, 0);
    a.mov(R4, R0);
    a.mov_imm(R5, 0);
    a.call(L3_CSUM_REPLACE);
    a.jump_imm(Cond::Ne, R0, 0, drop);
    a.load(Size::U64, R4, FP, ADDRESS_DIFF);
    l4_csum(&mut a, F_PSEUDO_HDR | F_MARK_MANGLED_0, drop);
    csum_diff(&mut a, OLD + 8, NEW + 8, 4);
    a.mov(R4, R0);
    l4_csum(&mut a, F_MARK_MANGLED_0, drop);
    a.mov(R1, R6);
    a.mov_imm(R2, i32::from(IP_SOURCE));
    a.mov(R3, FP);
    a.add_imm(R3, i32::from(NEW));
    a.mov_imm(R4, 12);
    a.mov_imm(R5, 0);
    a.call(SKB_STORE_BYTES);
    a.jump_imm(Cond::Ne, R0, 0, drop);

    // On its way.
    a.load(Size::U32, R1, FP, SAVED_ACTION);
    a.jump_imm(Cond::Eq, R1, ACTION_LOCAL as i32, deliver);
    a.load(Size::U32, R1, FP, SAVED_IFINDEX);
    a.mov_imm(R2, 0);
    a.mov_imm(R3, 0);
    a.mov_imm(R4, 0);
    a.call(REDIRECT_NEIGH);
    a.exit();

    a.here(deliver);
    a.mov_imm(R0, TC_OK);
    a.exit();
    a.here(next);
    a.mov_imm(R0, TC_NEXT);
    a.exit();
    a.here(drop);
    a.mov_imm(R0, TC_SHOT);
    a.exit();
    a.finish()
}

/// `R2` = the packet's start; on to `short` unless the Ethernet, IPv4 and
/// UDP headers are all there.
fn headers(a: &mut Asm, short: crate::asm::Label) {
    a.load(Size::U32, R2, R6, SKB_DATA);
    a.load(Size::U32, R3, R6, SKB_DATA_END);
    a.mov(R4, R2);
    a.add_imm(R4, HEADERS);
    a.jump(Cond::Gt, R4, R3, short);
}

/// `R0` = the checksum difference between `len` bytes of the stack at
/// `from` and at `to`.
fn csum_diff(a: &mut Asm, from: i16, to: i16, len: i32) {
    a.mov(R1, FP);
    a.add_imm(R1, i32::from(from));
    a.mov_imm(R2, len);
    a.mov(R3, FP);
    a.add_imm(R3, i32::from(to));
    a.mov_imm(R4, len);
    a.mov_imm(R5, 0);
    a.call(CSUM_DIFF);
}

/// Applies the difference in `R4` to the UDP checksum.
fn l4_csum(a: &mut Asm, flags: i32, failed: crate::asm::Label) {
    a.mov(R1, R6);
    a.mov_imm(R2, UDP_CHECKSUM);
    a.mov_imm(R3, 0);
    a.mov_imm(R5, flags);
    a.call(L4_CSUM_REPLACE);
    a.jump_imm(Cond::Ne, R0, 0, failed);
}
