//! What the background writers share: the SIP driver hands them reports
//! in batches over a channel, and they collect those on their own clock
//! rather than being woken for each (waking another thread cost the
//! driver more than answering a REGISTER). A writer whose last round
//! found nothing stops its clock and sleeps until a report comes, so a
//! quiet server's writers do not wake at all; that report is taken at
//! once (a call's record is written the moment it ends), and the clock
//! starts again from there.

use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, Interval, MissedTickBehavior};

/// A writer's rounds: one every `every` while reports come.
pub struct Rounds {
    tick: Interval,
    /// The last round found no report.
    quiet: bool,
}

impl Rounds {
    pub fn new(every: Duration) -> Rounds {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Rounds { tick, quiet: false }
    }

    /// Waits for the next round and hands every report waiting in `rx` to
    /// `take`; false once every sender is gone (nothing more will come).
    ///
    /// After a quiet round it waits for a report, and takes it at once, or
    /// until `due` (when the writer holds back something to write by
    /// then), whichever comes first; the next round is a full round later.
    pub async fn next<T>(
        &mut self,
        rx: &mut mpsc::UnboundedReceiver<Vec<T>>,
        due: Option<Instant>,
        mut take: impl FnMut(T),
    ) -> bool {
        let mut heard = false;
        if self.quiet {
            let until = async {
                match due {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                first = rx.recv() => {
                    let Some(batch) = first else { return false };
                    heard = true;
                    batch.into_iter().for_each(&mut take);
                }
                () = until => {}
            }
            self.tick.reset();
        } else {
            self.tick.tick().await;
        }
        let open = take_waiting(rx, |report| {
            heard = true;
            take(report)
        });
        self.quiet = !heard;
        open
    }
}

/// Hands every report waiting in `rx` to `take`; false once every sender
/// is gone (nothing more will come).
fn take_waiting<T>(rx: &mut mpsc::UnboundedReceiver<Vec<T>>, mut take: impl FnMut(T)) -> bool {
    loop {
        match rx.try_recv() {
            Ok(batch) => batch.into_iter().for_each(&mut take),
            Err(mpsc::error::TryRecvError::Empty) => return true,
            Err(mpsc::error::TryRecvError::Disconnected) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_quiet_writer_sleeps_until_a_report_comes_and_takes_it_at_once() {
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u32>>();
        let mut rounds = Rounds::new(Duration::from_millis(200));
        let mut got = Vec::new();
        // The first round is at once, and finds nothing.
        assert!(rounds.next(&mut rx, None, |r| got.push(r)).await);
        assert!(got.is_empty());
        let started = Instant::now();
        let sender = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            tx.send(vec![1]).unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
            tx.send(vec![2, 3]).unwrap();
            tx
        });
        assert!(rounds.next(&mut rx, None, |r| got.push(r)).await);
        // Woken by the first report, 30 s on, it took it there and then.
        assert_eq!(got, [1]);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        // A report came in that round, so the next is a round later, and
        // takes what came meanwhile.
        assert!(rounds.next(&mut rx, None, |r| got.push(r)).await);
        assert_eq!(got, [1, 2, 3]);
        assert_eq!(started.elapsed(), Duration::from_millis(30_200));
        let tx = sender.await.unwrap();
        // That round heard reports too; the one after hears none.
        assert!(rounds.next(&mut rx, None, |r| got.push(r)).await);
        assert_eq!(started.elapsed(), Duration::from_millis(30_400));
        // Quiet again: the next report is taken the moment it comes.
        tokio::spawn({
            let tx = tx.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(5)).await;
                tx.send(vec![4]).unwrap();
            }
        });
        assert!(rounds.next(&mut rx, None, |r| got.push(r)).await);
        assert_eq!(got, [1, 2, 3, 4]);
        assert_eq!(started.elapsed(), Duration::from_millis(35_400));
        drop(tx);
        assert!(!rounds.next(&mut rx, None, |r| got.push(r)).await);
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_writer_holding_something_back_wakes_when_it_is_due() {
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u32>>();
        let mut rounds = Rounds::new(Duration::from_millis(200));
        assert!(rounds.next(&mut rx, None, |_| {}).await);
        let started = Instant::now();
        let due = started + Duration::from_secs(30);
        assert!(rounds.next(&mut rx, Some(due), |_| {}).await);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        drop(tx);
    }
}
