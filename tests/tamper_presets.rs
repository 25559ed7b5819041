//! Every tamper preset, run natively against the default workspace (RustCrypto, a fixed
//! clock, seeded RNGs), must produce exactly the check code it names; a wrong expectation
//! must come out as a mismatch; a preset the configuration cannot support must say so.
//! Also writes `tests/e2e/tamper_presets.json`, the list the Playwright test iterates.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::collections::HashSet;
use std::path::Path;
use std::rc::Rc;

use oauth_common::{backend, rng, run, NOW};
use oauth_playground::clock::FixedClock;
use oauth_playground::jose::Algorithm;
use oauth_playground::mock_as::{profiles, Check, ProfileName};
use oauth_playground::oauth::{Delivery, DpopKey, TimelineEvent};
use oauth_playground::tamper::{
    presets, presets_json, run_preset, Category, Keyring, PresetOutcome, Side, Summary, TamperPreset, TamperTarget,
    Verdict,
};
use oauth_playground::workspace::{dpop_alg, DpopSettings, KeyEntry, UiSecret, Workspace};

const SECRET: &str = "playground-client-secret-0123456789abcdef";

/// The page's default workspace, with the client secret the page generates on first load.
fn default_workspace() -> Workspace {
    let mut ws = Workspace::default();
    ws.client.client_secret = Some(UiSecret::new(SECRET));
    ws
}

fn go(preset: &TamperPreset, target: &TamperTarget, keyring: &Keyring) -> PresetOutcome {
    run(run_preset(
        preset,
        target,
        &backend(),
        Rc::new(FixedClock::at(NOW)),
        &mut rng(),
        keyring,
    ))
}

fn describe(outcome: &PresetOutcome) -> String {
    format!(
        "{}: {} [{:?}] notes {:?}; client said {:?}",
        outcome.id,
        outcome.comparison(),
        outcome.verdict,
        outcome.notes,
        outcome.actual.client_detail
    )
}

#[test]
fn there_are_at_least_thirty_presets_with_unique_slug_ids() {
    let all = presets();
    assert!(all.len() >= 30, "only {} presets", all.len());
    let mut seen = HashSet::new();
    for p in all {
        assert!(seen.insert(p.id), "duplicate preset id {}", p.id);
        assert!(
            !p.id.is_empty()
                && p.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not a slug",
            p.id
        );
        assert!(p.what_changes.ends_with('.'), "{}: what_changes is one sentence", p.id);
        if p.expected.side == Side::Server {
            // Server expectations are rows of the check table, error and clause included.
            let info = Check::from_code(p.expected.code)
                .unwrap_or_else(|| panic!("{}: {} is no server check", p.id, p.expected.code))
                .info();
            assert_eq!(p.expected.error, Some(info.error), "{}", p.id);
            assert_eq!(p.expected.clause, info.clause, "{}", p.id);
        }
    }
}

/// The workspace with `jwk` in the key manager and DPoP on with it.
fn with_dpop_key(mut ws: Workspace, jwk: oauth_playground::jose::Jwk) -> Workspace {
    let entry = KeyEntry {
        jwk,
        origin: "test".into(),
        private_forgotten: false,
    };
    ws.dpop = DpopSettings {
        enabled: true,
        key: Some(entry.kid()),
    };
    ws.keys.push(entry);
    ws
}

/// The `jwk` headers of the proofs the client signed in a run (the timeline records them as
/// signed, before any tampering in flight).
fn proof_jwks(flow: &oauth_playground::oauth::FlowRun) -> Vec<serde_json::Value> {
    flow.timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEvent::Jwt { step, header, .. } if step.starts_with("dpop_proof") => Some(header["jwk"].clone()),
            _ => None,
        })
        .collect()
}

