//! `switchboard calls`, `switchboard cdr` and `switchboard recordings`:
//! the calls in progress, as the running server last reported them (and
//! ending or recording one), the records of calls that ended, and their
//! recordings.

use crate::cli::{CallsCommand, CdrArgs, RecordingsCommand};
use crate::config::Config;
use crate::transport::now_unix;
use switchboard_service::calls::rfc3339;
use switchboard_service::{Cdr, ListCdrs, ListRecordings};

pub fn calls(config: Config, action: Option<CallsCommand>) -> anyhow::Result<()> {
    match action {
        Some(CallsCommand::Hangup { id }) => {
            crate::store::with_service(config, async |service, actor| {
                Ok(service.hang_up(&actor, &id).await?)
            })?;
            println!("call {id}: the server is told to end it");
            return Ok(());
        }
        Some(CallsCommand::Record { id, action }) => {
            crate::store::with_service(config, async |service, actor| {
                Ok(service.record_call(&actor, &id, action).await?)
            })?;
            println!(
                "call {id}: the server is told to {} recording",
                action.as_str()
            );
            return Ok(());
        }
        None => {}
    }
    let list = crate::store::with_service(config, async |service, actor| {
        Ok(service.live_calls(&actor).await?)
    })?;
    if list.is_empty() {
        println!("no calls in progress");
        return Ok(());
    }
    println!(
        "{:<16}  {:<10}  {:<10}  {:<9}  {:>8}  CODEC",
        "ID", "FROM", "TO", "STATE", "DURATION"
    );
    let now = now_unix() as i64;
    for c in &list {
        println!(
            "{:<16}  {:<10}  {:<10}  {:<9}  {:>7}s  {}",
            c.id,
            c.caller,
            c.callee,
            c.state,
            (now - c.started_at).max(0),
            c.codec.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

pub fn cdr(config: Config, args: CdrArgs) -> anyhow::Result<()> {
    let query = ListCdrs {
        from: args.from,
        to: args.to,
        extension: args.extension,
        disposition: args.disposition,
        limit: args.limit,
    };
    let list = crate::store::with_service(config, async |service, actor| {
        Ok(service.cdrs(&actor, query).await?)
    })?;
    if args.csv {
        print!("{}", Cdr::csv(&list));
        return Ok(());
    }
    if list.is_empty() {
        println!("no calls recorded");
        return Ok(());
    }
    println!(
        "{:<20}  {:<10}  {:<10}  {:<10}  {:>8}  {:>8}  {:<8}  HANGUP",
        "STARTED (UTC)", "FROM", "TO", "RESULT", "DURATION", "BILLABLE", "CODEC"
    );
    for c in &list {
        println!(
            "{:<20}  {:<10}  {:<10}  {:<10}  {:>7}s  {:>7}s  {:<8}  {} ({})",
            rfc3339(c.started_at),
            c.caller,
            c.callee,
            c.disposition,
            c.duration,
            c.billable,
            c.codec.as_deref().unwrap_or("-"),
            c.hangup_side,
            c.hangup_cause
        );
    }
    Ok(())
}

pub fn recordings(
    config: Config,
    action: Option<RecordingsCommand>,
    extension: Option<String>,
    limit: Option<u32>,
) -> anyhow::Result<()> {
    if let Some(RecordingsCommand::Delete { id }) = action {
        crate::store::with_service(config, async |service, actor| {
            Ok(service.delete_recording(&actor, &id).await?)
        })?;
        println!("recording {id} deleted");
        return Ok(());
    }
    let q = ListRecordings { extension, limit };
    let list = crate::store::with_service(config, async |service, actor| {
        Ok(service.list_recordings(&actor, q).await?)
    })?;
    if list.is_empty() {
        println!("no recordings");
        return Ok(());
    }
    println!(
        "{:<16}  {:<20}  {:<10}  {:<10}  {:>9}  {:>6}  SIZE",
        "ID", "STARTED", "FROM", "TO", "DURATION", "RATE"
    );
    for r in &list {
        println!(
            "{:<16}  {:<20}  {:<10}  {:<10}  {:>8.1}s  {:>6}  {}",
            r.id,
            rfc3339(r.started_at),
            r.caller,
            r.callee,
            r.duration_ms as f64 / 1000.0,
            r.sample_rate,
            r.size
        );
    }
    Ok(())
}
