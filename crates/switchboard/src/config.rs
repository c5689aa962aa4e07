//! Configuration: a TOML file, overridden by environment variables, checked
//! field by field so a typo is an error that names the field.
//!
//! Every setting can come from the environment as
//! `SWITCHBOARD_<SECTION>__<KEY>` (double underscore between levels), e.g.
//! `SWITCHBOARD_SIP__UDP_PORT=5080`; top-level keys are `SWITCHBOARD_<KEY>`.

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use switchboard_sip::digest::Algorithm;

/// The whole configuration.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where Switchboard keeps its state.
    pub data_dir: PathBuf,
    /// The database: empty for `switchboard.db` (SQLite) in the data
    /// directory, or `postgres://user@host/db`.
    pub database_url: String,
    pub sip: SipConfig,
    pub registration: RegistrationConfig,
    pub security: SecurityConfig,
    pub calls: CallsConfig,
    pub voicemail: crate::voicemail::VoicemailConfig,
    pub http: HttpConfig,
    pub log: LogConfig,
}

/// Calls between extensions and their media.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CallsConfig {
    /// Seconds the called phones ring before the caller hears 480.
    pub ring_time: u64,
    /// Calls an extension may be in at once, unless it sets its own.
    pub call_limit: u32,
    /// Codecs passed between phones, in order of preference.
    pub codecs: Vec<String>,
    /// The media relay's UDP ports (RTP even, RTCP the next).
    pub rtp_port_min: u16,
    pub rtp_port_max: u16,
    /// The address phones send media to, when not the one they reach SIP
    /// at (a PBX behind NAT); empty for that one.
    pub media_address: Option<IpAddr>,
    /// Seconds without a media packet after which an answered call is
    /// ended (0: never).
    pub media_timeout: u64,
    /// Let the kernel carry calls' audio once both phones are heard and
    /// nothing in Switchboard needs it (an eBPF program; Linux 6.6 or
    /// later, run as root or with CAP_BPF and CAP_NET_ADMIN). Where the
    /// kernel refuses, the relay carries it, as with `false`.
    pub kernel_relay: bool,
    /// Seconds calls in progress may go on after the server is told to
    /// stop (SIGTERM); new calls get 503 meanwhile. Then they are ended
    /// with BYE. A second SIGTERM or Ctrl-C ends them at once.
    pub shutdown_grace: u64,
    /// Session timer (RFC 4028) in seconds, at least 90: a call whose
    /// phone stops refreshing it (or answering Switchboard's refreshes)
    /// within this time is ended.
    pub session_expires: u64,
    /// The prompt set Switchboard speaks in (`prompts/LANG`; `en` ships).
    pub language: String,
    /// Days recordings are kept before they are deleted (0: kept).
    pub recording_retention: u64,
    /// Whose call-progress tones Switchboard plays: `us`, `gb`, `de`,
    /// `fr` (ISO 3166 codes; `ca`, `uk`, `at`, `ch` too).
    pub tones: String,
    /// The time schedules see when the server starts (RFC 3339, like
    /// `2026-12-25T10:00:00+01:00`), going on from there: for trying
    /// office hours and holidays out. Empty: the real time.
    pub schedule_clock: String,
    /// The capacity plan: external calls (through a trunk) at once, one of
    /// 4, 8, 16, 32, 64, 128, 256, 512, 1024, or `unlimited`. Internal
    /// calls never count.
    pub capacity: Capacity,
}

/// The capacity plan as written: `8`, or `"unlimited"`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Capacity {
    Calls(u32),
    Word(String),
}

impl Default for CallsConfig {
    fn default() -> CallsConfig {
        let engine = switchboard_engine::CallConfig::default();
        CallsConfig {
            ring_time: engine.ring_time,
            call_limit: engine.default_call_limit,
            codecs: engine.codecs,
            rtp_port_min: engine.rtp_port_min,
            rtp_port_max: engine.rtp_port_max,
            media_address: None,
            schedule_clock: String::new(),
            capacity: Capacity::Word("unlimited".to_owned()),
            media_timeout: 60,
            kernel_relay: true,
            shutdown_grace: 60,
            session_expires: engine.session_expires,
            language: "en".to_owned(),
            recording_retention: 0,
            tones: "us".to_owned(),
        }
    }
}

