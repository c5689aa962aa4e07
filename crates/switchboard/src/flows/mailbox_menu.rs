//! The voicemail menu: `*97` opens the caller's own box, `*98` asks which
//! box. The PIN comes first (three tries a call; wrong PINs in a row lock
//! the box for every phone, see the service layer). Then:
//!
//! - main menu: 1 new messages, 2 saved messages, 3 greetings, 4 PIN,
//!   `#` goodbye;
//! - each message: who left it and when, then the message; 1 plays it
//!   again, 2 saves it, 3 deletes it, 4 calls the caller back, 6 goes to
//!   the next one, `#` back to the main menu. A key pressed while
//!   something plays cuts it short.
//! - greetings: 1 unavailable, 2 busy, 3 temporary, each recorded after
//!   the beep.

use super::{say, Context, Gone, Leg};
use crate::voicemail::Voicemail;
use std::sync::Arc;
use std::time::Duration;
use switchboard_media::tone::Kind;
use switchboard_service::{
    ExtensionPatch, Folder, Greeting, Message, MessagePatch, PinCheck, ServiceError,
};

/// How long the menu waits for a key.
const WAIT: Duration = Duration::from_secs(10);
/// PINs tried in one call before it ends.
const TRIES: usize = 3;
/// Times the main menu is said to a caller who presses nothing.
const REPEATS: usize = 3;

pub async fn menu(mut leg: Leg, cx: &Context, own: bool) -> Result<(), Gone> {
    let rate = leg.rate();
    let words = |names: &[&str]| say::words(&cx.prompts, names, rate);
    let mailbox = if own {
        leg.caller().number.clone()
    } else {
        leg.say(words(&["vm-enter-mailbox"]), true).await?;
        leg.digits(10, WAIT).await?
    };
    if !open(&mut leg, cx, &mailbox).await? {
        return Ok(());
    }
    let mut idle = 0;
    loop {
        let Some(messages) = messages(cx, &mailbox).await else {
            leg.say(words(&["error-unavailable", "goodbye"]), false)
                .await?;
            leg.hang_up("voicemail menu").await;
            return Ok(());
        };
        let (new, saved): (Vec<Message>, Vec<Message>) =
            messages.into_iter().partition(|m| !m.heard);
        leg.say(counts(cx, rate, new.len(), saved.len()), true)
            .await?;
        leg.say(words(&["vm-menu-main"]), true).await?;
        let chosen = match leg.key_within(WAIT).await? {
            Some('1') => play(&mut leg, cx, new).await?,
            Some('2') => play(&mut leg, cx, saved).await?,
            Some('3') => {
                greetings(&mut leg, cx, &mailbox).await?;
                None
            }
            Some('4') => {
                change_pin(&mut leg, cx, &mailbox).await?;
                None
            }
            Some('#') => {
                leg.say(words(&["goodbye"]), false).await?;
                leg.hang_up("voicemail menu").await;
                return Ok(());
            }
            None => {
                idle += 1;
                if idle == REPEATS {
                    leg.say(words(&["goodbye"]), false).await?;
                    leg.hang_up("voicemail menu").await;
                    return Ok(());
                }
                None
            }
            Some(_) => None,
        };
        if let Some(number) = chosen {
            leg.say(words(&["vm-calling-back"]), false).await?;
            leg.transfer(&number).await;
            return Ok(());
        }
    }
}

