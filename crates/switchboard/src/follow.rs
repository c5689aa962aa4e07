//! Follows the service layer's changes (the change feed: this process,
//! the CLI, other nodes) and tells the driver what the running engine must
//! learn: extensions' credentials for the registrar, bans and lists for
//! the guard, calls to hang up, the messages waiting in each mailbox
//! (for the phones' lamps), and the call flows. A listener that fell behind reloads everything.

use crate::guard::{self, SecurityChange};
use crate::network::Rebuild;
use crate::registrar::{self, AccountChange};
use crate::transport::driver::{DriverTx, Inbound};
use switchboard_service::{Event, Service};
use tokio::sync::broadcast::error::RecvError;

pub fn follow(service: Service, driver: DriverTx, network: Rebuild) {
    let mut events = service.subscribe();
    tokio::spawn(async move {
        loop {
            let inbound = match events.recv().await {
                Ok(event) => on_event(&service, event, &network).await,
                Err(RecvError::Lagged(_)) => reload(&service, &network).await,
                Err(RecvError::Closed) => return,
            };
            match inbound {
                Ok(inbound) => {
                    for i in inbound {
                        if driver.send(i).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => tracing::error!("following changes: {e:#}"),
            }
        }
    });
}

async fn on_event(
    service: &Service,
    event: Event,
    network: &Rebuild,
) -> anyhow::Result<Vec<Inbound>> {
    let accounts =
        |changes: Vec<AccountChange>| changes.into_iter().map(Inbound::Account).collect();
    let security =
        |changes: Vec<SecurityChange>| changes.into_iter().map(Inbound::Security).collect();
    Ok(match event {
        Event::ExtensionCreated { number } => {
            accounts(registrar::changed(service, &number, None).await)
        }
        Event::ExtensionUpdated {
            number,
            previous_number,
        } => accounts(registrar::changed(service, &number, previous_number).await),
        Event::ExtensionDeleted { number } => accounts(vec![AccountChange::Remove(number)]),
        Event::SecurityBanned { address } => security(guard::ban_on(service, &address).await?),
        Event::SecurityUnbanned { address } => match address.parse() {
            Ok(ip) => security(vec![SecurityChange::Unban(ip)]),
            Err(_) => Vec::new(),
        },
        Event::SecurityListsChanged => security(vec![guard::lists(service).await?]),
        Event::CallHangUp { call, by } => vec![Inbound::HangUp { call, by }],
        Event::CallRecording { call, action } => match action.parse() {
            Ok(action) => vec![Inbound::Recording { call, action }],
            Err(_) => Vec::new(),
        },
        Event::VoicemailChanged { mailbox } => {
            let (new, old) = service.message_counts(&mailbox).await?;
            vec![Inbound::Waiting { mailbox, new, old }]
        }
        Event::RegistrationChanged { .. }
        | Event::CallsChanged
        | Event::RecordingsChanged
        | Event::MusicOnHoldChanged
        | Event::TrunkStatus { .. } => Vec::new(),
        Event::FlowsChanged => {
            network.ask();
            vec![Inbound::Plan(crate::call_flows::plan(service).await?)]
        }
    })
}

/// Every mailbox's counts, for the lamps.
pub async fn waiting(service: &Service) -> anyhow::Result<Vec<Inbound>> {
    let actor = switchboard_service::Actor::system("voicemail");
    Ok(service
        .all_message_counts(&actor)
        .await?
        .into_iter()
        .map(|(mailbox, new, old)| Inbound::Waiting { mailbox, new, old })
        .collect())
}

async fn reload(service: &Service, network: &Rebuild) -> anyhow::Result<Vec<Inbound>> {
    network.ask();
    let mut all = vec![
        Inbound::Account(AccountChange::Sync(registrar::credentials(service).await?)),
        Inbound::Security(guard::lists(service).await?),
        Inbound::Plan(crate::call_flows::plan(service).await?),
    ];
    all.extend(waiting(service).await?);
    all.extend(
        guard::bans(service)
            .await?
            .into_iter()
            .map(Inbound::Security),
    );
    Ok(all)
}
