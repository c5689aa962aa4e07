//! Voicemail boxes, one per extension: the messages left in it, its
//! greetings, and the PIN that opens its menu from a phone. A message is a
//! mono WAV file under the data directory (`voicemail/NUMBER/ID.wav`),
//! written aside and renamed before its row is kept, so a crash never
//! leaves half a message listed. Greetings are files beside the messages
//! (`greeting-unavailable.wav`, …). Every change to a box's messages is
//! announced ([`Event::VoicemailChanged`]), which is what lights and
//! darkens the phones' message-waiting lamps. A user sees only their own
//! box.

use crate::forward::VoicemailEmail;
use crate::{random_id, Actor, Event, Service, ServiceError};
use serde::{Deserialize, Serialize};
use switchboard_store::{MessageCounts, MessageRecord};

/// Wrong PINs in a row that lock a box's menu, and for how long.
pub const PIN_ATTEMPTS: i64 = 5;
pub const PIN_LOCKOUT_SECONDS: i64 = 15 * 60;
/// The longest greeting file taken: 5 MiB.
pub const MAX_GREETING_BYTES: usize = 5 * 1024 * 1024;

/// A message left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Message {
    pub id: String,
    pub mailbox: String,
    /// The caller's number, and name when the call gave one.
    pub caller: String,
    pub caller_name: Option<String>,
    /// Unix seconds.
    pub received_at: i64,
    pub duration_ms: i64,
    pub folder: Folder,
    /// Whether it was listened to (a message not heard lights the lamp).
    pub heard: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Folder {
    Inbox,
    Saved,
}

impl Folder {
    pub fn as_str(self) -> &'static str {
        match self {
            Folder::Inbox => "inbox",
            Folder::Saved => "saved",
        }
    }

    fn parse(s: &str) -> Folder {
        if s == "saved" {
            Folder::Saved
        } else {
            Folder::Inbox
        }
    }
}

/// A change to a message: marked heard or not, moved to a folder.
#[derive(Clone, Copy, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagePatch {
    pub heard: Option<bool>,
    pub folder: Option<Folder>,
}

/// A message a caller just recorded.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub mailbox: String,
    pub caller: String,
    pub caller_name: Option<String>,
    /// Unix seconds.
    pub received_at: i64,
    /// Mono samples at `rate` Hz.
    pub rate: u32,
    pub samples: Vec<i16>,
}

/// The greetings a box may have. The temporary one, when recorded, plays
/// instead of the others (an absence, a holiday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Greeting {
    Unavailable,
    Busy,
    Temporary,
}

impl Greeting {
    pub fn as_str(self) -> &'static str {
        match self {
            Greeting::Unavailable => "unavailable",
            Greeting::Busy => "busy",
            Greeting::Temporary => "temporary",
        }
    }
}

impl std::str::FromStr for Greeting {
    type Err = String;

    fn from_str(s: &str) -> Result<Greeting, String> {
        [Greeting::Unavailable, Greeting::Busy, Greeting::Temporary]
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| format!("{s:?}: must be unavailable, busy or temporary"))
    }
}

/// What a box's menu and its email need to know of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Mailbox {
    pub number: String,
    pub display_name: String,
    pub email: Option<String>,
    pub voicemail_email: VoicemailEmail,
    /// Messages not heard, and heard.
    pub new: u32,
    pub old: u32,
    /// The greetings recorded.
    pub greetings: Vec<Greeting>,
}

/// What a PIN entered at a box's menu was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinCheck {
    Right,
    /// Wrong; this many tries are left before the box locks.
    Wrong {
        left: u32,
    },
    /// Too many wrong ones: the menu stays shut until then (Unix seconds).
    Locked {
        until: i64,
    },
}

impl From<MessageRecord> for Message {
    fn from(r: MessageRecord) -> Message {
        Message {
            id: r.id,
            mailbox: r.mailbox,
            caller: r.caller,
            caller_name: r.caller_name,
            received_at: r.received_at,
            duration_ms: r.duration_ms,
            folder: Folder::parse(&r.folder),
            heard: r.heard,
        }
    }
}

fn counts(c: MessageCounts) -> (u32, u32) {
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    (n(c.new), n(c.old))
}

impl Service {
    /// A box: whose it is, where its messages are emailed, what it holds.
    pub async fn mailbox(&self, actor: &Actor, number: &str) -> Result<Mailbox, ServiceError> {
        let e = self.extension(actor, number).await?;
        let (new, old) = self.message_counts(number).await?;
        let mut greetings = Vec::new();
        for g in [Greeting::Unavailable, Greeting::Busy, Greeting::Temporary] {
            if tokio::fs::try_exists(self.file(&greeting_file(number, g))?)
                .await
                .unwrap_or(false)
            {
                greetings.push(g);
            }
        }
        Ok(Mailbox {
            number: e.number,
            display_name: e.display_name,
            email: e.email,
            voicemail_email: e.voicemail_email,
            new,
            old,
            greetings,
        })
    }

