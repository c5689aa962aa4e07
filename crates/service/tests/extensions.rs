//! The extension service on SQLite and on PostgreSQL: defaults, validation
//! that names the field, conflicts, roles, events, the audit trail, and
//! declarations (plan, apply, export, prune), and the first administrator.

#[path = "../../store/tests/support/mod.rs"]
mod support;

use switchboard_service::{
    Actor, Declaration, Event, ExtensionInput, ExtensionPatch, Format, Forward, ListExtensions,
    Role, Service, ServiceError, Step,
};
use switchboard_store::Store;

fn admin() -> Actor {
    Actor {
        name: "admin".into(),
        role: Role::Admin,
        source: "192.0.2.10".into(),
    }
}

fn user(number: &str) -> Actor {
    Actor {
        name: format!("user{number}"),
        role: Role::User {
            extension: number.into(),
        },
        source: "192.0.2.11".into(),
    }
}

fn input(number: &str) -> ExtensionInput {
    ExtensionInput {
        number: number.into(),
        display_name: format!("Person {number}"),
        ..Default::default()
    }
}

fn field(r: Result<impl std::fmt::Debug, ServiceError>) -> &'static str {
    r.expect_err("refused").field().expect("names a field")
}

async fn scenarios(service: Service) {
    service.follow_changes().await.unwrap();
    let mut events = service.subscribe();

    let e = service
        .create_extension(&admin(), input("1001"))
        .await
        .unwrap();
    assert_eq!(e.auth_name, "1001");
    assert_eq!(e.secret.len(), 24, "a strong secret is generated");
    assert!(e.voicemail_pin.as_ref().is_some_and(|p| p.len() == 6));
    assert!(e.enabled);
    assert_eq!(e.call_limit, 2);
    assert_eq!(
        events.recv().await.unwrap(),
        Event::ExtensionCreated {
            number: "1001".into()
        }
    );

    assert_eq!(
        field(service.create_extension(&admin(), input("1001")).await),
        "number"
    );
    assert_eq!(
        field(service.create_extension(&admin(), input("10a1")).await),
        "number"
    );
    let weak = ExtensionInput {
        secret: Some("password".into()),
        ..input("1002")
    };
    assert_eq!(
        field(service.create_extension(&admin(), weak).await),
        "secret"
    );
    let email = ExtensionInput {
        email: Some("not-an-address".into()),
        ..input("1002")
    };
    assert_eq!(
        field(service.create_extension(&admin(), email).await),
        "email"
    );
    let limit = ExtensionInput {
        call_limit: Some(0),
        ..input("1002")
    };
    assert_eq!(
        field(service.create_extension(&admin(), limit).await),
        "call_limit"
    );
    let pin = ExtensionInput {
        voicemail_pin: Some("1234".into()),
        ..input("1002")
    };
    assert_eq!(
        field(service.create_extension(&admin(), pin).await),
        "voicemail_pin"
    );
    let taken = ExtensionInput {
        auth_name: Some("1001".into()),
        ..input("1002")
    };
    assert_eq!(
        field(service.create_extension(&admin(), taken).await),
        "auth_name"
    );

    service
        .create_extension(&admin(), input("1002"))
        .await
        .unwrap();
    let _ = events.recv().await.unwrap();

    let patch = ExtensionPatch {
        display_name: Some("Reception".into()),
        email: Some(Some("desk@example.com".into())),
        ..Default::default()
    };
    let changed = service
        .update_extension(&admin(), "1001", patch)
        .await
        .unwrap();
    assert_eq!(changed.display_name, "Reception");
    assert_eq!(
        events.recv().await.unwrap(),
        Event::ExtensionUpdated {
            number: "1001".into(),
            previous_number: None,
        }
    );
    let clear = ExtensionPatch {
        email: Some(None),
        ..Default::default()
    };
    assert_eq!(
        service
            .update_extension(&admin(), "1001", clear)
            .await
            .unwrap()
            .email,
        None
    );
    let _ = events.recv().await.unwrap();

    let regenerated = service.regenerate_secret(&admin(), "1001").await.unwrap();
    assert_ne!(regenerated.secret, changed.secret);
    let _ = events.recv().await.unwrap();

    // A user sees and changes only their own extension, and only some fields.
    let own = service.extension(&user("1002"), "1002").await.unwrap();
    assert_eq!(own.number, "1002");
    assert!(matches!(
        service.extension(&user("1002"), "1001").await,
        Err(ServiceError::NotFound(_))
    ));
    let listed = service
        .list_extensions(&user("1002"), ListExtensions::default())
        .await
        .unwrap();
    assert_eq!(
        listed
            .items
            .iter()
            .map(|e| e.number.as_str())
            .collect::<Vec<_>>(),
        ["1002"]
    );
    let mine = ExtensionPatch {
        display_name: Some("Me".into()),
        ..Default::default()
    };
    service
        .update_extension(&user("1002"), "1002", mine)
        .await
        .unwrap();
    let _ = events.recv().await.unwrap();
    let not_mine = ExtensionPatch {
        call_limit: Some(5),
        ..Default::default()
    };
    assert!(matches!(
        service
            .update_extension(&user("1002"), "1002", not_mine)
            .await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        service.create_extension(&user("1002"), input("1003")).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        service.delete_extension(&user("1002"), "1002").await,
        Err(ServiceError::Forbidden)
    ));

    let all = service
        .list_extensions(
            &admin(),
            ListExtensions {
                search: Some("recep".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((all.total, all.items[0].number.as_str()), (1, "1001"));
    let bad_page = ListExtensions {
        limit: Some(0),
        ..Default::default()
    };
    assert_eq!(
        field(service.list_extensions(&admin(), bad_page).await),
        "limit"
    );

    service.delete_extension(&admin(), "1002").await.unwrap();
    assert_eq!(
        events.recv().await.unwrap(),
        Event::ExtensionDeleted {
            number: "1002".into()
        }
    );
    assert!(matches!(
        service.delete_extension(&admin(), "1002").await,
        Err(ServiceError::NotFound(_))
    ));

    let log = service.audit_log(&admin(), 50).await.unwrap();
    let actions: Vec<_> = log
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(actions[0], ("extension.delete", "admin"));
    assert!(actions.contains(&("extension.update", "user1002")));
    assert_eq!(
        log.iter()
            .filter(|e| e.action == "extension.create")
            .count(),
        2
    );
    assert!(
        log.iter().all(|e| !e.detail.contains(&regenerated.secret)),
        "secrets never reach the audit log"
    );
    assert!(matches!(
        service.audit_log(&user("1002"), 10).await,
        Err(ServiceError::Forbidden)
    ));
}

/// Declarations: export → apply is a no-op, applying twice changes nothing
/// the second time, a dry run is only a plan, prune removes the unlisted.
async fn apply_scenarios(service: Service) {
    let admin = admin();
    let exported = service.export(&admin).await.unwrap();
    assert!(!exported.extensions.is_empty());
    for format in [Format::Toml, Format::Yaml] {
        let text = exported.render(format);
        let back = Declaration::parse(&text, format).unwrap();
        assert_eq!(back, exported, "{format:?} round trip:\n{text}");
        assert!(
            service.plan(&admin, &back, false).await.unwrap().is_empty(),
            "export → apply is a no-op:\n{text}"
        );
    }
    let back = exported.clone();

    let mut wanted = back.clone();
    wanted.extensions.push(input("3001"));
    wanted.extensions[0].display_name = "Renamed".into();
    let plan = service.plan(&admin, &wanted, false).await.unwrap();
    assert_eq!(plan.steps.len(), 2, "{plan}");
    assert!(
        matches!(&plan.steps[0], Step::Update(_, _, changes) if changes.len() == 1 && changes[0].field == "display_name" && changes[0].to == "\"Renamed\"")
    );
    let shown = plan.to_string();
    assert!(
        shown.contains("display_name: \"Reception\" → \"Renamed\""),
        "{shown}"
    );
    let mut rekeyed = back.clone();
    rekeyed.extensions[0].secret = Some("an0ther-Long-secret-value".into());
    let shown = service
        .plan(&admin, &rekeyed, false)
        .await
        .unwrap()
        .to_string();
    assert!(
        shown.contains("secret: (hidden) → (hidden)") && !shown.contains("an0ther"),
        "{shown}"
    );
    assert!(matches!(&plan.steps[1], Step::Create(e) if e.number == "3001"));
    assert_eq!(
        service.plan(&admin, &wanted, false).await.unwrap(),
        plan,
        "planning changes nothing"
    );
    service.apply(&admin, plan).await.unwrap();
    assert!(
        service
            .plan(&admin, &wanted, false)
            .await
            .unwrap()
            .is_empty(),
        "applying twice is a no-op"
    );

    // Forwarding and do-not-disturb, as a file writes them.
    let mut forwarded = wanted.clone();
    let entry = forwarded
        .extensions
        .iter_mut()
        .find(|e| e.number == "3001")
        .unwrap();
    entry.forward_busy = Some(Forward::Extension("3002".into()));
    entry.dnd = Some(true);
    let text = forwarded.render(Format::Toml);
    assert!(text.contains("forward_busy = \"extension:3002\""), "{text}");
    let forwarded = Declaration::parse(&text, Format::Toml).unwrap();
    let plan = service.plan(&admin, &forwarded, false).await.unwrap();
    let shown = plan.to_string();
    assert!(
        shown.contains("forward_busy: \"voicemail\" → \"extension:3002\""),
        "{shown}"
    );
    service.apply(&admin, plan).await.unwrap();
    let e = service.extension(&admin, "3001").await.unwrap();
    assert_eq!(
        (e.forward_busy, e.dnd),
        (Forward::Extension("3002".into()), true)
    );
    let bad = text.replace("extension:3002", "phone:3002");
    let err = Declaration::parse(&bad, Format::Toml)
        .unwrap_err()
        .to_string();
    assert!(err.contains("must be none, voicemail"), "{err}");

    let only = Declaration {
        extensions: vec![input("3001")],
        ..Default::default()
    };
    let prune = service.plan(&admin, &only, true).await.unwrap();
    let deleted = prune
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Delete(_)))
        .count();
    assert_eq!(deleted, wanted.extensions.len() - 1, "{prune}");
    service.apply(&admin, prune).await.unwrap();
    let left = service
        .list_extensions(&admin, ListExtensions::default())
        .await
        .unwrap();
    assert_eq!(
        left.items
            .iter()
            .map(|e| e.number.as_str())
            .collect::<Vec<_>>(),
        ["3001"]
    );

    let twice = Declaration {
        extensions: vec![input("3002"), input("3002")],
        ..Default::default()
    };
    assert_eq!(field(service.plan(&admin, &twice, false).await), "number");
    let bad = Declaration {
        extensions: vec![ExtensionInput {
            secret: Some("weak".into()),
            ..input("3003")
        }],
        ..Default::default()
    };
    let plan = service.plan(&admin, &bad, false).await.unwrap();
    let err = service.apply(&admin, plan).await.unwrap_err();
    assert_eq!(err.field(), Some("secret"));
    assert!(err.to_string().contains("extension 3003"), "{err}");
    assert!(matches!(
        service.plan(&user("3001"), &only, false).await,
        Err(ServiceError::Forbidden)
    ));
}

/// The first administrator: created once with a password shown once, which
/// then logs in; a reset replaces it; wrong passwords and unknown logins
/// fail alike; nothing secret reaches the audit log.
async fn account_scenarios(service: Service, url: &str) {
    let first = service
        .ensure_first_admin()
        .await
        .unwrap()
        .expect("created on first start");
    assert_eq!(first.len(), 20);
    assert_eq!(
        service.ensure_first_admin().await.unwrap(),
        None,
        "only once"
    );
    let admin = service
        .verify_password("admin", &first, "192.0.2.1")
        .await
        .unwrap();
    assert_eq!(
        (admin.role.clone(), admin.source.as_str()),
        (Role::Admin, "192.0.2.1")
    );
    let wrong = service
        .verify_password("admin", "guess", "x")
        .await
        .unwrap_err()
        .to_string();
    let unknown = service
        .verify_password("nobody", &first, "x")
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(wrong, unknown, "no account enumeration");

    let second = service.reset_password(&admin, "admin").await.unwrap();
    assert_ne!(first, second);
    assert!(service.verify_password("admin", &first, "x").await.is_err());
    assert!(service.verify_password("admin", &second, "x").await.is_ok());
    assert!(matches!(
        service.reset_password(&admin, "nobody").await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        service.reset_password(&user("1001"), "admin").await,
        Err(ServiceError::Forbidden)
    ));

    let log = service.audit_log(&admin, 100).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "user.create" && e.source == "first start"));
    assert!(log
        .iter()
        .any(|e| e.action == "user.password_reset" && e.actor == "admin"));
    assert!(log
        .iter()
        .all(|e| !e.detail.contains(&second) && !e.detail.contains(&first)));

    // Five failures lock the account and the address; the lockout is in
    // the store, so a restarted service (or another node) keeps it.
    for _ in 0..5 {
        assert!(matches!(
            service.login("admin", "guess", "203.0.113.9").await,
            Err(ServiceError::Invalid { .. })
        ));
    }
    assert!(matches!(
        service.login("admin", &second, "203.0.113.9").await,
        Err(ServiceError::Locked)
    ));
    let restarted = Service::new(support::open(url).await);
    assert!(
        matches!(
            restarted.login("admin", &second, "198.51.100.1").await,
            Err(ServiceError::Locked)
        ),
        "the account stays locked"
    );
    assert!(
        matches!(
            restarted.login("nobody", "x", "203.0.113.9").await,
            Err(ServiceError::Locked)
        ),
        "the address stays locked"
    );
    let log = restarted.audit_log(&admin, 200).await.unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "login.locked" && e.source == "203.0.113.9"));
}

