//! The store on SQLite and on PostgreSQL: the same scenarios on both.

mod support;

use std::time::Duration;
use switchboard_store::{
    AuditEntry, Backend, BanRecord, CdrQuery, CdrRecord, ExtensionQuery, ExtensionRecord,
    ListEntryRecord, LiveCallRecord, MessageCounts, MessageRecord, RegistrationRecord, Store,
    StoreError,
};

fn extension(number: &str) -> ExtensionRecord {
    ExtensionRecord {
        id: format!("id-{number}"),
        number: number.into(),
        display_name: format!("Person {number}"),
        auth_name: number.into(),
        secret: "Str0ng-Secret-Value".into(),
        email: Some(format!("p{number}@example.com")),
        voicemail_pin: Some("481516".into()),
        enabled: true,
        outbound_caller_id: None,
        call_limit: 2,
        recording: "never".to_owned(),
        dnd: false,
        forward_always: None,
        forward_busy: Some("voicemail".to_owned()),
        forward_no_answer: Some("extension:1002".to_owned()),
        forward_unregistered: None,
        ring_time: Some(25),
        voicemail_email: "off".to_owned(),
        international_calls: true,
        outbound_calls_per_hour: Some(20),
        created_at: 1_000,
        updated_at: 1_000,
    }
}

/// Opens `url`, retrying while a just-started server is not ready yet.
async fn open(url: &str) -> Store {
    for _ in 0..100 {
        match Store::open(url).await {
            Ok(s) => return s,
            Err(StoreError::Database(_)) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => panic!("{e}"),
        }
    }
    panic!("the database at {url} never became ready")
}

async fn scenarios(url: &str, backend: Backend) {
    let store = open(url).await;
    assert_eq!(store.backend(), backend);
    let again = Store::open(url)
        .await
        .expect("migrations apply once and reopen cleanly");
    drop(again);

    for n in ["1003", "1001", "1002"] {
        store.insert_extension(&extension(n)).await.unwrap();
    }
    let mut dup = extension("1001");
    dup.id = "other".into();
    dup.auth_name = "other".into();
    assert!(matches!(
        store.insert_extension(&dup).await,
        Err(StoreError::Conflict("number"))
    ));
    let mut dup = extension("1004");
    dup.auth_name = "1001".into();
    assert!(matches!(
        store.insert_extension(&dup).await,
        Err(StoreError::Conflict("auth_name"))
    ));

    let got = store.extension("1002").await.unwrap().unwrap();
    assert_eq!(got, extension("1002"));
    assert_eq!(store.extension("9999").await.unwrap(), None);

    let page = ExtensionQuery {
        limit: 2,
        offset: 0,
        ..Default::default()
    };
    let (first, total) = store.extensions(&page).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(
        first.iter().map(|e| e.number.as_str()).collect::<Vec<_>>(),
        ["1001", "1002"]
    );
    let next = ExtensionQuery {
        limit: 2,
        offset: 2,
        ..Default::default()
    };
    assert_eq!(store.extensions(&next).await.unwrap().0[0].number, "1003");
    let search = ExtensionQuery {
        search: Some("PERSON 1003".into()),
        limit: 10,
        ..Default::default()
    };
    let (found, total) = store.extensions(&search).await.unwrap();
    assert_eq!((found.len(), total), (1, 1));

    let mut changed = got.clone();
    changed.display_name = "Reception".into();
    changed.enabled = false;
    changed.updated_at = 2_000;
    assert!(store.update_extension(&changed).await.unwrap());
    assert_eq!(store.extension("1002").await.unwrap().unwrap(), changed);
    let disabled = ExtensionQuery {
        enabled: Some(false),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.extensions(&disabled).await.unwrap().1, 1);
    changed.number = "1001".into();
    assert!(matches!(
        store.update_extension(&changed).await,
        Err(StoreError::Conflict("number"))
    ));

    assert!(store.delete_extension("1002").await.unwrap());
    assert!(!store.delete_extension("1002").await.unwrap());

    for (i, action) in ["extension.create", "extension.delete"].iter().enumerate() {
        let entry = AuditEntry {
            id: format!("a{i}"),
            at: 5_000 + i as i64,
            actor: "admin".into(),
            source: "127.0.0.1".into(),
            action: action.to_string(),
            object: "extension 1002".into(),
            detail: String::new(),
        };
        store.append_audit(&entry).await.unwrap();
    }
    let log = store.audit(10).await.unwrap();
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["extension.delete", "extension.create"]
    );

    change_feed(&store, url).await;
    registrations(&store).await;
    security(&store).await;
    calls(&store).await;
    voicemail(&store).await;
    trunks(&store).await;
}