/// An encryption key of the user's own (P-256, `use: enc`).
fn user_enc_key() -> oauth_playground::jose::Jwk {
    let mut jwk = oauth_common::key(Algorithm::ES256, 41);
    jwk.kid = Some("user-enc-p256".into());
    jwk.key_use = Some("enc".into());
    jwk.alg = None;
    jwk
}

/// The workspace with `jwk` (an encryption key) in the key manager.
fn with_enc_key(mut ws: Workspace, jwk: oauth_playground::jose::Jwk) -> Workspace {
    ws.keys.push(KeyEntry {
        jwk,
        origin: "test".into(),
        private_forgotten: false,
    });
    ws
}

fn jwe_presets() -> Vec<&'static TamperPreset> {
    presets()
        .iter()
        .filter(|p| p.category == Category::Encryption)
        .collect()
}

#[test]
fn the_jwe_presets_cover_the_issue_list_each_with_its_check_and_clause() {
    let jwe = jwe_presets();
    let expected = [
        ("jwe-ciphertext-changed", "jar.decryption_failed"),
        ("jwe-tag-changed", "jar.decryption_failed"),
        ("jwe-other-recipient-key", "jar.decryption_failed"),
        ("jwe-kid-unknown", "jar.encryption_key_unknown"),
        ("jwe-alg-rsa1-5", "jar.encryption_alg_not_supported"),
        ("jwe-epk-off-curve", "jar.epk_invalid"),
        ("jwe-encrypted-not-signed", "jar.encrypted_not_signed"),
        ("jarm-jwe-tag-changed", "jarm.decryption_failed"),
    ];
    let found: Vec<(&str, &str)> = jwe.iter().map(|p| (p.id, p.expected.code)).collect();
    assert_eq!(found, expected);
    for p in &jwe {
        let clause = match p.expected.code {
            "jar.decryption_failed" => "RFC 7516 §11.5",
            "jar.encryption_key_unknown" => "RFC 7516 §4.1.6",
            "jar.encryption_alg_not_supported" => "RFC 8725 §3.2",
            "jar.epk_invalid" => "RFC 8725 §3.4",
            "jar.encrypted_not_signed" => "OIDC Core §6.1",
            _ => "RFC 7516 §5.2",
        };
        assert!(p.expected.clause.contains(clause), "{}: {}", p.id, p.expected.clause);
        // The explanation names the clause too.
        assert!(p.what_changes.contains(clause), "{}: {}", p.id, p.what_changes);
    }
}

#[test]
fn with_encryption_off_the_jwe_presets_turn_it_on_and_really_send_or_receive_a_jwe() {
    let target = TamperTarget::new(default_workspace());
    let keyring = Keyring::new();
    for preset in jwe_presets() {
        let outcome = go(preset, &target, &keyring);
        assert_eq!(outcome.verdict, Verdict::Match, "{}", describe(&outcome));
        let turned_on = |prefix: &str| outcome.notes.iter().any(|n| n.starts_with(prefix));
        if preset.expected.side == Side::Server {
            let note = match preset.id {
                "jwe-epk-off-curve" => "Request object encryption off → ECDH-ES+A256KW / A256GCM (",
                _ => "Request object encryption off → RSA-OAEP-256 / A256GCM (",
            };
            assert!(turned_on(note), "{}: {:?}", preset.id, outcome.notes);
            // The server refused a JWE: its failure names the JWE's algs.
            let refused = outcome
                .events
                .iter()
                .find(|e| e.outcome == "failure")
                .unwrap_or_else(|| panic!("{}: no failure logged", preset.id));
            assert_eq!(refused.check, Some(preset.expected.code), "{}", preset.id);
            let alg = refused.details.get("jwe_alg").map(String::as_str);
            let want = if preset.id == "jwe-alg-rsa1-5" {
                "RSA1_5"
            } else if preset.id == "jwe-epk-off-curve" {
                "ECDH-ES+A256KW"
            } else {
                "RSA-OAEP-256"
            };
            assert_eq!(alg, Some(want), "{}: {:?}", preset.id, refused.details);
        } else {
            assert!(
                turned_on("JARM encryption off → ECDH-ES+A256KW / A256GCM, to a P-256 key generated for the presets"),
                "{}: {:?}",
                preset.id,
                outcome.notes
            );
            assert!(
                outcome.events.iter().any(|e| e.name == "response.encrypted"),
                "{}: the server encrypted no response",
                preset.id
            );
        }
    }
}

