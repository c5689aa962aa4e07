//! `switchboard apply FILE`, `switchboard export`, `switchboard admin` and
//! `switchboard user`: configuration as a file, through the service layer's
//! plan and apply, and accounts.

use crate::cli::UserCommand;
use crate::config::Config;
use crate::store::with_service;
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use switchboard_service::{Declaration, Format, NewAccount};

/// `switchboard apply`.
pub fn apply(
    config: Config,
    file: &Path,
    format: Option<Format>,
    dry_run: bool,
    prune: bool,
) -> anyhow::Result<()> {
    let format = match format.or_else(|| Format::of_path(file)) {
        Some(format) => format,
        None => anyhow::bail!(
            "{}: name the file .toml, .yaml or .yml, or give --format",
            file.display()
        ),
    };
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let declaration = Declaration::parse(&text, format)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    with_service(config, async |service, actor| {
        let plan = service.plan(&actor, &declaration, prune).await?;
        print!("{plan}");
        if !dry_run && !plan.is_empty() {
            service.apply(&actor, plan).await?;
            println!("applied");
        }
        Ok(())
    })
}

/// `switchboard export`.
pub fn export(config: Config, file: Option<&Path>, format: Option<Format>) -> anyhow::Result<()> {
    let format = format
        .or_else(|| file.and_then(Format::of_path))
        .unwrap_or(Format::Toml);
    let text = with_service(config, async |service, actor| {
        Ok(service.export(&actor).await?.render(format))
    })?;
    match file {
        None => print!("{text}"),
        Some(path) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options
                .open(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            f.write_all(text.as_bytes())?;
        }
    }
    Ok(())
}

/// `switchboard admin reset-password`.
pub fn reset_password(config: Config, login: &str) -> anyhow::Result<()> {
    let password = with_service(config, async |service, actor| {
        Ok(service.reset_password(&actor, login).await?)
    })?;
    println!("New password for {login}: {password}");
    Ok(())
}

/// `switchboard user …`.
pub fn user(config: Config, command: UserCommand) -> anyhow::Result<()> {
    with_service(config, async |service, actor| {
        match command {
            UserCommand::List => {
                println!("LOGIN                 ROLE      EXTENSION");
                for a in service.accounts(&actor).await? {
                    println!(
                        "{:<20}  {:<8}  {}",
                        a.login,
                        a.role,
                        a.extension.unwrap_or_default()
                    );
                }
            }
            UserCommand::Add {
                login,
                role,
                extension,
            } => {
                let new = NewAccount {
                    login,
                    role,
                    extension,
                    password: None,
                };
                let (account, password) = service.create_account(&actor, new).await?;
                println!("Password for {}: {password}", account.login);
            }
            UserCommand::Remove { login } => {
                service.delete_account(&actor, &login).await?;
                println!("user {login} removed");
            }
        }
        Ok(())
    })
}
