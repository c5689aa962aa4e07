//! IVRs (auto attendants) and where call flows send a call Switchboard
//! answered. An IVR plays its greeting, and the caller's key (by RFC 4733,
//! SIP INFO or in-band tone: whatever the relay detects) chooses an
//! option; an IVR that allows it also takes an extension's number typed
//! in. Nothing or a wrong key plays the greeting again, up to its repeats,
//! then the caller goes to its fallback. The destination chosen is taken
//! here: another IVR (nested menus), a schedule (decided now), voicemail,
//! an announcement, hanging up; an extension or a ring group rings while
//! the caller hears ringback, and the call is relayed to whoever answers
//! (or goes on where that destination's no-answer rule leads).

use super::{say, voicemail, Context, Gone, Leg};
use crate::voicemail::Voicemail;
use std::time::Duration;
use switchboard_engine::call::plan::Target;
use switchboard_engine::Service;
use switchboard_media::tone::Kind;
use switchboard_service::{Destination, Ivr, Schedule};

/// How many steps one call may take through flows without being put
/// through (a menu leading back to itself counts each time).
const MAX_STEPS: usize = 32;

/// Takes the call to `to`, and on from there.
pub async fn go(mut leg: Leg, cx: &Context, mut to: Destination) -> Result<(), Gone> {
    let service = &cx.voicemail.service;
    let actor = Voicemail::actor();
    for _ in 0..MAX_STEPS {
        to = match to {
            Destination::Ivr(name) => menu(&mut leg, cx, &name).await?,
            Destination::Schedule(name) => match service.flow::<Schedule>(&actor, &name).await {
                Ok(s) => s
                    .destination(s.state_at(service.schedule_clock()).0)
                    .clone(),
                Err(e) => {
                    tracing::warn!("schedule {name}: {e}");
                    Destination::HangUp
                }
            },
            Destination::Voicemail(mailbox) => {
                return voicemail::leave_message(leg, cx, &mailbox, false).await
            }
            Destination::Announcement(sound) => {
                if let Some(s) = cx.prompts.sound(&sound, leg.rate()) {
                    leg.play(s).await?;
                }
                leg.hang_up("announcement").await;
                return Ok(());
            }
            Destination::HangUp => break,
            Destination::Extension(number) => {
                match put_through(&mut leg, cx, Target::Extension(number)).await? {
                    Next::Go(d) => d,
                    Next::Voicemail { mailbox, busy } => {
                        return voicemail::leave_message(leg, cx, &mailbox, busy).await
                    }
                }
            }
            Destination::RingGroup(name) => {
                match put_through(&mut leg, cx, Target::RingGroup(name)).await? {
                    Next::Go(d) => d,
                    Next::Voicemail { mailbox, busy } => {
                        return voicemail::leave_message(leg, cx, &mailbox, busy).await
                    }
                }
            }
            Destination::External(number) => {
                tracing::info!("external:{number} needs a trunk; none exists");
                let said = say::words(&cx.prompts, &["error-unavailable"], leg.rate());
                leg.say(said, false).await?;
                Destination::HangUp
            }
        };
    }
    let said = say::words(&cx.prompts, &["goodbye"], leg.rate());
    leg.say(said, false).await?;
    leg.hang_up("call flow").await;
    Ok(())
}

/// Where a call nobody took goes on.
enum Next {
    Go(Destination),
    Voicemail { mailbox: String, busy: bool },
}

/// Rings `to` for the caller; Gone once someone answered (the call is
/// theirs now), else where it goes on.
async fn put_through(leg: &mut Leg, cx: &Context, to: Target) -> Result<Next, Gone> {
    let said = say::words(&cx.prompts, &["ivr-transferring"], leg.rate());
    leg.say(said, false).await?;
    let ringback = cx.prompts.tone(Kind::Ringback);
    Ok(match leg.connect(to, ringback).await? {
        Some(Service::Voicemail { mailbox, busy }) => Next::Voicemail { mailbox, busy },
        Some(Service::Ivr { name, .. }) => Next::Go(Destination::Ivr(name)),
        Some(Service::Announcement { sound, .. }) => Next::Go(Destination::Announcement(sound)),
        Some(other) => {
            tracing::warn!("a call put through went on to {}", other.as_str());
            Next::Go(Destination::HangUp)
        }
        None => {
            let said = say::words(&cx.prompts, &["error-unavailable"], leg.rate());
            leg.say(said, false).await?;
            Next::Go(Destination::HangUp)
        }
    })
}

/// IVR `name`: its greeting and the caller's choice.
async fn menu(leg: &mut Leg, cx: &Context, name: &str) -> Result<Destination, Gone> {
    let service = &cx.voicemail.service;
    let ivr: Ivr = match service.flow(&Voicemail::actor(), name).await {
        Ok(ivr) => ivr,
        Err(e) => {
            tracing::warn!("ivr {name}: {e}");
            return Ok(Destination::HangUp);
        }
    };
    let rate = leg.rate();
    let greeting = cx.prompts.sound(&ivr.greeting, rate);
    let wait = Duration::from_secs(u64::from(ivr.timeout));
    for attempt in 1..=ivr.repeats {
        leg.say(greeting.iter().cloned().collect(), true).await?;
        let Some(key) = leg.key_within(wait).await? else {
            if attempt < ivr.repeats {
                let said = say::words(&cx.prompts, &["ivr-no-input"], rate);
                leg.say(said, true).await?;
            }
            continue;
        };
        if let Some(d) = ivr.options.get(&key.to_string()) {
            return Ok(d.clone());
        }
        if ivr.dial_extension && key.is_ascii_digit() {
            let mut typed = key.to_string();
            while typed.len() < ivr.extension_length as usize {
                match leg.key_within(wait).await? {
                    Some(k) if k.is_ascii_digit() => typed.push(k),
                    _ => break,
                }
            }
            let known = service.extension(&Voicemail::actor(), &typed).await.is_ok();
            if typed.len() == ivr.extension_length as usize && known {
                return Ok(Destination::Extension(typed));
            }
        }
        let said = say::words(&cx.prompts, &["ivr-invalid"], rate);
        leg.say(said, true).await?;
    }
    Ok(ivr.fallback)
}
