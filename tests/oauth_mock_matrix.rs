//! The client against the real in-process mock server, end to end: every flow × every
//! delivery × every response mode the flow allows × each request-object algorithm family,
//! with the server signing ID tokens and JARM responses in the same family, and each run
//! completing with validated tokens; the flows that reach the token endpoint (every response
//! type with `code`) once more with DPoP (RFC 9449) on, each ending with a DPoP-bound token
//! that userinfo accepts with a proof. With JWE (RFC 7516): request objects signed then
//! encrypted to the server and JARM responses encrypted to the client, one key management
//! alg per key type (RSA, P-256, a key from the client secret), over every response type with
//! each JARM mode, by JAR and PAR + JAR, synchronously and with deferred signing. Then every
//! client authentication method, the refresh grant, and the server's refusals surfaced by the
//! client with their check codes.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use oauth_common::{backend, key, rng, run, FAMILIES, NOW};
use oauth_playground::clock::FixedClock;
use oauth_playground::http::{Request, Transport};
use oauth_playground::jose::jwe::{ContentEncryption, KeyManagement};
use oauth_playground::jose::{Algorithm, EcCurve, Jwk, SecretString};
use oauth_playground::jose::{CryptoBackend, JoseError, KeyGenSpec, RustCryptoBackend};
use oauth_playground::mock_as::{profiles, AuthorizationServer, InProcessTransport, ProfileName, SigningTransport};
use oauth_playground::oauth::dpop::access_token_hash;
use oauth_playground::oauth::{
    introspect, run_flow, AuthorizationRequest, Config, Delivery, DpopKey, FlowOptions, FlowRun, JweChoice, Outcome,
    TimelineEvent,
};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

const ISSUER: &str = "https://mock.as.example";
const SECRET: &str = "client-1-secret-0123456789abcdef0123456789";
const REDIRECT: &str = "https://client.example/cb";
const RESPONSE_TYPES: [&str; 6] = [
    "code",
    "code id_token",
    "code token",
    "code id_token token",
    "id_token",
    "id_token token",
];
const MODES: [Option<&str>; 8] = [
    None,
    Some("query"),
    Some("fragment"),
    Some("form_post"),
    Some("jwt"),
    Some("query.jwt"),
    Some("fragment.jwt"),
    Some("form_post.jwt"),
];

struct Setup {
    transport: InProcessTransport,
    clock: Rc<FixedClock>,
}

impl Setup {
    /// The same server, its JWTs signed after each answer by the client's kind of backend
    /// (what the page does with WebCrypto).
    fn deferred(&self) -> SigningTransport<RustCryptoBackend<ChaCha20Rng>> {
        SigningTransport::new(Rc::clone(self.transport.server()), backend())
    }
}

/// A server with `profile` and `client-1` registered: secret, the public half of `client_key`,
/// every response type, and the server signing its ID tokens and JARM responses with `alg`.
fn setup(profile: ProfileName, auth: &str, client_key: Option<&Jwk>, alg: Algorithm) -> Setup {
    setup_with(profile, auth, client_key, alg, json!({}))
}

/// [`setup`], with `extra` registration members (replacing any of the same name).
fn setup_with(profile: ProfileName, auth: &str, client_key: Option<&Jwk>, alg: Algorithm, extra: Value) -> Setup {
    let clock = Rc::new(FixedClock::at(NOW));
    let mut server = AuthorizationServer::new(
        profiles::preset(profile, ISSUER),
        Box::new(Rc::clone(&clock)),
        Box::new(ChaCha20Rng::seed_from_u64(1)),
    )
    .unwrap();
    let mut client = json!({
        "client_id": "client-1",
        "client_secret": SECRET,
        "redirect_uris": [REDIRECT],
        "response_types": RESPONSE_TYPES,
        // RFC 7591 §2.1: the implicit and hybrid types need the implicit grant; the spec's
        // default is authorization_code alone.
        "grant_types": ["authorization_code", "implicit", "refresh_token"],
        "token_endpoint_auth_method": auth,
        "id_token_signed_response_alg": alg.name(),
        "authorization_signed_response_alg": alg.name(),
    });
    if let Some(key) = client_key {
        let public: Value = serde_json::from_str(&key.to_public().unwrap().to_json()).unwrap();
        client["jwks"] = json!({ "keys": [public] });
    }
    if let (Some(client), Value::Object(extra)) = (client.as_object_mut(), extra) {
        client.extend(extra);
    }
    server.register_client_json(&client.to_string()).unwrap();
    Setup {
        transport: InProcessTransport::new(Rc::new(RefCell::new(server))),
        clock,
    }
}

