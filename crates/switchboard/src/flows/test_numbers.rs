//! The numbers an administrator dials to check a phone: `*43` echo (is
//! audio coming through, both ways, and how late?), `*44` a prompt (does
//! the phone hear Switchboard?), `*45` each key pressed read back (does
//! DTMF arrive, whichever way the phone sends it?).

use super::{Gone, Leg};
use crate::prompts::Prompts;
use switchboard_media::tone::Kind;

/// `*43`: a word of explanation and a beep, then the caller's own audio
/// back until they hang up.
pub async fn echo(mut leg: Leg, prompts: &Prompts) -> Result<(), Gone> {
    if let Some(p) = prompts.get("test-echo", leg.rate()) {
        leg.play(p).await?;
    }
    leg.tone(prompts.tone(Kind::Beep)).await?;
    leg.echo();
    loop {
        leg.key().await?;
    }
}

/// `*44`: the test prompt, then Switchboard hangs up.
pub async fn prompt(mut leg: Leg, prompts: &Prompts) -> Result<(), Gone> {
    if let Some(p) = prompts.get("test-prompt", leg.rate()) {
        leg.play(p).await?;
    }
    leg.hang_up("prompt test").await;
    Ok(())
}

/// `*45`: every key pressed is said back, in order, until the caller hangs
/// up.
pub async fn read_back(mut leg: Leg, prompts: &Prompts) -> Result<(), Gone> {
    if let Some(p) = prompts.get("test-digits", leg.rate()) {
        leg.play(p).await?;
    }
    loop {
        let key = leg.key().await?;
        if let Some(p) = prompts.key(key, leg.rate()) {
            leg.play(p).await?;
        }
    }
}