/// A trunk's state is replaced as it changes and forgotten with the
/// trunk; an hour's record keeps its highest peak and adds up refusals.
async fn trunks(store: &Store) {
    use switchboard_store::{CapacityHour, TrunkStatusRecord};
    let status = |registration: &str, reachable| TrunkStatusRecord {
        name: "provider".into(),
        registration: registration.into(),
        reachable,
        detail: None,
        changed_at: 5,
    };
    store
        .set_trunk_status(&status("registering", None))
        .await
        .unwrap();
    store
        .set_trunk_status(&status("registered", Some(true)))
        .await
        .unwrap();
    assert_eq!(
        store.trunk_status("provider").await.unwrap(),
        Some(status("registered", Some(true)))
    );
    store.prune_trunk_status(&["other".into()]).await.unwrap();
    assert_eq!(store.trunk_status("provider").await.unwrap(), None);

    let hour = |hour, peak, refused_inbound, refused_outbound| CapacityHour {
        hour,
        peak,
        refused_inbound,
        refused_outbound,
    };
    store
        .record_capacity_hour(&hour(3600, 4, 1, 0))
        .await
        .unwrap();
    store
        .record_capacity_hour(&hour(3600, 2, 0, 2))
        .await
        .unwrap();
    store
        .record_capacity_hour(&hour(7200, 1, 0, 0))
        .await
        .unwrap();
    assert_eq!(
        store.capacity_hours(3600).await.unwrap(),
        [hour(3600, 4, 1, 2), hour(7200, 1, 0, 0)]
    );
    assert_eq!(store.capacity_hours(7000).await.unwrap().len(), 1);
}

/// Messages are kept, listed oldest first, counted heard and unheard per
/// mailbox, changed and forgotten; wrong PINs are counted and cleared.
async fn voicemail(store: &Store) {
    let message = |id: &str, mailbox: &str, at: i64| MessageRecord {
        id: id.into(),
        mailbox: mailbox.into(),
        caller: "1001".into(),
        caller_name: Some("Ada".into()),
        received_at: at,
        duration_ms: 4_200,
        folder: "inbox".into(),
        heard: false,
        file: format!("voicemail/{mailbox}/{id}.wav"),
    };
    store
        .insert_message(&message("m2", "1003", 20))
        .await
        .unwrap();
    store
        .insert_message(&message("m1", "1003", 10))
        .await
        .unwrap();
    store
        .insert_message(&message("m3", "1004", 30))
        .await
        .unwrap();
    let listed = store.messages("1003").await.unwrap();
    assert_eq!(
        listed,
        [message("m1", "1003", 10), message("m2", "1003", 20)]
    );
    assert!(store.update_message("m1", true, "saved").await.unwrap());
    assert!(!store.update_message("none", true, "saved").await.unwrap());
    let m1 = store.message("m1").await.unwrap().unwrap();
    assert_eq!((m1.heard, m1.folder.as_str()), (true, "saved"));
    assert_eq!(
        store.message_counts(None).await.unwrap(),
        [
            ("1003".to_owned(), MessageCounts { new: 1, old: 1 }),
            ("1004".to_owned(), MessageCounts { new: 1, old: 0 }),
        ]
    );
    assert_eq!(
        store.message_counts(Some("1004")).await.unwrap(),
        [("1004".to_owned(), MessageCounts { new: 1, old: 0 })]
    );
    assert!(store.delete_message("m3").await.unwrap());
    assert!(!store.delete_message("m3").await.unwrap());
    assert_eq!(store.message("m3").await.unwrap(), None);

    assert_eq!(store.pin_failures("1003").await.unwrap(), (0, 0));
    store.set_pin_failures("1003", 2, 0).await.unwrap();
    store.set_pin_failures("1003", 3, 900).await.unwrap();
    assert_eq!(store.pin_failures("1003").await.unwrap(), (3, 900));
    store.set_pin_failures("1003", 0, 0).await.unwrap();
    assert_eq!(store.pin_failures("1003").await.unwrap(), (0, 0));
}