fn config(response_type: &str, mode: Option<&str>, delivery: Delivery, alg: Algorithm, key: Option<Jwk>) -> Config {
    let mut request = AuthorizationRequest::new("client-1", REDIRECT);
    request.response_type = response_type.into();
    request.response_mode = mode.map(str::to_string);
    let mut config = Config::new(ISSUER, request);
    config.delivery = delivery;
    config.request_object_alg = Some(alg);
    config.auth_method = "client_secret_post".into();
    config.client_secret = Some(SecretString::new(SECRET.into()));
    config.client_key = key;
    config
}

/// The RP pins what it expects the server to sign with, rather than trusting the metadata.
fn pinned(alg: Algorithm) -> FlowOptions {
    FlowOptions {
        jarm_algs: Some(vec![alg]),
        id_token_algs: Some(vec![alg]),
        ..FlowOptions::default()
    }
}

fn go(setup: &Setup, config: &Config, options: &FlowOptions) -> FlowRun {
    go_through(&setup.transport, setup, config, options)
}

fn go_through(transport: &impl Transport, setup: &Setup, config: &Config, options: &FlowOptions) -> FlowRun {
    run(run_flow(
        config,
        transport,
        &backend(),
        &*setup.clock,
        &mut rng(),
        options,
    ))
}

fn checks(run: &FlowRun) -> Vec<&'static str> {
    run.steps().map(|s| s.check).collect()
}

/// With the DPoP runs: opaque tokens, whose binding the server's introspection shows.
#[test]
fn every_flow_delivery_mode_and_algorithm_family_completes_with_validated_tokens() {
    matrix(false, false, DpopRuns::WithoutNonces);
}

/// RFC 9068 access tokens, signed after the answer like the server's other JWTs: hybrid
/// flows then carry an ID token whose at_hash is over a JWT that did not exist yet when the
/// ID token's claims were written, and userinfo must accept the token. The DPoP runs carry
/// `cnf.jkt` in the token itself, and the server demands nonces.
#[test]
fn the_matrix_completes_with_jwt_access_tokens_signed_after_answering() {
    matrix(true, true, DpopRuns::WithNonces);
}

/// The page's path: the server's signatures computed after it answered
/// (`SigningTransport`). Hybrid flows with JARM carry an ID token inside the JARM response,
/// so this also proves a later JWT gets the earlier one's signature. No DPoP runs: the one
/// above already takes them through deferred signing, and each doubles a flow's cost.
#[test]
fn the_matrix_completes_when_the_server_signs_after_answering() {
    matrix(true, false, DpopRuns::None);
}

/// Whether the code flows run a second time with DPoP on, and whether the server then demands
/// a nonce (RFC 9449 §8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DpopRuns {
    None,
    WithoutNonces,
    WithNonces,
}

/// The proof key of a family's DPoP runs: the family's own alg where a proof can use it, and
/// for the HMAC family (§4.2: never a symmetric alg) EdDSA, the cheapest to sign here (ES256
/// and RSA take about 2.5 ms a signature in the test build, EdDSA 0.1 ms). So the matrix signs
/// proofs with RS256, PS256, ES256 and EdDSA keys.
fn dpop_key(family: Algorithm) -> DpopKey {
    let alg = if family.kty() == "oct" {
        Algorithm::EdDSA
    } else {
        family
    };
    DpopKey::new(key(alg, 17), alg).unwrap()
}