#[test]
fn with_encryption_on_the_jwe_presets_use_the_users_own_choice() {
    let mut ws = with_enc_key(default_workspace(), user_enc_key());
    ws.encryption.request_object_alg = "ECDH-ES".into();
    ws.encryption.request_object_enc = "A128CBC-HS256".into();
    ws.encryption.jarm_alg = "ECDH-ES+A128KW".into();
    ws.encryption.jarm_enc = "A128GCM".into();
    let target = TamperTarget::new(ws);
    let keyring = Keyring::new();
    for preset in jwe_presets() {
        let outcome = go(preset, &target, &keyring);
        assert_eq!(outcome.verdict, Verdict::Match, "{}", describe(&outcome));
        assert!(
            !outcome.notes.iter().any(|n| n.contains("encryption")),
            "{}: {:?}",
            preset.id,
            outcome.notes
        );
    }
}

fn dpop_presets() -> Vec<&'static TamperPreset> {
    presets().iter().filter(|p| p.category == Category::Dpop).collect()
}

#[test]
fn the_dpop_presets_are_at_least_ten_each_expecting_a_dpop_check() {
    let dpop = dpop_presets();
    assert!(dpop.len() >= 10, "only {} DPoP presets", dpop.len());
    for p in &dpop {
        assert!(p.id.starts_with("dpop-"), "{}", p.id);
        assert!(p.expected.code.starts_with("dpop."), "{}: {}", p.id, p.expected.code);
        assert_eq!(p.expected.side, Side::Server, "{}", p.id);
    }
    // The issue's list: each of these checks has a preset that must trip it.
    let codes: HashSet<&str> = dpop.iter().map(|p| p.expected.code).collect();
    for check in [
        Check::DpopJtiReplayed,
        Check::DpopHtuMismatch,
        Check::DpopHtmMismatch,
        Check::DpopIatOutOfWindow,
        Check::DpopAthMissing,
        Check::DpopAthMismatch,
        Check::DpopSignatureInvalid,
        Check::DpopJktProofMismatch,
        Check::DpopCodeKeyMismatch,
        Check::DpopTokenKeyMismatch,
        Check::DpopJwkPrivate,
        Check::DpopAlgNotAllowed,
        Check::DpopTypInvalid,
        Check::DpopNonceMissing,
        Check::DpopBoundTokenAsBearer,
    ] {
        assert!(
            codes.contains(check.info().code),
            "no preset expects {}",
            check.info().code
        );
    }
}

#[test]
fn with_dpop_off_the_dpop_presets_turn_it_on_with_a_key_of_their_own() {
    let target = TamperTarget::new(default_workspace());
    let keyring = Keyring::new();
    for preset in dpop_presets() {
        let outcome = go(preset, &target, &keyring);
        assert_eq!(outcome.verdict, Verdict::Match, "{}", describe(&outcome));
        assert!(
            outcome.notes.iter().any(
                |n| n.starts_with("DPoP off → on with a key generated for the presets, proofs signed with ES256 (")
            ),
            "{}: {:?}",
            outcome.id,
            outcome.notes
        );
        // The tampered run is a DPoP flow: the client signed proofs, all with one key.
        let jwks = proof_jwks(&outcome.flow);
        assert!(!jwks.is_empty(), "{}: no DPoP proof in the tampered run", outcome.id);
        assert!(jwks.windows(2).all(|w| w[0] == w[1]), "{}", outcome.id);
        // What stopped it is the server's DPoP check, answered as RFC 9449 says.
        let refused = outcome
            .events
            .iter()
            .rev()
            .find(|e| e.outcome == "failure")
            .unwrap_or_else(|| panic!("{}: no failure logged", outcome.id));
        assert_eq!(refused.check, Some(preset.expected.code), "{}", outcome.id);
    }
}