/// Calls in progress come and go; the records of ended calls stay, are
/// found by time, extension and disposition, and a batch written twice
/// keeps one of each.
async fn calls(store: &Store) {
    let live = |id: &str, state: &str| LiveCallRecord {
        id: id.into(),
        caller: "1001".into(),
        callee: "1002".into(),
        started_at: 1_000,
        answered_at: (state == "answered").then_some(1_005),
        state: state.into(),
        codec: None,
    };
    // More than one statement's worth, so batches are split.
    let many: Vec<LiveCallRecord> = (0..450)
        .map(|i| live(&format!("c{i}"), "ringing"))
        .collect();
    store.record_calls(&many, &[]).await.unwrap();
    store
        .record_calls(&[live("c7", "answered")], &[])
        .await
        .unwrap();
    assert_eq!(store.live_calls(None).await.unwrap().len(), 450);
    assert_eq!(
        store.live_calls(Some("c7")).await.unwrap(),
        [live("c7", "answered")]
    );
    let cdr = |i: i64, caller: &str, disposition: &str| CdrRecord {
        id: format!("c{i}"),
        caller: caller.into(),
        callee: "1002".into(),
        started_at: 10_000 + i,
        answered_at: (disposition == "answered").then_some(10_001 + i),
        ended_at: 10_030 + i,
        duration: 30,
        billable: 29,
        disposition: disposition.into(),
        hangup_cause: "BYE".into(),
        hangup_side: "caller".into(),
        codec: Some("PCMU".into()),
        legs: "a@x b@y".into(),
    };
    let ended: Vec<CdrRecord> = (0..420)
        .map(|i| {
            cdr(
                i,
                if i % 2 == 0 { "1001" } else { "1003" },
                if i % 3 == 0 { "busy" } else { "answered" },
            )
        })
        .collect();
    store.record_calls(&[], &ended).await.unwrap();
    store.record_calls(&[], &ended[..5]).await.unwrap();
    assert_eq!(store.live_calls(None).await.unwrap().len(), 30);
    let all = CdrQuery {
        limit: 10_000,
        ..CdrQuery::default()
    };
    let found = store.cdrs(&all).await.unwrap();
    assert_eq!(found.len(), 420, "each record once");
    assert_eq!(found[0], ended[419], "newest first");
    let some = store
        .cdrs(&CdrQuery {
            from: Some(10_100),
            to: Some(10_200),
            extension: Some("1003".into()),
            disposition: Some("busy".into()),
            limit: 10_000,
        })
        .await
        .unwrap();
    let ids: Vec<i64> = some.iter().map(|c| c.started_at - 10_000).collect();
    let expected: Vec<i64> = (100..200)
        .rev()
        .filter(|i| i % 2 == 1 && i % 3 == 0)
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(
        store
            .cdrs(&CdrQuery {
                limit: 3,
                ..all.clone()
            })
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(store.clear_live_calls().await.unwrap(), 30);
    assert!(store.live_calls(None).await.unwrap().is_empty());
}

/// Bans end by themselves; a network is on one list at a time.
async fn security(store: &Store) {
    let ban = |address: &str, until: i64| BanRecord {
        address: address.into(),
        until,
        reason: "5 failed authentications".into(),
        created_at: 10,
    };
    store.put_ban(&ban("198.51.100.7", 100)).await.unwrap();
    store.put_ban(&ban("2001:db8::7", 50)).await.unwrap();
    store.put_ban(&ban("198.51.100.7", 200)).await.unwrap();
    assert_eq!(store.bans(60).await.unwrap(), [ban("198.51.100.7", 200)]);
    assert!(
        !store.delete_ban("2001:db8::7", 60).await.unwrap(),
        "already over"
    );
    assert!(store.delete_ban("198.51.100.7", 60).await.unwrap());
    assert!(store
        .bans(0)
        .await
        .unwrap()
        .iter()
        .all(|b| b.address != "198.51.100.7"));

    let entry = |network: &str, list: &str| ListEntryRecord {
        network: network.into(),
        list: list.into(),
        note: String::new(),
        created_at: 1,
    };
    store
        .put_list_entry(&entry("10.0.0.0/8", "block"))
        .await
        .unwrap();
    store
        .put_list_entry(&entry("192.0.2.0/24", "block"))
        .await
        .unwrap();
    store
        .put_list_entry(&entry("10.0.0.0/8", "allow"))
        .await
        .unwrap();
    assert_eq!(
        store.list_entries().await.unwrap(),
        [entry("10.0.0.0/8", "allow"), entry("192.0.2.0/24", "block")]
    );
    assert!(store.delete_list_entry("192.0.2.0/24").await.unwrap());
    assert!(!store.delete_list_entry("192.0.2.0/24").await.unwrap());
}

/// Each extension's contacts are replaced whole; expired ones are not
/// listed.
async fn registrations(store: &Store) {
    let record = |extension: &str, contact: &str, expires_at: i64| RegistrationRecord {
        extension: extension.into(),
        contact: contact.into(),
        instance: Some("<urn:uuid:1>".into()),
        reg_id: Some(1),
        q: None,
        source: "192.0.2.1:5060".into(),
        transport: "udp".into(),
        user_agent: Some("Phone".into()),
        expires_at,
        registered_at: 100,
        local: "pbx.example.com".into(),
        reachable: extension != "1002",
        rtt_ms: Some(12),
    };
    store
        .replace_registrations(&[
            (
                "1001".into(),
                vec![
                    record("1001", "sip:a@x", 500),
                    record("1001", "sip:b@x", 150),
                ],
            ),
            ("1002".into(), vec![record("1002", "sip:c@x", 500)]),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.registrations(None, 200).await.unwrap().len(),
        2,
        "one expired"
    );
    let mine = store.registrations(Some("1001"), 0).await.unwrap();
    assert_eq!(
        mine,
        [
            record("1001", "sip:a@x", 500),
            record("1001", "sip:b@x", 150)
        ]
    );
    store
        .replace_registrations(&[
            ("1001".into(), vec![]),
            ("1002".into(), vec![record("1002", "sip:d@x", 900)]),
        ])
        .await
        .unwrap();
    let all = store.registrations(None, 0).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.contact.as_str()).collect::<Vec<_>>(),
        ["sip:d@x"]
    );
    // A batch bigger than one statement.
    let batch: Vec<(String, Vec<RegistrationRecord>)> = (0..250)
        .map(|i| {
            let ext = format!("2{i:03}");
            let phones = vec![record(&ext, "sip:a@x", 500), record(&ext, "sip:b@x", 500)];
            (ext, phones)
        })
        .collect();
    store.replace_registrations(&batch).await.unwrap();
    store.replace_registrations(&batch).await.unwrap();
    assert_eq!(store.registrations(None, 0).await.unwrap().len(), 501);
}

