//! Voicemail to email: each message goes to the box owner's address as a
//! mail saying who called and when, with the message attached as a WAV
//! file, through the SMTP server configured (`[voicemail.email]`), with
//! STARTTLS or TLS and a login when it asks for them (lettre).

use super::config::{EmailConfig, SmtpSecurity};
use anyhow::Context;
use chrono::{Local, TimeZone};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox as Address, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;
use switchboard_service::{Mailbox, Message};

/// How long one mail may take to hand over.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Address,
}

impl Mailer {
    /// The mailer `config` describes; none when no SMTP server is set.
    pub fn new(config: &EmailConfig) -> anyhow::Result<Option<Mailer>> {
        if config.smtp_host.is_empty() {
            return Ok(None);
        }
        let from: Address = config
            .from
            .parse()
            .with_context(|| format!("voicemail.email.from: {:?}", config.from))?;
        let mut tls = TlsParameters::builder(config.smtp_host.clone());
        if let Some(file) = &config.ca_file {
            let pem = std::fs::read(file)
                .with_context(|| format!("voicemail.email.ca_file: {}", file.display()))?;
            let ca = Certificate::from_pem(&pem)
                .with_context(|| format!("voicemail.email.ca_file: {}", file.display()))?;
            tls = tls.add_root_certificate(ca);
        }
        let tls = tls.build_rustls().context("voicemail.email: TLS")?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.smtp_host)
                .port(config.smtp_port)
                .timeout(Some(TIMEOUT))
                .tls(match config.security {
                    SmtpSecurity::None => Tls::None,
                    SmtpSecurity::Starttls => Tls::Required(tls),
                    SmtpSecurity::Tls => Tls::Wrapper(tls),
                });
        if !config.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                config.username.clone(),
                config.password.clone(),
            ));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
        }))
    }

    /// Mails `message` of `mailbox` to `to`, its audio (`wav`) attached.
    pub async fn send(
        &self,
        to: &str,
        mailbox: &Mailbox,
        message: &Message,
        wav: Vec<u8>,
    ) -> anyhow::Result<()> {
        let caller = match &message.caller_name {
            Some(name) => format!("{name} ({})", message.caller),
            None => message.caller.clone(),
        };
        let when = Local
            .timestamp_opt(message.received_at, 0)
            .single()
            .map_or_else(String::new, |t| {
                t.format("%A %-d %B %Y at %H:%M").to_string()
            });
        let seconds = (message.duration_ms + 500) / 1000;
        let text = format!(
            "{caller} left a message for {} (extension {}) on {when}.\n\
             It is {seconds} seconds long, and attached.\n",
            mailbox.display_name, mailbox.number
        );
        let to: Address = to.parse().with_context(|| format!("the address {to:?}"))?;
        let mail = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("Voicemail from {caller}, {seconds} s"))
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(text))
                    .singlepart(
                        Attachment::new(format!("voicemail-{}.wav", message.id))
                            .body(wav, ContentType::parse("audio/wav")?),
                    ),
            )?;
        self.transport.send(mail).await?;
        Ok(())
    }
}