#[test]
fn with_dpop_on_the_dpop_presets_use_the_users_own_key() {
    let jwk = oauth_common::key(Algorithm::ES384, 31);
    let alg = dpop_alg(&jwk).unwrap();
    assert_eq!(alg, Algorithm::ES384);
    let own = DpopKey::new(jwk.clone(), alg).unwrap().public_jwk().clone();
    let target = TamperTarget::new(with_dpop_key(default_workspace(), jwk));
    let keyring = Keyring::new();
    for preset in dpop_presets() {
        let outcome = go(preset, &target, &keyring);
        assert_eq!(outcome.verdict, Verdict::Match, "{}", describe(&outcome));
        assert!(
            !outcome.notes.iter().any(|n| n.contains("DPoP off")),
            "{}: {:?}",
            outcome.id,
            outcome.notes
        );
        let jwks = proof_jwks(&outcome.flow);
        assert!(
            !jwks.is_empty() && jwks.iter().all(|j| *j == own),
            "{}: the client's proofs are not all of the user's key",
            outcome.id
        );
    }
}

#[test]
fn every_preset_produces_its_expected_code_against_the_default_workspace() {
    let target = TamperTarget::new(default_workspace());
    let keyring = Keyring::new();
    let outcomes: Vec<PresetOutcome> = presets().iter().map(|p| go(p, &target, &keyring)).collect();
    let failures: Vec<String> = outcomes.iter().filter(|o| !o.matched()).map(describe).collect();
    assert!(
        failures.is_empty(),
        "presets that did not match:\n{}",
        failures.join("\n")
    );
    for outcome in &outcomes {
        let expected = outcome.expected;
        assert_eq!(
            outcome.actual.code(expected.side),
            Some(expected.code),
            "{}",
            outcome.id
        );
        assert!(
            outcome.flow.error.is_some(),
            "{}: the tampered run must stop",
            outcome.id
        );
        match expected.side {
            Side::Server => assert_eq!(outcome.actual.server_error, expected.error, "{}", outcome.id),
            // The client's failed step quotes the clause the preset names.
            Side::Client => {
                assert_eq!(outcome.actual.client_clause, Some(expected.clause), "{}", outcome.id);
                assert_eq!(
                    outcome.actual.server_check, None,
                    "{}: the server refused nothing",
                    outcome.id
                );
            }
        }
    }
    let summary = Summary::of(&outcomes);
    println!("{} presets: {}", outcomes.len(), summary.sentence());
    assert_eq!(summary.matched, presets().len());
    assert_eq!(
        summary.sentence(),
        format!("{0} of {0} produced their expected error", presets().len())
    );
}

#[test]
fn a_wrong_expectation_is_reported_as_a_mismatch() {
    let target = TamperTarget::new(default_workspace());
    let keyring = Keyring::new();
    for id in ["exp-expired", "jarm-wrong-iss"] {
        let mut preset = presets().iter().find(|p| p.id == id).unwrap().clone();
        let right = preset.expected.code;
        preset.expected.code = "jar.alg_not_allowed";
        let outcome = go(&preset, &target, &keyring);
        assert_eq!(outcome.verdict, Verdict::Mismatch, "{}", describe(&outcome));
        assert_eq!(outcome.outcome_word(), "mismatch");
        let comparison = outcome.comparison();
        assert!(
            comparison.contains("jar.alg_not_allowed") && comparison.contains(right),
            "{comparison}"
        );
        let summary = Summary::of([&outcome]);
        assert_eq!(
            summary.sentence(),
            "0 of 1 produced their expected error; 1 MISMATCH (finding)"
        );
    }
}

