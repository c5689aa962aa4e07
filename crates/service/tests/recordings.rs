//! Recordings and music on hold through the service layer, on SQLite and
//! on PostgreSQL: who sees which recording, deleting (file first),
//! retention (only what is older goes, with its file), and music on hold
//! checked as audio, kept under the data directory, and reset.

#[path = "../../store/tests/support/mod.rs"]
mod support;

use std::path::Path;
use switchboard_service::{
    Actor, ListRecordings, RecordAction, Role, Service, ServiceError, MUSIC_ON_HOLD,
};
use switchboard_store::{RecordingRecord, Store};

fn actor(role: Role) -> Actor {
    Actor {
        name: "someone".into(),
        role,
        source: "192.0.2.10".into(),
    }
}

fn user(number: &str) -> Actor {
    actor(Role::User {
        extension: number.into(),
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A recording of a call from `caller` to `callee` that started `age`
/// seconds ago, with its file.
async fn recording(service: &Service, dir: &Path, id: &str, caller: &str, callee: &str, age: i64) {
    let name = format!("recordings/test/{id}.wav");
    std::fs::create_dir_all(dir.join("recordings/test")).unwrap();
    std::fs::write(dir.join(&name), b"RIFF....WAVE").unwrap();
    service
        .keep_recording(RecordingRecord {
            id: id.into(),
            caller: caller.into(),
            callee: callee.into(),
            started_at: now() - age,
            ended_at: now() - age + 60,
            sample_rate: 8000,
            duration_ms: 60_000,
            size: 12,
            file: name,
        })
        .await
        .unwrap();
}

async fn scenarios(service: Service, dir: &Path) {
    let admin = actor(Role::Admin);
    let day = 86_400;
    recording(&service, dir, "00000000000000a1", "1001", "1002", 100 * day).await;
    recording(&service, dir, "00000000000000a2", "1003", "1004", 60).await;
    // Kept twice (a retried write) is kept once.
    recording(&service, dir, "00000000000000a2", "1003", "1004", 60).await;

    let all = service
        .list_recordings(&admin, ListRecordings::default())
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["00000000000000a2", "00000000000000a1"],
        "newest first"
    );
    let mine = service
        .list_recordings(&user("1002"), ListRecordings::default())
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].caller, "1001");
    let asked_for_others = ListRecordings {
        extension: Some("1003".into()),
        limit: None,
    };
    assert!(service
        .list_recordings(&user("1002"), asked_for_others)
        .await
        .unwrap()
        .iter()
        .all(|r| r.callee == "1002"));
    assert!(matches!(
        service
            .recording_file(&user("1005"), "00000000000000a1")
            .await,
        Err(ServiceError::NotFound(_))
    ));
    let (r, path) = service
        .recording_file(&user("1001"), "00000000000000a1")
        .await
        .unwrap();
    assert_eq!((r.sample_rate, path.exists()), (8000, true));
    let bad = ListRecordings {
        extension: None,
        limit: Some(0),
    };
    assert!(matches!(
        service.list_recordings(&admin, bad).await,
        Err(ServiceError::Invalid { field: "limit", .. })
    ));

    // Retention: what started 30 days ago or more goes, with its file.
    let removed = service
        .expire_recordings(&admin, now() - 30 * day)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(!path.exists(), "the old file went too");
    let left = service
        .list_recordings(&admin, ListRecordings::default())
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert!(matches!(
        service.expire_recordings(&user("1003"), now()).await,
        Err(ServiceError::Forbidden)
    ));

    // Deleting: not by a user, by a manager; the file first.
    assert!(matches!(
        service
            .delete_recording(&user("1003"), "00000000000000a2")
            .await,
        Err(ServiceError::Forbidden)
    ));
    service
        .delete_recording(&actor(Role::Manager), "00000000000000a2")
        .await
        .unwrap();
    assert!(!dir.join("recordings/test/00000000000000a2.wav").exists());
    assert!(matches!(
        service.delete_recording(&admin, "00000000000000a2").await,
        Err(ServiceError::NotFound(_))
    ));

    // A call that is not in progress cannot be recorded.
    assert!(matches!(
        service
            .record_call(&admin, "0123456789abcdef", RecordAction::Start)
            .await,
        Err(ServiceError::NotFound(_))
    ));

    // Music on hold: only audio, only by an administrator, reset to none.
    let junk = service
        .set_music_on_hold(&admin, b"RIFF junk".to_vec())
        .await;
    assert!(
        matches!(junk, Err(ServiceError::Invalid { field: "file", .. })),
        "{junk:?}"
    );
    let mut wav = std::io::Cursor::new(Vec::new());
    switchboard_media::wav::write(&mut wav, 16000, 1, &[1000; 16000]).unwrap();
    let wav = wav.into_inner();
    assert!(matches!(
        service.set_music_on_hold(&user("1001"), wav.clone()).await,
        Err(ServiceError::Forbidden)
    ));
    service
        .set_music_on_hold(&admin, wav.clone())
        .await
        .unwrap();
    assert_eq!(std::fs::read(dir.join(MUSIC_ON_HOLD)).unwrap(), wav);
    service.reset_music_on_hold(&admin).await.unwrap();
    assert!(!dir.join(MUSIC_ON_HOLD).exists());
    service.reset_music_on_hold(&admin).await.unwrap();
}

#[tokio::test]
async fn recordings_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("switchboard-recordings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let service = Service::new(support::open(&Store::sqlite_url(&dir)).await).with_files(&dir);
    scenarios(service, &dir).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn recordings_on_postgres() {
    let pg = support::TempPostgres::start();
    let dir =
        std::env::temp_dir().join(format!("switchboard-recordings-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let service = Service::new(support::open(&pg.url).await).with_files(&dir);
    scenarios(service, &dir).await;
    std::fs::remove_dir_all(&dir).unwrap();
}
