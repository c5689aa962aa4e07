//! Voicemail as the running server does it: the limits on a message
//! (`[voicemail]` in the configuration), and what happens once one was
//! left: it is emailed to the box's owner when the box says so ([`mail`]),
//! and deleted after sending when it says that too. The flows that take
//! messages and run the menu are in [`crate::flows`].

mod config;
pub mod mail;

pub use config::VoicemailConfig;

use std::sync::Arc;
use switchboard_service::{Actor, Message, Service, VoicemailEmail};

/// What voicemail flows need.
#[derive(Clone)]
pub struct Voicemail {
    pub service: Service,
    pub config: VoicemailConfig,
    mailer: Option<Arc<mail::Mailer>>,
}

impl Voicemail {
    pub fn new(service: Service, config: VoicemailConfig) -> anyhow::Result<Voicemail> {
        let mailer = mail::Mailer::new(&config.email)?.map(Arc::new);
        Ok(Voicemail {
            service,
            config,
            mailer,
        })
    }

    /// Who the flows act as.
    pub fn actor() -> Actor {
        Actor::system("voicemail")
    }

    /// A message was left in `mailbox`: emails it when the box asks for
    /// that, in the background, then deletes it when the box says so.
    pub fn delivered(&self, message: Message, wav: Vec<u8>) {
        let Some(mailer) = self.mailer.clone() else {
            return;
        };
        let service = self.service.clone();
        tokio::spawn(async move {
            let actor = Voicemail::actor();
            let mailbox = match service.mailbox(&actor, &message.mailbox).await {
                Ok(m) => m,
                Err(e) => return tracing::warn!("voicemail: mailbox {}: {e}", message.mailbox),
            };
            let (Some(to), send) = (mailbox.email.clone(), mailbox.voicemail_email) else {
                return;
            };
            if send == VoicemailEmail::Off {
                return;
            }
            if let Err(e) = mailer.send(&to, &mailbox, &message, wav).await {
                return tracing::warn!("voicemail: emailing message {} to {to}: {e:#}", message.id);
            }
            tracing::info!("voicemail: message {} emailed to {to}", message.id);
            if send == VoicemailEmail::SendAndDelete {
                if let Err(e) = service.delete_message(&actor, &message.id).await {
                    tracing::warn!("voicemail: deleting message {} sent: {e}", message.id);
                }
            }
        });
    }
}
