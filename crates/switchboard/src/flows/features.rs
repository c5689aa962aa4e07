//! Star codes a user dials to set their own extension: `*78` and `*79`
//! turn do-not-disturb on and off, `*72NUMBER` forwards every call to
//! extension NUMBER and `*73` stops that; `*61N`, `*62N` and `*63N` force
//! schedule N open or closed, or set it back to its hours. Each changes the extension
//! through the service layer (so the console and the API see it, and
//! every server follows), says what is now set, and hangs up.

use super::{say, Context, Gone, Leg};
use crate::voicemail::Voicemail;
use switchboard_engine::Forced;
use switchboard_service::{ExtensionPatch, Forward, Override};

pub async fn do_not_disturb(leg: Leg, cx: &Context, on: bool) -> Result<(), Gone> {
    let patch = ExtensionPatch {
        dnd: Some(on),
        ..Default::default()
    };
    let done = if on {
        "feature-dnd-on"
    } else {
        "feature-dnd-off"
    };
    set(leg, cx, patch, vec![done.to_owned()]).await
}

pub async fn forward_always(leg: Leg, cx: &Context, to: Option<&str>) -> Result<(), Gone> {
    let (forward, said) = match to {
        Some(number) => {
            let mut said = vec!["feature-forward-on".to_owned()];
            said.extend(number.chars().map(|c| format!("digit-{c}")));
            (Forward::Extension(number.to_owned()), said)
        }
        None => (Forward::None, vec!["feature-forward-off".to_owned()]),
    };
    let patch = ExtensionPatch {
        forward_always: Some(forward),
        ..Default::default()
    };
    set(leg, cx, patch, said).await
}

/// `*61N`, `*62N`, `*63N`: schedule N forced open, closed, or back to its
/// hours; says which (or that it cannot be).
pub async fn schedule_override(
    mut leg: Leg,
    cx: &Context,
    number: &str,
    to: Forced,
) -> Result<(), Gone> {
    let (value, done) = match to {
        Forced::Open => (Override::Open, "schedule-open"),
        Forced::Closed => (Override::Closed, "schedule-closed"),
        Forced::Auto => (Override::Auto, "schedule-auto"),
    };
    let changed = cx
        .voicemail
        .service
        .override_schedule(&Voicemail::actor(), number, value, &leg.caller().number)
        .await;
    let name = match &changed {
        Ok(_) => done,
        Err(e) => {
            tracing::info!("schedule override by {}: {e}", leg.caller().number);
            match e {
                switchboard_service::ServiceError::Forbidden => "error-not-allowed",
                _ => "error-not-found",
            }
        }
    };
    let said = say::words(&cx.prompts, &[name], leg.rate());
    leg.say(said, false).await?;
    leg.hang_up("star code").await;
    Ok(())
}

/// Changes the caller's extension, then says `done` (or why not).
async fn set(
    mut leg: Leg,
    cx: &Context,
    patch: ExtensionPatch,
    done: Vec<String>,
) -> Result<(), Gone> {
    let number = leg.caller().number.clone();
    let changed = cx
        .voicemail
        .service
        .update_extension(&Voicemail::actor(), &number, patch)
        .await;
    let names: Vec<&str> = match &changed {
        Ok(_) => done.iter().map(String::as_str).collect(),
        Err(e) => {
            tracing::info!("star code of {number}: {e}");
            vec!["error-not-allowed"]
        }
    };
    let said = say::words(&cx.prompts, &names, leg.rate());
    leg.say(said, false).await?;
    leg.hang_up("star code").await;
    Ok(())
}