/// Asks for the PIN; false (and the call ended) when the box stays shut.
/// A box that does not exist is refused like a wrong PIN, so the menu
/// does not tell which boxes exist.
async fn open(leg: &mut Leg, cx: &Context, mailbox: &str) -> Result<bool, Gone> {
    let rate = leg.rate();
    let words = |names: &[&str]| say::words(&cx.prompts, names, rate);
    let service = &cx.voicemail.service;
    for _ in 0..TRIES {
        leg.say(words(&["vm-enter-pin"]), true).await?;
        let pin = leg.digits(10, WAIT).await?;
        let now = chrono::Utc::now().timestamp();
        match service
            .check_pin(&Voicemail::actor(), mailbox, &pin, now)
            .await
        {
            Ok(PinCheck::Right) => return Ok(true),
            Ok(PinCheck::Wrong { .. }) | Err(ServiceError::NotFound(_)) => {
                leg.say(words(&["vm-wrong-pin"]), false).await?;
            }
            Ok(PinCheck::Locked { .. }) => {
                leg.say(words(&["vm-locked"]), false).await?;
                leg.hang_up("voicemail menu").await;
                return Ok(false);
            }
            Err(e) => {
                tracing::warn!("voicemail menu: checking the PIN of {mailbox}: {e}");
                leg.say(words(&["error-unavailable"]), false).await?;
                leg.hang_up("voicemail menu").await;
                return Ok(false);
            }
        }
    }
    leg.say(words(&["goodbye"]), false).await?;
    leg.hang_up("voicemail menu").await;
    Ok(false)
}

async fn messages(cx: &Context, mailbox: &str) -> Option<Vec<Message>> {
    match cx
        .voicemail
        .service
        .messages(&Voicemail::actor(), mailbox)
        .await
    {
        Ok(m) => Some(m),
        Err(e) => {
            tracing::warn!("voicemail menu: messages of {mailbox}: {e}");
            None
        }
    }
}

/// "You have 2 new messages and 1 saved message."
fn counts(cx: &Context, rate: u32, new: usize, saved: usize) -> Vec<Arc<[i16]>> {
    let words = |names: &[&str]| say::words(&cx.prompts, names, rate);
    if new == 0 && saved == 0 {
        return words(&["vm-no-messages"]);
    }
    let part = |n: usize, one: &str, many: &str| {
        let mut said = say::number(&cx.prompts, n as u64, rate);
        said.extend(words(&[if n == 1 { one } else { many }]));
        said
    };
    let mut said = words(&["vm-you-have"]);
    said.extend(part(new, "vm-new-message", "vm-new-messages"));
    if saved > 0 {
        said.extend(words(&["vm-and"]));
        said.extend(part(saved, "vm-saved-message", "vm-saved-messages"));
    }
    said
}

/// Plays `messages` one by one with their menu; the number to call back
/// when the caller asked for that.
async fn play(leg: &mut Leg, cx: &Context, messages: Vec<Message>) -> Result<Option<String>, Gone> {
    let rate = leg.rate();
    let words = |names: &[&str]| say::words(&cx.prompts, names, rate);
    let service = &cx.voicemail.service;
    let actor = Voicemail::actor();
    for (i, message) in messages.iter().enumerate() {
        let mut envelope = words(&["vm-message"]);
        envelope.extend(say::number(&cx.prompts, i as u64 + 1, rate));
        envelope.extend(words(&["vm-from"]));
        envelope.extend(say::digits(&cx.prompts, &message.caller, rate));
        envelope.extend(words(&["vm-received"]));
        envelope.extend(say::when(&cx.prompts, message.received_at, rate));
        leg.say(envelope, true).await?;
        let audio = match service.message_audio(&actor, &message.id).await {
            Ok((_, wav)) => switchboard_media::wav::read_mono(std::io::Cursor::new(wav), rate)
                .map(Arc::<[i16]>::from)
                .ok(),
            Err(e) => {
                tracing::warn!("voicemail menu: message {}: {e}", message.id);
                None
            }
        };
        loop {
            if let Some(audio) = &audio {
                leg.say(vec![audio.clone()], true).await?;
            }
            if !message.heard {
                let heard = MessagePatch {
                    heard: Some(true),
                    folder: None,
                };
                if let Err(e) = service.update_message(&actor, &message.id, heard).await {
                    tracing::warn!("voicemail menu: message {}: {e}", message.id);
                }
            }
            leg.say(words(&["vm-menu-message"]), true).await?;
            match leg.key_within(WAIT).await? {
                Some('1') => continue,
                Some('2') => {
                    let save = MessagePatch {
                        heard: Some(true),
                        folder: Some(Folder::Saved),
                    };
                    if service
                        .update_message(&actor, &message.id, save)
                        .await
                        .is_ok()
                    {
                        leg.say(words(&["vm-saved"]), false).await?;
                    }
                }
                Some('3') => match service.delete_message(&actor, &message.id).await {
                    Ok(()) => leg.say(words(&["vm-deleted"]), false).await?,
                    Err(e) => tracing::warn!("voicemail menu: deleting {}: {e}", message.id),
                },
                Some('4') => {
                    let known = !message.caller.is_empty()
                        && message
                            .caller
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b == b'+');
                    if known {
                        return Ok(Some(message.caller.clone()));
                    }
                    leg.say(words(&["vm-no-caller"]), false).await?;
                    continue;
                }
                Some('#') => return Ok(None),
                _ => {}
            }
            break;
        }
    }
    leg.say(words(&["vm-no-more-messages"]), false).await?;
    Ok(None)
}