    /// The messages in `mailbox`, oldest first.
    pub async fn messages(
        &self,
        actor: &Actor,
        mailbox: &str,
    ) -> Result<Vec<Message>, ServiceError> {
        self.extension(actor, mailbox).await?;
        let rows = self.store.messages(mailbox).await?;
        Ok(rows.into_iter().map(Message::from).collect())
    }

    /// How many messages `mailbox` holds: not heard, and heard.
    pub async fn message_counts(&self, mailbox: &str) -> Result<(u32, u32), ServiceError> {
        let one = self.store.message_counts(Some(mailbox)).await?;
        Ok(one.into_iter().next().map_or((0, 0), |(_, c)| counts(c)))
    }

    /// Every box holding messages, with its counts.
    pub async fn all_message_counts(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(String, u32, u32)>, ServiceError> {
        actor.require_manager()?;
        let all = self.store.message_counts(None).await?;
        Ok(all
            .into_iter()
            .map(|(m, c)| {
                let (new, old) = counts(c);
                (m, new, old)
            })
            .collect())
    }

    async fn load_message(&self, actor: &Actor, id: &str) -> Result<MessageRecord, ServiceError> {
        let not_found = || ServiceError::NotFound(format!("voicemail message {id}"));
        let m = self.store.message(id).await?.ok_or_else(not_found)?;
        if !actor.may_touch(&m.mailbox) {
            return Err(not_found());
        }
        Ok(m)
    }

    /// A message and its WAV file's bytes.
    pub async fn message_audio(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(Message, Vec<u8>), ServiceError> {
        let m = self.load_message(actor, id).await?;
        let path = self.file(&m.file)?;
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| ServiceError::Files(format!("{}: {e}", path.display())))?;
        Ok((m.into(), bytes))
    }

    /// Marks a message heard (or not), or moves it.
    pub async fn update_message(
        &self,
        actor: &Actor,
        id: &str,
        patch: MessagePatch,
    ) -> Result<Message, ServiceError> {
        let mut m = self.load_message(actor, id).await?;
        let heard = patch.heard.unwrap_or(m.heard);
        let folder = patch
            .folder
            .map_or(m.folder.clone(), |f| f.as_str().to_owned());
        if heard == m.heard && folder == m.folder {
            return Ok(m.into());
        }
        if !self.store.update_message(id, heard, &folder).await? {
            return Err(ServiceError::NotFound(format!("voicemail message {id}")));
        }
        (m.heard, m.folder) = (heard, folder);
        let mailbox = m.mailbox.clone();
        self.announce(&Event::VoicemailChanged { mailbox }).await?;
        Ok(m.into())
    }

    /// Deletes a message: its row first, so a failure leaves at worst a
    /// file nobody lists, never a listed message without its audio.
    pub async fn delete_message(&self, actor: &Actor, id: &str) -> Result<(), ServiceError> {
        let m = self.load_message(actor, id).await?;
        self.store.delete_message(id).await?;
        remove_file(&self.file(&m.file)?).await?;
        self.record(
            actor,
            "voicemail.delete",
            format!("voicemail message {id}"),
            format!("mailbox {}, from {}", m.mailbox, m.caller),
            Event::VoicemailChanged { mailbox: m.mailbox },
        )
        .await
    }

    /// Keeps a message a caller left.
    pub async fn leave_message(
        &self,
        actor: &Actor,
        new: NewMessage,
    ) -> Result<Message, ServiceError> {
        actor.require_admin()?;
        let id = random_id();
        let file = format!("voicemail/{}/{id}.wav", new.mailbox);
        self.write_wav(&file, new.rate, &new.samples).await?;
        let record = MessageRecord {
            id,
            mailbox: new.mailbox.clone(),
            caller: new.caller,
            caller_name: new.caller_name,
            received_at: new.received_at,
            duration_ms: (new.samples.len() as u64 * 1000 / u64::from(new.rate.max(1))) as i64,
            folder: Folder::Inbox.as_str().to_owned(),
            heard: false,
            file,
        };
        self.store.insert_message(&record).await?;
        self.announce(&Event::VoicemailChanged {
            mailbox: new.mailbox,
        })
        .await?;
        Ok(record.into())
    }

    /// A box's greeting, when one was recorded or uploaded.
    pub async fn greeting(
        &self,
        actor: &Actor,
        mailbox: &str,
        kind: Greeting,
    ) -> Result<Option<Vec<u8>>, ServiceError> {
        self.extension(actor, mailbox).await?;
        let path = self.file(&greeting_file(mailbox, kind))?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ServiceError::Files(format!("{}: {e}", path.display()))),
        }
    }

    /// Sets a greeting from a WAV file (uploaded, or recorded from the
    /// phone), which must read as audio.
    pub async fn set_greeting(
        &self,
        actor: &Actor,
        mailbox: &str,
        kind: Greeting,
        wav: Vec<u8>,
    ) -> Result<(), ServiceError> {
        self.extension(actor, mailbox).await?;
        if wav.len() > MAX_GREETING_BYTES {
            return Err(ServiceError::invalid("file", "is over 5 MiB"));
        }
        let samples = switchboard_media::wav::read_mono(std::io::Cursor::new(&wav), 8000)
            .map_err(|e| ServiceError::invalid("file", e.to_string()))?;
        let name = greeting_file(mailbox, kind);
        self.write_file(&name, &wav).await?;
        self.audit_only(
            actor,
            "voicemail.greeting.set",
            format!("mailbox {mailbox}"),
            format!(
                "{} greeting, {:.1} s",
                kind.as_str(),
                samples.len() as f64 / 8000.0
            ),
        )
        .await
    }

    /// Removes a greeting: the default one plays again.
    pub async fn delete_greeting(
        &self,
        actor: &Actor,
        mailbox: &str,
        kind: Greeting,
    ) -> Result<(), ServiceError> {
        self.extension(actor, mailbox).await?;
        remove_file(&self.file(&greeting_file(mailbox, kind))?).await?;
        self.audit_only(
            actor,
            "voicemail.greeting.delete",
            format!("mailbox {mailbox}"),
            format!("{} greeting", kind.as_str()),
        )
        .await
    }

    /// Checks a PIN entered at `mailbox`'s menu at `now` (Unix seconds),
    /// counting wrong ones: [`PIN_ATTEMPTS`] in a row lock the box for
    /// [`PIN_LOCKOUT_SECONDS`], whichever phone they came from.
    pub async fn check_pin(
        &self,
        actor: &Actor,
        mailbox: &str,
        pin: &str,
        now: i64,
    ) -> Result<PinCheck, ServiceError> {
        actor.require_admin()?;
        let e = self.extension(actor, mailbox).await?;
        let (failures, locked_until) = self.store.pin_failures(mailbox).await?;
        if locked_until > now {
            return Ok(PinCheck::Locked {
                until: locked_until,
            });
        }
        let right = e.voicemail_pin.as_deref().is_some_and(|p| {
            // Every PIN costs the same comparison, however far it matches.
            p.len() == pin.len()
                && p.bytes()
                    .zip(pin.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        if right {
            if failures > 0 {
                self.store.set_pin_failures(mailbox, 0, 0).await?;
            }
            return Ok(PinCheck::Right);
        }
        // After a lockout ran out, the count starts again.
        let failures = if locked_until > 0 { 1 } else { failures + 1 };
        if failures >= PIN_ATTEMPTS {
            let until = now + PIN_LOCKOUT_SECONDS;
            self.store
                .set_pin_failures(mailbox, failures, until)
                .await?;
            self.audit_only(
                actor,
                "voicemail.locked",
                format!("mailbox {mailbox}"),
                format!("{failures} wrong PINs"),
            )
            .await?;
            return Ok(PinCheck::Locked { until });
        }
        self.store.set_pin_failures(mailbox, failures, 0).await?;
        Ok(PinCheck::Wrong {
            left: u32::try_from(PIN_ATTEMPTS - failures).unwrap_or(0),
        })
    }

    /// Writes `samples` as a mono WAV file at `name`, aside then renamed.
    async fn write_wav(&self, name: &str, rate: u32, samples: &[i16]) -> Result<(), ServiceError> {
        let mut wav = std::io::Cursor::new(Vec::new());
        switchboard_media::wav::write(&mut wav, rate, 1, samples)
            .map_err(|e| ServiceError::Files(format!("{name}: {e}")))?;
        self.write_file(name, &wav.into_inner()).await
    }

    /// Writes a file under the data directory whole: aside, synced, then
    /// renamed into place.
    pub(crate) async fn write_file(&self, name: &str, bytes: &[u8]) -> Result<(), ServiceError> {
        let path = self.file(name)?;
        let part = path.with_extension("part");
        let io = |e: std::io::Error| ServiceError::Files(format!("{}: {e}", path.display()));
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
        }
        let mut file = tokio::fs::File::create(&part).await.map_err(io)?;
        tokio::io::AsyncWriteExt::write_all(&mut file, bytes)
            .await
            .map_err(io)?;
        file.sync_all().await.map_err(io)?;
        drop(file);
        tokio::fs::rename(&part, &path).await.map_err(io)
    }
}

/// Where a box's greeting is kept, under the data directory.
fn greeting_file(mailbox: &str, kind: Greeting) -> String {
    format!("voicemail/{mailbox}/greeting-{}.wav", kind.as_str())
}

/// Removes a file; one already gone is fine.
pub(crate) async fn remove_file(path: &std::path::Path) -> Result<(), ServiceError> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ServiceError::Files(format!(
            "deleting {}: {e}",
            path.display()
        ))),
    }
}
