//! `switchboard registrations`: the phones registered now, as the running
//! server last saved them: where each is reached, until when, and whether
//! (and how fast) it answers OPTIONS.

use crate::config::Config;
use crate::transport::now_unix;
use switchboard_service::ListRegistrations;

pub fn run(config: Config, extension: Option<String>) -> anyhow::Result<()> {
    let list = crate::store::with_service(config, async |service, actor| {
        Ok(service
            .registrations(&actor, ListRegistrations { extension })
            .await?)
    })?;
    if list.is_empty() {
        println!("no phones registered");
        return Ok(());
    }
    println!(
        "{:<10}  {:<9}  {:<21}  {:>7}  {:<9}  {:<24}  CONTACT",
        "EXTENSION", "TRANSPORT", "SOURCE", "EXPIRES", "ANSWERS", "USER AGENT"
    );
    let now = now_unix() as i64;
    for r in &list {
        let answers = match (r.reachable, r.rtt_ms) {
            (false, _) => "no".to_owned(),
            (true, Some(ms)) => format!("{ms} ms"),
            (true, None) => "-".to_owned(),
        };
        println!(
            "{:<10}  {:<9}  {:<21}  {:>6}s  {:<9}  {:<24}  {}",
            r.extension,
            r.transport,
            r.source,
            (r.expires_at - now).max(0),
            answers,
            r.user_agent.as_deref().unwrap_or("-"),
            r.contact
        );
    }
    Ok(())
}
