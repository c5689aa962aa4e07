//! The media layer's readers of what phones send: any bytes as an RTP
//! datagram (a packet, a telephone-event, audio in each codec, for a leg
//! Switchboard answers, a transcoded call and a recording), and as a WAV
//! file. Nothing may panic; an RTP packet that parses writes back to the
//! same header and payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_media::channel::Channel;
use switchboard_media::codec::{Kind, Leg};
use switchboard_media::record::Recorder;
use switchboard_media::rtp::Packet;
use switchboard_media::transcode::Transcoder;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = Packet::parse(data) {
        let mut out = Vec::new();
        p.write(&mut out);
        let back = Packet::parse(&out).expect("a written packet parses");
        assert_eq!(
            (
                back.payload_type,
                back.sequence,
                back.timestamp,
                back.ssrc,
                back.payload
            ),
            (p.payload_type, p.sequence, p.timestamp, p.ssrc, p.payload)
        );
    }
    // Every codec, with the datagram's own payload type taken as audio and
    // as telephone-event in turn.
    let pt = data.get(1).map_or(0, |b| b & 0x7F);
    for kind in Kind::ALL {
        for (audio, events) in [(pt, Some(101)), (96, Some(pt))] {
            let leg = Leg {
                codec: kind,
                payload_type: audio,
                events,
            };
            let mut keys = Vec::new();
            let mut channel = Channel::new(leg, 1, 2, 3);
            channel.receive(data, &mut keys);
            let other = Leg {
                codec: Kind::Pcmu,
                payload_type: 0,
                events: None,
            };
            let mut t = Transcoder::new(leg, other, 1, 2, 3);
            t.packet(data, &mut |_| {});
            let mut r = Recorder::new(leg, other);
            let mut stereo = Vec::new();
            r.packet(0, data, &mut stereo);
            r.finish(&mut stereo);
        }
    }
    let _ = switchboard_media::wav::read_mono(std::io::Cursor::new(data), 8000);
});