/// Two writers (a server and the CLI, say) append at once: every change
/// gets its own number, and a reader sees them all, in order.
async fn change_feed(store: &Store, url: &str) {
    assert_eq!(store.latest_change().await.unwrap(), 0);
    let other = open(url).await;
    let writes = (0..40).map(|i| {
        let writer = if i % 2 == 0 {
            store.clone()
        } else {
            other.clone()
        };
        tokio::spawn(async move { writer.append_changes(i, &[format!("{{\"n\":{i}}}")]).await })
    });
    for w in writes {
        w.await.unwrap().unwrap();
    }
    assert_eq!(store.latest_change().await.unwrap(), 40);
    let seqs: Vec<i64> = store
        .changes_after(0, 100)
        .await
        .unwrap()
        .iter()
        .map(|c| c.seq)
        .collect();
    assert_eq!(
        seqs,
        (1..=40).collect::<Vec<i64>>(),
        "one number each, none lost"
    );

    let page = store.changes_after(35, 3).await.unwrap();
    assert_eq!(page.iter().map(|c| c.seq).collect::<Vec<_>>(), [36, 37, 38]);
    let mut events: Vec<String> = store
        .changes_after(0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.event)
        .collect();
    events.sort();
    events.dedup();
    assert_eq!(events.len(), 40, "each change stored once");

    assert_eq!(
        store.prune_changes(1_000).await.unwrap(),
        39,
        "all but the newest"
    );
    store.append_changes(50, &["{}".into()]).await.unwrap();
    assert_eq!(
        store.latest_change().await.unwrap(),
        41,
        "numbering goes on"
    );
    store
        .append_changes(60, &["{\"a\":1}".into(), "{\"b\":2}".into()])
        .await
        .unwrap();
    let last: Vec<(i64, String)> = store
        .changes_after(41, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.seq, c.event))
        .collect();
    assert_eq!(last, [(42, "{\"a\":1}".into()), (43, "{\"b\":2}".into())]);
}

/// An empty directory of this test process's own, for a database file.
fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn sqlite_store() {
    let dir = fresh_dir("store");
    scenarios(&Store::sqlite_url(&dir), Backend::Sqlite).await;
    assert!(
        dir.join("switchboard.db-wal").exists(),
        "the database runs in WAL mode"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn postgres_store() {
    let pg = support::TempPostgres::start();
    scenarios(&pg.url, Backend::Postgres).await;
    assert_eq!(
        open(&pg.url).await.commit_stamp(),
        None,
        "PostgreSQL has no log file to look at"
    );
}

/// A reader that waits for changes from other processes looks at the
/// SQLite log's stamp instead of asking the database: it must move with
/// every commit, whoever made it, and stay put while nobody writes.
#[tokio::test]
async fn the_commit_stamp_moves_with_every_commit() {
    let dir = fresh_dir("stamp");
    let url = Store::sqlite_url(&dir);
    let (reader, writer) = (open(&url).await, open(&url).await);
    let mut seen = reader.commit_stamp().expect("a stamp for a database file");
    for i in 0..20 {
        assert_eq!(reader.commit_stamp(), Some(seen), "nothing was written");
        writer.append_changes(i, &["{}".into()]).await.unwrap();
        let now = reader.commit_stamp().unwrap();
        assert_ne!(now, seen, "commit {i} by another connection");
        seen = now;
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn other_urls_are_refused_by_name() {
    let err = Store::open("mysql://x").await.unwrap_err();
    assert!(err.to_string().contains("mysql://x"), "{err}");
}
