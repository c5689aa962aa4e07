//! Message-waiting indication (RFC 3842): the lamp on a phone that says
//! its voicemail box holds messages not heard yet.
//!
//! A phone SUBSCRIBEs to `message-summary` for its own extension (digest
//! authenticated like an INVITE, 407); the subscription is a dialog of
//! its own, refreshed inside it, ended by `Expires: 0` or by running out.
//! Each subscriber gets a NOTIFY at once and whenever the box's counts
//! change ([`Endpoint::set_waiting`], told by the binary). A box nobody
//! subscribed to still lights its phones: each registered phone gets an
//! unsolicited NOTIFY outside any dialog when the counts change, and when
//! it registers anew while messages wait.

use super::calls::caller_dialog;
use super::Endpoint;
use crate::call::Dialog;
use crate::registrar::{Account, Arrival};
use rand::Rng;
use std::collections::HashMap;
use std::time::Instant;
use switchboard_sip::transaction::TransactionKey;
use switchboard_sip::{HeaderName, Message, Method, Request, Response, Uri};

/// The event package, and its body's type.
const EVENT: &str = "message-summary";
const SUMMARY: &str = "application/simple-message-summary";
/// Seconds a subscription lasts when the phone asks for none, at most.
const MAX_EXPIRES: u64 = 3600;
/// The shortest subscription taken.
const MIN_EXPIRES: u64 = 60;

#[derive(Debug)]
struct Subscription {
    mailbox: String,
    dialog: Dialog,
    /// Unix seconds.
    expires_at: u64,
}

/// Every box's counts, and who subscribed to them.
#[derive(Debug, Default)]
pub(super) struct Lamps {
    /// Mailbox → (not heard, heard).
    waiting: HashMap<String, (u32, u32)>,
    /// (Call-ID, our tag) → subscription.
    subscriptions: HashMap<(String, String), Subscription>,
    /// Boxes whose phones registered anew, to be told on the next sweep.
    registered: Vec<String>,
    /// NOTIFYs sent in subscriptions, until answered → the subscription.
    notifying: HashMap<TransactionKey, (String, String)>,
}

impl Endpoint {
    /// Mailbox `mailbox` now holds `new` messages not heard and `old`
    /// heard; its phones are told when that changed.
    pub fn set_waiting(&mut self, now: Instant, now_unix: u64, mailbox: &str, new: u32, old: u32) {
        let before = self.lamps.waiting.insert(mailbox.to_owned(), (new, old));
        if before.unwrap_or((0, 0)) != (new, old) {
            self.notify_mailbox(now, mailbox, true);
        }
        self.drain(now, now_unix);
    }

    /// A phone of `mailbox` registered: it learns of waiting messages on
    /// the next sweep.
    pub(super) fn lamp_registered(&mut self, mailbox: &str) {
        if self.waiting(mailbox).0 > 0 && !self.lamps.registered.iter().any(|m| m == mailbox) {
            self.lamps.registered.push(mailbox.to_owned());
        }
    }

    /// The sweep: subscriptions run out, phones that registered are told.
    pub(super) fn lamp_sweep(&mut self, now: Instant, now_unix: u64) {
        self.lamps
            .subscriptions
            .retain(|_, s| s.expires_at > now_unix);
        for mailbox in std::mem::take(&mut self.lamps.registered) {
            self.notify_mailbox(now, &mailbox, false);
        }
    }

    fn waiting(&self, mailbox: &str) -> (u32, u32) {
        self.lamps.waiting.get(mailbox).copied().unwrap_or((0, 0))
    }

    /// The answer to a NOTIFY of a subscription's: a failure other than a
    /// challenge (481: the phone forgot it) ends the subscription. False
    /// when `key` is no such NOTIFY.
    pub(super) fn lamp_answered(&mut self, key: &TransactionKey, code: u16) -> bool {
        if code < 200 {
            return self.lamps.notifying.contains_key(key);
        }
        let Some(id) = self.lamps.notifying.remove(key) else {
            return false;
        };
        if code >= 300 && code != 401 && code != 407 {
            self.lamps.subscriptions.remove(&id);
        }
        true
    }

    /// A NOTIFY of a subscription's went unanswered: the subscription
    /// ends. False when `key` is no such NOTIFY.
    pub(super) fn lamp_unanswered(&mut self, key: &TransactionKey) -> bool {
        let Some(id) = self.lamps.notifying.remove(key) else {
            return false;
        };
        self.lamps.subscriptions.remove(&id);
        true
    }

