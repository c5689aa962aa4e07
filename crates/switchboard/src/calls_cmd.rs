//! `switchboard calls` and `switchboard cdr`: the calls in progress, as the
//! running server last reported them (and ending one), and the records of
//! calls that ended.

use crate::cli::{CallsCommand, CdrArgs};
use crate::config::Config;
use crate::transport::now_unix;
use switchboard_service::calls::rfc3339;
use switchboard_service::{Cdr, ListCdrs};

pub fn calls(config: Config, action: Option<CallsCommand>) -> anyhow::Result<()> {
    if let Some(CallsCommand::Hangup { id }) = action {
        crate::store::with_service(config, async |service, actor| {
            Ok(service.hang_up(&actor, &id).await?)
        })?;
        println!("call {id}: the server is told to end it");
        return Ok(());
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
