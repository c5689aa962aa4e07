//! What the background writers share: the SIP driver hands them reports
//! in batches over a channel, and they collect those on their own clock
//! rather than being woken for each (waking another thread cost the
//! driver more than answering a REGISTER).

use tokio::sync::mpsc;

/// Hands every report waiting in `rx` to `take`; false once every sender
/// is gone (nothing more will come).
pub fn take_waiting<T>(rx: &mut mpsc::UnboundedReceiver<Vec<T>>, mut take: impl FnMut(T)) -> bool {
    loop {
        match rx.try_recv() {
            Ok(batch) => batch.into_iter().for_each(&mut take),
            Err(mpsc::error::TryRecvError::Empty) => return true,
            Err(mpsc::error::TryRecvError::Disconnected) => return false,
        }
    }
}
