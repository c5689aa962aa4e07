//! Leaving a message: the box's greeting (its temporary one when
//! recorded, else its busy or unavailable one, else one that says the
//! extension's number), a beep, then what the caller says until `#`,
//! silence, the longest message allowed, or hanging up. A message too
//! short, or holding no sound, is not kept. A kept message lights the
//! box's lamp and is emailed when the box asks for that.

use super::{say, Context, Ended, Gone, Leg};
use crate::voicemail::Voicemail;
use std::sync::Arc;
use std::time::Duration;
use switchboard_media::tone::Kind;
use switchboard_service::{Greeting, NewMessage};

pub async fn leave_message(
    mut leg: Leg,
    cx: &Context,
    mailbox: &str,
    busy: bool,
) -> Result<(), Gone> {
    let greeting = greeting(&leg, cx, mailbox, busy).await;
    leg.say(greeting, false).await?;
    leg.tone(cx.prompts.tone(Kind::Beep)).await?;
    let limits = &cx.voicemail.config;
    let recorded = leg
        .record(
            Duration::from_secs(limits.max_message),
            Duration::from_secs(limits.silence),
        )
        .await;
    let rate = leg.rate();
    let long_enough = recorded.samples.len() as u64 >= limits.min_message * u64::from(rate);
    let here = recorded.ended != Ended::HungUp;
    if !long_enough || !recorded.sound {
        tracing::info!(
            "voicemail: a message of {} ms for {mailbox} was too short or silent, not kept",
            recorded.samples.len() as u64 * 1000 / u64::from(rate)
        );
        if here {
            let bye = say::words(&cx.prompts, &["vm-message-too-short", "goodbye"], rate);
            leg.say(bye, false).await?;
            leg.hang_up("voicemail").await;
        }
        return Ok(());
    }
    let caller = leg.caller().clone();
    let new = NewMessage {
        mailbox: mailbox.to_owned(),
        caller: caller.number,
        caller_name: caller.name,
        received_at: chrono::Utc::now().timestamp(),
        rate,
        samples: recorded.samples,
    };
    let service = &cx.voicemail.service;
    match service.leave_message(&Voicemail::actor(), new).await {
        Ok(message) => {
            tracing::info!(
                "voicemail: message {} from {} for {mailbox}, {} ms",
                message.id,
                message.caller,
                message.duration_ms
            );
            match service
                .message_audio(&Voicemail::actor(), &message.id)
                .await
            {
                Ok((message, wav)) => cx.voicemail.delivered(message, wav),
                Err(e) => tracing::warn!("voicemail: reading message {}: {e}", message.id),
            }
        }
        Err(e) => tracing::error!("voicemail: keeping a message for {mailbox}: {e}"),
    }
    if here {
        let bye = say::words(&cx.prompts, &["vm-saved", "goodbye"], rate);
        leg.say(bye, false).await?;
        leg.hang_up("voicemail").await;
    }
    Ok(())
}

/// What the caller hears before the beep.
async fn greeting(leg: &Leg, cx: &Context, mailbox: &str, busy: bool) -> Vec<Arc<[i16]>> {
    let rate = leg.rate();
    let own = if busy {
        Greeting::Busy
    } else {
        Greeting::Unavailable
    };
    for kind in [Greeting::Temporary, own] {
        if let Some(samples) = recorded_greeting(cx, mailbox, kind, rate).await {
            return vec![samples];
        }
    }
    let mut said = say::words(&cx.prompts, &["vm-greeting-default"], rate);
    said.extend(say::digits(&cx.prompts, mailbox, rate));
    let rest = if busy { "vm-busy" } else { "vm-unavailable" };
    said.extend(say::words(&cx.prompts, &[rest], rate));
    said
}

/// A greeting the box's owner recorded or uploaded, at `rate`.
pub async fn recorded_greeting(
    cx: &Context,
    mailbox: &str,
    kind: Greeting,
    rate: u32,
) -> Option<Arc<[i16]>> {
    let service = &cx.voicemail.service;
    let wav = match service.greeting(&Voicemail::actor(), mailbox, kind).await {
        Ok(wav) => wav?,
        Err(e) => {
            tracing::warn!("voicemail: {} greeting of {mailbox}: {e}", kind.as_str());
            return None;
        }
    };
    match switchboard_media::wav::read_mono(std::io::Cursor::new(wav), rate) {
        Ok(samples) => Some(samples.into()),
        Err(e) => {
            tracing::warn!("voicemail: {} greeting of {mailbox}: {e}", kind.as_str());
            None
        }
    }
}
