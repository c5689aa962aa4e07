//! The command line of the phone network: trunks, DIDs and outbound
//! rules (listed, shown, added, changed and removed like the call flows).

use clap::Args;

#[derive(Debug, Args)]
pub struct TrunkFields {
    #[arg(long)]
    pub display_name: Option<String>,
    /// The provider: a domain (looked up by DNS SRV), HOST:PORT or an IP.
    #[arg(long)]
    pub host: Option<String>,
    /// udp or tcp [default: udp].
    #[arg(long)]
    pub transport: Option<String>,
    /// The account at the provider; empty for none.
    #[arg(long)]
    pub username: Option<String>,
    /// The digest user name, when not the username; empty for none.
    #[arg(long)]
    pub auth_username: Option<String>,
    /// Empty for none.
    #[arg(long)]
    pub password: Option<String>,
    /// Register with the provider.
    #[arg(long, value_name = "true|false")]
    pub register: Option<bool>,
    /// Seconds a registration asks for [default: 300].
    #[arg(long, value_name = "SECONDS")]
    pub register_expires: Option<u32>,
    /// An address the trunk's calls come from (IP, network or IP:PORT);
    /// repeat (the list given replaces the old one).
    #[arg(long = "allow", value_name = "ADDRESS")]
    pub allowed_addresses: Vec<String>,
    /// Calls it carries at once; 0 for no limit of its own.
    #[arg(long, value_name = "N")]
    pub channels: Option<u32>,
    /// A codec offered to it, preferred first; repeat.
    #[arg(long = "codec", value_name = "CODEC")]
    pub codecs: Vec<String>,
    /// Assert the caller in P-Asserted-Identity.
    #[arg(long, value_name = "true|false")]
    pub send_pai: Option<bool>,
    /// Assert the caller in Remote-Party-ID.
    #[arg(long, value_name = "true|false")]
    pub send_rpid: Option<bool>,
    /// Where the called number is read: request_uri or to.
    #[arg(long, value_name = "request_uri|to")]
    pub called_number: Option<String>,
    /// The number presented when no other applies; empty for none.
    #[arg(long, value_name = "NUMBER")]
    pub main_number: Option<String>,
    /// A URL asked for each inbound caller's name ({number}: the caller's
    /// number); empty for none.
    #[arg(long, value_name = "URL")]
    pub caller_name_url: Option<String>,
    /// Where calls to a number no DID lists go [default: hangup].
    #[arg(long, value_name = "DESTINATION")]
    pub unknown_did: Option<String>,
    /// Ask it with OPTIONS; unanswered, outbound calls skip it.
    #[arg(long, value_name = "true|false")]
    pub qualify: Option<bool>,
    #[arg(long, value_name = "true|false")]
    pub enabled: Option<bool>,
}

#[derive(Debug, Args)]
pub struct DidFields {
    #[arg(long)]
    pub display_name: Option<String>,
    /// A number, or FIRST..LAST; repeat (the list given replaces the old
    /// one).
    #[arg(long = "number", value_name = "NUMBER[..LAST]")]
    pub numbers: Vec<String>,
    /// Where its calls go.
    #[arg(long, value_name = "DESTINATION")]
    pub destination: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutboundRuleFields {
    #[arg(long)]
    pub display_name: Option<String>,
    /// Lower first [default: 100].
    #[arg(long, value_name = "N")]
    pub priority: Option<u32>,
    /// A dial pattern (0[1-9]XXXXXXXX, 00., 112); repeat (the list given
    /// replaces the old one).
    #[arg(long = "pattern", value_name = "PATTERN")]
    pub patterns: Vec<String>,
    /// Digits taken off the front.
    #[arg(long, value_name = "N")]
    pub strip: Option<u32>,
    /// Put in front after stripping.
    #[arg(long, value_name = "DIGITS")]
    pub prepend: Option<String>,
    /// Who may use it: an extension or ring_group:NAME; repeat. Nobody
    /// listed: everyone.
    #[arg(long = "allow", value_name = "WHO")]
    pub allowed: Vec<String>,
    /// Let everyone use it again (clears the list).
    #[arg(long)]
    pub allow_everyone: bool,
    /// A trunk to try, in order; repeat.
    #[arg(long = "trunk", value_name = "TRUNK")]
    pub trunks: Vec<String>,
    /// extension, main, withheld or a number.
    #[arg(long, value_name = "CALLER_ID")]
    pub caller_id: Option<String>,
    /// An emergency rule: first, for everyone, never refused for a limit.
    #[arg(long, value_name = "true|false")]
    pub emergency: Option<bool>,
    /// Calls abroad: only for extensions allowed international calls.
    #[arg(long, value_name = "true|false")]
    pub international: Option<bool>,
}