    /// A new SUBSCRIBE from an authenticated extension.
    pub(super) fn subscribe(
        &mut self,
        now: Instant,
        key: TransactionKey,
        req: Request,
        arrival: &Arrival,
        account: Account,
    ) {
        let tag = self.tag();
        if !is_message_summary(&req) {
            let mut r = Response::to(&req, 489, Some(&tag));
            r.headers.push(HeaderName::AllowEvents, EVENT);
            return self.respond(now, &key, r);
        }
        let mailbox = match &req.uri {
            Uri::Sip(sip) => sip.user.as_ref().map(|u| u.to_string()),
            _ => None,
        };
        if mailbox.as_deref() != Some(account.number.as_str()) {
            let r = Response::to(&req, 403, Some(&tag))
                .with_reason("Forbidden (a phone hears of its own mailbox only)".to_owned());
            return self.respond(now, &key, r);
        }
        let Some(expires) = self.expires(now, &key, &req, &tag) else {
            return;
        };
        let dialog = caller_dialog(&req, &tag, arrival);
        self.accept_subscription(
            now,
            &key,
            &req,
            dialog,
            account.number,
            expires,
            arrival.now,
        );
    }

    /// A SUBSCRIBE inside a subscription's dialog (a refresh, or `Expires:
    /// 0` to end it); false when it belongs to none.
    pub(super) fn resubscribe(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
        now_unix: u64,
    ) -> bool {
        let id = req
            .headers
            .call_id()
            .ok()
            .zip(req.headers.to().ok())
            .and_then(|(c, to)| Some((c.to_string(), to.tag()?.to_string())));
        let Some(sub) = id.and_then(|id| self.lamps.subscriptions.remove(&id)) else {
            return false;
        };
        let tag = sub.dialog.local_tag.clone();
        let Some(expires) = self.expires(now, key, req, &tag) else {
            self.lamps
                .subscriptions
                .insert((sub.dialog.call_id.clone(), tag), sub);
            return true;
        };
        self.accept_subscription(now, key, req, sub.dialog, sub.mailbox, expires, now_unix);
        true
    }

    /// The subscription's length the request asks for, or its refusal
    /// (423) sent.
    fn expires(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
        tag: &str,
    ) -> Option<u64> {
        let asked = req
            .headers
            .get(&HeaderName::Expires)
            .and_then(|e| e.trim().parse::<u64>().ok())
            .unwrap_or(MAX_EXPIRES);
        if asked != 0 && asked < MIN_EXPIRES {
            let mut r = Response::to(req, 423, Some(tag));
            r.headers
                .push(HeaderName::MinExpires, MIN_EXPIRES.to_string());
            self.respond(now, key, r);
            return None;
        }
        Some(asked.min(MAX_EXPIRES))
    }

    /// Answers 200 and sends the NOTIFY that follows; with `expires` 0 the
    /// NOTIFY ends the subscription.
    #[allow(clippy::too_many_arguments)]
    fn accept_subscription(
        &mut self,
        now: Instant,
        key: &TransactionKey,
        req: &Request,
        mut dialog: Dialog,
        mailbox: String,
        expires: u64,
        now_unix: u64,
    ) {
        let mut ok = Response::to(req, 200, Some(&dialog.local_tag));
        ok.headers.push(HeaderName::Expires, expires.to_string());
        ok.headers.push(
            HeaderName::Contact,
            format!("<sip:switchboard@{}>", dialog.local),
        );
        self.respond(now, key, ok);
        let state = if expires == 0 {
            "terminated;reason=timeout".to_owned()
        } else {
            format!("active;expires={expires}")
        };
        let notify = self.summary(&mut dialog, &mailbox, &state, true);
        let (peer, transport) = (dialog.peer, dialog.transport);
        let id = (dialog.call_id.clone(), dialog.local_tag.clone());
        if let Ok(key) = self.layer.send_request(now, notify, peer, transport) {
            self.lamps.notifying.insert(key, id.clone());
        }
        if expires > 0 {
            let sub = Subscription {
                mailbox,
                dialog,
                expires_at: now_unix + expires,
            };
            self.lamps.subscriptions.insert(id, sub);
        }
    }

