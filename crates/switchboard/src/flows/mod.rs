//! Call flows: what a call Switchboard answered does, written as an async
//! function over the call's [`Leg`] — play this, wait for a key, echo,
//! hang up — in the spirit of Asterisk's dialplan applications. The media
//! thread does the sound ([`crate::relay`]); the SIP thread ends the call
//! when the flow hangs up. The flows are the test numbers, leaving a
//! voicemail message, the voicemail menu, the star codes, and the IVRs
//! and announcements of call flows.

mod features;
mod ivr;
mod mailbox_menu;
mod say;
mod test_numbers;
mod voicemail;

use crate::prompts::Prompts;
use crate::relay::{Caller, Control, Heard, Play, Started};
use crate::transport::driver::{DriverTx, Inbound};
use crate::voicemail::Voicemail;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::call::plan::Target;
use switchboard_engine::Service;
use switchboard_media::silence::Silence;
use switchboard_media::tone::Tone;
use switchboard_service::Destination;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

/// What flows work with besides their leg.
pub struct Context {
    pub prompts: Arc<Prompts>,
    pub voicemail: Voicemail,
}

/// What ends a recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The caller pressed `#`.
    Key,
    /// Nothing but silence for the time allowed.
    Silence,
    /// The longest recording allowed.
    Limit,
    /// The caller hung up.
    HungUp,
}

/// What the caller said, and how it ended.
pub struct Recorded {
    /// Samples at the leg's rate.
    pub samples: Vec<i16>,
    pub ended: Ended,
    /// Whether any of it was louder than silence.
    pub sound: bool,
}

/// The call ended (the phone hung up, or it was hung up).
#[derive(Debug)]
pub struct Gone;

/// A flow's hold on its call.
pub struct Leg {
    call: u64,
    caller: Caller,
    /// The sample rate of what it plays.
    rate: u32,
    control: Control,
    heard: UnboundedReceiver<Heard>,
    /// Keys pressed while something played, not yet asked for.
    keys: VecDeque<char>,
    driver: DriverTx,
}

impl Leg {
    /// The sample rate audio played must have (its codec's).
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Who called.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// Plays `prompts` one after another; keys pressed meanwhile wait for
    /// [`Leg::key`]. A key pressed stops the rest when `stop_on_key`.
    pub async fn say(&mut self, prompts: Vec<Arc<[i16]>>, stop_on_key: bool) -> Result<(), Gone> {
        for p in prompts {
            if stop_on_key && !self.keys.is_empty() {
                break;
            }
            self.control.play(self.call, Play::Audio(p));
            loop {
                match self.heard.recv().await.ok_or(Gone)? {
                    Heard::Played => break,
                    Heard::Key(k) => {
                        self.keys.push_back(k);
                        if stop_on_key {
                            self.control.play(self.call, Play::Silence);
                            return Ok(());
                        }
                    }
                    Heard::Audio(_) | Heard::Continue(_) => {}
                }
            }
        }
        Ok(())
    }

    /// The next key pressed within `wait`, or none.
    pub async fn key_within(&mut self, wait: Duration) -> Result<Option<char>, Gone> {
        match tokio::time::timeout(wait, self.key()).await {
            Ok(key) => key.map(Some),
            Err(_) => Ok(None),
        }
    }

    /// Keys pressed up to `#` (not included), at most `max` of them, each
    /// within `wait` of the one before; what was typed when time ran out.
    pub async fn digits(&mut self, max: usize, wait: Duration) -> Result<String, Gone> {
        let mut typed = String::new();
        while typed.len() < max {
            match self.key_within(wait).await? {
                Some('#') | None => break,
                Some(k) => typed.push(k),
            }
        }
        Ok(typed)
    }

    /// Records what the caller says until they press `#`, stay silent for
    /// `silence`, reach `limit`, or hang up (the recording is kept then
    /// too). The tail that ended it (the key's tone, the silence) is cut.
    /// `limit` is counted in audio heard, so a late packet still makes it
    /// in; the clock ends the recording only when the phone stops sending
    /// (a second after the limit).
    pub async fn record(&mut self, limit: Duration, silence: Duration) -> Recorded {
        self.keys.clear();
        self.control.play(self.call, Play::Listen(true));
        let rate = self.rate as usize;
        let max = rate * limit.as_millis() as usize / 1000;
        let mut quiet = Silence::new(self.rate, -45.0);
        let mut samples = Vec::new();
        let deadline = Instant::now() + limit + Duration::from_secs(1);
        let ended = loop {
            let heard = tokio::select! {
                heard = self.heard.recv() => heard,
                _ = tokio::time::sleep_until(deadline) => break Ended::Limit,
            };
            match heard {
                None => break Ended::HungUp,
                Some(Heard::Key('#')) => {
                    // The press began up to a tone's length before it was heard.
                    samples.truncate(samples.len().saturating_sub(rate / 5));
                    break Ended::Key;
                }
                Some(Heard::Key(_) | Heard::Played | Heard::Continue(_)) => {}
                Some(Heard::Audio(a)) => {
                    samples.extend_from_slice(&a);
                    let quiet_ms = quiet.push(&a) as usize;
                    if samples.len() >= max {
                        samples.truncate(max);
                        break Ended::Limit;
                    }
                    if quiet_ms as u128 >= silence.as_millis() {
                        // Keep half a second of the silence.
                        let cut = (quiet_ms * rate / 1000).saturating_sub(rate / 2);
                        samples.truncate(samples.len().saturating_sub(cut));
                        break Ended::Silence;
                    }
                }
            }
        };
        self.control.play(self.call, Play::Listen(false));
        Recorded {
            sound: quiet.heard_sound(),
            samples,
            ended,
        }
    }

