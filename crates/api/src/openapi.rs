//! The OpenAPI document, generated from the handlers and the service
//! layer's types, served at `/api/v1/openapi.json`.

use crate::{
    accounts, calls, events, extensions, flows, music, recordings, registrations, security,
    session, sounds, tokens, trunks, voicemail, Problem,
};
use axum::Json;
use switchboard_service::flows::schedule::{Day, Holiday, Hours};
use switchboard_service::trunks::{CapacityDay, CapacityHourView};
use switchboard_service::{
    Account, AddressList, BanInfo, CalledNumber, CapacityReport, Cdr, Did, Extension,
    ExtensionInput, ExtensionList, ExtensionPatch, FlowBranch, FlowNode, Folder, Greeting, Ivr,
    ListEntry, LiveCall, Mailbox, Member, Message, MessagePatch, NewAccount, NewListEntry,
    NumberEntry, NumberList, OutboundRule, Override, RecordAction, RecordRequest, Recording,
    RecordingPolicy, Registration, RingGroup, Schedule, ScheduleState, Sound, SoundList, Strategy,
    Trunk, TrunkStatus, TrunkTransport, VoicemailEmail,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "Manage a Switchboard PBX. Every operation goes through the same service layer as the CLI and `switchboard apply`."),
    paths(
        session::current, session::login, session::logout,
        extensions::list, extensions::create, extensions::show, extensions::update,
        extensions::remove, extensions::regenerate_secret,
        tokens::create, tokens::revoke, events::stream,
        accounts::create, accounts::list, accounts::remove,
        registrations::list,
        calls::live, calls::hang_up, calls::records,
        recordings::list, recordings::audio, recordings::remove, recordings::record,
        music::set, music::reset,
        voicemail::mailbox, voicemail::messages, voicemail::get_greeting, voicemail::set_greeting,
        voicemail::delete_greeting, voicemail::audio, voicemail::update, voicemail::remove,
        security::bans, security::unban, security::lists, security::add, security::remove,
        flows::ring_groups::list, flows::ring_groups::create, flows::ring_groups::show,
        flows::ring_groups::update, flows::ring_groups::remove,
        flows::ivrs::list, flows::ivrs::create, flows::ivrs::show, flows::ivrs::update,
        flows::ivrs::remove,
        flows::schedules::list, flows::schedules::create, flows::schedules::show,
        flows::schedules::update, flows::schedules::remove,
        flows::numbers, flows::number_flow,
        sounds::list, sounds::set, sounds::audio, sounds::remove,
        trunks::trunks::list, trunks::trunks::create, trunks::trunks::show,
        trunks::trunks::update, trunks::trunks::remove,
        trunks::dids::list, trunks::dids::create, trunks::dids::show, trunks::dids::update,
        trunks::dids::remove,
        trunks::outbound_rules::list, trunks::outbound_rules::create,
        trunks::outbound_rules::show, trunks::outbound_rules::update,
        trunks::outbound_rules::remove,
        trunks::capacity,
    ),
    components(schemas(RingGroup, Member, Strategy, flows::ring_groups::RingGroupList, Ivr, flows::ivrs::IvrList, Schedule, Hours, Holiday, Day, Override, ScheduleState, flows::schedules::ScheduleList, NumberList, NumberEntry, FlowNode, FlowBranch, Sound, SoundList, Mailbox, Message, MessagePatch, Folder, Greeting, VoicemailEmail, Recording, RecordRequest, RecordAction, RecordingPolicy, Registration, Cdr, LiveCall, BanInfo, ListEntry, NewListEntry, AddressList, Account, NewAccount, Extension, ExtensionInput, ExtensionPatch, ExtensionList, Problem, session::Login, session::SessionInfo, tokens::NewToken, Trunk, TrunkTransport, CalledNumber, TrunkStatus, trunks::trunks::TrunkList, Did, trunks::dids::DidList, OutboundRule, trunks::outbound_rules::OutboundRuleList, CapacityReport, CapacityDay, CapacityHourView)),
    modifiers(&Security),
)]
pub struct ApiDoc;

/// The two ways in: the session cookie (with `X-CSRF-Token` on changes)
/// and a bearer API token.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
