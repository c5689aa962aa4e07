//! Call flows: what a call Switchboard answered does, written as an async
//! function over the call's [`Leg`] — play this, wait for a key, echo,
//! hang up — in the spirit of Asterisk's dialplan applications. The media
//! thread does the sound ([`crate::relay`]); the SIP thread ends the call
//! when the flow hangs up. Today's flows are the test numbers.

mod test_numbers;

use crate::prompts::Prompts;
use crate::relay::{Control, Heard, Play, Started};
use crate::transport::driver::{DriverTx, Inbound};
use std::collections::VecDeque;
use std::sync::Arc;
use switchboard_engine::Service;
use switchboard_media::tone::Tone;
use tokio::sync::mpsc::UnboundedReceiver;

/// The call ended (the phone hung up, or it was hung up).
#[derive(Debug)]
pub struct Gone;

/// A flow's hold on its call.
pub struct Leg {
    call: u64,
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
    pub async fn hang_up(self, by: &str) {
        let _ = self
            .driver
            .send(Inbound::HangUp {
                call: switchboard_engine::call::call_id_text(self.call),
                by: by.to_owned(),
            })
            .await;
    }
}

/// Starts the flow of every leg the media thread answers, until it stops.
pub fn start(
    mut started: UnboundedReceiver<Started>,
    control: Control,
    driver: DriverTx,
    prompts: Arc<Prompts>,
) {
    tokio::spawn(async move {
        while let Some(Started {
            call,
            service,
            rate,
            heard,
        }) = started.recv().await
        {
            let leg = Leg {
                call,
                rate,
                control: control.clone(),
                heard,
                keys: VecDeque::new(),
                driver: driver.clone(),
            };
            let prompts = prompts.clone();
            tokio::spawn(async move {
                let outcome = match service {
                    Service::Echo => test_numbers::echo(leg, &prompts).await,
                    Service::Prompt => test_numbers::prompt(leg, &prompts).await,
                    Service::ReadBack => test_numbers::read_back(leg, &prompts).await,
                };
                if outcome.is_err() {
                    tracing::debug!("call {call:016x} ({}) ended", service.as_str());
                }
            });
        }
    });
}
