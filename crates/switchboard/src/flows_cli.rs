//! The command line of call flows: ring groups, IVRs, schedules, the
//! sounds they play, and where each number goes.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// What to do with ring groups, IVRs or schedules (`FIELDS`: the kind's
/// own). Changes go through the same checks as the API and the console.
#[derive(Debug, Subcommand)]
pub enum FlowCommand<F: Args> {
    /// List them, by name.
    List,
    /// Show one, as a declaration file writes it.
    Show { name: String },
    /// Add one.
    Add {
        /// Lowercase letters, digits, '-' and '_'.
        name: String,
        #[command(flatten)]
        fields: F,
    },
    /// Change the fields given.
    Set {
        name: String,
        /// Give it another name (nothing may refer to it).
        #[arg(long, value_name = "NAME")]
        new_name: Option<String>,
        #[command(flatten)]
        fields: F,
    },
    /// Remove one nothing refers to.
    Remove { name: String },
}

#[derive(Debug, Args)]
pub struct RingGroupFields {
    /// The internal number extensions dial; empty for none.
    #[arg(long)]
    pub number: Option<String>,
    /// A name people read; empty for none.
    #[arg(long)]
    pub display_name: Option<String>,
    /// ring_all, hunt, round_robin or least_recent [default: ring_all].
    #[arg(long)]
    pub strategy: Option<String>,
    /// A member: EXTENSION, or EXTENSION:SECONDS it rings for; repeat in
    /// order (the list given replaces the old one).
    #[arg(long = "member", value_name = "EXTENSION[:SECONDS]")]
    pub members: Vec<String>,
    /// Seconds every member rings (ring all), or each without its own.
    #[arg(long, value_name = "SECONDS")]
    pub ring_time: Option<u32>,
    /// Where the call goes when nobody answers [default: hangup].
    #[arg(long, value_name = "DESTINATION")]
    pub no_answer: Option<String>,
    /// Put before the caller's name on the members' phones; empty for none.
    #[arg(long, value_name = "TEXT")]
    pub caller_id_prefix: Option<String>,
}

#[derive(Debug, Args)]
pub struct IvrFields {
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub display_name: Option<String>,
    /// The sound it plays (uploaded, or a shipped prompt).
    #[arg(long, value_name = "SOUND")]
    pub greeting: Option<String>,
    /// KEY=DESTINATION; repeat (the list given replaces the old one).
    #[arg(long = "option", value_name = "KEY=DESTINATION")]
    pub options: Vec<String>,
    /// Callers may type an extension's number.
    #[arg(long, value_name = "true|false")]
    pub dial_extension: Option<bool>,
    /// How many digits an extension's number has [default: 4].
    #[arg(long, value_name = "DIGITS")]
    pub extension_length: Option<u32>,
    /// Seconds to wait for a key after the greeting [default: 5].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u32>,
    /// Times the greeting plays before the fallback [default: 3].
    #[arg(long, value_name = "N")]
    pub repeats: Option<u32>,
    /// Where the caller goes after that [default: hangup].
    #[arg(long, value_name = "DESTINATION")]
    pub fallback: Option<String>,
}

#[derive(Debug, Args)]
pub struct ScheduleFields {
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub display_name: Option<String>,
    /// An IANA time zone, like Europe/Berlin.
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,
    /// Open hours: DAYS FROM-TO, like "mon,tue,wed,thu,fri 09:00-17:00";
    /// repeat (the list given replaces the old one).
    #[arg(long = "hours", value_name = "DAYS FROM-TO")]
    pub hours: Vec<String>,
    /// NAME=WHEN, WHEN being YYYY-MM-DD, MM-DD (yearly) or A..B; repeat
    /// (the list given replaces the old one).
    #[arg(long = "holiday", value_name = "NAME=WHEN")]
    pub holidays: Vec<String>,
    /// An extension whose phone may set the override by star code; repeat
    /// (the list given replaces the old one).
    #[arg(long = "override-by", value_name = "EXTENSION")]
    pub override_by: Vec<String>,
    /// Where calls go when open.
    #[arg(long, value_name = "DESTINATION")]
    pub open: Option<String>,
    /// Where calls go when closed.
    #[arg(long, value_name = "DESTINATION")]
    pub closed: Option<String>,
    /// Where calls go on a holiday; empty for the closed one.
    #[arg(long, value_name = "DESTINATION")]
    pub holiday_destination: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    #[command(flatten)]
    Object(FlowCommand<ScheduleFields>),
    /// Force a schedule open or closed, or back to its hours.
    Override {
        name: String,
        #[arg(value_name = "auto|open|closed")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SoundCommand {
    /// The uploaded sounds, then the shipped prompts.
    List,
    /// Upload a WAV file (any common rate and format) as sound NAME.
    Add { name: String, file: PathBuf },
    /// Remove an uploaded sound nothing plays.
    Remove { name: String },
}
