//! Reproducible runs, session files and share links, natively: what the Session panel does
//! in the browser, minus the browser.
//!
//! - reproducible mode replays to identical timelines (every exchange, JWT and check) for
//!   every signing family, against a restarted server, after a save/reload and after an
//!   export/import; another seed or instant gives other JWTs;
//! - a session file round-trips; secrets are in it only when asked for (every private JWK
//!   member, the client secret, the PKCE verifier, client assertions, issued access and
//!   refresh tokens); broken sections are
//!   reported and defaulted while the rest is kept;
//! - a share link carries the configuration and no secret, and is short.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::cell::RefCell;
use std::rc::Rc;

use oauth_common::{key, run, FAMILIES};
use oauth_playground::clock::FixedClock;
use oauth_playground::jose::{Algorithm, Jwk, KeyMaterial};
use oauth_playground::mock_as::{AuthorizationServer, InProcessTransport};
use oauth_playground::oauth::{FlowOptions, FlowRun, TimelineEvent};
use oauth_playground::reproducible::{restarted_server, seed_request, Reproducible};
use oauth_playground::session::link::{read_share_fragment, share_fragment};
use oauth_playground::session::{export_session, import_session, RunExport};
use oauth_playground::workspace::{self, KeyEntry, UiSecret, Workspace};
use oauth_playground::{oauth::Delivery, protocol::auth_method};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;

const SECRET: &str = "session-test-secret-0123456789abcdef0123456789";

/// A workspace in reproducible mode whose request object, client authentication, JARM and
/// ID token all use `alg`'s family (the client's key when asymmetric, the secret for HS*).
fn workspace(alg: Algorithm) -> Workspace {
    let mut ws = Workspace::default();
    ws.client.client_secret = Some(UiSecret::new(SECRET));
    ws.request.response_mode = Some("jwt".into());
    ws.request_object_alg = alg.name().into();
    ws.client.jarm_alg = alg.name().into();
    ws.client.id_token_alg = alg.name().into();
    if alg.kty() == "oct" {
        ws.client.auth_method = auth_method::CLIENT_SECRET_JWT.into();
        ws.client.assertion_alg = alg.name().into();
    } else {
        let jwk = key(alg, 11);
        ws.active_key = jwk.kid.clone();
        ws.keys.push(KeyEntry {
            jwk,
            origin: "generated for the test".into(),
            private_forgotten: false,
        });
        ws.client.auth_method = auth_method::PRIVATE_KEY_JWT.into();
        ws.client.assertion_alg = alg.name().into();
    }
    ws.run.refresh = true;
    ws.server.request_object_algs = FAMILIES.iter().map(|a| a.name().to_string()).collect();
    ws.reproducible.enabled = true;
    ws
}

/// The page's server after some use: its codes, replay cache and RNG state are whatever
/// they are, as they would be in a browser tab.
fn used_server(ws: &Workspace) -> AuthorizationServer {
    let mut server = AuthorizationServer::new(
        ws.server.clone(),
        Box::new(FixedClock::at(1_600_000_000)),
        Box::new(ChaCha20Rng::seed_from_u64(5)),
    )
    .unwrap();
    server.register_client(ws.client_metadata()).unwrap();
    server
}

/// What the Run button does in reproducible mode: seed the request, restart the server, run.
/// Returns the run and the server it ran against (for the next run to restart from).
fn reproducible_run(ws: &Workspace, page_server: &AuthorizationServer) -> (FlowRun, AuthorizationServer) {
    let mut ws = ws.clone();
    seed_request(&mut ws);
    let clock = Box::new(ws.reproducible.clock());
    let server = Rc::new(RefCell::new(
        restarted_server(page_server, &ws.reproducible, clock).unwrap(),
    ));
    let transport = InProcessTransport::new(Rc::clone(&server));
    let flow = run(oauth_playground::reproducible::run(
        &ws,
        &transport,
        &FlowOptions::default(),
    ));
    drop(transport);
    let server = Rc::try_unwrap(server).ok().unwrap().into_inner();
    (flow, server)
}

