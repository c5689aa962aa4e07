//! Voicemail and forwarding through the service layer, on SQLite and on
//! PostgreSQL: messages kept whole (file, then row), listed, marked heard,
//! saved and deleted (row, then file), each change announced; a user
//! reaches only their own box; PINs checked with a lockout that counts
//! across calls and runs out; greetings checked as audio; forwarding
//! rules, ring time and voicemail email checked field by field.

#[path = "../../store/tests/support/mod.rs"]
mod support;

use std::path::Path;
use switchboard_service::{
    Actor, Event, ExtensionInput, ExtensionPatch, Folder, Forward, Greeting, MessagePatch,
    NewMessage, PinCheck, Role, Service, ServiceError, VoicemailEmail,
};
use switchboard_store::Store;

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

fn invalid(result: Result<impl std::fmt::Debug, ServiceError>, field: &str) {
    match result {
        Err(ServiceError::Invalid { field: f, .. }) if f == field => {}
        other => panic!("expected {field} to be refused, got {other:?}"),
    }
}

/// One second of a 440 Hz tone at 8 kHz, as WAV bytes.
fn wav() -> Vec<u8> {
    let samples: Vec<i16> = (0..8000)
        .map(|i| ((i as f64 * 440.0 * std::f64::consts::TAU / 8000.0).sin() * 8000.0) as i16)
        .collect();
    let mut out = std::io::Cursor::new(Vec::new());
    switchboard_media::wav::write(&mut out, 8000, 1, &samples).unwrap();
    out.into_inner()
}

