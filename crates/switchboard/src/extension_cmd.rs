//! `switchboard extension …`: manage extensions from the command line,
//! through the service layer like every other door, as the local admin.

use crate::cli::{ExtensionCommand, ExtensionFields};
use crate::config::Config;
use switchboard_service::{Extension, ExtensionInput, ExtensionPatch, ListExtensions};

/// Runs one extension command.
pub fn run(config: Config, command: ExtensionCommand) -> anyhow::Result<()> {
    crate::store::with_service(config, async |service, actor| {
        match command {
            ExtensionCommand::List { search } => {
                let q = ListExtensions {
                    search,
                    limit: Some(500),
                    ..Default::default()
                };
                let list = service.list_extensions(&actor, q).await?;
                println!("NUMBER      NAME                              ENABLED  EMAIL");
                for e in &list.items {
                    let enabled = if e.enabled { "yes" } else { "no" };
                    println!(
                        "{:<10}  {:<32}  {:<7}  {}",
                        e.number,
                        e.display_name,
                        enabled,
                        e.email.as_deref().unwrap_or("")
                    );
                }
                if list.total > list.items.len() as u64 {
                    println!(
                        "({} of {}; narrow with --search)",
                        list.items.len(),
                        list.total
                    );
                }
            }
            ExtensionCommand::Add { number, fields } => {
                let name = fields
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("Extension {number}"));
                let input = ExtensionInput {
                    number,
                    display_name: name,
                    auth_name: fields.auth_name,
                    secret: fields.secret,
                    email: fields.email,
                    voicemail_pin: fields.pin,
                    enabled: fields.enabled,
                    outbound_caller_id: fields.caller_id,
                    call_limit: fields.call_limit,
                    recording: fields.recording,
                    dnd: fields.dnd,
                    forward_always: fields.forward_always,
                    forward_busy: fields.forward_busy,
                    forward_no_answer: fields.forward_no_answer,
                    forward_unregistered: fields.forward_unregistered,
                    ring_time: fields.ring_time.filter(|&t| t != 0),
                    voicemail_email: fields.voicemail_email,
                    international_calls: fields.international_calls,
                    outbound_calls_per_hour: fields.outbound_calls_per_hour.filter(|&n| n != 0),
                };
                show(&service.create_extension(&actor, input).await?);
            }
            ExtensionCommand::Show { number } => show(&service.extension(&actor, &number).await?),
            ExtensionCommand::Set {
                number,
                new_number,
                regenerate_secret,
                fields,
            } => {
                let patch = patch(fields, new_number);
                let mut e = service.update_extension(&actor, &number, patch).await?;
                if regenerate_secret {
                    e = service.regenerate_secret(&actor, &e.number).await?;
                }
                show(&e);
            }
            ExtensionCommand::Remove { number } => {
                service.delete_extension(&actor, &number).await?;
                println!("extension {number} removed");
            }
        }
        Ok(())
    })
}

fn patch(f: ExtensionFields, new_number: Option<String>) -> ExtensionPatch {
    ExtensionPatch {
        number: new_number,
        display_name: f.name,
        auth_name: f.auth_name,
        secret: f.secret,
        email: f.email.map(Some),
        voicemail_pin: f.pin.map(Some),
        enabled: f.enabled,
        outbound_caller_id: f.caller_id.map(Some),
        call_limit: f.call_limit,
        recording: f.recording,
        dnd: f.dnd,
        forward_always: f.forward_always,
        forward_busy: f.forward_busy,
        forward_no_answer: f.forward_no_answer,
        forward_unregistered: f.forward_unregistered,
        ring_time: f.ring_time.map(|t| (t != 0).then_some(t)),
        voicemail_email: f.voicemail_email,
        international_calls: f.international_calls,
        outbound_calls_per_hour: f.outbound_calls_per_hour.map(|n| (n != 0).then_some(n)),
    }
}

fn show(e: &Extension) {
    let none = String::new();
    println!("number:             {}", e.number);
    println!("display name:       {}", e.display_name);
    println!(
        "enabled:            {}",
        if e.enabled { "yes" } else { "no" }
    );
    println!("SIP auth name:      {}", e.auth_name);
    println!("SIP secret:         {}", e.secret);
    println!(
        "voicemail PIN:      {}",
        e.voicemail_pin.as_ref().unwrap_or(&none)
    );
    println!("email:              {}", e.email.as_ref().unwrap_or(&none));
    println!(
        "outbound caller ID: {}",
        e.outbound_caller_id.as_ref().unwrap_or(&none)
    );
    println!("call limit:         {}", e.call_limit);
    println!("recording:          {}", e.recording.as_str());
    println!("do not disturb:     {}", if e.dnd { "yes" } else { "no" });
    println!("forward always:     {}", e.forward_always);
    println!("forward busy:       {}", e.forward_busy);
    println!("forward no answer:  {}", e.forward_no_answer);
    println!("forward unregistered: {}", e.forward_unregistered);
    match e.ring_time {
        Some(t) => println!("ring time:          {t} s"),
        None => println!("ring time:          the server's default"),
    }
    println!("voicemail email:    {}", e.voicemail_email.as_str());
    println!(
        "international:      {}",
        if e.international_calls {
            "allowed"
        } else {
            "refused"
        }
    );
    match e.outbound_calls_per_hour {
        Some(n) => println!("outbound calls:     at most {n} an hour"),
        None => println!("outbound calls:     no hourly limit"),
    }
}
