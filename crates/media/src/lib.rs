//! Switchboard's media layer: what a call's audio is made of and what the
//! PBX does with it, with no sockets and no clock of its own.
//!
//! - [`rtp`]: reading and writing RTP packets.
//! - [`g711`]: the PCMU (µ-law) and PCMA (A-law) codecs; [`codec`]: those,
//!   G.722 and Opus behind one encoder and one decoder.
//! - [`telephone_event`]: DTMF carried as RTP events (RFC 4733), received
//!   and sent.
//! - [`dtmf`]: DTMF heard in the audio itself (a Goertzel detector made to
//!   resist speech), and made as audio for phones without events.
//! - [`keys`]: the keys one phone presses, by event or by tone.
//! - [`channel`]: a leg Switchboard answers itself: keys heard, prompts,
//!   tones and echo played in 20 ms packets.
//! - [`resample`], [`wav`]: sound files of any rate and format, read as
//!   what a call needs.
//! - [`record`]: a call's two sides as one stereo recording.
//! - [`transcode`]: one direction of a call whose phones share no codec.
//! - [`silence`]: sound told from silence (ending and discarding voicemail).
//! - [`tone`]: call-progress tones (ringback, busy, congestion, call
//!   waiting, beep) in the cadences of several countries.
//!
//! Like the SIP core, everything here is driven from outside: samples and
//! packets go in, samples, packets and events come out, and time is
//! counted in samples, so tests run faster than real time and give the
//! same result every run.

pub mod channel;
pub mod codec;
pub mod dtmf;
pub mod g711;
pub mod goertzel;
pub mod keys;
pub mod record;
pub mod resample;
pub mod rtp;
pub mod silence;
pub mod telephone_event;
pub mod tone;
pub mod transcode;
pub mod wav;

/// A DTMF key: `0`–`9`, `*`, `#`, `A`–`D`.
pub type Digit = char;
