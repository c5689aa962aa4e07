//! Call flows through the service layer, on SQLite and on PostgreSQL:
//! ring groups, IVRs and schedules created, changed by any subset of
//! fields and deleted; each field checked by name; internal numbers kept
//! apart from extensions' and each other's; destinations that name nothing
//! refused; an object still referred to neither deleted nor renamed, the
//! error naming who refers to it; sounds uploaded and protected while
//! played; the tree a number's calls follow; a declaration file creating
//! objects that name each other, applied twice with nothing to do again.

mod shared;
#[path = "../../store/tests/support/mod.rs"]
mod support;

use serde_json::json;
use shared::{object, patch, refused};
use std::path::Path;
use switchboard_service::{
    Actor, Declaration, ExtensionInput, Format, Ivr, Override, RingGroup, Role, Schedule,
    ScheduleState, Service, ServiceError,
};
use switchboard_store::Store;

fn admin() -> Actor {
    Actor {
        name: "admin".into(),
        role: Role::Admin,
        source: "192.0.2.10".into(),
    }
}

fn wav() -> Vec<u8> {
    let samples: Vec<i16> = (0..8000).map(|i| ((i % 40) * 200) as i16).collect();
    let mut out = std::io::Cursor::new(Vec::new());
    switchboard_media::wav::write(&mut out, 8000, 1, &samples).unwrap();
    out.into_inner()
}

