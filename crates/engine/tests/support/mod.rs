//! What the engine's tests share: an endpoint configuration for a realm,
//! with the guard's rate limit off (tests send bursts from one address).

pub mod phones;

use switchboard_engine::{EndpointConfig, RegistrarConfig, SecurityConfig};
use switchboard_sip::digest::Algorithm;

pub fn config(realm: &str) -> EndpointConfig {
    EndpointConfig {
        realm: realm.into(),
        secret: [7; 32],
        nonce_lifetime: 300,
        digest_algorithms: vec![Algorithm::Sha256, Algorithm::Md5],
        server_name: "Switchboard/test".into(),
        transactions: Default::default(),
        registrar: RegistrarConfig::default(),
        security: SecurityConfig {
            rate_limit: 0,
            ..Default::default()
        },
        calls: Default::default(),
    }
}
