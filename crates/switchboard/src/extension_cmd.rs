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
}
