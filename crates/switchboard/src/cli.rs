//! The command line: what an administrator types.

use clap::{Args, Parser, Subcommand};
use std::net::IpAddr;
use std::path::PathBuf;
use switchboard_service::Format;

/// Switchboard is an IP PBX: phones register to it, call each other and the
/// outside world through it, and its administrators manage it from one
/// place.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version, propagate_version = true)]
#[command(
    after_help = "Configuration comes from the file given with --config (TOML), then from \
environment variables named SWITCHBOARD_<SECTION>__<KEY>, e.g. SWITCHBOARD_SIP__UDP_PORT=5080, \
then from command-line options. `switchboard config` prints the result."
)]
pub struct Cli {
    /// Configuration file (TOML).
    #[arg(
        short,
        long,
        global = true,
        env = "SWITCHBOARD_CONFIG",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the PBX: answer SIP on UDP and TCP, keep state in the data directory.
    Serve(ServeArgs),
    /// Print the effective configuration (file, environment and options) as TOML.
    Config(ServeArgs),
    /// Manage extensions: list, add, show, set, remove.
    #[command(subcommand)]
    Extension(ExtensionCommand),
    /// Make the configuration what FILE (TOML) declares: create what is
    /// missing, change what differs. Idempotent.
    Apply {
        /// The declaration, as written by `switchboard export`: TOML or
        /// YAML, by its extension (.toml, .yaml, .yml).
        file: PathBuf,
        /// Show what would change, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also remove what the file does not list.
        #[arg(long)]
        prune: bool,
        /// The file's format, whatever its extension: toml or yaml.
        #[arg(long)]
        format: Option<Format>,
    },
    /// Administrator accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Accounts that log in to the console and API: list, add, remove.
    #[command(subcommand)]
    User(UserCommand),
    /// Bans, and the allow and block lists of the SIP guard.
    #[command(subcommand)]
    Security(SecurityCommand),
    /// The phones registered now: where each is reached, and until when.
    Registrations {
        /// Only this extension's phones.
        #[arg(long)]
        extension: Option<String>,
    },
    /// The calls in progress; `switchboard calls hangup ID` ends one.
    Calls {
        #[command(subcommand)]
        action: Option<CallsCommand>,
    },
    /// Call records (CDRs), newest first: who called whom, when, for how
    /// long, and how the call ended.
    Cdr(CdrArgs),
    /// Music on hold: `music set FILE` (a WAV file) or `music reset` (the
    /// track that ships).
    Music {
        #[command(subcommand)]
        action: MusicCommand,
    },
    /// Voicemail: a box's messages (`voicemail show NUMBER`), one deleted
    /// or saved, its greetings set from a WAV file or back to the default.
    Voicemail {
        #[command(subcommand)]
        action: VoicemailCommand,
    },
    /// Call recordings, newest first (`recordings delete ID` deletes one).
    Recordings {
        #[command(subcommand)]
        action: Option<RecordingsCommand>,
        /// Calls this extension made or received.
        #[arg(long)]
        extension: Option<String>,
        /// At most this many [default: 100].
        #[arg(long)]
        limit: Option<u32>,
    },
    /// Ring groups: several extensions behind one number.
    #[command(subcommand)]
    RingGroup(crate::flows_cli::FlowCommand<crate::flows_cli::RingGroupFields>),
    /// IVRs (auto attendants): a greeting, and keys that choose.
    #[command(subcommand)]
    Ivr(crate::flows_cli::FlowCommand<crate::flows_cli::IvrFields>),
    /// Schedules: office hours, holidays, and an override.
    #[command(subcommand)]
    Schedule(crate::flows_cli::ScheduleCommand),
    /// Sounds IVRs and announcements play: uploaded WAVs and the shipped prompts.
    #[command(subcommand)]
    Sound(crate::flows_cli::SoundCommand),
    /// Every internal number, or (given one) where its calls go.
    Numbers { number: Option<String> },
    /// SIP trunks: the providers that carry calls to the phone network.
    #[command(subcommand)]
    Trunk(crate::flows_cli::FlowCommand<crate::trunks_cli::TrunkFields>),
    /// DIDs: public numbers the trunks bring in, and where they go.
    #[command(subcommand)]
    Did(crate::flows_cli::FlowCommand<crate::trunks_cli::DidFields>),
    /// Outbound rules: which dialled numbers go out through which trunks.
    #[command(subcommand)]
    OutboundRule(crate::flows_cli::FlowCommand<crate::trunks_cli::OutboundRuleFields>),
    /// The capacity plan: peak external calls at once, refusals, and a hint.
    Capacity,
    /// Write the configuration as a declaration `apply` takes back
    /// (secrets included: keep the file private).
    Export {
        /// Write here (mode 0600) instead of standard output; a .yaml or
        /// .yml file is written as YAML.
        file: Option<PathBuf>,
        /// toml (the default) or yaml, whatever the file's extension.
        #[arg(long)]
        format: Option<Format>,
    },
}

