//! The phone network through the service layer, on SQLite and on
//! PostgreSQL: trunks, DIDs and outbound rules created, changed and
//! deleted, each field checked by name; only administrators see them (a
//! trunk holds the provider's password); a DID's numbers claimed once; a
//! trunk an outbound rule names cannot go; what the server saw of a trunk
//! shown with it; the capacity record summed by day with a sizing hint;
//! and a declaration file of all three applied twice.

mod shared;
#[path = "../../store/tests/support/mod.rs"]
mod support;

use serde_json::json;
use shared::{object, patch, refused};
use switchboard_service::trunks::CapacityPlan;
use switchboard_service::{
    Actor, Declaration, Did, ExtensionInput, ExtensionPatch, Format, OutboundRule, Role, Service,
    ServiceError, Trunk,
};
use switchboard_store::{CapacityHour, Store};

fn actor(role: Role) -> Actor {
    Actor {
        name: "someone".into(),
        role,
        source: "192.0.2.10".into(),
    }
}

async fn scenarios(service: Service) {
    let a = actor(Role::Admin);
    let manager = actor(Role::Manager);
    let input = ExtensionInput {
        number: "1001".into(),
        display_name: "Person 1001".into(),
        ..Default::default()
    };
    let e = service.create_extension(&a, input).await.unwrap();
    assert!(
        !e.international_calls,
        "calls abroad are refused by default"
    );
    assert_eq!(e.outbound_calls_per_hour, None);
    let changed = ExtensionPatch {
        international_calls: Some(true),
        outbound_calls_per_hour: Some(Some(30)),
        ..Default::default()
    };
    let e = service.update_extension(&a, "1001", changed).await.unwrap();
    assert_eq!(
        (e.international_calls, e.outbound_calls_per_hour),
        (true, Some(30))
    );
    let too_many = ExtensionPatch {
        outbound_calls_per_hour: Some(Some(0)),
        ..Default::default()
    };
    refused(
        service.update_extension(&a, "1001", too_many).await,
        "outbound_calls_per_hour",
        "1 to 10000",
    );

    // A registering trunk, its fields checked by name.
    let provider = json!({"name": "provider", "host": "127.0.0.1:5080",
        "username": "pbx", "password": "s3cret-Pass", "register": true,
        "channels": 4, "codecs": ["PCMA", "PCMU"], "main_number": "+4930123000",
        "send_pai": true});
    let t: Trunk = service
        .create_flow(&a, object(provider.clone()))
        .await
        .unwrap();
    assert_eq!(
        (t.register_expires, t.qualify, t.enabled),
        (300, true, true)
    );
    assert_eq!(t.status, None, "nothing seen yet");
    for (field, value, says) in [
        ("host", json!("not a host!"), "host name or an IP"),
        ("host", json!("pbx.example:0"), "host name or an IP"),
        ("register_expires", json!(10), "60 to 3600"),
        (
            "allowed_addresses",
            json!(["provider.example"]),
            "not an IP address",
        ),
        ("channels", json!(0), "1 to 10000"),
        ("codecs", json!(["GSM"]), "not a codec"),
        ("codecs", json!(["PCMA", "pcma"]), "twice"),
        ("main_number", json!("12"), "3 to 15 digits"),
        ("username", json!("a b"), "letters"),
        ("unknown_did", json!("ivr:nowhere"), "does not exist"),
    ] {
        refused(
            service
                .update_flow::<Trunk>(&a, "provider", patch(json!({ field: value })))
                .await,
            field,
            says,
        );
    }
    refused(
        service
            .update_flow::<Trunk>(&a, "provider", patch(json!({"password": null})))
            .await,
        "register",
        "needs a username and a password",
    );
    let backup: Trunk = service
        .create_flow(
            &a,
            object(json!({"name": "backup", "host": "127.0.0.1:5090",
                "allowed_addresses": ["127.0.0.1:5090", "192.0.2.0/24"]})),
        )
        .await
        .unwrap();
    assert!(!backup.register);

    // Only administrators see or change trunks.
    assert!(matches!(
        service.flows::<Trunk>(&manager).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        service
            .update_flow::<Trunk>(&manager, "backup", patch(json!({"channels": 2})))
            .await,
        Err(ServiceError::Forbidden)
    ));

    // What the server saw, shown with the trunk.
    service
        .set_trunk_status(
            "provider",
            "failed",
            Some(false),
            Some("403 Forbidden".into()),
        )
        .await
        .unwrap();
    let t: Trunk = service.flow(&a, "provider").await.unwrap();
    let status = t.status.unwrap();
    assert_eq!(
        (
            status.registration.as_str(),
            status.reachable,
            status.detail.as_deref()
        ),
        ("failed", Some(false), Some("403 Forbidden"))
    );
    refused(
        service
            .update_flow::<Trunk>(&a, "provider", patch(json!({"status": null})))
            .await,
        "body",
        "cannot be changed",
    );

    // DIDs: exact numbers and ranges, claimed once.
    let main: Did = service
        .create_flow(
            &a,
            object(
                json!({"name": "main", "numbers": ["+4930123000", "+4930123100..+4930123199"],
                "destination": "extension:1001"}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(main.ranges().len(), 2);
    refused(
        service
            .create_flow(
                &a,
                object::<Did>(json!({"name": "sales", "numbers": ["+4930123150"],
                    "destination": "extension:1001"})),
            )
            .await,
        "numbers",
        "overlaps DID main",
    );
    refused(
        service
            .create_flow(
                &a,
                object::<Did>(json!({"name": "odd", "numbers": ["+49..+50"],
                    "destination": "hangup"})),
            )
            .await,
        "numbers",
        "3 to 15 digits",
    );
    refused(
        service
            .update_flow::<Did>(&a, "main", patch(json!({"destination": "extension:1999"})))
            .await,
        "destination",
        "extension 1999 does not exist",
    );
    service
        .update_flow::<Did>(&a, "main", patch(json!({"numbers": ["+4930123000"]})))
        .await
        .unwrap();

    // Outbound rules: patterns, trunks that exist, who may use them.
    let national: OutboundRule = service
        .create_flow(
            &a,
            object(
                json!({"name": "national", "patterns": ["0[1-9]XXXXXXXX"], "strip": 1,
                "prepend": "+49", "trunks": ["provider", "backup"], "allowed": ["1001"]}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(national.rewrite("0301234567"), "+49301234567");
    for (field, value, says) in [
        ("patterns", json!(["0.1"]), "only end"),
        ("patterns", json!([]), "1 to 50"),
        ("trunks", json!(["nowhere"]), "trunk nowhere does not exist"),
        ("trunks", json!(["provider", "provider"]), "twice"),
        ("allowed", json!(["1999"]), "extension 1999 does not exist"),
        (
            "allowed",
            json!(["ring_group:none"]),
            "ring group none does not exist",
        ),
        ("allowed", json!(["bob"]), "extension number or ring_group"),
        ("caller_id", json!("someone"), "extension, main, withheld"),
        ("prepend", json!("+4+9"), "optional leading +"),
    ] {
        refused(
            service
                .update_flow::<OutboundRule>(&a, "national", patch(json!({ field: value })))
                .await,
            field,
            says,
        );
    }
    refused(
        service
            .create_flow(
                &a,
                object::<OutboundRule>(json!({"name": "emergency", "patterns": ["112"],
                    "trunks": ["provider"], "emergency": true, "allowed": ["1001"]})),
            )
            .await,
        "allowed",
        "open to everyone",
    );
    refused(
        service.delete_flow::<Trunk>(&a, "backup").await,
        "name",
        "outbound rule national (trunks) refers to it",
    );
    refused(
        service.delete_extension(&a, "1001").await,
        "number",
        "DID main",
    );

    // The capacity record, by day, against the plan.
    let hour = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 3600)
        * 3600;
    for (h, peak, refused_in) in [(hour - 3600, 6, 0), (hour, 8, 2)] {
        service
            .record_capacity(CapacityHour {
                hour: h,
                peak,
                refused_inbound: refused_in,
                refused_outbound: 1,
            })
            .await
            .unwrap();
    }
    let report = service.capacity_report(&manager).await.unwrap();
    assert_eq!(
        (report.capacity, report.peak, report.refused),
        (Some(8), 8, 4)
    );
    assert_eq!(report.hours.len(), 2);
    assert!(report.days.iter().map(|d| d.peak).max() == Some(8));
    assert!(
        report.hint.contains("a plan of 16 would have carried them"),
        "{}",
        report.hint
    );
    assert!(matches!(
        service
            .capacity_report(&actor(Role::User {
                extension: "1001".into()
            }))
            .await,
        Err(ServiceError::Forbidden)
    ));

    // A declaration of all three: exported, applied back with nothing to
    // do, and applied to an empty PBX in one go.
    let exported = service.export(&a).await.unwrap();
    let text = exported.render(Format::Toml);
    for table in ["[[trunk]]", "[[did]]", "[[outbound_rule]]"] {
        assert!(text.contains(table), "{text}");
    }
    assert!(!text.contains("status"), "{text}");
    let again = Declaration::parse(&text, Format::Toml).unwrap();
    assert!(service.plan(&a, &again, true).await.unwrap().is_empty());
    let plan_shown = {
        let mut d = again.clone();
        d.trunks[1].password = Some("an0ther-Pass".into());
        service.plan(&a, &d, false).await.unwrap().to_string()
    };
    assert!(
        plan_shown.contains("password") && !plan_shown.contains("an0ther-Pass"),
        "{plan_shown}"
    );
    for name in ["national"] {
        service.delete_flow::<OutboundRule>(&a, name).await.unwrap();
    }
    service.delete_flow::<Did>(&a, "main").await.unwrap();
    for name in ["provider", "backup"] {
        service.delete_flow::<Trunk>(&a, name).await.unwrap();
    }
    let plan = service.plan(&a, &again, false).await.unwrap();
    service.apply(&a, plan).await.unwrap();
    assert!(service.plan(&a, &again, true).await.unwrap().is_empty());
}

fn service(store: Store) -> Service {
    Service::new(store).with_capacity_plan(CapacityPlan::Calls(8))
}

#[tokio::test]
async fn trunks_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("switchboard-trunks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    scenarios(service(support::open(&Store::sqlite_url(&dir)).await)).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn trunks_on_postgres() {
    let pg = support::TempPostgres::start();
    scenarios(service(support::open(&pg.url).await)).await;
}
