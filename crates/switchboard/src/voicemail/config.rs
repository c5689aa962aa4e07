//! `[voicemail]` and `[voicemail.email]` in the configuration.

use anyhow::bail;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// How messages are taken.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct VoicemailConfig {
    /// The longest message, in seconds.
    pub max_message: u64,
    /// Messages shorter than this, in seconds, are discarded (a caller
    /// who hung up at the beep).
    pub min_message: u64,
    /// Seconds of silence that end a message.
    pub silence: u64,
    pub email: EmailConfig,
}

impl Default for VoicemailConfig {
    fn default() -> VoicemailConfig {
        VoicemailConfig {
            max_message: 180,
            min_message: 2,
            silence: 5,
            email: EmailConfig::default(),
        }
    }
}

/// How messages are emailed: the SMTP server Switchboard hands them to.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    /// The SMTP server's name or address; empty: messages are not emailed.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls` (upgrade the connection, required), `tls` (TLS from the
    /// start, port 465) or `none` (plain, for a relay on this machine).
    pub security: SmtpSecurity,
    /// Login at the server; empty for none.
    pub username: String,
    pub password: String,
    /// The sender the mails show.
    pub from: String,
    /// A PEM file of certificate authorities trusted besides the built-in
    /// ones (a company's own CA).
    pub ca_file: Option<PathBuf>,
}

impl Default for EmailConfig {
    fn default() -> EmailConfig {
        EmailConfig {
            smtp_host: String::new(),
            smtp_port: 587,
            security: SmtpSecurity::Starttls,
            username: String::new(),
            password: String::new(),
            from: "Switchboard Voicemail <voicemail@localhost>".to_owned(),
            ca_file: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    None,
    Starttls,
    Tls,
}

impl VoicemailConfig {
    /// Checks the limits, naming the setting at fault.
    pub fn check(&self) -> anyhow::Result<()> {
        if !(10..=3600).contains(&self.max_message) {
            bail!("voicemail.max_message must be 10 to 3600 seconds");
        }
        if self.min_message >= self.max_message {
            bail!("voicemail.min_message must be below voicemail.max_message");
        }
        if !(1..=60).contains(&self.silence) {
            bail!("voicemail.silence must be 1 to 60 seconds");
        }
        Ok(())
    }
}