    /// Tells `mailbox`'s subscribers its counts; without subscribers (and
    /// `or_phones`, or a phone just registered) its registered phones.
    fn notify_mailbox(&mut self, now: Instant, mailbox: &str, or_phones: bool) {
        let now_unix = self.clock_unix;
        let mut notifies = Vec::new();
        let ids: Vec<(String, String)> = self
            .lamps
            .subscriptions
            .iter()
            .filter(|(_, s)| s.mailbox == mailbox)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &ids {
            let Some(mut sub) = self.lamps.subscriptions.remove(id) else {
                continue;
            };
            let left = sub.expires_at.saturating_sub(now_unix);
            let state = format!("active;expires={left}");
            let notify = self.summary(&mut sub.dialog, mailbox, &state, true);
            notifies.push((
                notify,
                sub.dialog.peer,
                sub.dialog.transport,
                Some(id.clone()),
            ));
            self.lamps.subscriptions.insert(id.clone(), sub);
        }
        if ids.is_empty() && (or_phones || self.waiting(mailbox).0 > 0) {
            let phones = self.registrar.location.bindings(mailbox).to_vec();
            for phone in phones.into_iter().filter(|b| b.expires_at >= now_unix) {
                let host = phone.local.clone();
                let mut dialog = Dialog {
                    call_id: format!("{:016x}@switchboard", self.rng.gen::<u64>()),
                    local_tag: self.tag(),
                    remote_tag: String::new(),
                    local_uri: format!("<sip:{mailbox}@{host}>"),
                    remote_uri: format!("<sip:{mailbox}@{host}>"),
                    remote_target: phone.uri.clone(),
                    route: Vec::new(),
                    local_cseq: 0,
                    peer: phone.source,
                    transport: phone.transport,
                    local: phone.local.clone(),
                };
                let notify = self.summary(&mut dialog, mailbox, "active", false);
                notifies.push((notify, dialog.peer, dialog.transport, None));
            }
        }
        for (notify, peer, transport, subscription) in notifies {
            if let (Ok(key), Some(id)) = (
                self.layer.send_request(now, notify, peer, transport),
                subscription,
            ) {
                self.lamps.notifying.insert(key, id);
            }
        }
    }

    /// A NOTIFY of `mailbox`'s counts in `dialog` (outside any dialog when
    /// not `in_dialog`: the To carries no tag).
    fn summary(
        &mut self,
        dialog: &mut Dialog,
        mailbox: &str,
        state: &str,
        in_dialog: bool,
    ) -> Request {
        let branch = self.layer.new_branch();
        let mut notify = dialog.request(Method::Notify, &branch, None);
        if !in_dialog {
            notify
                .headers
                .set(HeaderName::To, dialog.remote_uri.clone());
        }
        notify.headers.push(HeaderName::Event, EVENT);
        notify
            .headers
            .push(HeaderName::SubscriptionState, state.to_owned());
        let (new, old) = self.waiting(mailbox);
        let host = dialog.local.clone();
        let body = summary_body(mailbox, &host, new, old);
        let mut message = Message::Request(notify);
        message.set_body(Some(SUMMARY), body.into_bytes().into());
        let Message::Request(notify) = message else {
            unreachable!("set_body keeps the kind")
        };
        notify
    }
}

/// The message summary (RFC 3842 §5.2) for `mailbox` at `host`.
fn summary_body(mailbox: &str, host: &str, new: u32, old: u32) -> String {
    format!(
        "Messages-Waiting: {}\r\nMessage-Account: sip:{mailbox}@{host}\r\nVoice-Message: {new}/{old} (0/0)\r\n",
        if new > 0 { "yes" } else { "no" }
    )
}

/// Whether a SUBSCRIBE is for the message-summary package.
fn is_message_summary(req: &Request) -> bool {
    req.headers.get(&HeaderName::Event).is_some_and(|e| {
        e.split(';')
            .next()
            .is_some_and(|name| name.trim().eq_ignore_ascii_case(EVENT))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_says_what_waits() {
        assert_eq!(
            summary_body("1002", "pbx.example", 1, 3),
            "Messages-Waiting: yes\r\nMessage-Account: sip:1002@pbx.example\r\nVoice-Message: 1/3 (0/0)\r\n"
        );
        assert!(summary_body("1002", "h", 0, 2).starts_with("Messages-Waiting: no\r\n"));
    }
}
