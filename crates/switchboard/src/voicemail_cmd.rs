//! `switchboard voicemail`: a box's messages and greetings from the
//! command line, through the service layer like every other door.

use crate::cli::VoicemailCommand;
use crate::config::Config;
use crate::store::with_service;
use switchboard_service::calls::rfc3339;
use switchboard_service::{Folder, MessagePatch};

pub fn run(config: Config, action: VoicemailCommand) -> anyhow::Result<()> {
    match action {
        VoicemailCommand::Show { number } => {
            let (mailbox, messages) = with_service(config, async |service, actor| {
                let mailbox = service.mailbox(&actor, &number).await?;
                let messages = service.messages(&actor, &number).await?;
                Ok((mailbox, messages))
            })?;
            println!(
                "mailbox {} ({}): {} new, {} heard",
                mailbox.number, mailbox.display_name, mailbox.new, mailbox.old
            );
            let greetings: Vec<&str> = mailbox.greetings.iter().map(|g| g.as_str()).collect();
            match greetings.is_empty() {
                true => println!("greetings: the default"),
                false => println!("greetings recorded: {}", greetings.join(", ")),
            }
            println!("email: {}", mailbox.voicemail_email.as_str());
            for m in &messages {
                let from = match &m.caller_name {
                    Some(name) => format!("{name} <{}>", m.caller),
                    None => m.caller.clone(),
                };
                let state = match (m.heard, m.folder) {
                    (false, _) => "new",
                    (true, Folder::Inbox) => "heard",
                    (true, Folder::Saved) => "saved",
                };
                println!(
                    "{}  {}  {:>6.1}s  {:<5}  {from}",
                    m.id,
                    rfc3339(m.received_at),
                    m.duration_ms as f64 / 1000.0,
                    state
                );
            }
        }
        VoicemailCommand::Save { id } => {
            let save = MessagePatch {
                heard: Some(true),
                folder: Some(Folder::Saved),
            };
            with_service(config, async |service, actor| {
                Ok(service.update_message(&actor, &id, save).await?)
            })?;
            println!("message {id} saved");
        }
        VoicemailCommand::Delete { id } => {
            with_service(config, async |service, actor| {
                Ok(service.delete_message(&actor, &id).await?)
            })?;
            println!("message {id} deleted");
        }
        VoicemailCommand::Greeting {
            number,
            kind,
            file,
            default,
        } => match (file, default) {
            (Some(file), false) => {
                let wav = std::fs::read(&file)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                with_service(config, async |service, actor| {
                    Ok(service.set_greeting(&actor, &number, kind, wav).await?)
                })?;
                println!("{} greeting of {number}: {}", kind.as_str(), file.display());
            }
            (None, true) => {
                with_service(config, async |service, actor| {
                    Ok(service.delete_greeting(&actor, &number, kind).await?)
                })?;
                println!("{} greeting of {number}: the default", kind.as_str());
            }
            _ => anyhow::bail!("file: give a WAV file, or --default"),
        },
    }
    Ok(())
}