async fn scenarios(service: Service) {
    let a = admin();
    for n in ["1001", "1002", "1003"] {
        let input = ExtensionInput {
            number: n.into(),
            display_name: format!("Person {n}"),
            ..Default::default()
        };
        service.create_extension(&a, input).await.unwrap();
    }

    // A ring group, its fields checked by name.
    let sales = json!({"name": "sales", "number": "600", "strategy": "hunt",
        "members": [{"extension": "1001"}, {"extension": "1002", "ring_time": 15}],
        "no_answer": "voicemail:1001", "caller_id_prefix": "Sales: "});
    let g: RingGroup = service
        .create_flow(&a, object(sales.clone()))
        .await
        .unwrap();
    assert_eq!((g.ring_time, g.members.len()), (20, 2));
    refused(
        service
            .create_flow(&a, object::<RingGroup>(sales.clone()))
            .await,
        "name",
        "already",
    );
    let mut other = sales.clone();
    other["name"] = json!("support");
    refused(
        service
            .create_flow(&a, object::<RingGroup>(other.clone()))
            .await,
        "number",
        "ring group sales",
    );
    other["number"] = json!("1001");
    refused(
        service
            .create_flow(&a, object::<RingGroup>(other.clone()))
            .await,
        "number",
        "already an extension",
    );
    other["number"] = json!(null);
    other["members"] = json!([{"extension": "1009"}]);
    refused(
        service
            .create_flow(&a, object::<RingGroup>(other.clone()))
            .await,
        "members",
        "1009 does not exist",
    );
    other["members"] = json!([{"extension": "1001"}, {"extension": "1001"}]);
    refused(
        service
            .create_flow(&a, object::<RingGroup>(other.clone()))
            .await,
        "members",
        "twice",
    );
    refused(
        service
            .update_flow::<RingGroup>(&a, "sales", patch(json!({"ring_time": 2})))
            .await,
        "ring_time",
        "5 to 300",
    );
    refused(
        service
            .update_flow::<RingGroup>(&a, "sales", patch(json!({"strategy": "random"})))
            .await,
        "strategy",
        "unknown variant",
    );
    refused(
        service
            .update_flow::<RingGroup>(&a, "sales", patch(json!({"no_answer": "ivr:nowhere"})))
            .await,
        "no_answer",
        "ivr nowhere does not exist",
    );
    // An extension's number cannot be a flow's.
    let clash = ExtensionInput {
        number: "600".into(),
        display_name: "Clash".into(),
        ..Default::default()
    };
    refused(
        service.create_extension(&a, clash).await,
        "number",
        "ring group sales",
    );

    // Sounds: uploaded, and the shipped ones.
    service.set_sound(&a, "welcome", wav()).await.unwrap();
    refused(
        service
            .set_sound(&a, "welcome", b"not a wav".to_vec())
            .await,
        "file",
        "",
    );
    refused(
        service.set_sound(&a, "ivr-welcome", wav()).await,
        "name",
        "shipped",
    );
    let sounds = service.sounds(&a).await.unwrap().items;
    assert!(sounds
        .iter()
        .any(|s| s.name == "welcome" && !s.shipped && s.duration_ms == 1000));
    assert!(sounds.iter().any(|s| s.name == "ivr-welcome" && s.shipped));

    // An IVR naming the group, a submenu and itself.
    let main = json!({"name": "main", "number": "500", "greeting": "welcome",
        "options": {"1": "ring_group:sales", "2": "extension:1002", "0": "ivr:main"},
        "dial_extension": true, "fallback": "voicemail:1003"});
    let ivr: Ivr = service.create_flow(&a, object(main.clone())).await.unwrap();
    assert_eq!((ivr.timeout, ivr.repeats, ivr.extension_length), (5, 3, 4));
    refused(
        service
            .update_flow::<Ivr>(&a, "main", patch(json!({"options": {"x": "hangup"}})))
            .await,
        "options",
        "not a key",
    );
    refused(
        service
            .update_flow::<Ivr>(&a, "main", patch(json!({"greeting": "nothing-here"})))
            .await,
        "greeting",
        "does not exist",
    );
    refused(
        service
            .update_flow::<Ivr>(&a, "main", patch(json!({"timeout": 0})))
            .await,
        "timeout",
        "1 to 60",
    );

    // A schedule.
    let office = json!({"name": "office", "number": "700", "time_zone": "Europe/Berlin",
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}],
        "holidays": [{"name": "Christmas", "when": "12-25"}],
        "open": "ivr:main", "closed": "voicemail:1001", "holiday": "announcement:welcome",
        "override_by": ["1001"]});
    let s: Schedule = service
        .create_flow(&a, object(office.clone()))
        .await
        .unwrap();
    assert!(s.state.is_some());
    refused(
        service
            .update_flow::<Schedule>(&a, "office", patch(json!({"time_zone": "Berlin"})))
            .await,
        "time_zone",
        "IANA",
    );
    refused(
        service
            .update_flow::<Schedule>(
                &a,
                "office",
                patch(json!({"hours": [{"days": ["mon"], "from": "17:00", "to": "09:00"}]})),
            )
            .await,
        "hours",
        "before",
    );
    refused(
        service
            .update_flow::<Schedule>(&a, "office", patch(json!({"state": "open"})))
            .await,
        "body",
        "cannot be changed",
    );
    let forced = service
        .override_schedule(&a, "700", Override::Closed, "1001")
        .await
        .unwrap();
    assert_eq!(
        (forced.r#override, forced.state),
        (Override::Closed, Some(ScheduleState::Closed))
    );
    let forced = service
        .override_schedule(&a, "700", Override::Open, "1001")
        .await
        .unwrap();
    assert_eq!(forced.state, Some(ScheduleState::Open));
    // Only the extensions it lists may use the star codes.
    assert!(matches!(
        service
            .override_schedule(&a, "700", Override::Closed, "1002")
            .await,
        Err(ServiceError::Forbidden)
    ));
    refused(
        service.delete_extension(&a, "1001").await,
        "number",
        "schedule office (overrides by star code)",
    );

    // Nothing referred to goes away; the error names who refers.
    refused(
        service.delete_flow::<RingGroup>(&a, "sales").await,
        "name",
        "ivr main (option 1)",
    );
    refused(
        service.delete_extension(&a, "1002").await,
        "number",
        "ring group sales (member)",
    );
    refused(
        service
            .update_extension(
                &a,
                "1003",
                switchboard_service::ExtensionPatch {
                    number: Some("1004".into()),
                    ..Default::default()
                },
            )
            .await,
        "number",
        "ivr main (fallback)",
    );
    refused(
        service.delete_sound(&a, "welcome").await,
        "name",
        "ivr main (greeting), schedule office (holiday) refer to it",
    );
    refused(
        service
            .update_flow::<Ivr>(&a, "main", patch(json!({"name": "menu"})))
            .await,
        "name",
        "schedule office (open)",
    );

    // The tree a call to 700 follows.
    let tree = service.number_flow(&a, "700").await.unwrap();
    let text = serde_json::to_string(&tree).unwrap();
    for says in [
        "Schedule office",
        "forced open",
        "IVR main",
        "key 1",
        "Ring group sales: hunt 1001, 1002",
        "no answer",
        "Voicemail of 1001",
        "\"again\":true",
        "Announcement welcome",
    ] {
        assert!(text.contains(says), "{says} not in {text}");
    }
    let numbers = service.numbers(&a).await.unwrap().items;
    let listed: Vec<&str> = numbers.iter().map(|n| n.number.as_str()).collect();
    assert_eq!(listed, ["1001", "1002", "1003", "500", "600", "700"]);

    // Who answered a group is kept.
    service
        .record_group_answers(&[
            ("sales".into(), "1001".into(), 10),
            ("sales".into(), "1001".into(), 30),
        ])
        .await
        .unwrap();
    assert_eq!(
        service.group_answers().await.unwrap(),
        [("sales".to_owned(), "1001".to_owned(), 30)]
    );

    // Deleting in order works.
    service.delete_flow::<Schedule>(&a, "office").await.unwrap();
    service.delete_flow::<Ivr>(&a, "main").await.unwrap();
    service.delete_flow::<RingGroup>(&a, "sales").await.unwrap();
    service.delete_sound(&a, "welcome").await.unwrap();

    // A declaration whose objects name each other, applied twice.
    let file = r#"
[[ring_group]]
name = "sales"
number = "600"
members = [{ extension = "1001" }, { extension = "1002" }]
no_answer = "ivr:main"

[[ivr]]
name = "main"
number = "500"
greeting = "ivr-welcome"
options = { "1" = "ring_group:sales", "9" = "ivr:sub" }

[[ivr]]
name = "sub"
greeting = "ivr-welcome"
options = { "0" = "ivr:main" }

[[schedule]]
name = "office"
time_zone = "UTC"
hours = [{ days = ["mon"], from = "08:00", to = "18:00" }]
open = "ivr:main"
closed = "voicemail:1001"
"#;
    let mut declaration = Declaration::parse(file, Format::Toml).unwrap();
    declaration.extensions = service.export(&a).await.unwrap().extensions;
    let plan = service.plan(&a, &declaration, false).await.unwrap();
    assert_eq!(plan.steps.len(), 4, "{plan}");
    service.apply(&a, plan).await.unwrap();
    let main: Ivr = service.flow(&a, "main").await.unwrap();
    assert_eq!(main.options.len(), 2);
    let plan = service.plan(&a, &declaration, false).await.unwrap();
    assert!(plan.is_empty(), "{plan}");
    // A change shows field by field; pruning removes what the file lost.
    declaration.ivrs.retain(|i| i.name == "main");
    declaration.ivrs[0].options.remove("9");
    declaration.ring_groups[0].ring_time = 30;
    let plan = service.plan(&a, &declaration, true).await.unwrap();
    let shown = plan.to_string();
    assert!(
        shown.contains("~ ring_group sales\n    ring_time: 20 → 30"),
        "{shown}"
    );
    assert!(shown.contains("- ivr sub"), "{shown}");
    service.apply(&a, plan).await.unwrap();
    assert!(service
        .plan(&a, &declaration, true)
        .await
        .unwrap()
        .is_empty());
    let exported = service.export(&a).await.unwrap().render(Format::Toml);
    assert!(
        exported.contains("[[schedule]]") && !exported.contains("state"),
        "{exported}"
    );
}

fn service(store: Store, dir: &Path) -> Service {
    Service::new(store)
        .with_files(dir)
        .with_shipped_sounds(vec![("ivr-welcome".into(), 2400)])
}

#[tokio::test]
async fn flows_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("switchboard-flows-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    scenarios(service(support::open(&Store::sqlite_url(&dir)).await, &dir)).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn flows_on_postgres() {
    let pg = support::TempPostgres::start();
    let dir = std::env::temp_dir().join(format!("switchboard-flows-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    scenarios(service(support::open(&pg.url).await, &dir)).await;
    std::fs::remove_dir_all(&dir).unwrap();
}
