//! RFC 4475 torture messages sent to the running server over UDP: each
//! gets the answer documented in `conformance/rfc4475/expected.rs`, and
//! SIPp, sending every message verbatim, finds the server still answering
//! after each one.

mod common;
#[path = "../../../conformance/rfc4475/expected.rs"]
mod expected;

use common::{options, run, Server};
use expected::{read, status_code, CASES};
use std::net::UdpSocket;
use std::time::Duration;

/// Sends each message to a server of its own (many torture messages share
/// a branch and sent-by, which would make later ones retransmissions of
/// earlier ones), then an OPTIONS probe. The message's answer (if any) must
/// arrive before the probe's 200, so "no answer" is shown by the probe's
/// answer coming first, without waiting on a clock. An unacknowledged final
/// answer to an INVITE is retransmitted (Timer G); such byte-identical
/// copies are skipped.
#[test]
fn every_case_gets_its_documented_answer_over_udp() {
    assert_eq!(
        CASES.len(),
        expected::manifest_files().len(),
        "every manifest entry is sent"
    );
    let mut wrong = Vec::new();
    for case in CASES {
        let server = Server::start();
        let answer = answer_over_udp(&server, &read(case), case.file);
        if answer != case.answer {
            wrong.push(format!(
                "{}: expected {:?}, got {:?} ({})",
                case.file, case.answer, answer, case.why
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The status code the server answers `message` with, if any.
fn answer_over_udp(server: &Server, message: &[u8], file: &str) -> Option<u16> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let local = socket.local_addr().unwrap();
    socket.send_to(message, server.addr()).unwrap();
    let probe_id = format!("probe-{file}");
    socket
        .send_to(options(&probe_id, "UDP", local).as_bytes(), server.addr())
        .unwrap();
    let mut buf = vec![0u8; 65_535];
    let mut answer: Option<Vec<u8>> = None;
    loop {
        let n = socket.recv(&mut buf).expect("the server stopped answering");
        let reply = &buf[..n];
        if String::from_utf8_lossy(reply).contains(&format!("Call-ID: {probe_id}\r\n")) {
            assert_eq!(status_code(reply), Some(200), "probe after {file}");
            return answer.as_deref().and_then(status_code);
        }
        match &answer {
            Some(first) if first == reply => continue,
            Some(_) => panic!("{file}: two different answers"),
            None => answer = Some(reply.to_vec()),
        }
    }
}

/// SIPp sends the messages byte for byte (its `[file]` keyword keeps
/// folded lines intact), each followed by an OPTIONS that must get 200.
/// SIPp refuses to load a scenario whose response has a status code
/// outside 100-699, so bigcode.dat (code 4294967301) is left to the test
/// above, which sends all 49 over a plain socket.
#[test]
fn sipp_sends_every_torture_message_and_the_server_keeps_answering() {
    let server = Server::start();
    let dir = server.data_dir.with_extension("sipp");
    std::fs::create_dir_all(&dir).unwrap();
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<scenario name=\"rfc4475\">\n");
    let mut sent = 0;
    for (i, case) in CASES
        .iter()
        .enumerate()
        .filter(|(_, c)| c.file != "bigcode.dat")
    {
        sent += 1;
        let bytes = read(case);
        let split = bytes.windows(2).position(|w| w == b"\r\n").unwrap();
        let rest = dir.join(format!("{i}.rest"));
        std::fs::write(&rest, &bytes[split + 2..]).unwrap();
        let start_line = String::from_utf8(bytes[..split].to_vec()).unwrap();
        xml.push_str(&format!(
            "<send><![CDATA[{start_line}\n[file name=\"{}\"]]]></send>\n",
            rest.display()
        ));
        xml.push_str(&format!(
            "<send><![CDATA[\nOPTIONS sip:probe@[remote_ip]:[remote_port] SIP/2.0\n\
             Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n\
             From: <sip:sipp@[local_ip]>;tag=[pid]SIPpTag{i}\n\
             To: <sip:probe@[remote_ip]>\n\
             Call-ID: [call_id]\n\
             CSeq: {} OPTIONS\n\
             Max-Forwards: 70\n\
             Content-Length: 0\n\n]]></send>\n\
             <recv response=\"200\"/>\n",
            i + 1
        ));
    }
    xml.push_str("</scenario>\n");
    let scenario = dir.join("rfc4475.xml");
    std::fs::write(&scenario, xml).unwrap();
    let target = server.target();
    let out = run(
        "sipp",
        &[
            "-sf",
            scenario.to_str().unwrap(),
            "-m",
            "1",
            "-timeout",
            "60",
            "-timeout_error",
            "-bind_local",
            "-i",
            "127.0.0.1",
            "-p",
            "0",
            &target,
        ],
    );
    assert!(out.contains("Successful call"), "{out}");
    assert_eq!(sent, 48);
    std::fs::remove_dir_all(&dir).unwrap();
}