/// A change made by another process on the same database (the CLI, or
/// another node) reaches this service's listeners through the change feed.
async fn changes_made_elsewhere_are_heard(service: Service, url: &str) {
    let mut events = service.subscribe();
    let elsewhere = Service::new(support::open(url).await);
    elsewhere
        .create_extension(&admin(), input("3901"))
        .await
        .unwrap();
    let wanted = Event::ExtensionCreated {
        number: "3901".into(),
    };
    let heard = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            if events.recv().await.unwrap() == wanted {
                return;
            }
        }
    })
    .await;
    assert!(
        heard.is_ok(),
        "the change made elsewhere was never announced"
    );
}

#[tokio::test]
async fn extensions_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("switchboard-service-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let service = Service::new(support::open(&Store::sqlite_url(&dir)).await);
    scenarios(service.clone()).await;
    apply_scenarios(service.clone()).await;
    account_scenarios(service.clone(), &Store::sqlite_url(&dir)).await;
    changes_made_elsewhere_are_heard(service, &Store::sqlite_url(&dir)).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn extensions_on_postgres() {
    let pg = support::TempPostgres::start();
    let service = Service::new(support::open(&pg.url).await);
    scenarios(service.clone()).await;
    apply_scenarios(service.clone()).await;
    account_scenarios(service.clone(), &pg.url).await;
    changes_made_elsewhere_are_heard(service, &pg.url).await;
}

#[test]
fn unknown_and_mistyped_fields_are_named() {
    let err = toml::from_str::<ExtensionInput>(
        "number = \"1001\"\ndisplay_name = \"A\"\ncolour = \"red\"",
    )
    .unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
    let err = toml::from_str::<ExtensionInput>(
        "number = \"1001\"\ndisplay_name = \"A\"\ncall_limit = \"two\"",
    )
    .unwrap_err();
    assert!(err.to_string().contains("call_limit"), "{err}");

    let err = Declaration::parse(
        "extension:\n  - number: \"1001\"\n    display_name: A\n    colour: red\n",
        Format::Yaml,
    )
    .unwrap_err();
    assert!(err.contains("colour") && err.contains("line 4"), "{err}");
    let err = Declaration::parse(
        "extension:\n  - number: \"1001\"\n    display_name: A\n    call_limit: two\n",
        Format::Yaml,
    )
    .unwrap_err();
    assert!(err.contains("call_limit"), "{err}");
}