impl CallsConfig {
    /// The capacity plan.
    pub fn capacity(&self) -> anyhow::Result<switchboard_service::CapacityPlan> {
        let text = match &self.capacity {
            Capacity::Calls(n) => n.to_string(),
            Capacity::Word(w) => w.clone(),
        };
        switchboard_service::CapacityPlan::parse(&text)
            .map_err(|e| anyhow::anyhow!("calls.capacity: {e}"))
    }

    /// The country whose tones are played.
    pub fn tones(&self) -> anyhow::Result<switchboard_media::tone::Country> {
        switchboard_media::tone::Country::from_code(&self.tones).ok_or_else(|| {
            anyhow::anyhow!(
                "calls.tones: {:?} is no country whose tones Switchboard knows (us, gb, de, fr)",
                self.tones
            )
        })
    }

    /// As the engine takes it.
    pub fn engine(&self) -> anyhow::Result<switchboard_engine::CallConfig> {
        if self.rtp_port_min < 1024 || self.rtp_port_max <= self.rtp_port_min + 4 {
            bail!(
                "calls.rtp_port_min and calls.rtp_port_max must be a range above 1023 with room for at least two calls"
            );
        }
        if self.codecs.is_empty() {
            bail!("calls.codecs must name at least one codec");
        }
        if self.session_expires < 90 {
            bail!("calls.session_expires must be at least 90 seconds (RFC 4028)");
        }
        Ok(switchboard_engine::CallConfig {
            ring_time: self.ring_time,
            media_address: self.media_address,
            rtp_port_min: self.rtp_port_min,
            rtp_port_max: self.rtp_port_max,
            codecs: self.codecs.clone(),
            default_call_limit: self.call_limit,
            session_expires: self.session_expires,
        })
    }
}

/// Bans and rate limits. Allow and block lists are kept in the database
/// (`switchboard security allow|block`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// Failed authentications from one address, within `failure_window`,
    /// that ban it.
    pub max_failures: usize,
    /// Seconds over which failures are counted.
    pub failure_window: u64,
    /// Seconds a ban lasts.
    pub ban_time: u64,
    /// SIP requests a second one address may send (0: no limit); more
    /// are dropped unanswered.
    pub rate_limit: u32,
    /// Requests one address may send at once before the rate applies.
    pub rate_burst: u32,
}

impl Default for SecurityConfig {
    fn default() -> SecurityConfig {
        let engine = switchboard_engine::SecurityConfig::default();
        SecurityConfig {
            max_failures: engine.max_failures,
            failure_window: engine.failure_window,
            ban_time: engine.ban_time,
            rate_limit: engine.rate_limit,
            rate_burst: engine.rate_burst,
        }
    }
}

impl SecurityConfig {
    /// As the engine takes it.
    pub fn engine(&self) -> switchboard_engine::SecurityConfig {
        switchboard_engine::SecurityConfig {
            max_failures: self.max_failures,
            failure_window: self.failure_window,
            ban_time: self.ban_time,
            rate_limit: self.rate_limit,
            rate_burst: self.rate_burst,
        }
    }
}

/// How long phones stay registered, and how many at once.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrationConfig {
    /// Shortest registration accepted, in seconds; shorter gets 423.
    pub min_expires: u64,
    /// Seconds granted when a phone asks for none.
    pub default_expires: u64,
    /// Longer requests are granted this many seconds.
    pub max_expires: u64,
    /// Most phones one extension may have registered at once; a new one
    /// replaces the one expiring soonest.
    pub max_contacts: usize,
    /// Seconds between OPTIONS sent to each phone registered over UDP, to
    /// see it is there (and keep its NAT open); 0 sends none.
    pub qualify_interval: u64,
    /// Unanswered OPTIONS in a row that mark a phone unreachable.
    pub qualify_misses: u32,
    /// Seconds a refresh (a later expiry, a new round-trip time) may wait
    /// before it is saved; phones that come or go are saved at once.
    pub save_refreshes_every: u64,
}

impl Default for RegistrationConfig {
    fn default() -> RegistrationConfig {
        RegistrationConfig {
            min_expires: 60,
            default_expires: 3600,
            max_expires: 7200,
            max_contacts: 10,
            qualify_interval: 30,
            qualify_misses: 2,
            save_refreshes_every: 30,
        }
    }
}

/// The web console and REST API.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Address and port of the HTTP listener; empty turns it off.
    pub listen: String,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            listen: "0.0.0.0:8080".into(),
        }
    }
}

