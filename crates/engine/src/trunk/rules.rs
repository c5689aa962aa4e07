//! Choosing how a dialled number leaves: the first outbound rule whose
//! pattern matches and that the caller may use. Emergency rules come first
//! and are open to everyone; an international rule is refused to an
//! extension not allowed to call abroad. The rule rewrites the number
//! (strip, prepend) and names the trunks to try and the caller ID.

use std::collections::HashSet;
use std::sync::Arc;

/// The caller ID an outbound call presents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CallerId {
    /// The extension's own outbound caller ID, else the trunk's main
    /// number.
    #[default]
    Extension,
    Main,
    Withheld,
    Number(String),
}

/// Whether a dialled number matches.
pub type Matches = Arc<dyn Fn(&str) -> bool + Send + Sync>;
/// The number sent on, for one dialled.
pub type Rewrite = Arc<dyn Fn(&str) -> String + Send + Sync>;

#[derive(Clone)]
pub struct OutboundRule {
    pub name: String,
    pub matches: Matches,
    pub rewrite: Rewrite,
    /// The extensions that may use it (none: everyone).
    pub allowed: Option<HashSet<String>>,
    /// Tried in order.
    pub trunks: Vec<String>,
    pub caller_id: CallerId,
    pub emergency: bool,
    pub international: bool,
}

impl std::fmt::Debug for OutboundRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundRule")
            .field("name", &self.name)
            .field("trunks", &self.trunks)
            .field("emergency", &self.emergency)
            .finish()
    }
}

/// How a dialled number goes out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialled {
    pub rule: String,
    /// As sent to the trunk.
    pub number: String,
    /// The trunks still to try, in order.
    pub trunks: Vec<String>,
    pub caller_id: CallerId,
    pub emergency: bool,
}

/// Why a number does not go out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No rule matches it.
    NoRule,
    /// Rules match, but none is open to the caller.
    NotAllowed,
    /// Only international rules match, and the caller may not call abroad.
    International,
}

/// The rule `extension` (none: a call flow, which the administrator set
/// up, may use any) dials `number` by; `international` says whether the
/// extension may call abroad.
pub fn choose(
    rules: &[OutboundRule],
    extension: Option<(&str, bool)>,
    number: &str,
) -> Result<Dialled, Refusal> {
    let mut refusal = Refusal::NoRule;
    for r in rules.iter().filter(|r| (r.matches)(number)) {
        if !r.emergency {
            if let Some((ext, international)) = extension {
                if r.allowed.as_ref().is_some_and(|a| !a.contains(ext)) {
                    if refusal == Refusal::NoRule {
                        refusal = Refusal::NotAllowed;
                    }
                    continue;
                }
                if r.international && !international {
                    refusal = Refusal::International;
                    continue;
                }
            }
        }
        return Ok(Dialled {
            rule: r.name.clone(),
            number: (r.rewrite)(number),
            trunks: r.trunks.clone(),
            caller_id: r.caller_id.clone(),
            emergency: r.emergency,
        });
    }
    Err(refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, prefix: &'static str, allowed: Option<&[&str]>) -> OutboundRule {
        OutboundRule {
            name: name.into(),
            matches: Arc::new(move |n: &str| n.starts_with(prefix)),
            rewrite: Arc::new(|n: &str| format!("+49{}", &n[1..])),
            allowed: allowed.map(|a| a.iter().map(|s| s.to_string()).collect()),
            trunks: vec!["a".into(), "b".into()],
            caller_id: CallerId::Extension,
            emergency: false,
            international: false,
        }
    }

    #[test]
    fn the_first_rule_open_to_the_caller_wins() {
        let mut abroad = rule("abroad", "00", None);
        abroad.international = true;
        let mut emergency = rule("emergency", "11", Some(&["9999"]));
        emergency.emergency = true;
        let rules = [
            emergency,
            rule("sales-only", "0", Some(&["1002"])),
            abroad,
            rule("national", "0", None),
        ];
        let d = choose(&rules, Some(("1001", false)), "0301234567").unwrap();
        assert_eq!(
            (d.rule.as_str(), d.number.as_str()),
            ("national", "+49301234567")
        );
        let d = choose(&rules, Some(("1002", false)), "0301234567").unwrap();
        assert_eq!(d.rule, "sales-only");
        let d = choose(&rules, Some(("1001", false)), "112").unwrap();
        assert!(d.emergency, "emergency rules are open to everyone");
        assert_eq!(
            choose(&rules, Some(("1001", false)), "5"),
            Err(Refusal::NoRule)
        );
        let only_abroad = [rules[2].clone()];
        assert_eq!(
            choose(&only_abroad, Some(("1001", false)), "0044"),
            Err(Refusal::International)
        );
        assert!(choose(&only_abroad, Some(("1001", true)), "0044").is_ok());
        assert!(
            choose(&only_abroad, None, "0044").is_ok(),
            "a call flow may"
        );
        let only_sales = [rules[1].clone()];
        assert_eq!(
            choose(&only_sales, Some(("1001", true)), "030"),
            Err(Refusal::NotAllowed)
        );
    }
}
