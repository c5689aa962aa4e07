//! The `switchboard` binary: parses the command line and configuration,
//! then hands over to the command. Business rules live in the engine; this
//! crate owns sockets, the clock and wiring.

mod allocator;
mod batches;
mod call_flows;
mod caller_name;
mod calls;
mod calls_cmd;
mod cli;
mod config;
mod data_dir;
mod declare_cmd;
mod dns;
mod extension_cmd;
mod flows;
mod flows_cli;
mod flows_cmd;
mod follow;
mod guard;
mod metrics;
mod music;
mod music_cmd;
mod network;
mod prompts;
mod recordings;
mod registrar;
mod registrations_cmd;
mod relay;
mod security_cmd;
mod serve;
mod store;
mod transport;
mod trunk_reports;
mod trunks_cli;
mod trunks_cmd;
mod voicemail;
mod voicemail_cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchboard: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let file = cli.config;
    let load = |args: Option<&cli::ServeArgs>| -> anyhow::Result<config::Config> {
        let mut c = config::Config::load(file.as_deref(), std::env::vars())?;
        if let Some(args) = args {
            args.apply(&mut c);
        }
        Ok(c)
    };
    match cli.command {
        cli::Command::Serve(args) => serve::run(load(Some(&args))?),
        cli::Command::Config(args) => {
            print!("{}", load(Some(&args))?.to_toml());
            Ok(())
        }
        cli::Command::Extension(command) => extension_cmd::run(load(None)?, command),
        cli::Command::Apply {
            file,
            dry_run,
            prune,
            format,
        } => declare_cmd::apply(load(None)?, &file, format, dry_run, prune),
        cli::Command::Export { file, format } => {
            declare_cmd::export(load(None)?, file.as_deref(), format)
        }
        cli::Command::Admin(cli::AdminCommand::ResetPassword { login }) => {
            declare_cmd::reset_password(load(None)?, &login)
        }
        cli::Command::User(command) => declare_cmd::user(load(None)?, command),
        cli::Command::Security(command) => security_cmd::run(load(None)?, command),
        cli::Command::Registrations { extension } => registrations_cmd::run(load(None)?, extension),
        cli::Command::Calls { action } => calls_cmd::calls(load(None)?, action),
        cli::Command::Cdr(args) => calls_cmd::cdr(load(None)?, args),
        cli::Command::Music { action } => music_cmd::music(load(None)?, action),
        cli::Command::Voicemail { action } => voicemail_cmd::run(load(None)?, action),
        cli::Command::RingGroup(c) => {
            flows_cmd::run::<switchboard_service::RingGroup, _>(load(None)?, c)
        }
        cli::Command::Ivr(c) => flows_cmd::run::<switchboard_service::Ivr, _>(load(None)?, c),
        cli::Command::Schedule(c) => flows_cmd::schedule(load(None)?, c),
        cli::Command::Sound(c) => flows_cmd::sound(load(None)?, c),
        cli::Command::Numbers { number } => flows_cmd::numbers(load(None)?, number),
        cli::Command::Trunk(c) => flows_cmd::run::<switchboard_service::Trunk, _>(load(None)?, c),
        cli::Command::Did(c) => flows_cmd::run::<switchboard_service::Did, _>(load(None)?, c),
        cli::Command::OutboundRule(c) => {
            flows_cmd::run::<switchboard_service::OutboundRule, _>(load(None)?, c)
        }
        cli::Command::Capacity => trunks_cmd::capacity(load(None)?),
        cli::Command::Recordings {
            action,
            extension,
            limit,
        } => calls_cmd::recordings(load(None)?, action, extension, limit),
    }
}