/// SIP listeners.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SipConfig {
    /// Address the SIP listeners bind to.
    pub listen: IpAddr,
    /// UDP port; 0 disables UDP.
    pub udp_port: u16,
    /// TCP port; 0 disables TCP.
    pub tcp_port: u16,
    /// The realm in digest challenges.
    pub realm: String,
    /// Most TCP connections open at once.
    pub max_tcp_connections: usize,
    /// The digest algorithms challenges offer, preferred first, separated
    /// by commas: `SHA-256, MD5`. Some phones read only the first challenge
    /// and know only MD5; for them, put `MD5` first or alone.
    pub digest: String,
    /// Answer every request at the address and port it came from, even
    /// when its Via does not ask (`rport`, RFC 3581): phones behind NAT
    /// need it. Turn off only for strict RFC 3261 §18.2.2 behaviour.
    pub force_rport: bool,
    /// Nameservers (`192.0.2.53:53`) to look SIP providers up with,
    /// instead of the system's.
    pub dns_servers: Vec<String>,
}

/// Logging.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A tracing filter: `info`, `debug`, `switchboard=debug,info`, …
    pub level: String,
    /// Write every SIP message sent and received to the log.
    pub sip_trace: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            data_dir: PathBuf::from("switchboard-data"),
            database_url: String::new(),
            sip: SipConfig::default(),
            registration: RegistrationConfig::default(),
            security: SecurityConfig::default(),
            calls: CallsConfig::default(),
            voicemail: crate::voicemail::VoicemailConfig::default(),
            http: HttpConfig::default(),
            log: LogConfig::default(),
        }
    }
}

impl SipConfig {
    /// The nameservers of `dns_servers`.
    pub fn dns_servers(&self) -> anyhow::Result<Vec<std::net::SocketAddr>> {
        self.dns_servers
            .iter()
            .map(|s| {
                s.parse::<std::net::SocketAddr>()
                    .or_else(|_| s.parse::<IpAddr>().map(|ip| (ip, 53).into()))
                    .map_err(|_| {
                        anyhow::anyhow!("sip.dns_servers: {s:?} is not an address (IP or IP:PORT)")
                    })
            })
            .collect()
    }
}

impl Default for SipConfig {
    fn default() -> SipConfig {
        SipConfig {
            listen: IpAddr::from([0, 0, 0, 0]),
            udp_port: 5060,
            tcp_port: 5060,
            realm: "switchboard".into(),
            max_tcp_connections: 10_000,
            digest: "SHA-256, MD5".into(),
            force_rport: true,
            dns_servers: Vec::new(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> LogConfig {
        LogConfig {
            level: "info".into(),
            sip_trace: false,
        }
    }
}

impl SipConfig {
    /// `digest`, read: each one once, at least one.
    pub fn digest_algorithms(&self) -> anyhow::Result<Vec<Algorithm>> {
        let mut out = Vec::new();
        for name in self
            .digest
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let algorithm = match name.to_ascii_uppercase().as_str() {
                "SHA-256" => Algorithm::Sha256,
                "MD5" => Algorithm::Md5,
                _ => bail!("sip.digest: {name:?} is not SHA-256 or MD5"),
            };
            if out.contains(&algorithm) {
                bail!("sip.digest: {name} is listed twice");
            }
            out.push(algorithm);
        }
        if out.is_empty() {
            bail!("sip.digest: list at least one of SHA-256 and MD5");
        }
        Ok(out)
    }
}

const ENV_PREFIX: &str = "SWITCHBOARD_";

impl Config {
    /// Loads `file` (if given, it must exist), then applies the environment.
    pub fn load(
        file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let mut table = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read configuration file {}", path.display())
                })?;
                text.parse::<toml::Table>()
                    .with_context(|| format!("{} is not valid TOML", path.display()))?
            }
            None => toml::Table::new(),
        };
        for (key, value) in env {
            let Some(path) = key.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if path == "CONFIG" || path.is_empty() {
                continue;
            }
            set_path(&mut table, &path.to_ascii_lowercase(), &value)
                .with_context(|| format!("environment variable {key}"))?;
        }
        let source = file
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the environment".into());
        let config = Config::deserialize(toml::Value::Table(table))
            .with_context(|| format!("invalid configuration in {source}"))?;
        config
            .check()
            .with_context(|| format!("invalid configuration in {source}"))?;
        Ok(config)
    }

    /// What the types alone cannot say.
    fn check(&self) -> anyhow::Result<()> {
        self.sip.digest_algorithms()?;
        self.calls.tones()?;
        self.voicemail.check()?;
        let r = &self.registration;
        if r.min_expires == 0
            || r.min_expires > r.default_expires
            || r.default_expires > r.max_expires
        {
            bail!(
                "registration: need 0 < min_expires ({}) <= default_expires ({}) <= max_expires ({})",
                r.min_expires,
                r.default_expires,
                r.max_expires
            );
        }
        if r.max_contacts == 0 {
            bail!("registration.max_contacts: must be at least 1");
        }
        if self.security.max_failures == 0 || self.security.failure_window == 0 {
            bail!("security.max_failures and security.failure_window: must be at least 1");
        }
        Ok(())
    }

    /// The database URL: the configured one, or the SQLite file in the
    /// data directory.
    pub fn database_url(&self, data_dir: &Path) -> String {
        if self.database_url.is_empty() {
            switchboard_store::Store::sqlite_url(data_dir)
        } else {
            self.database_url.clone()
        }
    }

    /// The effective configuration as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// Sets `a__b__c` in `table` to `raw`, read as a TOML value when it is one