    /// Asks the phone to call `number` instead (a REFER), which ends this
    /// call once the phone agrees.
    pub async fn transfer(&self, number: &str) {
        let _ = self
            .driver
            .send(Inbound::Transfer {
                call: switchboard_engine::call::call_id_text(self.call),
                to: number.to_owned(),
            })
            .await;
    }

    /// Puts the call through to `to` (an extension, a ring group): the
    /// caller hears `ringback` while the phones ring. Gone once a phone
    /// answered (the call is relayed to it, this flow has nothing more to
    /// do) or the caller hung up; otherwise what the call goes on with.
    pub async fn connect(&mut self, to: Target, ringback: Tone) -> Result<Option<Service>, Gone> {
        let _ = self
            .driver
            .send(Inbound::Connect {
                call: switchboard_engine::call::call_id_text(self.call),
                to,
            })
            .await;
        self.control.play(self.call, Play::Tone(ringback));
        loop {
            match self.heard.recv().await.ok_or(Gone)? {
                Heard::Continue(service) => {
                    self.control.play(self.call, Play::Silence);
                    return Ok(service);
                }
                Heard::Key(_) | Heard::Played | Heard::Audio(_) => {}
            }
        }
    }

    /// Plays `samples` (at [`Leg::rate`]) to the end; keys pressed
    /// meanwhile wait for [`Leg::key`].
    pub async fn play(&mut self, samples: Arc<[i16]>) -> Result<(), Gone> {
        self.control.play(self.call, Play::Audio(samples));
        self.wait_played().await
    }

    /// Waits for the end of what plays, keeping the keys pressed meanwhile.
    async fn wait_played(&mut self) -> Result<(), Gone> {
        loop {
            match self.heard.recv().await.ok_or(Gone)? {
                Heard::Played => return Ok(()),
                Heard::Key(k) => self.keys.push_back(k),
                Heard::Audio(_) | Heard::Continue(_) => {}
            }
        }
    }

    /// Plays a tone that ends (a beep) to its end.
    pub async fn tone(&mut self, tone: Tone) -> Result<(), Gone> {
        self.control.play(self.call, Play::Tone(tone));
        self.wait_played().await
    }

    /// The next key pressed.
    pub async fn key(&mut self) -> Result<char, Gone> {
        if let Some(k) = self.keys.pop_front() {
            return Ok(k);
        }
        loop {
            if let Heard::Key(k) = self.heard.recv().await.ok_or(Gone)? {
                return Ok(k);
            }
        }
    }

    /// From now on the caller hears themself.
    pub fn echo(&self) {
        self.control.play(self.call, Play::Echo);
    }

    /// Ends the call (BYE), naming `by` in its record.
    pub async fn hang_up(&self, by: &str) {
        let _ = self
            .driver
            .send(Inbound::HangUp {
                call: switchboard_engine::call::call_id_text(self.call),
                by: by.to_owned(),
            })
            .await;
    }
}

/// A refused call hears `prompt` as early media; then the engine sends
/// the refusal.
async fn refusal(mut leg: Leg, prompts: &Prompts, prompt: &str) -> Result<(), Gone> {
    if let Some(p) = prompts.get(prompt, leg.rate()) {
        leg.play(p).await?;
    }
    leg.hang_up("refusal").await;
    Ok(())
}

/// Starts the flow of every leg the media thread answers, until it stops.
pub fn start(
    mut started: UnboundedReceiver<Started>,
    control: Control,
    driver: DriverTx,
    context: Arc<Context>,
) {
    tokio::spawn(async move {
        while let Some(Started {
            call,
            service,
            caller,
            rate,
            heard,
        }) = started.recv().await
        {
            let leg = Leg {
                call,
                caller,
                rate,
                control: control.clone(),
                heard,
                keys: VecDeque::new(),
                driver: driver.clone(),
            };
            let context = context.clone();
            tokio::spawn(async move {
                let prompts = &context.prompts;
                let outcome = match &service {
                    Service::Echo => test_numbers::echo(leg, prompts).await,
                    Service::Prompt => test_numbers::prompt(leg, prompts).await,
                    Service::ReadBack => test_numbers::read_back(leg, prompts).await,
                    Service::Voicemail { mailbox, busy } => {
                        voicemail::leave_message(leg, &context, mailbox, *busy).await
                    }
                    Service::VoicemailMenu { own } => mailbox_menu::menu(leg, &context, *own).await,
                    Service::DoNotDisturb(on) => features::do_not_disturb(leg, &context, *on).await,
                    Service::ForwardAlways(to) => {
                        features::forward_always(leg, &context, to.as_deref()).await
                    }
                    Service::Ivr { name, .. } => {
                        ivr::go(leg, &context, Destination::Ivr(name.clone())).await
                    }
                    Service::Announcement { sound, .. } => {
                        ivr::go(leg, &context, Destination::Announcement(sound.clone())).await
                    }
                    Service::ScheduleOverride { number, to } => {
                        features::schedule_override(leg, &context, number, *to).await
                    }
                    Service::Refusal { prompt, .. } => refusal(leg, prompts, prompt).await,
                };
                if outcome.is_err() {
                    tracing::debug!("call {call:016x} ({}) ended", service.as_str());
                }
            });
        }
    });
}