#[test]
fn a_server_that_lets_the_tampering_through_is_a_mismatch() {
    // Lenient accepts request objects without jti: the preset's finding, never hidden.
    let mut ws = default_workspace();
    ws.server = profiles::preset(ProfileName::Lenient, &ws.server.issuer);
    let target = TamperTarget::new(ws);
    let preset = presets().iter().find(|p| p.id == "jti-missing").unwrap();
    let outcome = go(preset, &target, &Keyring::new());
    assert_eq!(outcome.verdict, Verdict::Mismatch, "{}", describe(&outcome));
    assert_eq!(
        outcome.comparison(),
        "expected server check jar.jti_missing, got nothing: the flow completed"
    );
}

#[test]
fn a_preset_the_configuration_cannot_support_says_why() {
    // PingOne offers no JARM: the JARM presets' base flow fails before any tampering.
    let mut ws = default_workspace();
    ws.server = profiles::preset(ProfileName::PingOne, &ws.server.issuer);
    let target = TamperTarget::new(ws);
    let preset = presets().iter().find(|p| p.id == "jarm-bad-signature").unwrap();
    let outcome = go(preset, &target, &Keyring::new());
    let Verdict::CannotRun(why) = &outcome.verdict else {
        panic!("{}", describe(&outcome));
    };
    assert!(why.starts_with("without the tampering"), "{why}");
    assert!(why.contains("authorize.unsupported_response_mode"), "{why}");
    assert_eq!(outcome.outcome_word(), "error");
    assert!(outcome.notes.iter().any(|n| n.contains("→ jwt")), "{:?}", outcome.notes);
}

#[test]
fn the_presets_list_for_the_end_to_end_test_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/tamper_presets.json");
    let text = format!("{}\n", serde_json::to_string_pretty(&presets_json()).unwrap());
    // The committed file is what the Playwright spec runs; a stale one fails here rather than
    // being rewritten behind the test's back.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(&path, &text).unwrap();
        } else {
            panic!(
                "tests/e2e/tamper_presets.json is not the current preset list; \
                 run `UPDATE_FIXTURES=1 cargo test --test tamper_presets` and commit it"
            );
        }
    }
    let ids: Vec<&str> = presets().iter().map(|p| p.id).collect();
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let written_ids: Vec<&str> = written
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(written_ids, ids);
}