fn jwts(flow: &FlowRun) -> Vec<(&'static str, String)> {
    flow.timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEvent::Jwt { step, compact, .. } => Some((*step, compact.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn reproducible_runs_replay_to_identical_timelines_in_every_signing_family() {
    for alg in FAMILIES {
        let ws = workspace(alg);
        let (first, used) = reproducible_run(&ws, &used_server(&ws));
        assert!(first.succeeded(), "{alg:?}: {:?}", first.error);
        let steps: Vec<&str> = jwts(&first).iter().map(|(s, _)| *s).collect();
        assert_eq!(
            steps,
            ["request_object", "jarm", "id_token (token response)"],
            "{alg:?}"
        );
        // The second run restarts from the server the first one used.
        let (second, _) = reproducible_run(&ws, &used);
        assert_eq!(jwts(&first), jwts(&second), "{alg:?}");
        assert_eq!(
            first.timeline, second.timeline,
            "{alg:?}: every exchange, byte for byte"
        );
        assert_eq!(first.outcome, second.outcome, "{alg:?}");
    }
}

#[test]
fn another_seed_or_instant_gives_other_jwts() {
    let ws = workspace(Algorithm::ES256);
    let (base, _) = reproducible_run(&ws, &used_server(&ws));
    let mut reseeded = ws.clone();
    reseeded.reproducible.seed = "another seed".into();
    let (other, _) = reproducible_run(&reseeded, &used_server(&reseeded));
    assert!(other.succeeded(), "{:?}", other.error);
    for ((step, a), (_, b)) in jwts(&base).iter().zip(jwts(&other)) {
        assert_ne!(a, &b, "{step} should differ under another seed");
    }
    let mut later = ws.clone();
    later.reproducible.instant += 60;
    let (moved, _) = reproducible_run(&later, &used_server(&later));
    let iat = |flow: &FlowRun| match &flow.timeline.iter().find(|e| matches!(e, TimelineEvent::Jwt { .. })) {
        Some(TimelineEvent::Jwt { payload, .. }) => payload["iat"].as_i64(),
        _ => None,
    };
    assert_eq!(iat(&base), Some(ws.reproducible.instant));
    assert_eq!(iat(&moved), Some(ws.reproducible.instant + 60));
}

#[test]
fn a_reloaded_or_imported_workspace_replays_the_same_run() {
    let mut ws = workspace(Algorithm::RS256);
    ws.remember_secrets = true;
    let (original, _) = reproducible_run(&ws, &used_server(&ws));

    let (reloaded, report) = workspace::load(&ws.to_saved_json());
    assert!(report.problems.is_empty(), "{report:?}");
    let (after_reload, _) = reproducible_run(&reloaded, &used_server(&reloaded));
    assert_eq!(original.timeline, after_reload.timeline);

    let file = export_session(&ws, None, true, 1_750_000_000);
    let imported = import_session(&file).unwrap().into_workspace(&Workspace::default());
    let (after_import, _) = reproducible_run(&imported, &used_server(&imported));
    assert_eq!(original.timeline, after_import.timeline);
}

#[test]
fn the_server_keys_are_fixed() {
    let mut ws = Workspace::default();
    // As the page's `fill_in` does: client_secret_basic needs a secret to register (RFC 7591 §2).
    ws.client.client_secret = Some(UiSecret::new("a-secret-0123456789abcdef0123456789abcdef"));
    let a = used_server(&ws);
    let b = restarted_server(&a, &Reproducible::default(), Box::new(FixedClock::at(0))).unwrap();
    let body = |server: AuthorizationServer| {
        let url = server.endpoint("/jwks");
        let transport = InProcessTransport::new(Rc::new(RefCell::new(server)));
        transport
            .send_now(&oauth_playground::http::Request::get(url))
            .unwrap()
            .body_text()
    };
    let before = body(a);
    assert_eq!(before, body(b));
    assert_eq!(before, body(used_server(&ws)));
    assert!(before.contains("\"kty\":\"RSA\""), "{before}");
}

/// The base64url values of every private member of the workspace's keys.
fn private_members(ws: &Workspace) -> Vec<(String, String)> {
    ws.keys
        .iter()
        .flat_map(|entry| {
            let json: Value = serde_json::from_str(&entry.jwk.to_json()).unwrap();
            ["d", "p", "q", "dp", "dq", "qi", "k"]
                .into_iter()
                .filter_map(move |m| {
                    json[m]
                        .as_str()
                        .map(|v| (format!("{} {m}", entry.jwk.material.kty()), v.to_string()))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn every_kind_of_key() -> Vec<KeyEntry> {
    [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA, Algorithm::HS256]
        .into_iter()
        .map(|alg| KeyEntry {
            jwk: key(alg, 3),
            origin: format!("generated for {}", alg.name()),
            private_forgotten: false,
        })
        .collect()
}

/// A run with the client secret in a Basic header and a client assertion in the PAR body.
fn run_with_credentials(ws: &Workspace) -> (FlowRun, Workspace) {
    let mut ws = ws.clone();
    seed_request(&mut ws);
    let verifier = ws.request.pkce.as_ref().and_then(|p| p.verifier.clone()).unwrap();
    assert!(!verifier.expose().is_empty());
    let (flow, _) = reproducible_run(&ws, &used_server(&ws));
    assert!(flow.succeeded(), "{:?}", flow.error);
    (flow, ws)
}

#[test]
fn secrets_are_exported_only_when_asked_for() {
    let mut ws = workspace(Algorithm::RS256);
    ws.keys.extend(every_kind_of_key());
    let privates = private_members(&ws);
    assert_eq!(privates.len(), 6 + 6 + 1 + 1 + 1, "{privates:?}");

    // The token request carries a private_key_jwt assertion; the refresh uses Basic.
    let (flow, seeded) = run_with_credentials(&ws);
    let verifier = seeded.request.pkce.as_ref().and_then(|p| p.verifier.clone()).unwrap();
    let assertions: Vec<String> = flow
        .timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEvent::Exchange { request, .. } => oauth_playground::protocol::form_decode(&request.body)
                .into_iter()
                .find(|(k, _)| k == "client_assertion")
                .map(|(_, v)| v),
            _ => None,
        })
        .collect();
    assert!(!assertions.is_empty());
    let mut basic = seeded.clone();
    basic.client.auth_method = auth_method::CLIENT_SECRET_BASIC.into();
    let (basic_flow, _) = run_with_credentials(&basic);
    let basic_header = basic_flow
        .timeline
        .iter()
        .find_map(|e| match e {
            TimelineEvent::Exchange { request, .. } => request.headers.get("authorization").map(str::to_string),
            _ => None,
        })
        .unwrap();

    for (flow, what) in [(&flow, "private_key_jwt"), (&basic_flow, "client_secret_basic")] {
        let without = export_session(
            &seeded,
            Some(&RunExport::from_run(flow, &[], Delivery::ParJar, false)),
            false,
            0,
        );
        for (member, value) in &privates {
            assert!(!without.contains(value.as_str()), "{what}: {member} leaked");
        }
        let file: Value = serde_json::from_str(&without).unwrap();
        for entry in file["workspace"]["keys"].as_array().unwrap() {
            for member in ["d", "p", "q", "dp", "dq", "qi", "k"] {
                assert!(entry["jwk"].get(member).is_none(), "{what}: {member} in {entry}");
            }
        }
        assert!(!without.contains(SECRET), "{what}: client secret leaked");
        assert!(!without.contains(verifier.expose()), "{what}: code_verifier leaked");
        assert!(!without.contains(&basic_header), "{what}: Basic header leaked");
        for assertion in &assertions {
            assert!(!without.contains(assertion.as_str()), "{what}: client assertion leaked");
        }
        assert!(without.contains("REDACTED"), "{what}");
        assert_eq!(file["includes_secrets"], Value::Bool(false));

        let with = export_session(
            &seeded,
            Some(&RunExport::from_run(flow, &[], Delivery::ParJar, true)),
            true,
            0,
        );
        for (member, value) in &privates {
            assert!(with.contains(value.as_str()), "{what}: {member} missing with secrets");
        }
        assert!(with.contains(SECRET));
        assert!(
            with.contains(verifier.expose()),
            "{what}: the token request's code_verifier"
        );
    }
    assert!(export_session(
        &seeded,
        Some(&RunExport::from_run(&flow, &[], Delivery::ParJar, true)),
        true,
        0
    )
    .contains(assertions[0].as_str()));
    // An imported run exported again without secrets is redacted as a fresh one would be.
    for flow in [&flow, &basic_flow] {
        assert_eq!(
            RunExport::from_run(flow, &[], Delivery::ParJar, true).without_secrets(),
            RunExport::from_run(flow, &[], Delivery::ParJar, false)
        );
    }
}

/// Every value of `name` the run received: in JSON bodies, callback parameters, `Location`
/// headers and JWT payloads.
fn issued(flow: &FlowRun, name: &str) -> Vec<String> {
    let member = |value: &Value| value.get(name).and_then(Value::as_str).map(str::to_string);
    let mut found = Vec::new();
    for event in &flow.timeline {
        match event {
            TimelineEvent::Exchange {
                response: Some(response),
                ..
            } => found.extend(
                serde_json::from_slice::<Value>(&response.body)
                    .ok()
                    .as_ref()
                    .and_then(member),
            ),
            TimelineEvent::Jwt { payload, .. } => found.extend(member(payload)),
            TimelineEvent::Callback { params, .. } => {
                found.extend(params.params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()))
            }
            _ => {}
        }
    }
    found
}

#[test]
fn issued_bearer_tokens_leave_in_an_export_only_with_the_secrets() {
    // A hybrid flow with a JARM response: an access token in the signed authorization
    // response, another from the token endpoint, a refresh token used for a refresh grant,
    // and userinfo called with a Bearer header.
    let mut ws = workspace(Algorithm::ES256);
    ws.request.response_type = "code id_token token".into();
    let (flow, _) = run_with_credentials(&ws);
    let access = issued(&flow, "access_token");
    let refresh = issued(&flow, "refresh_token");
    assert!(access.len() >= 2, "JARM payload and token responses: {}", access.len());
    assert!(!refresh.is_empty());
    let codes = issued(&flow, "code");
    let id_tokens = issued(&flow, "id_token");
    assert!(!codes.is_empty() && !id_tokens.is_empty());

    let export = |include| {
        export_session(
            &ws,
            Some(&RunExport::from_run(&flow, &[], Delivery::Plain, include)),
            include,
            0,
        )
    };
    let without = export(false);
    for token in access.iter().chain(&refresh) {
        assert!(!without.contains(token.as_str()), "an issued token leaked: {token}");
    }
    assert!(without.contains("Bearer REDACTED (access token redacted)"));
    // What the run is about stays: the code and the ID tokens, verbatim.
    for kept in codes.iter().chain(&id_tokens) {
        assert!(without.contains(kept.as_str()), "{kept} was redacted");
    }
    // The JARM response is still readable, with its tokens and signature replaced.
    let file: Value = serde_json::from_str(&without).unwrap();
    let jarm = file["last_run"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "jwt" && e["step"] == "jarm")
        .unwrap();
    assert_eq!(jarm["payload"]["access_token"], "REDACTED");
    assert!(jarm["payload"]["code"].is_string());
    assert!(jarm["compact"].as_str().unwrap().ends_with(".REDACTED"));

    let with = export(true);
    for token in access.iter().chain(&refresh) {
        assert!(with.contains(token.as_str()), "{token} missing with secrets");
    }
    let full = RunExport::from_run(&flow, &[], Delivery::Plain, true);
    assert_eq!(
        full.without_secrets(),
        RunExport::from_run(&flow, &[], Delivery::Plain, false)
    );
}

#[test]
fn a_session_round_trips() {
    let mut ws = workspace(Algorithm::ES256);
    ws.keys.extend(every_kind_of_key());
    ws.delivery = Delivery::Jar;
    ws.request.claims = Some(serde_json::from_str(r#"{"id_token": {"acr": {"essential": true}}}"#).unwrap());
    ws.reproducible.seed = "demo 7".into();
    ws.remember_secrets = true;
    let (flow, seeded) = run_with_credentials(&ws);
    let run_export = RunExport::from_run(&flow, &[], Delivery::Jar, true);

    let file = export_session(&seeded, Some(&run_export), true, 1_735_689_600);
    let imported = import_session(&file).unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    assert_eq!(imported.exported_at.as_deref(), Some("2025-01-01T00:00:00Z"));
    assert!(imported.includes_secrets);
    assert_eq!(imported.last_run.as_ref(), Some(&run_export));
    // The verifier never leaves the page in the workspace (it is drawn again for each run).
    let mut expected = seeded.clone();
    if let Some(pkce) = &mut expected.request.pkce {
        pkce.verifier = None;
    }
    assert_eq!(imported.workspace, expected);

    // Without secrets: the same configuration, public keys marked as such, no HMAC key.
    let file = export_session(&seeded, Some(&run_export), false, 0);
    let imported = import_session(&file).unwrap();
    assert!(!imported.includes_secrets);
    let device = Workspace {
        client: workspace::ClientSettings {
            client_secret: Some(UiSecret::new("this device's secret")),
            ..Default::default()
        },
        ..Workspace::default()
    };
    let applied = imported.clone().into_workspace(&device);
    assert_eq!(
        applied.client.client_secret, device.client.client_secret,
        "the device's secret is kept"
    );
    assert!(
        !applied.remember_secrets,
        "a file never decides what this device remembers"
    );
    assert_eq!(applied.keys.len(), 4);
    assert!(applied.keys.iter().all(|k| !k.jwk.is_private() && k.private_forgotten));
    assert!(applied
        .keys
        .iter()
        .all(|k| !matches!(k.jwk.material, KeyMaterial::Oct { .. })));
    assert_eq!(applied.request, expected.request);
    assert_eq!(applied.server, expected.server);
    assert_eq!(applied.reproducible, expected.reproducible);
    // The run's JWTs are the record and survive the export unchanged.
    let exported_run = imported.last_run.unwrap();
    assert_eq!(exported_run.jwts().count(), jwts(&flow).len());
    for ((_, a), (_, b)) in exported_run.jwts().zip(jwts(&flow)) {
        assert_eq!(a, b);
    }
}

#[test]
fn broken_sections_are_reported_and_the_rest_is_kept() {
    let mut ws = workspace(Algorithm::HS256);
    ws.client.client_id = "kept-client".into();
    let file = export_session(&ws, None, false, 0);
    let mut document: Value = serde_json::from_str(&file).unwrap();
    document["workspace"]["delivery"] = Value::from("Teleport");
    document["workspace"]["reproducible"] = serde_json::json!({"enabled": "yes"});
    document["workspace"]["keys"] = serde_json::json!([{"jwk": {"kty": "RSA", "n": "!!"}}]);
    document["last_run"] = serde_json::json!({"timeline": "not a list"});
    let imported = import_session(&document.to_string()).unwrap();
    let names: Vec<&str> = imported
        .problems
        .iter()
        .map(|p| p.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["delivery", "keys", "reproducible", "last_run"],
        "{:?}",
        imported.problems
    );
    assert_eq!(imported.workspace.client.client_id, "kept-client");
    assert_eq!(imported.workspace.request_object_alg, "HS256");
    assert_eq!(imported.workspace.delivery, Workspace::default().delivery);
    assert_eq!(imported.workspace.reproducible, Reproducible::default());
    assert!(imported.last_run.is_none());
}

#[test]
fn a_share_link_carries_the_configuration_and_no_secret() {
    let mut ws = workspace(Algorithm::RS256);
    ws.keys.extend(every_kind_of_key());
    ws.remember_secrets = true;
    ws.request.scope = Some("openid email".into());
    ws.request.login_hint = Some("alice@example.com".into());
    ws.reproducible.seed = "training day".into();
    seed_request(&mut ws);
    let fragment = share_fragment(&ws).unwrap();
    let decoded = String::from_utf8(
        oauth_playground::jose::base64url::decode(fragment.trim_start_matches("s="), "test").unwrap(),
    )
    .unwrap();
    for (member, value) in private_members(&ws) {
        assert!(!decoded.contains(&value), "{member} in the link");
    }
    let public: Vec<Jwk> = ws.keys.iter().filter_map(|k| k.jwk.to_public().ok()).collect();
    for key in &public {
        assert!(
            !decoded.contains(key.kid.as_deref().unwrap()),
            "no key at all, public ones included"
        );
    }
    assert!(!decoded.contains(SECRET));
    for value in [&ws.request.state, &ws.request.nonce] {
        assert!(
            !decoded.contains(value.as_deref().unwrap()),
            "state and nonce are the receiver's own"
        );
    }
    assert!(!decoded.contains("remember_secrets"), "{decoded}");

    let shared = read_share_fragment(&format!("#{fragment}")).unwrap().unwrap();
    assert!(shared.problems.is_empty(), "{:?}", shared.problems);
    let got = shared.workspace;
    assert_eq!(got.server, ws.server);
    assert_eq!(got.client.auth_method, ws.client.auth_method);
    assert_eq!(got.client.client_secret, None);
    assert!(got.keys.is_empty() && got.active_key.is_none() && !got.remember_secrets);
    assert_eq!(got.request.scope, ws.request.scope);
    assert_eq!(got.request.login_hint, ws.request.login_hint);
    assert_eq!(got.request.state, None);
    assert_eq!(got.request_object_alg, "RS256");
    assert_eq!(got.reproducible, ws.reproducible);
    println!(
        "share link for a changed configuration: {} characters",
        fragment.len() + 1
    );
}

#[test]
fn share_links_stay_short() {
    // Measured: what typical changes cost, for the README and the UI's promise.
    let mut lengths = Vec::new();
    let mut ws = Workspace::default();
    lengths.push(("defaults", share_fragment(&ws).unwrap().len()));
    ws.delivery = Delivery::Par;
    ws.request.response_mode = Some("jwt".into());
    ws.client.redirect_uris = vec!["http://127.0.0.1:8080/callback".into()];
    ws.request.redirect_uri = Some("http://127.0.0.1:8080/callback".into());
    lengths.push(("PAR, JARM, redirect URI", share_fragment(&ws).unwrap().len()));
    ws.server = oauth_playground::mock_as::profiles::preset(
        oauth_playground::mock_as::ProfileName::PingOne,
        "https://auth.pingone.com/env/as",
    );
    lengths.push(("… and the PingOne profile", share_fragment(&ws).unwrap().len()));
    ws.reproducible.enabled = true;
    lengths.push(("… and reproducible mode", share_fragment(&ws).unwrap().len()));
    for (what, length) in &lengths {
        println!("share link, {what}: {length} characters");
        assert!(*length < 1000, "{what}: {length}");
    }
    let back = read_share_fragment(&share_fragment(&ws).unwrap()).unwrap().unwrap();
    assert!(back.problems.is_empty(), "{:?}", back.problems);
    assert_eq!(back.workspace.server, ws.server);
    assert_eq!(back.workspace.request, ws.request);
    assert_eq!(back.workspace.reproducible, ws.reproducible);
    ws.edit = Some(oauth_playground::oauth::config::RequestObjectEdit {
        header: "{}".into(),
        payload: "x".repeat(64 * 1024),
    });
    let error = share_fragment(&ws).unwrap_err().to_string();
    assert!(error.contains("export the session as a file"), "{error}");
}

#[test]
fn damaged_links_are_refused_with_a_reason() {
    let good = share_fragment(&workspace(Algorithm::HS256)).unwrap();
    let cases = [
        ("s=%%%".to_string(), "damaged"),
        (good[..good.len() / 2].to_string(), "damaged"),
        (format!("s={}", "A".repeat(70 * 1024)), "more than the 64 KiB"),
        (
            format!("s={}", oauth_playground::jose::base64url::encode(r#"{"v":1}"#)),
            "no configuration",
        ),
        (
            format!("s={}", oauth_playground::jose::base64url::encode(r#"{"w":{}}"#)),
            "no valid format version",
        ),
        (
            format!(
                "s={}",
                oauth_playground::jose::base64url::encode(r#"{"v":1,"p":"keycloak","w":{}}"#)
            ),
            "unknown server profile",
        ),
    ];
    for (fragment, why) in cases {
        let error = read_share_fragment(&fragment).unwrap().unwrap_err();
        assert!(error.contains(why), "{fragment:.40}: {error}");
    }
    // A section that does not read is reported; the rest of the link applies.
    let patch = r#"{"v":1,"w":{"delivery":"Teleport","client":{"client_id":"from-link","client_secret":"planted"}}}"#;
    let shared = read_share_fragment(&format!("s={}", oauth_playground::jose::base64url::encode(patch)))
        .unwrap()
        .unwrap();
    assert_eq!(shared.workspace.client.client_id, "from-link");
    assert_eq!(
        shared.workspace.client.client_secret, None,
        "a link never sets a secret"
    );
    assert_eq!(shared.problems.len(), 1, "{:?}", shared.problems);
    assert!(shared.problems[0].starts_with("delivery:"));
}