fn matrix(deferred: bool, jwt_access_tokens: bool, dpop_runs: DpopRuns) {
    let started = Instant::now();
    let mut total = 0;
    let mut with_dpop = 0;
    let mut failures = Vec::new();
    for alg in FAMILIES {
        let client_key = (alg.kty() != "oct").then(|| key(alg, 7));
        let proof_key = dpop_key(alg);
        for response_type in RESPONSE_TYPES {
            // OAuth Multiple Response Types §5: tokens never travel in the query.
            let modes = MODES
                .iter()
                .filter(|m| response_type == "code" || !matches!(m, Some("query" | "query.jwt")));
            // DPoP binds what the token endpoint issues (RFC 9449 §5), so only the response
            // types that send a code there have a DPoP run.
            let dpop: &[bool] = if response_type.contains("code") && dpop_runs != DpopRuns::None {
                &[false, true]
            } else {
                &[false]
            };
            for (mode, delivery, dpop) in modes
                .flat_map(|m| Delivery::ALL.into_iter().map(move |d| (m, d)))
                .flat_map(|(m, d)| dpop.iter().map(move |p| (m, d, *p)))
            {
                total += 1;
                let setup = setup(ProfileName::Lenient, "client_secret_post", client_key.as_ref(), alg);
                let mut settings = json!({});
                if jwt_access_tokens {
                    settings["access_token_format"] = json!("jwt");
                }
                if dpop && dpop_runs == DpopRuns::WithNonces {
                    settings["dpop_nonce_required"] = json!(true);
                }
                setup
                    .transport
                    .server()
                    .borrow_mut()
                    .configure_json(&settings.to_string())
                    .unwrap();
                let mut config = config(response_type, *mode, delivery, alg, client_key.clone());
                if dpop {
                    with_dpop += 1;
                    config.dpop = Some(proof_key.clone());
                }
                let run = if deferred {
                    go_through(&setup.deferred(), &setup, &config, &pinned(alg))
                } else {
                    go(&setup, &config, &pinned(alg))
                };
                let label = format!(
                    "{} {response_type} {mode:?} {delivery:?}{}",
                    alg.name(),
                    if dpop { " DPoP" } else { "" }
                );
                if let Some(e) = &run.error {
                    failures.push(format!("{label}: {e}"));
                    continue;
                }
                if dpop {
                    if let Err(e) = dpop_bound(&setup, &config, &run, &proof_key, dpop_runs, jwt_access_tokens) {
                        failures.push(format!("{label}: {e}"));
                        continue;
                    }
                }
                let steps = checks(&run);
                let jarm = mode.is_some_and(|m| m.ends_with("jwt"));
                assert_eq!(steps.contains(&"jarm.signature"), jarm, "{label}: {steps:?}");
                assert!(
                    steps.contains(&"id_token.signature"),
                    "{label}: an ID token was validated"
                );
                if response_type.contains("code") {
                    assert!(run.outcome.tokens.is_some(), "{label}: the code was exchanged");
                }
                if response_type != "id_token" {
                    assert!(run.outcome.userinfo.is_some(), "{label}: userinfo answered");
                }
                if let (true, Some(tokens)) = (jwt_access_tokens, &run.outcome.tokens) {
                    let header = oauth_playground::jose::jws::decode_unverified(tokens.access_token.expose())
                        .map(|d| d.header["typ"].clone());
                    assert_eq!(header.ok(), Some(json!("at+jwt")), "{label}: an RFC 9068 access token");
                }
            }
        }
    }
    println!(
        "matrix (deferred signing: {deferred}, JWT access tokens: {jwt_access_tokens}, DPoP runs: {dpop_runs:?}): \
         {} of {total} flows ({with_dpop} with DPoP) completed in {:?}",
        total - failures.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 5 families × (8 modes for code + 6 for each of the 5 other response types) × 4 deliveries,
    // and once more with DPoP for the code flows: 5 × (8 + 3 × 6) × 4.
    assert_eq!(total - with_dpop, 5 * (8 + 5 * 6) * 4);
    let expected_dpop = if dpop_runs == DpopRuns::None {
        0
    } else {
        5 * (8 + 3 * 6) * 4
    };
    assert_eq!(with_dpop, expected_dpop);
}

/// One JWE case of the encrypted matrix: the family the JWTs are signed with, how the request
/// object is encrypted to the server, how JARM responses are encrypted to the client, and the
/// client's decryption key (none for the algs keyed from the client secret, OIDC Core §10.2).
struct JweCase {
    signing: Algorithm,
    request_object: JweChoice,
    jarm: JweChoice,
    enc_key: Option<Jwk>,
}

fn enc_key(spec: KeyGenSpec, seed: u64, kid: &str) -> Jwk {
    let mut key = oauth_playground::jose::keygen::generate(spec, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
    key.kid = Some(kid.into());
    key.key_use = Some("enc".into());
    key
}

/// One key management alg per key type, each direction: RSA-OAEP-256 to the server's and the
/// client's RSA keys, ECDH-ES(+A128KW) to their P-256 keys, A256KW and dir with the key from
/// the confidential client's secret.
fn jwe_cases() -> Vec<JweCase> {
    let choice = JweChoice::new;
    vec![
        JweCase {
            signing: Algorithm::RS256,
            request_object: choice(KeyManagement::RsaOaep256, ContentEncryption::A256Gcm),
            jarm: choice(KeyManagement::RsaOaep256, ContentEncryption::A128CbcHs256),
            enc_key: Some(enc_key(KeyGenSpec::Rsa { bits: 2048 }, 21, "client-enc-rsa")),
        },
        JweCase {
            signing: Algorithm::ES256,
            request_object: choice(KeyManagement::EcdhEsA128Kw, ContentEncryption::A128Gcm),
            jarm: choice(KeyManagement::EcdhEs, ContentEncryption::A256Gcm),
            enc_key: Some(enc_key(KeyGenSpec::Ec { crv: EcCurve::P256 }, 22, "client-enc-p256")),
        },
        JweCase {
            signing: Algorithm::HS256,
            request_object: choice(KeyManagement::A256Kw, ContentEncryption::A256CbcHs512),
            jarm: choice(KeyManagement::Dir, ContentEncryption::A256Gcm),
            enc_key: None,
        },
    ]
}

/// The synchronous path: the server signs and encrypts while it answers.
#[test]
fn every_flow_with_an_encrypted_request_object_and_encrypted_jarm_completes() {
    encrypted_matrix(false);
}

/// The page's path: signatures after the answer, so each JWE is sealed around a JWS computed
/// later (a hybrid flow's JARM response carries an ID token signed later still).
#[test]
fn the_encrypted_matrix_completes_when_the_server_signs_after_answering() {
    encrypted_matrix(true);
}

fn encrypted_matrix(deferred: bool) {
    let started = Instant::now();
    let mut total = 0;
    let mut failures = Vec::new();
    let deliveries = [Delivery::Jar, Delivery::ParJar];
    for case in jwe_cases() {
        let alg = case.signing;
        let client_key = (alg.kty() != "oct").then(|| key(alg, 7));
        for response_type in RESPONSE_TYPES {
            let modes = MODES.iter().filter(|m| {
                m.is_some_and(|m| m.ends_with("jwt")) && (response_type == "code" || *m != &Some("query.jwt"))
            });
            for (mode, delivery) in modes.flat_map(|m| deliveries.into_iter().map(move |d| (m, d))) {
                total += 1;
                let (ro, jarm) = (case.request_object, case.jarm);
                let mut registration = json!({
                    "request_object_encryption_alg": ro.alg.name(),
                    "request_object_encryption_enc": ro.enc.name(),
                    "authorization_encrypted_response_alg": jarm.alg.name(),
                    "authorization_encrypted_response_enc": jarm.enc.name(),
                });
                let keys: Vec<Value> = client_key
                    .iter()
                    .chain(case.enc_key.iter())
                    .map(|k| serde_json::from_str(&k.to_public().unwrap().to_json()).unwrap())
                    .collect();
                if !keys.is_empty() {
                    registration["jwks"] = json!({ "keys": keys });
                }
                let setup = setup_with(
                    ProfileName::Lenient,
                    "client_secret_post",
                    client_key.as_ref(),
                    alg,
                    registration,
                );
                let mut config = config(response_type, *mode, delivery, alg, client_key.clone());
                config.encryption.request_object = Some(ro);
                config.encryption.authorization_response = Some(jarm);
                config.encryption.keys = case.enc_key.iter().cloned().collect();
                let run = if deferred {
                    go_through(&setup.deferred(), &setup, &config, &pinned(alg))
                } else {
                    go(&setup, &config, &pinned(alg))
                };
                let label = format!(
                    "{} {ro} / JARM {jarm} {response_type} {mode:?} {delivery:?}",
                    alg.name()
                );
                if let Some(e) = &run.error {
                    failures.push(format!("{label}: {e}"));
                    continue;
                }
                // The request object went encrypted, the server decrypted it, and the JARM
                // response came encrypted and was decrypted as the first step.
                assert!(
                    run.timeline.iter().any(|e| matches!(
                        e,
                        TimelineEvent::Checks {
                            step: "request_object (encrypted)",
                            ..
                        }
                    )),
                    "{label}: no encrypted request object"
                );
                let decrypted = setup
                    .transport
                    .server()
                    .borrow()
                    .events()
                    .filter(|e| e.name == "jar.decrypted")
                    .count();
                assert_eq!(decrypted, 1, "{label}: the server decrypted one request object");
                let step = run.steps().find(|s| s.check == "jarm.decrypt");
                assert!(
                    step.is_some_and(|s| matches!(s.outcome, Outcome::Passed { .. })),
                    "{label}: {step:?}"
                );
                assert!(checks(&run).contains(&"jarm.signature"), "{label}");
                if response_type.contains("code") {
                    assert!(run.outcome.tokens.is_some(), "{label}: the code was exchanged");
                }
            }
        }
    }
    println!(
        "encrypted matrix (deferred signing: {deferred}): {} of {total} flows completed in {:?}",
        total - failures.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 3 key types × (4 JARM modes for code + 3 for each of the 5 other response types) × 2
    // deliveries.
    assert_eq!(total, 3 * (4 + 5 * 3) * 2);
}

/// What a DPoP run must end with: `token_type: DPoP` (RFC 9449 §5); the token bound to the
/// proof key — `cnf.jkt` (§6.1) equal to the key's RFC 7638 thumbprint, in the JWT access
/// token itself and in the server's introspection answer (§6.2); and userinfo reached with the
/// DPoP scheme and a proof whose `ath` hashes that token (§7.1). With nonces required, the
/// first request to carry a proof (PAR, or the token request without PAR) is answered
/// `use_dpop_nonce` and retried once, and no other is.
fn dpop_bound(
    setup: &Setup,
    config: &Config,
    flow: &FlowRun,
    key: &DpopKey,
    runs: DpopRuns,
    jwt_access_token: bool,
) -> Result<(), String> {
    let jkt = key.jkt();
    let tokens = flow.outcome.tokens.as_ref().ok_or("no token response")?;
    if tokens.token_type != "DPoP" {
        return Err(format!("token_type {}", tokens.token_type));
    }
    let access_token = tokens.access_token.expose();
    if jwt_access_token {
        let decoded = oauth_playground::jose::jws::decode_unverified(access_token).map_err(|e| e.to_string())?;
        let claims: Value = serde_json::from_slice(&decoded.payload).map_err(|e| e.to_string())?;
        if claims["cnf"]["jkt"] != jkt {
            return Err(format!("the JWT access token's cnf is {}", claims["cnf"]));
        }
    }
    let metadata = flow.outcome.metadata.as_ref().ok_or("no metadata")?;
    let (asked, answer) = run(introspect(
        config,
        metadata,
        tokens.access_token.clone(),
        Some("access_token"),
        &setup.transport,
        &backend(),
        &*setup.clock,
        &mut rng(),
        &FlowOptions::default(),
    ));
    let answer = answer.ok_or_else(|| format!("introspection failed: {:?}", asked.error))?;
    if !answer.active || answer.members.get("cnf").and_then(|c| c.get("jkt")) != Some(&json!(jkt)) {
        return Err(format!("introspection: {:?}", answer.members));
    }

    let exchanges: Vec<_> = flow.exchanges().collect();
    let (_, userinfo, answer) = exchanges
        .iter()
        .rev()
        .find(|(step, _, _)| step.starts_with("userinfo"))
        .ok_or("no userinfo request")?;
    if answer.status != 200 || flow.outcome.userinfo.is_none() {
        return Err(format!("userinfo answered {}: {}", answer.status, answer.body_text()));
    }
    if userinfo.headers.get("Authorization") != Some(format!("DPoP {access_token}").as_str()) {
        return Err(format!(
            "userinfo Authorization: {:?}",
            userinfo.headers.get("Authorization")
        ));
    }
    let proof = userinfo.headers.get("DPoP").ok_or("userinfo without a proof")?;
    let proof = oauth_playground::jose::jws::decode_unverified(proof).map_err(|e| e.to_string())?;
    let claims: Value = serde_json::from_slice(&proof.payload).map_err(|e| e.to_string())?;
    if claims["ath"] != access_token_hash(access_token) {
        return Err(format!("userinfo proof ath {}", claims["ath"]));
    }
    let retries: Vec<&str> = exchanges
        .iter()
        .map(|(step, _, _)| *step)
        .filter(|step| step.contains("nonce retry"))
        .collect();
    let expected: &[&str] = match (runs, config.delivery.uses_par()) {
        (DpopRuns::WithNonces, true) => &["par (DPoP nonce retry)"],
        (DpopRuns::WithNonces, false) => &["token (DPoP nonce retry)"],
        _ => &[],
    };
    if retries != expected {
        return Err(format!("nonce retries {retries:?}, expected {expected:?}"));
    }
    Ok(())
}

#[test]
fn every_client_authentication_method_works_with_par_and_the_token_endpoint() {
    for auth in [
        "none",
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
    ] {
        for delivery in [Delivery::Par, Delivery::ParJar] {
            let client_key = key(Algorithm::ES256, 11);
            let setup = setup(ProfileName::Lenient, auth, Some(&client_key), Algorithm::RS256);
            let mut config = config("code", Some("jwt"), delivery, Algorithm::ES256, Some(client_key));
            config.auth_method = auth.into();
            config.assertion_alg = if auth == "client_secret_jwt" {
                Algorithm::HS256
            } else {
                Algorithm::ES256
            };
            let run = go(&setup, &config, &pinned(Algorithm::RS256));
            assert!(run.succeeded(), "{auth} {delivery:?}: {:?}", run.error);
            assert!(run.outcome.tokens.is_some(), "{auth} {delivery:?}");
        }
    }
}

#[test]
fn the_refresh_grant_rotates_tokens_through_the_mock() {
    let setup = setup(ProfileName::Lenient, "client_secret_post", None, Algorithm::HS256);
    let mut config = config("code", None, Delivery::Par, Algorithm::HS256, None);
    config.request.scope = Some("openid offline_access".into());
    let options = FlowOptions {
        refresh: true,
        ..pinned(Algorithm::HS256)
    };
    let run = go(&setup, &config, &options);
    assert!(run.succeeded(), "{:?}", run.error);
    let first = run.outcome.tokens.as_ref().unwrap();
    let refreshed = run.outcome.refreshed.as_ref().expect("a refreshed token response");
    assert_ne!(first.access_token.expose(), refreshed.access_token.expose());
}

/// The server's refusal, as the client reports it: the check code is in the error text.
fn refusal(profile: ProfileName, config: &Config, alg: Algorithm) -> String {
    let setup = setup(profile, "client_secret_post", config.client_key.as_ref(), alg);
    let run = go(&setup, config, &pinned(alg));
    run.error.map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn server_refusals_reach_the_client_with_their_check_codes() {
    // Strict (FAPI 2.0 style) takes request objects only through PAR.
    let plain = config(
        "code",
        None,
        Delivery::Plain,
        Algorithm::PS256,
        Some(key(Algorithm::PS256, 3)),
    );
    assert!(refusal(ProfileName::Strict, &plain, Algorithm::PS256).contains("par.required"));
    // Hardened allows HS256/RS256 request objects only.
    let ps256 = config(
        "code",
        None,
        Delivery::Jar,
        Algorithm::PS256,
        Some(key(Algorithm::PS256, 3)),
    );
    assert!(refusal(ProfileName::Hardened, &ps256, Algorithm::RS256).contains("jar.alg_not_allowed"));
    // A request object signed with a key the server does not know: its kid names no key.
    let mut stranger = config(
        "code",
        None,
        Delivery::ParJar,
        Algorithm::ES256,
        Some(key(Algorithm::ES256, 4)),
    );
    let setup = setup(
        ProfileName::Lenient,
        "client_secret_post",
        Some(&key(Algorithm::ES256, 5)),
        Algorithm::HS256,
    );
    let run = go(&setup, &stranger, &pinned(Algorithm::HS256));
    let error = run.error.map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("jar.kid_not_found"), "{error}");
    // The client refuses what the server signs with an algorithm it did not pin.
    stranger.client_key = Some(key(Algorithm::ES256, 5));
    let run = go(&setup, &stranger, &pinned(Algorithm::RS256));
    assert!(checks(&run).contains(&"id_token.alg"), "{:?}", run.error);
    assert!(!run.succeeded());
}

/// The browser's part of a split flow: follow the server's redirects from the authorize URL
/// until a Location points at the redirect URI, and return that URL.
fn browse_to_callback(setup: &Setup, authorize_url: &str) -> String {
    use oauth_playground::http::{Request, Transport};
    use oauth_playground::oauth::flow::resolve_location;
    let mut url = authorize_url.to_string();
    for _ in 0..10 {
        if url.starts_with(REDIRECT) {
            return url;
        }
        let response = run(setup.transport.send(Request::get(url.as_str()))).unwrap();
        let location = response.headers.get("location").expect("a redirect");
        url = resolve_location(&url, location);
    }
    panic!("no redirect to {REDIRECT}");
}

#[test]
fn a_split_flow_for_real_servers_completes_through_the_callback_url() {
    use oauth_playground::oauth::{finish_flow, start_flow, TimelineEvent};
    for delivery in Delivery::ALL {
        for mode in [None, Some("fragment"), Some("jwt"), Some("fragment.jwt")] {
            let setup = setup(ProfileName::Hardened, "client_secret_post", None, Algorithm::HS256);
            let config = config("code", mode, delivery, Algorithm::HS256, None);
            let options = pinned(Algorithm::HS256);
            let mut rng = rng();
            let started = run(start_flow(
                &config,
                &setup.transport,
                &backend(),
                &*setup.clock,
                &mut rng,
                &options,
            ));
            assert!(
                started.run.succeeded(),
                "{delivery:?} {mode:?}: {:?}",
                started.run.error
            );
            let pending = started.pending.expect("an authorize URL");
            // Nothing of the front channel happened yet: the browser goes there itself.
            assert!(!started
                .run
                .timeline
                .iter()
                .any(|e| matches!(e, TimelineEvent::Exchange { step: "authorize", .. })));
            let callback = browse_to_callback(&setup, &pending.authorize_url);
            let mut finish = || {
                run(finish_flow(
                    &config,
                    &pending,
                    &callback,
                    &setup.transport,
                    &backend(),
                    &*setup.clock,
                    &mut rng,
                    &options,
                ))
            };
            let finished = finish();
            assert!(finished.succeeded(), "{delivery:?} {mode:?}: {:?}", finished.error);
            assert!(matches!(
                finished.timeline.first(),
                Some(TimelineEvent::Callback { .. })
            ));
            let id_token = finished.outcome.id_token.expect("a validated ID token");
            assert_eq!(id_token.claims["aud"], "client-1");
            // A second visit with the same code is the server's to refuse (RFC 6749 §4.1.2).
            let again = finish();
            assert_eq!(
                again.error.map(|e| e.code()),
                Some("token.status"),
                "{delivery:?} {mode:?}"
            );
        }
    }
}

#[test]
fn a_split_flow_refuses_callbacks_it_cannot_or_must_not_read() {
    use oauth_playground::oauth::{discover, finish_flow, start_flow};
    let setup = setup(ProfileName::Hardened, "client_secret_post", None, Algorithm::HS256);
    // Endpoints given by hand: no discovery request is made.
    let metadata = run(discover(&setup.transport, ISSUER)).unwrap();
    let options = FlowOptions {
        metadata: Some(metadata),
        ..pinned(Algorithm::HS256)
    };
    let finish = |config: &Config, url_of: &dyn Fn(&str) -> String| {
        let mut rng = rng();
        let started = run(start_flow(
            config,
            &setup.transport,
            &backend(),
            &*setup.clock,
            &mut rng,
            &options,
        ));
        assert!(started
            .run
            .timeline
            .iter()
            .all(|e| !format!("{e:?}").contains("discovery")));
        let pending = started.pending.expect("an authorize URL");
        let callback = browse_to_callback(&setup, &pending.authorize_url);
        let run = run(finish_flow(
            config,
            &pending,
            &url_of(&callback),
            &setup.transport,
            &backend(),
            &*setup.clock,
            &mut rng,
            &options,
        ));
        run.error.map(|e| e.code())
    };
    let query = config("code", None, Delivery::Par, Algorithm::HS256, None);
    assert_eq!(finish(&query, &|url| url.to_string()), None);
    assert_eq!(
        finish(&query, &|url| url.replacen('?', "#", 1)),
        Some("callback.location_mismatch")
    );
    assert_eq!(
        finish(&query, &|url| url.replacen(REDIRECT, "https://client.example/other", 1)),
        Some("callback.not_redirect_uri")
    );
    let form_post = config("code", Some("form_post"), Delivery::Par, Algorithm::HS256, None);
    let mut rng = rng();
    let started = run(start_flow(
        &form_post,
        &setup.transport,
        &backend(),
        &*setup.clock,
        &mut rng,
        &options,
    ));
    let pending = started.pending.expect("an authorize URL");
    let run = run(finish_flow(
        &form_post,
        &pending,
        REDIRECT,
        &setup.transport,
        &backend(),
        &*setup.clock,
        &mut rng,
        &options,
    ));
    assert_eq!(run.error.map(|e| e.code()), Some("callback.form_post_unreadable"));
}

/// A backend that cannot sign: what the page would see if WebCrypto refused the server's key.
struct RefusingBackend;

fn refused() -> JoseError {
    JoseError::Backend {
        backend: "refusing",
        problem: "refused for the test".into(),
    }
}

impl CryptoBackend for RefusingBackend {
    fn name(&self) -> &'static str {
        "refusing"
    }
    async fn sign(&self, _: Algorithm, _: &Jwk, _: &[u8]) -> Result<Vec<u8>, JoseError> {
        Err(refused())
    }
    async fn verify(&self, _: Algorithm, _: &Jwk, _: &[u8], _: &[u8]) -> Result<(), JoseError> {
        Err(refused())
    }
    async fn generate(&self, _: KeyGenSpec) -> Result<Jwk, JoseError> {
        Err(refused())
    }
}

#[test]
fn a_deferred_signature_that_fails_becomes_a_500_never_a_placeholder() {
    let setup = setup(ProfileName::Lenient, "client_secret_post", None, Algorithm::RS256);
    let server = Rc::clone(setup.transport.server());
    let authorize = format!(
        "{ISSUER}/authorize?client_id=client-1&response_type=code%20id_token&response_mode=fragment.jwt\
         &redirect_uri={}&scope=openid&nonce=n-1&state=s-1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
         &code_challenge_method=S256",
        "https%3A%2F%2Fclient.example%2Fcb"
    );
    // Through the consent page, as a browser would: the answer that carries the JWTs is
    // the decision's redirect (or the authorize redirect when consent is not asked).
    let deferred = server.borrow_mut().handle_deferred(&Request::get(authorize.as_str()));
    let pending = deferred.pending();
    let response = run(deferred.seal(&RefusingBackend));
    let text = String::from_utf8_lossy(&response.body).to_string()
        + response.headers.iter().map(|(_, v)| v).collect::<String>().as_str();
    assert!(!text.contains("jws-pending-"), "{text}");
    if pending > 0 {
        assert_eq!(response.status, 500);
        assert!(text.contains("could not sign a RS256 JWT"), "{text}");
    } else {
        panic!(
            "the authorize answer carried no JWT (consent page?): {} {text}",
            response.status
        );
    }
}
