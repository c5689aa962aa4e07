//! Writing call recordings: a thread of its own takes the stereo samples
//! the media thread makes and writes them to
//! `DATA_DIR/recordings/YYYY-MM-DD/CALL.wav` (16-bit PCM, caller left,
//! callee right), so a slow disk never holds up the relay. A file is
//! written as `CALL.wav.part` and renamed once finished; only then is it
//! kept in the store, so a listed recording always has its whole file and
//! a crash leaves at most a `.part` file, never a row without one. Old
//! recordings are deleted after `calls.recording_retention` days.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use switchboard_service::{Actor, Service};
use switchboard_store::RecordingRecord;

/// What the writer is told.
pub enum Write {
    Open {
        call: u64,
        rate: u32,
        /// Caller and callee.
        parties: [String; 2],
    },
    Samples {
        call: u64,
        samples: Vec<i16>,
    },
    Close {
        call: u64,
    },
}

struct Open {
    writer: hound::WavWriter<BufWriter<File>>,
    part: PathBuf,
    file: PathBuf,
    /// Relative to the data directory.
    name: String,
    rate: u32,
    parties: [String; 2],
    started_at: i64,
    frames: u64,
}

/// Starts the writer thread; recordings it finishes are kept through
/// `service`.
pub fn start(data_dir: &Path, service: Service) -> std::io::Result<mpsc::Sender<Write>> {
    let (tx, rx) = mpsc::channel::<Write>();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<RecordingRecord>();
    tokio::spawn(async move {
        while let Some(r) = done_rx.recv().await {
            if let Err(e) = service.keep_recording(r).await {
                tracing::error!("keeping a recording: {e}");
            }
        }
    });
    let dir = data_dir.to_owned();
    std::thread::Builder::new()
        .name("recordings".into())
        .spawn(move || {
            let mut open: HashMap<u64, Open> = HashMap::new();
            for message in rx {
                match message {
                    Write::Open {
                        call,
                        rate,
                        parties,
                    } => match create(&dir, call, rate, parties) {
                        Ok(o) => {
                            open.insert(call, o);
                        }
                        Err(e) => tracing::error!("recording call {call:016x}: {e}"),
                    },
                    Write::Samples { call, samples } => {
                        if let Some(o) = open.get_mut(&call) {
                            if let Err(e) = append(o, &samples) {
                                tracing::error!("recording call {call:016x}: {e}");
                                open.remove(&call);
                            }
                        }
                    }
                    Write::Close { call } => {
                        if let Some(o) = open.remove(&call) {
                            match finish(o, call) {
                                Ok(r) => {
                                    let _ = done_tx.send(r);
                                }
                                Err(e) => tracing::error!("recording call {call:016x}: {e}"),
                            }
                        }
                    }
                }
            }
        })?;
    Ok(tx)
}

fn create(dir: &Path, call: u64, rate: u32, parties: [String; 2]) -> anyhow::Result<Open> {
    let now = std::time::SystemTime::now();
    let day = humantime::format_rfc3339_seconds(now).to_string()[..10].to_owned();
    let name = format!("recordings/{day}/{call:016x}.wav");
    let file = dir.join(&name);
    std::fs::create_dir_all(file.parent().expect("a directory"))?;
    let part = file.with_extension("wav.part");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let writer = hound::WavWriter::new(BufWriter::new(File::create(&part)?), spec)?;
    Ok(Open {
        writer,
        part,
        file,
        name,
        rate,
        parties,
        started_at: unix(now),
        frames: 0,
    })
}

fn append(o: &mut Open, samples: &[i16]) -> Result<(), hound::Error> {
    for &s in samples {
        o.writer.write_sample(s)?;
    }
    o.frames += samples.len() as u64 / 2;
    Ok(())
}

fn finish(o: Open, call: u64) -> anyhow::Result<RecordingRecord> {
    o.writer.finalize()?;
    std::fs::rename(&o.part, &o.file)?;
    let size = std::fs::metadata(&o.file)?.len();
    let [caller, callee] = o.parties;
    Ok(RecordingRecord {
        id: format!("{call:016x}"),
        caller,
        callee,
        started_at: o.started_at,
        ended_at: unix(std::time::SystemTime::now()),
        sample_rate: i64::from(o.rate),
        duration_ms: (o.frames * 1000 / u64::from(o.rate.max(1))) as i64,
        size: size as i64,
        file: o.name,
    })
}

fn unix(t: std::time::SystemTime) -> i64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Deletes recordings older than `days` days, now and every hour; none
/// when `days` is 0.
pub fn expire(service: Service, days: u64) {
    if days == 0 {
        return;
    }
    tokio::spawn(async move {
        let actor = Actor::system("recording retention");
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let before = unix(std::time::SystemTime::now()) - (days * 86_400) as i64;
            match service.expire_recordings(&actor, before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("deleted {n} recordings older than {days} days"),
                Err(e) => tracing::error!("deleting old recordings: {e}"),
            }
        }
    });
}
