//! `switchboard trunk`, `did`, `outbound-rule` and `capacity`: the phone
//! network from the command line, through the service layer.

use crate::config::Config;
use crate::flows_cmd::{set, text, Fields, Line};
use crate::store::with_service;
use crate::trunks_cli::{DidFields, OutboundRuleFields, TrunkFields};
use serde_json::{json, Map, Value};
use switchboard_service::{Did, OutboundRule, Trunk};

/// A list flag: given, it replaces the list.
fn list(map: &mut Map<String, Value>, key: &str, v: Vec<String>) {
    if !v.is_empty() {
        map.insert(key.to_owned(), json!(v));
    }
}

impl Fields for TrunkFields {
    fn into_map(self) -> anyhow::Result<Map<String, Value>> {
        let mut m = Map::new();
        text(&mut m, "display_name", self.display_name);
        set(&mut m, "host", self.host);
        set(&mut m, "transport", self.transport);
        text(&mut m, "username", self.username);
        text(&mut m, "auth_username", self.auth_username);
        text(&mut m, "password", self.password);
        set(&mut m, "register", self.register);
        set(&mut m, "register_expires", self.register_expires);
        list(&mut m, "allowed_addresses", self.allowed_addresses);
        if let Some(c) = self.channels {
            m.insert(
                "channels".into(),
                if c == 0 { Value::Null } else { json!(c) },
            );
        }
        list(&mut m, "codecs", self.codecs);
        set(&mut m, "send_pai", self.send_pai);
        set(&mut m, "send_rpid", self.send_rpid);
        set(&mut m, "called_number", self.called_number);
        text(&mut m, "main_number", self.main_number);
        text(&mut m, "caller_name_url", self.caller_name_url);
        set(&mut m, "unknown_did", self.unknown_did);
        set(&mut m, "qualify", self.qualify);
        set(&mut m, "enabled", self.enabled);
        Ok(m)
    }
}

impl Fields for DidFields {
    fn into_map(self) -> anyhow::Result<Map<String, Value>> {
        let mut m = Map::new();
        text(&mut m, "display_name", self.display_name);
        list(&mut m, "numbers", self.numbers);
        set(&mut m, "destination", self.destination);
        Ok(m)
    }
}

impl Fields for OutboundRuleFields {
    fn into_map(self) -> anyhow::Result<Map<String, Value>> {
        let mut m = Map::new();
        text(&mut m, "display_name", self.display_name);
        set(&mut m, "priority", self.priority);
        list(&mut m, "patterns", self.patterns);
        set(&mut m, "strip", self.strip);
        set(&mut m, "prepend", self.prepend);
        if self.allow_everyone {
            m.insert("allowed".into(), json!([]));
        }
        list(&mut m, "allowed", self.allowed);
        list(&mut m, "trunks", self.trunks);
        set(&mut m, "caller_id", self.caller_id);
        set(&mut m, "emergency", self.emergency);
        set(&mut m, "international", self.international);
        Ok(m)
    }
}

impl Line for Trunk {
    fn line(&self) -> String {
        let how = if self.register {
            "registers"
        } else {
            "trusts its addresses"
        };
        let state = match &self.status {
            Some(s) => match (&s.detail, s.reachable) {
                (Some(d), _) => format!("{} ({d})", s.registration),
                (None, Some(false)) => format!("{}, not answering", s.registration),
                _ => s.registration.clone(),
            },
            None => "not seen yet".to_owned(),
        };
        let channels = self
            .channels
            .map(|c| format!("{c} channels"))
            .unwrap_or_else(|| "no channel limit".to_owned());
        format!(
            "{:<16} {:<24} {:<22} {:<18} {state}",
            self.name, self.host, how, channels
        )
    }
}

impl Line for Did {
    fn line(&self) -> String {
        format!(
            "{:<16} {:<40} → {}",
            self.name,
            self.numbers.join(", "),
            self.destination
        )
    }
}

impl Line for OutboundRule {
    fn line(&self) -> String {
        let mut marks = Vec::new();
        if self.emergency {
            marks.push("emergency");
        }
        if self.international {
            marks.push("international");
        }
        format!(
            "{:<4} {:<16} {:<24} strip {} prepend {:<6} via {} {}",
            self.priority,
            self.name,
            self.patterns.join(" "),
            self.strip,
            if self.prepend.is_empty() {
                "-"
            } else {
                &self.prepend
            },
            self.trunks.join(", "),
            marks.join(", ")
        )
    }
}

/// The capacity plan's record.
pub fn capacity(config: Config) -> anyhow::Result<()> {
    let report = with_service(config, async |s, actor| {
        Ok(s.capacity_report(&actor).await?)
    })?;
    match report.capacity {
        Some(c) => println!("capacity plan:  {c} external calls at once"),
        None => println!("capacity plan:  unlimited"),
    }
    println!("peak (30 days): {}", report.peak);
    println!("refused:        {}", report.refused);
    println!("hint:           {}", report.hint);
    if !report.days.is_empty() {
        println!();
        println!("day         peak  refused in  refused out");
        for d in &report.days {
            println!(
                "{}  {:>4}  {:>10}  {:>11}",
                d.day, d.peak, d.refused_inbound, d.refused_outbound
            );
        }
    }
    Ok(())
}
