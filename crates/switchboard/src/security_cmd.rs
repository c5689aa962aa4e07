//! `switchboard security …`: bans and the allow and block lists, through
//! the service layer (recorded in the audit log as `cli`).

use crate::cli::SecurityCommand;
use crate::config::Config;
use crate::transport::now_unix;
use switchboard_service::{AddressList, NewListEntry};

pub fn run(config: Config, command: SecurityCommand) -> anyhow::Result<()> {
    crate::store::with_service(config, async |service, actor| {
        match command {
            SecurityCommand::Bans => {
                let bans = service.bans(&actor).await?;
                if bans.is_empty() {
                    println!("no address is banned");
                }
                let now = now_unix() as i64;
                for b in bans {
                    println!(
                        "{:<39}  {:>6}s left  {}",
                        b.address,
                        (b.until - now).max(0),
                        b.reason
                    );
                }
            }
            SecurityCommand::Unban { address } => {
                service.unban(&actor, &address).await?;
                println!("{address} unbanned");
            }
            SecurityCommand::Allow { network, note } => {
                let e = service
                    .list_address(
                        &actor,
                        NewListEntry {
                            network,
                            list: AddressList::Allow,
                            note,
                        },
                    )
                    .await?;
                println!("{} is on the allow list", e.network);
            }
            SecurityCommand::Block { network, note } => {
                let e = service
                    .list_address(
                        &actor,
                        NewListEntry {
                            network,
                            list: AddressList::Block,
                            note,
                        },
                    )
                    .await?;
                println!("{} is on the block list", e.network);
            }
            SecurityCommand::Unlist { network } => {
                service.unlist_address(&actor, &network).await?;
                println!("{network} is off the lists");
            }
            SecurityCommand::Lists => {
                let entries = service.address_lists(&actor).await?;
                if entries.is_empty() {
                    println!("the allow and block lists are empty");
                }
                for e in entries {
                    let list = match e.list {
                        AddressList::Allow => "allow",
                        AddressList::Block => "block",
                    };
                    println!("{list:<5}  {:<43}  {}", e.network, e.note);
                }
            }
        }
        Ok(())
    })
}