/// Records one of the box's greetings from the phone.
async fn greetings(leg: &mut Leg, cx: &Context, mailbox: &str) -> Result<(), Gone> {
    let rate = leg.rate();
    let words = |names: &[&str]| say::words(&cx.prompts, names, rate);
    leg.say(words(&["vm-menu-greetings"]), true).await?;
    let kind = match leg.key_within(WAIT).await? {
        Some('1') => Greeting::Unavailable,
        Some('2') => Greeting::Busy,
        Some('3') => Greeting::Temporary,
        _ => return Ok(()),
    };
    leg.say(words(&["vm-record-after-tone"]), false).await?;
    leg.tone(cx.prompts.tone(Kind::Beep)).await?;
    let limits = &cx.voicemail.config;
    let recorded = leg
        .record(
            Duration::from_secs(limits.max_message.min(120)),
            Duration::from_secs(limits.silence),
        )
        .await;
    if recorded.ended == super::Ended::HungUp {
        return Err(Gone);
    }
    if !recorded.sound || (recorded.samples.len() as u64) < u64::from(rate) {
        leg.say(words(&["vm-message-too-short"]), false).await?;
        return Ok(());
    }
    let mut wav = std::io::Cursor::new(Vec::new());
    if switchboard_media::wav::write(&mut wav, rate, 1, &recorded.samples).is_err() {
        return Ok(());
    }
    let set = cx
        .voicemail
        .service
        .set_greeting(&Voicemail::actor(), mailbox, kind, wav.into_inner())
        .await;
    match set {
        Ok(()) => leg.say(words(&["vm-greeting-saved"]), false).await?,
        Err(e) => {
            tracing::warn!("voicemail menu: greeting of {mailbox}: {e}");
            leg.say(words(&["error-unavailable"]), false).await?;
        }
    }
    Ok(())
}

/// Sets a new PIN typed on the phone; a weak one is refused.
async fn change_pin(leg: &mut Leg, cx: &Context, mailbox: &str) -> Result<(), Gone> {
    let rate = leg.rate();
    let words = |names: &[&str]| say::words(&cx.prompts, names, rate);
    leg.say(words(&["vm-enter-new-pin"]), true).await?;
    let pin = leg.digits(10, WAIT).await?;
    let patch = ExtensionPatch {
        voicemail_pin: Some(Some(pin)),
        ..Default::default()
    };
    let changed = cx
        .voicemail
        .service
        .update_extension(&Voicemail::actor(), mailbox, patch)
        .await;
    match changed {
        Ok(_) => leg.say(words(&["vm-pin-changed"]), false).await,
        Err(_) => leg.say(words(&["vm-pin-not-changed"]), false).await,
    }
}