/// (number, boolean) and as a string otherwise.
fn set_path(table: &mut toml::Table, path: &str, raw: &str) -> anyhow::Result<()> {
    let mut parts: Vec<&str> = path.split("__").collect();
    let last = parts.pop().unwrap_or_default();
    let mut node = table;
    for part in parts {
        let entry = node
            .entry(part.to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(inner) = entry else {
            bail!("{part} is not a section")
        };
        node = inner;
    }
    let value = format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()));
    node.insert(last.to_owned(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("sb-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("switchboard.toml");
        std::fs::write(
            &file,
            "data_dir = \"/srv/sb\"\n[sip]\nudp_port = 5070\nrealm = \"acme\"\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            env(&[("SWITCHBOARD_SIP__UDP_PORT", "5080"), ("OTHER", "x")]),
        )
        .unwrap();
        assert_eq!(c.sip.udp_port, 5080);
        assert_eq!(c.sip.realm, "acme");
        assert_eq!(c.data_dir, PathBuf::from("/srv/sb"));
        assert_eq!(c.sip.tcp_port, 5060);
    }

    #[test]
    fn unknown_and_mistyped_fields_are_named() {
        let e = Config::load(None, env(&[("SWITCHBOARD_SIP__UDP_PROT", "5080")])).unwrap_err();
        assert!(format!("{e:#}").contains("udp_prot"), "{e:#}");
        let e = Config::load(None, env(&[("SWITCHBOARD_SIP__UDP_PORT", "lots")])).unwrap_err();
        assert!(format!("{e:#}").contains("udp_port"), "{e:#}");
    }

    #[test]
    fn digest_algorithms_are_read_in_order() {
        let c = Config::load(None, env(&[("SWITCHBOARD_SIP__DIGEST", "md5, SHA-256")])).unwrap();
        assert_eq!(
            c.sip.digest_algorithms().unwrap(),
            [Algorithm::Md5, Algorithm::Sha256]
        );
        for bad in ["SHA-512", "MD5,MD5", " "] {
            let e = Config::load(None, env(&[("SWITCHBOARD_SIP__DIGEST", bad)])).unwrap_err();
            assert!(format!("{e:#}").contains("sip.digest"), "{e:#}");
        }
    }

    #[test]
    fn tones_are_a_country_switchboard_knows() {
        let c = Config::load(None, env(&[("SWITCHBOARD_CALLS__TONES", "GB")])).unwrap();
        assert_eq!(
            c.calls.tones().unwrap(),
            switchboard_media::tone::Country::Uk
        );
        let e = Config::load(None, env(&[("SWITCHBOARD_CALLS__TONES", "xx")])).unwrap_err();
        assert!(format!("{e:#}").contains("calls.tones"), "{e:#}");
    }

    #[test]
    fn registration_bounds_must_be_in_order() {
        let e = Config::load(
            None,
            env(&[("SWITCHBOARD_REGISTRATION__MIN_EXPIRES", "9000")]),
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("min_expires (9000)"), "{e:#}");
        let c = Config::load(
            None,
            env(&[
                ("SWITCHBOARD_REGISTRATION__MAX_EXPIRES", "600"),
                ("SWITCHBOARD_REGISTRATION__DEFAULT_EXPIRES", "300"),
            ]),
        )
        .unwrap();
        assert_eq!(
            (c.registration.default_expires, c.registration.max_expires),
            (300, 600)
        );
    }
}