/// What to do with extensions. Changes go through the same checks as the
/// API and the console, and are recorded in the audit log as `cli`.
#[derive(Debug, Subcommand)]
pub enum ExtensionCommand {
    /// List extensions.
    List {
        /// Only those whose number, name or email contains this.
        #[arg(long)]
        search: Option<String>,
    },
    /// Add an extension; a strong SIP secret and a PIN are generated unless given.
    Add {
        /// The number people dial, 2 to 10 digits.
        number: String,
        #[command(flatten)]
        fields: ExtensionFields,
    },
    /// Show an extension, secret included.
    Show { number: String },
    /// Change an extension.
    Set {
        number: String,
        /// Give the extension another number.
        #[arg(long, value_name = "NUMBER")]
        new_number: Option<String>,
        /// Replace the SIP secret with a new generated one.
        #[arg(long)]
        regenerate_secret: bool,
        #[command(flatten)]
        fields: ExtensionFields,
    },
    /// Remove an extension.
    Remove { number: String },
}

/// Extension fields settable from the command line.
#[derive(Debug, Args)]
pub struct ExtensionFields {
    /// Display name, shown to the people it calls.
    #[arg(long)]
    pub name: Option<String>,
    /// SIP auth name [default: the number].
    #[arg(long)]
    pub auth_name: Option<String>,
    /// SIP secret: 12 or more characters mixing three kinds.
    #[arg(long)]
    pub secret: Option<String>,
    /// Email address (voicemail to email); empty to clear.
    #[arg(long)]
    pub email: Option<String>,
    /// Voicemail PIN, 4 to 10 digits; empty to clear.
    #[arg(long)]
    pub pin: Option<String>,
    /// Whether the extension may register and call.
    #[arg(long, value_name = "true|false")]
    pub enabled: Option<bool>,
    /// Caller ID presented on outbound calls; empty to clear.
    #[arg(long, value_name = "NUMBER")]
    pub caller_id: Option<String>,
    /// Most simultaneous calls [default: 2].
    #[arg(long, value_name = "N")]
    pub call_limit: Option<u32>,
    /// Whether its calls are recorded [default: never].
    #[arg(long, value_name = "never|always|on_demand")]
    pub recording: Option<switchboard_service::RecordingPolicy>,
    /// Do not disturb: calls are treated as busy.
    #[arg(long, value_name = "true|false")]
    pub dnd: Option<bool>,
    /// Where calls go instead of ringing [default: none].
    #[arg(long, value_name = "FORWARD")]
    pub forward_always: Option<switchboard_service::Forward>,
    /// Where calls go when busy or on do-not-disturb [default: voicemail].
    #[arg(long, value_name = "FORWARD")]
    pub forward_busy: Option<switchboard_service::Forward>,
    /// Where calls nobody answers go [default: voicemail]. FORWARD is
    /// none, voicemail, extension:NUMBER or external:NUMBER.
    #[arg(long, value_name = "FORWARD")]
    pub forward_no_answer: Option<switchboard_service::Forward>,
    /// Where calls go when no phone is registered [default: voicemail].
    #[arg(long, value_name = "FORWARD")]
    pub forward_unregistered: Option<switchboard_service::Forward>,
    /// Seconds the phones ring before the no-answer rule; 0 for the
    /// server's default.
    #[arg(long, value_name = "SECONDS")]
    pub ring_time: Option<u32>,
    /// Whether voicemail messages are emailed to the extension's address.
    #[arg(long, value_name = "off|send_and_keep|send_and_delete")]
    pub voicemail_email: Option<switchboard_service::VoicemailEmail>,
    /// Whether it may call abroad through the trunks [default: false].
    #[arg(long, value_name = "true|false")]
    pub international_calls: Option<bool>,
    /// Outbound calls it may start in an hour; 0 for no limit.
    #[arg(long, value_name = "N")]
    pub outbound_calls_per_hour: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum MusicCommand {
    /// Make a WAV file (any common rate and format) the music on hold.
    Set { file: PathBuf },
    /// Go back to the music that ships.
    Reset,
}

#[derive(Debug, Subcommand)]
pub enum VoicemailCommand {
    /// A box: its counts, greetings and messages, oldest first.
    Show { number: String },
    /// Save a message (it counts as heard).
    Save { id: String },
    /// Delete a message and its file.
    Delete { id: String },
    /// Set a box's greeting from a WAV file (any common rate and format).
    Greeting {
        number: String,
        #[arg(value_name = "unavailable|busy|temporary")]
        kind: switchboard_service::Greeting,
        /// The WAV file; leave out with --default.
        file: Option<PathBuf>,
        /// Go back to the greeting Switchboard speaks.
        #[arg(long, conflicts_with = "file")]
        default: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecordingsCommand {
    /// Delete a recording and its file.
    Delete {
        /// The recording's id (its call's).
        id: String,
    },
}

/// Options that override the configuration for this run.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Directory for Switchboard's state [default: ./switchboard-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address the SIP listeners bind to [default: 0.0.0.0].
    #[arg(long, value_name = "ADDRESS")]
    pub sip_listen: Option<IpAddr>,
    /// SIP UDP port; 0 turns UDP off [default: 5060].
    #[arg(long, value_name = "PORT")]
    pub udp_port: Option<u16>,
    /// SIP TCP port; 0 turns TCP off [default: 5060].
    #[arg(long, value_name = "PORT")]
    pub tcp_port: Option<u16>,
    /// Address and port of the web console and API [default: 0.0.0.0:8080];
    /// empty turns HTTP off.
    #[arg(long, value_name = "ADDRESS:PORT")]
    pub http_listen: Option<String>,
    /// Log every SIP message sent and received.
    #[arg(long)]
    pub sip_trace: bool,
}

impl ServeArgs {
    /// Applies the options on top of a loaded configuration.
    pub fn apply(&self, config: &mut crate::config::Config) {
        if let Some(d) = &self.data_dir {
            config.data_dir = d.clone();
        }
        if let Some(a) = self.sip_listen {
            config.sip.listen = a;
        }
        if let Some(p) = self.udp_port {
            config.sip.udp_port = p;
        }
        if let Some(p) = self.tcp_port {
            config.sip.tcp_port = p;
        }
        if let Some(h) = &self.http_listen {
            config.http.listen = h.clone();
        }
        if self.sip_trace {
            config.log.sip_trace = true;
        }
    }
}

/// What to do with calls in progress.
#[derive(Debug, Subcommand)]
pub enum CallsCommand {
    /// End a call (BYE to both phones, or the ringing ones cancelled).
    Hangup {
        /// The call's id, as `switchboard calls` shows it.
        id: String,
    },
    /// Start, pause, resume or stop recording a call.
    Record {
        /// The call's id, as `switchboard calls` shows it.
        id: String,
        #[arg(value_name = "start|pause|resume|stop")]
        action: switchboard_service::RecordAction,
    },
}

/// Which call records to show, and how.
#[derive(Debug, Args)]
pub struct CdrArgs {
    /// Calls started at or after: 2026-11-25, 2026-11-25T09:00:00Z or Unix
    /// seconds (UTC).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Calls started before; the same forms as --from.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Calls this extension made or received.
    #[arg(long)]
    pub extension: Option<String>,
    /// answered, busy, "no answer", cancelled or failed.
    #[arg(long)]
    pub disposition: Option<String>,
    /// At most this many [default: 1000].
    #[arg(long)]
    pub limit: Option<i64>,
    /// Print CSV (with a header line) for a spreadsheet or billing system.
    #[arg(long)]
    pub csv: bool,
}

/// What to do with administrator accounts.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Give an account a new random password and print it.
    ResetPassword {
        /// The account [default: admin].
        #[arg(default_value = "admin")]
        login: String,
    },
}

/// What to do with accounts.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List accounts.
    List,
    /// Add an account and print its password (generated, shown once).
    Add {
        /// Login: a-z, 0-9, . _ -
        login: String,
        /// admin, manager, or user.
        #[arg(long, default_value = "user")]
        role: String,
        /// The extension a user account owns.
        #[arg(long)]
        extension: Option<String>,
    },
    /// Remove an account, its sessions and its tokens.
    Remove { login: String },
}

/// What to do with the SIP guard's bans and lists. Changes reach a running
/// server within a second.
#[derive(Debug, Subcommand)]
pub enum SecurityCommand {
    /// The addresses banned now, until when and why.
    Bans,
    /// Lift the ban on an address.
    Unban { address: String },
    /// Always answer an address or network (CIDR); it is never banned or
    /// rate limited.
    Allow {
        network: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Never answer an address or network (CIDR).
    Block {
        network: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Take an address or network off the allow or block list.
    Unlist { network: String },
    /// The allow and block lists.
    Lists,
}
