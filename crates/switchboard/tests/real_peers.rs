//! Real SIP peers against the running server: sipsak and SIPp ping it with
//! OPTIONS over UDP and over TCP, a TCP peer that trickles its bytes and
//! sends CRLF keep-alives is framed correctly, and a STUN client's
//! keep-alive on the SIP UDP port (RFC 5626 §4.4.2) learns its address.

mod common;

use common::{options, run, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn sipsak_options_ping_gets_200_over_udp_and_tcp() {
    let server = Server::start();
    let uri = format!("sip:ping@{}", server.target());
    for transport in ["udp", "tcp"] {
        let out = run("sipsak", &["-s", &uri, "-E", transport, "-vv"]);
        assert!(out.contains("SIP/2.0 200 OK"), "{transport}:\n{out}");
    }
}

#[test]
fn sipp_options_ping_gets_200_over_udp_and_tcp() {
    let server = Server::start();
    let dir = server.data_dir.with_extension("sipp-options");
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("options.xml");
    std::fs::write(
        &scenario,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<scenario name=\"options\">\n\
         <send><![CDATA[\nOPTIONS sip:ping@[remote_ip]:[remote_port] SIP/2.0\n\
         Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n\
         From: <sip:sipp@[local_ip]>;tag=[pid]SIPpTag[call_number]\n\
         To: <sip:ping@[remote_ip]>\n\
         Call-ID: [call_id]\n\
         CSeq: 1 OPTIONS\n\
         Max-Forwards: 70\n\
         Content-Length: 0\n\n]]></send>\n\
         <recv response=\"200\"/>\n</scenario>\n",
    )
    .unwrap();
    let target = server.target();
    for transport in ["u1", "t1"] {
        let out = run(
            "sipp",
            &[
                "-sf",
                scenario.to_str().unwrap(),
                "-m",
                "20",
                "-t",
                transport,
                "-timeout",
                "30",
                "-timeout_error",
                "-i",
                "127.0.0.1",
                "-p",
                "0",
                &target,
            ],
        );
        assert!(out.contains("Successful call"), "{transport}: {out}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// coturn's STUN client sends a Binding request to the SIP port, as a
/// phone using RFC 5626 keep-alives does, and reads back the address the
/// server saw it at.
#[test]
fn stun_keepalive_on_the_sip_port_learns_the_phone_address() {
    let server = Server::start();
    let port = server.addr().port().to_string();
    // The client waits forever for an answer that does not come.
    let out = run(
        "timeout",
        &["20", "turnutils_stunclient", "-p", &port, "127.0.0.1"],
    );
    let mapped = out
        .lines()
        .find_map(|l| l.split("UDP reflexive addr: ").nth(1))
        .unwrap_or_else(|| panic!("no reflexive address in:\n{out}"));
    let mapped: std::net::SocketAddr = mapped.trim().parse().expect(mapped);
    assert_eq!(mapped.ip().to_string(), "127.0.0.1", "{out}");
    assert_ne!(mapped.port(), 0, "{out}");
    let sip = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sip.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let local = sip.local_addr().unwrap();
    sip.send_to(
        options("after-stun", "UDP", local).as_bytes(),
        server.addr(),
    )
    .unwrap();
    let mut buf = [0u8; 4096];
    let (n, _) = sip.recv_from(&mut buf).unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("SIP/2.0 200 OK"),
        "SIP still answered on the same port"
    );
}

#[test]
fn tcp_framing_survives_trickled_bytes_and_keepalives() {
    let server = Server::start();
    let mut tcp = TcpStream::connect(server.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    tcp.set_nodelay(true).unwrap();
    let local = tcp.local_addr().unwrap();

    tcp.write_all(b"\r\n\r\n").unwrap();
    let mut pong = [0u8; 2];
    tcp.read_exact(&mut pong).unwrap();
    assert_eq!(&pong, b"\r\n", "a double-CRLF ping gets a CRLF pong");

    let two = format!(
        "{}{}",
        options("first", "TCP", local),
        options("second", "TCP", local)
    );
    for chunk in two.as_bytes().chunks(7) {
        tcp.write_all(chunk).unwrap();
    }
    let mut got = String::new();
    let mut buf = [0u8; 4096];
    while !(got.contains("Call-ID: first") && got.contains("Call-ID: second")) {
        let n = tcp.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed; got so far:\n{got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert_eq!(got.matches("SIP/2.0 200 OK").count(), 2, "{got}");
}
