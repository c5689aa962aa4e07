//! Who may register: each extension's SIP credentials, looked up by auth
//! name. Only the digest HA1 values for the realm are kept (MD5 and
//! SHA-256), not the secret itself.

use crate::call::forwarding::Forwarding;
use crate::call::Recording;
use std::collections::HashMap;
use switchboard_sip::digest::{ha1, Algorithm};

/// One extension as the registrar knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The extension number: the address of record phones register.
    pub number: String,
    /// The user name phones authenticate with.
    pub auth_name: String,
    pub enabled: bool,
    /// Calls the extension may be in at once; 0 takes the default.
    pub call_limit: u32,
    /// Whether its calls are recorded.
    pub recording: Recording,
    /// Where calls it does not take go.
    pub forwarding: Forwarding,
    /// What it may do through the trunks.
    pub outbound: Outbound,
    ha1_md5: String,
    ha1_sha256: String,
}

impl Account {
    /// An account for `realm`; `secret` is hashed here and not kept.
    pub fn new(number: &str, auth_name: &str, secret: &str, enabled: bool, realm: &str) -> Account {
        Account {
            number: number.to_owned(),
            auth_name: auth_name.to_owned(),
            enabled,
            call_limit: 0,
            recording: Recording::Never,
            forwarding: Forwarding::default(),
            outbound: Outbound::default(),
            ha1_md5: ha1(Algorithm::Md5, auth_name, realm, secret),
            ha1_sha256: ha1(Algorithm::Sha256, auth_name, realm, secret),
        }
    }

    /// The HA1 for `algorithm` (the `-sess` variants share their base's).
    pub fn ha1(&self, algorithm: Algorithm) -> &str {
        match algorithm {
            Algorithm::Md5 | Algorithm::Md5Sess => &self.ha1_md5,
            Algorithm::Sha256 | Algorithm::Sha256Sess => &self.ha1_sha256,
        }
    }
}

/// What an extension may do through the trunks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbound {
    /// May call abroad (rules marked international).
    pub international: bool,
    /// Outbound calls it may start in an hour (none: no limit).
    pub per_hour: Option<u32>,
    /// The number it presents, when a rule says so.
    pub caller_id: Option<String>,
}

/// The accounts, by auth name and by number.
#[derive(Debug, Default)]
pub struct Directory {
    by_auth_name: HashMap<String, Account>,
    auth_name_of: HashMap<String, String>,
}

impl Directory {
    /// Adds an account, or replaces the one with the same number.
    pub fn upsert(&mut self, account: Account) {
        self.remove(&account.number);
        self.auth_name_of
            .insert(account.number.clone(), account.auth_name.clone());
        self.by_auth_name.insert(account.auth_name.clone(), account);
    }

    /// Removes the account of extension `number`.
    pub fn remove(&mut self, number: &str) -> Option<Account> {
        let auth_name = self.auth_name_of.remove(number)?;
        self.by_auth_name.remove(&auth_name)
    }

    pub fn by_auth_name(&self, auth_name: &str) -> Option<&Account> {
        self.by_auth_name.get(auth_name)
    }

    /// The account of extension `number`.
    pub fn by_number(&self, number: &str) -> Option<&Account> {
        self.by_auth_name.get(self.auth_name_of.get(number)?)
    }

    /// Sets how many calls extension `number` may be in at once (0: the
    /// default); false when there is no such extension.
    pub fn set_call_limit(&mut self, number: &str, limit: u32) -> bool {
        self.account_mut(number)
            .map(|a| a.call_limit = limit)
            .is_some()
    }

    /// Sets an extension's recording policy; false when it has no account.
    pub fn set_recording(&mut self, number: &str, recording: Recording) -> bool {
        self.account_mut(number)
            .map(|a| a.recording = recording)
            .is_some()
    }

    /// Sets an extension's forwarding; false when it has no account.
    pub fn set_forwarding(&mut self, number: &str, forwarding: Forwarding) -> bool {
        self.account_mut(number)
            .map(|a| a.forwarding = forwarding)
            .is_some()
    }

    /// Sets what an extension may do through the trunks; false when it
    /// has no account.
    pub fn set_outbound(&mut self, number: &str, outbound: Outbound) -> bool {
        self.account_mut(number)
            .map(|a| a.outbound = outbound)
            .is_some()
    }

    fn account_mut(&mut self, number: &str) -> Option<&mut Account> {
        self.by_auth_name.get_mut(self.auth_name_of.get(number)?)
    }

    /// The numbers of every account.
    pub fn numbers(&self) -> impl Iterator<Item = &str> {
        self.auth_name_of.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_auth_name_replaces_the_old_one() {
        let mut d = Directory::default();
        d.upsert(Account::new("1001", "1001", "s3cret-s3cret", true, "pbx"));
        d.upsert(Account::new("1001", "desk", "s3cret-s3cret", true, "pbx"));
        assert!(d.by_auth_name("1001").is_none());
        assert_eq!(d.by_auth_name("desk").unwrap().number, "1001");
        assert_eq!(d.numbers().collect::<Vec<_>>(), ["1001"]);
        assert_eq!(d.remove("1001").unwrap().auth_name, "desk");
        assert_eq!(d.numbers().count(), 0);
    }

    #[test]
    fn ha1_is_per_algorithm() {
        let a = Account::new("1001", "1001", "pw", true, "pbx");
        assert_eq!(
            a.ha1(Algorithm::Md5),
            ha1(Algorithm::Md5, "1001", "pbx", "pw")
        );
        assert_eq!(
            a.ha1(Algorithm::Sha256Sess),
            ha1(Algorithm::Sha256, "1001", "pbx", "pw")
        );
    }
}