/// Other deliveries, client authentication, response types and modes, and the Strict profile:
/// each preset adapts its base and still produces its code.
#[test]
fn every_preset_produces_its_expected_code_on_other_configurations_too() {
    let key = |alg| oauth_common::key(alg, 5);
    let with_key = |ws: &mut Workspace, jwk: oauth_playground::jose::Jwk, alg: Algorithm| {
        ws.active_key = jwk.kid.clone();
        ws.keys.push(KeyEntry {
            jwk,
            origin: "test".into(),
            private_forgotten: false,
        });
        ws.request_object_alg = alg.name().into();
    };
    let mut variants: Vec<(&str, Workspace)> = Vec::new();

    let mut ws = default_workspace();
    ws.delivery = Delivery::Plain;
    ws.client.auth_method = "client_secret_post".into();
    ws.request.response_mode = Some("form_post".into());
    variants.push(("plain, client_secret_post, form_post", ws));

    let mut ws = default_workspace();
    ws.delivery = Delivery::Jar;
    with_key(&mut ws, key(Algorithm::RS256), Algorithm::RS256);
    ws.client.auth_method = "private_key_jwt".into();
    ws.request.response_type = "code id_token".into();
    ws.request.response_mode = Some("form_post.jwt".into());
    variants.push(("JAR by value, RS256, private_key_jwt, hybrid, form_post.jwt", ws));

    let mut ws = default_workspace();
    ws.server = profiles::preset(ProfileName::Strict, &ws.server.issuer);
    with_key(&mut ws, key(Algorithm::ES256), Algorithm::ES256);
    ws.client.jarm_alg = "ES256".into();
    ws.client.id_token_alg = "ES256".into();
    variants.push(("Strict profile, ES256, PAR + JAR", ws));

    let mut ws = default_workspace();
    ws.delivery = Delivery::Par;
    ws.request.response_type = "id_token".into();
    ws.client.jarm_alg = "HS256".into();
    ws.client.id_token_alg = "HS256".into();
    variants.push(("PAR, implicit id_token, HS256 responses", ws));

    // DPoP on with the user's own keys and server nonces required: every preset, the DPoP ones
    // and the others, must get past the use_dpop_nonce round trips (RFC 9449 §8) and still
    // stop at its own check.
    let mut ws = with_dpop_key(default_workspace(), key(Algorithm::PS256));
    ws.server.dpop_nonce_required = true;
    variants.push(("DPoP with a PS256 key, nonces required, PAR + JAR", ws));

    let mut ws = with_dpop_key(default_workspace(), key(Algorithm::ES256));
    ws.server.dpop_nonce_required = true;
    ws.delivery = Delivery::Plain;
    ws.client.auth_method = "client_secret_post".into();
    ws.run.refresh = true;
    variants.push((
        "DPoP with an ES256 key, nonces required, plain, client_secret_post, refresh",
        ws,
    ));

    // JWE on in the user's own settings: the JWE presets use the user's algs (and keys); the
    // presets that change the signed request object or JARM in flight turn encryption off.
    let mut ws = default_workspace();
    ws.delivery = Delivery::Jar;
    ws.request.response_mode = Some("query.jwt".into());
    ws.encryption.request_object_alg = "ECDH-ES+A128KW".into();
    ws.encryption.request_object_enc = "A128GCM".into();
    ws.encryption.jarm_alg = "A256KW".into();
    ws.encryption.jarm_enc = "A256GCM".into();
    variants.push((
        "JWE: request objects ECDH-ES+A128KW to the server's P-256 key, JARM A256KW from the secret, JAR, query.jwt",
        ws,
    ));

    let mut ws = with_enc_key(default_workspace(), user_enc_key());
    ws.encryption.request_object_alg = "RSA-OAEP-256".into();
    ws.encryption.jarm_alg = "ECDH-ES".into();
    ws.encryption.jarm_enc = "A256GCM".into();
    ws.encryption.id_token_alg = "ECDH-ES+A256KW".into();
    ws.client.jarm_alg = "ES256".into();
    ws.request.response_mode = Some("jwt".into());
    variants.push((
        "JWE: request objects RSA-OAEP-256 (default enc), JARM ECDH-ES and ID token ECDH-ES+A256KW to the user's P-256 key, PAR + JAR",
        ws,
    ));

    let mut failures = Vec::new();
    for (name, ws) in variants {
        let target = TamperTarget::new(ws);
        let keyring = Keyring::new();
        let outcomes: Vec<PresetOutcome> = presets().iter().map(|p| go(p, &target, &keyring)).collect();
        println!("{name}: {}", Summary::of(&outcomes).sentence());
        failures.extend(
            outcomes
                .iter()
                .filter(|o| !o.matched())
                .map(|o| format!("{name}: {}", describe(o))),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn with_a_real_server_chosen_presets_still_run_against_the_in_page_one() {
    use oauth_playground::workspace::TargetKind;
    let mut ws = default_workspace();
    ws.target.kind = TargetKind::External;
    ws.target.issuer = "https://real.as.example".into();
    let target = TamperTarget::new(ws);
    let keyring = Keyring::new();
    let preset = presets().iter().find(|p| p.id == "exp-expired").unwrap();
    let outcome = go(preset, &target, &keyring);
    assert_eq!(outcome.verdict, Verdict::Match, "{}", describe(&outcome));
    assert!(
        outcome.notes.iter().any(|n| n.contains("in-page server")),
        "{:?}",
        outcome.notes
    );
}
