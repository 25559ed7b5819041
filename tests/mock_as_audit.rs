//! The tamper-evident audit log (MrWho roadmap): a SHA-256 hash chain over the server's
//! events from a documented genesis value. An untouched log verifies; editing one event,
//! dropping one or swapping two is named at the first broken link; clearing starts a new chain.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::rc::Rc;

use oauth_playground::clock::FixedClock;
use oauth_playground::http::Request;
use oauth_playground::mock_as::events::{event_hash, parse_json_lines};
use oauth_playground::mock_as::{genesis_hash, verify_chain, AuthorizationServer, ServerSettings};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

const ISSUER: &str = "https://mock.as.example";

/// A server with a few events: discovery, a token request from an unknown client, userinfo
/// without a token, and discovery again.
fn server_with_events() -> AuthorizationServer {
    let settings = ServerSettings {
        issuer: ISSUER.into(),
        ..ServerSettings::default()
    };
    let mut server = AuthorizationServer::new(
        settings,
        Box::new(Rc::new(FixedClock::at(1_800_000_000))),
        Box::new(ChaCha20Rng::seed_from_u64(1)),
    )
    .unwrap();
    server.handle(&Request::get(format!("{ISSUER}/.well-known/openid-configuration")));
    server.handle(&Request::form_post(
        format!("{ISSUER}/token"),
        "grant_type=authorization_code&client_id=nobody",
    ));
    server.handle(&Request::get(format!("{ISSUER}/userinfo")));
    server.handle(&Request::get(format!("{ISSUER}/.well-known/openid-configuration")));
    server
}

fn events(server: &AuthorizationServer) -> Vec<Value> {
    server.events_json().as_array().unwrap().clone()
}

#[test]
fn an_untouched_log_verifies_from_the_genesis_hash() {
    let server = server_with_events();
    let list = events(&server);
    assert_eq!(list.len(), 4);
    assert_eq!(list[0]["prev_hash"], genesis_hash());
    for pair in list.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    assert_eq!(verify_chain(&list, &genesis_hash()), Ok(()));
    assert_eq!(server.verify_audit_chain(), Ok(()));
}

#[test]
fn editing_one_event_is_named_at_that_event() {
    let server = server_with_events();
    let mut list = events(&server);
    // Someone hides which check fired on the second event.
    list[1]["check"] = Value::from("client.auth_failed");
    let broken = verify_chain(&list, &genesis_hash()).unwrap_err();
    assert_eq!((broken.index, broken.seq, broken.member), (1, Some(2), "hash"));
    // Re-hashing the edited event to hide the edit breaks the next link instead.
    list[1]["hash"] = Value::from(event_hash(&list[1]));
    let broken = verify_chain(&list, &genesis_hash()).unwrap_err();
    assert_eq!((broken.index, broken.seq, broken.member), (2, Some(3), "prev_hash"));
}

#[test]
fn dropping_or_swapping_events_breaks_the_chain_where_it_happened() {
    let server = server_with_events();
    let mut dropped = events(&server);
    dropped.remove(2);
    let broken = verify_chain(&dropped, &genesis_hash()).unwrap_err();
    assert_eq!((broken.index, broken.seq), (2, Some(4)));
    let mut swapped = events(&server);
    swapped.swap(0, 1);
    assert_eq!(verify_chain(&swapped, &genesis_hash()).unwrap_err().index, 0);
}

#[test]
fn the_json_lines_export_reads_back_and_verifies_and_an_edit_in_it_is_named() {
    let server = server_with_events();
    let text = server.events_json_lines();
    assert_eq!(text.lines().count(), 4);
    let read = parse_json_lines(&text).unwrap();
    assert_eq!(verify_chain(&read, server.audit_anchor()), Ok(()));
    let edited = text.replacen("\"outcome\":\"success\"", "\"outcome\":\"failure\"", 1);
    assert_ne!(edited, text);
    let broken = verify_chain(&parse_json_lines(&edited).unwrap(), server.audit_anchor()).unwrap_err();
    assert_eq!(broken.index, 0);
    assert!(broken.to_string().contains("event #0 (seq 1)"), "{broken}");
}

#[test]
fn clearing_the_log_starts_a_new_chain_from_genesis() {
    let mut server = server_with_events();
    server.clear_events();
    assert_eq!(server.audit_anchor(), genesis_hash());
    server.handle(&Request::get(format!("{ISSUER}/jwks")));
    server.handle(&Request::get(format!("{ISSUER}/.well-known/openid-configuration")));
    let list = events(&server);
    assert_eq!(list[0]["prev_hash"], genesis_hash());
    assert_eq!(verify_chain(&list, &genesis_hash()), Ok(()));
}