async fn scenarios(service: Service, dir: &Path) {
    let admin = actor(Role::Admin);
    let mut events = service.subscribe();
    service.follow_changes().await.unwrap();
    for n in ["1001", "1002"] {
        let input = ExtensionInput {
            number: n.into(),
            display_name: format!("Person {n}"),
            voicemail_pin: Some("4826".into()),
            ..Default::default()
        };
        let e = service.create_extension(&admin, input).await.unwrap();
        // Calls nobody takes go to voicemail unless told otherwise.
        assert_eq!(
            (
                &e.forward_busy,
                &e.forward_no_answer,
                &e.forward_unregistered
            ),
            (
                &Forward::Voicemail,
                &Forward::Voicemail,
                &Forward::Voicemail
            )
        );
        assert_eq!(e.forward_always, Forward::None);
    }

    // Forwarding, ring time and voicemail email, checked by field.
    let patch = |f: fn(&mut ExtensionPatch)| {
        let mut p = ExtensionPatch::default();
        f(&mut p);
        p
    };
    invalid(
        service
            .update_extension(
                &admin,
                "1001",
                patch(|p| p.forward_busy = Some(Forward::Extension("1001".into()))),
            )
            .await,
        "forward_busy",
    );
    invalid(
        service
            .update_extension(&admin, "1001", patch(|p| p.ring_time = Some(Some(2))))
            .await,
        "ring_time",
    );
    invalid(
        service
            .update_extension(
                &admin,
                "1001",
                patch(|p| p.voicemail_email = Some(VoicemailEmail::SendAndKeep)),
            )
            .await,
        "voicemail_email",
    );
    // A user sets their own forwarding and do-not-disturb.
    let e = service
        .update_extension(
            &user("1001"),
            "1001",
            patch(|p| {
                p.dnd = Some(true);
                p.forward_no_answer = Some(Forward::Extension("1002".into()));
                p.ring_time = Some(Some(15));
            }),
        )
        .await
        .unwrap();
    assert!(e.dnd);
    assert_eq!(e.forward_no_answer, Forward::Extension("1002".into()));
    assert_eq!(e.ring_time, Some(15));

    // A message is written whole, then listed.
    let new = NewMessage {
        mailbox: "1002".into(),
        caller: "1001".into(),
        caller_name: Some("Ada".into()),
        received_at: 1_000,
        rate: 8000,
        samples: vec![100; 24_000],
    };
    let m = service.leave_message(&admin, new.clone()).await.unwrap();
    assert_eq!(
        (m.duration_ms, m.heard, m.folder),
        (3_000, false, Folder::Inbox)
    );
    let file = dir.join(format!("voicemail/1002/{}.wav", m.id));
    let samples =
        switchboard_media::wav::read_mono(std::fs::File::open(&file).unwrap(), 8000).unwrap();
    assert_eq!(samples.len(), 24_000);
    assert!(!file.with_extension("part").exists());
    let announced = loop {
        match events.recv().await.unwrap() {
            Event::VoicemailChanged { mailbox } => break mailbox,
            _ => continue,
        }
    };
    assert_eq!(announced, "1002");
    assert_eq!(service.message_counts("1002").await.unwrap(), (1, 0));
    assert!(matches!(
        service.leave_message(&user("1002"), new).await,
        Err(ServiceError::Forbidden)
    ));

    // Only the box's owner (and managers) reach it.
    assert_eq!(
        service.messages(&user("1002"), "1002").await.unwrap().len(),
        1
    );
    assert!(matches!(
        service.messages(&user("1001"), "1002").await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        service.message_audio(&user("1001"), &m.id).await,
        Err(ServiceError::NotFound(_))
    ));
    let (_, bytes) = service.message_audio(&user("1002"), &m.id).await.unwrap();
    assert_eq!(bytes, std::fs::read(&file).unwrap());

    let heard = service
        .update_message(
            &user("1002"),
            &m.id,
            MessagePatch {
                heard: Some(true),
                folder: Some(Folder::Saved),
            },
        )
        .await
        .unwrap();
    assert_eq!((heard.heard, heard.folder), (true, Folder::Saved));
    assert_eq!(service.message_counts("1002").await.unwrap(), (0, 1));
    let mailbox = service.mailbox(&user("1002"), "1002").await.unwrap();
    assert_eq!((mailbox.new, mailbox.old), (0, 1));
    service.delete_message(&user("1002"), &m.id).await.unwrap();
    assert!(!file.exists());
    assert!(service.messages(&admin, "1002").await.unwrap().is_empty());
    assert!(matches!(
        service.delete_message(&user("1002"), &m.id).await,
        Err(ServiceError::NotFound(_))
    ));

    // Wrong PINs lock the box, whatever comes next, until the lockout ends.
    let check = |pin: &'static str, at: i64| {
        let service = service.clone();
        let admin = admin.clone();
        async move { service.check_pin(&admin, "1002", pin, at).await.unwrap() }
    };
    assert_eq!(check("4826", 100).await, PinCheck::Right);
    assert_eq!(check("0000", 100).await, PinCheck::Wrong { left: 4 });
    // A right PIN clears the count.
    assert_eq!(check("4826", 100).await, PinCheck::Right);
    for left in (1..5).rev() {
        assert_eq!(check("1111", 200).await, PinCheck::Wrong { left });
    }
    let locked = PinCheck::Locked {
        until: 200 + 15 * 60,
    };
    assert_eq!(check("1111", 200).await, locked);
    assert_eq!(check("4826", 300).await, locked);
    assert_eq!(check("4826", 200 + 15 * 60 + 1).await, PinCheck::Right);
    assert!(matches!(
        service.check_pin(&user("1002"), "1002", "4826", 100).await,
        Err(ServiceError::Forbidden)
    ));

    // Greetings: audio only, kept, removed.
    invalid(
        service
            .set_greeting(&user("1002"), "1002", Greeting::Busy, b"not audio".to_vec())
            .await,
        "file",
    );
    service
        .set_greeting(&user("1002"), "1002", Greeting::Busy, wav())
        .await
        .unwrap();
    assert_eq!(
        service
            .greeting(&admin, "1002", Greeting::Busy)
            .await
            .unwrap(),
        Some(wav())
    );
    let mailbox = service.mailbox(&admin, "1002").await.unwrap();
    assert_eq!(mailbox.greetings, [Greeting::Busy]);
    assert!(matches!(
        service
            .set_greeting(&user("1001"), "1002", Greeting::Busy, wav())
            .await,
        Err(ServiceError::NotFound(_))
    ));
    service
        .delete_greeting(&user("1002"), "1002", Greeting::Busy)
        .await
        .unwrap();
    assert_eq!(
        service
            .greeting(&admin, "1002", Greeting::Busy)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn voicemail_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("switchboard-voicemail-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let service = Service::new(support::open(&Store::sqlite_url(&dir)).await).with_files(&dir);
    scenarios(service, &dir).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn voicemail_on_postgres() {
    let pg = support::TempPostgres::start();
    let dir = std::env::temp_dir().join(format!("switchboard-voicemail-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let service = Service::new(support::open(&pg.url).await).with_files(&dir);
    scenarios(service, &dir).await;
    std::fs::remove_dir_all(&dir).unwrap();
}
