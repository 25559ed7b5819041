//! JWE in the client: request objects signed then encrypted to the server (RFC 9101 §4, OIDC
//! Core §6.1), and encrypted JARM responses, ID tokens and userinfo decrypted with the client's
//! own keys (JARM §2.4 step 1, OIDC Core §3.1.3.7 step 1, §5.3.2) — each accepted, and each
//! refused with its code when tampered with, sent to another key, or under an alg the client
//! did not register (RSA1_5 above all).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod oauth_common;

use std::sync::OnceLock;

use oauth_common::*;
use oauth_playground::jose::jwe::{self, ContentEncryption, KeyManagement};
use oauth_playground::jose::keygen::generate;
use oauth_playground::jose::{base64url, jws, Algorithm, EcCurve, Jwk, Jwks, KeyGenSpec, SecretString, ShortHmacKeys};
use oauth_playground::oauth::token::UserInfo;
use oauth_playground::oauth::userinfo::{validate_userinfo, UserinfoExpectations};
use oauth_playground::oauth::*;
use oauth_playground::protocol::form_decode;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

const SECRET: &str = "a-client-secret-of-enough-length-0123456789";

fn seeded(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A generated key with a fixed `kid` and `use`. RSA generation is slow: each once per binary.
fn keyed(spec: KeyGenSpec, seed: u64, kid: &str, key_use: &str) -> Jwk {
    let mut k = generate(spec, &mut seeded(seed)).unwrap();
    k.kid = Some(kid.into());
    k.key_use = Some(key_use.into());
    k
}

fn once(cell: &'static OnceLock<Jwk>, make: impl FnOnce() -> Jwk) -> Jwk {
    cell.get_or_init(make).clone()
}

fn server_sig() -> Jwk {
    static K: OnceLock<Jwk> = OnceLock::new();
    once(&K, || keyed(KeyGenSpec::Rsa { bits: 2048 }, 1, "srv-sig", "sig"))
}

fn server_enc_rsa() -> Jwk {
    static K: OnceLock<Jwk> = OnceLock::new();
    once(&K, || keyed(KeyGenSpec::Rsa { bits: 2048 }, 2, "srv-enc-rsa", "enc"))
}

fn server_enc_ec() -> Jwk {
    keyed(KeyGenSpec::Ec { crv: EcCurve::P256 }, 3, "srv-enc-p256", "enc")
}

fn client_enc_rsa() -> Jwk {
    static K: OnceLock<Jwk> = OnceLock::new();
    once(&K, || keyed(KeyGenSpec::Rsa { bits: 2048 }, 4, "cli-enc-rsa", "enc"))
}

fn client_enc_ec() -> Jwk {
    keyed(KeyGenSpec::Ec { crv: EcCurve::P256 }, 5, "cli-enc-p256", "enc")
}

/// The server's published JWKS: a signing key and two encryption keys.
fn server_jwks() -> Jwks {
    Jwks::new(
        [server_sig(), server_enc_rsa(), server_enc_ec()]
            .iter()
            .map(|k| k.to_public().unwrap())
            .collect(),
    )
}

fn choice(alg: KeyManagement, enc: ContentEncryption) -> JweChoice {
    JweChoice::new(alg, enc)
}

// ---------------------------------------------------------------------------------------------
// Request objects: signed, then encrypted.

fn endpoints(jwks: &Jwks) -> Endpoints<'_> {
    Endpoints {
        issuer: ISSUER,
        authorization_endpoint: AUTHORIZE,
        pushed_authorization_request_endpoint: Some(PAR),
        jwks: Some(jwks),
    }
}

fn jar_config(delivery: Delivery, encryption: Option<JweChoice>) -> Config {
    let mut request = AuthorizationRequest::new(CLIENT_ID, REDIRECT);
    request.scope = Some("openid".into());
    let mut config = Config::new(ISSUER, request);
    config.delivery = delivery;
    config.request_object_alg = Some(Algorithm::ES256);
    let mut signing = key(Algorithm::ES256, 9);
    signing.kid = Some("cli-sig".into());
    config.client_key = Some(signing);
    config.auth_method = "client_secret_basic".into();
    config.client_secret = Some(SecretString::new(SECRET.into()));
    config.encryption.request_object = encryption;
    config
}

fn prepare(config: &Config, jwks: &Jwks) -> Result<PreparedAuthorization, ClientError> {
    run(prepare_authorization(
        config,
        &endpoints(jwks),
        ISSUER,
        NOW,
        &mut rng(),
        &backend(),
    ))
}

/// The `request` parameter as it goes on the wire: in the authorize URL (JAR) or the PAR body.
fn sent_request(prepared: &PreparedAuthorization) -> String {
    let pairs = match &prepared.first {
        FirstMessage::Redirect { authorize_url } => {
            let query = authorize_url.split_once('?').unwrap().1;
            form_decode(query.as_bytes())
        }
        FirstMessage::Push { request } => form_decode(&request.body),
    };
    pairs.into_iter().find(|(k, _)| k == "request").unwrap().1
}

#[test]
fn request_object_is_signed_then_encrypted_to_the_servers_enc_key_by_value_and_at_par() {
    let jwks = server_jwks();
    let cases = [
        (KeyManagement::RsaOaep256, ContentEncryption::A256Gcm, server_enc_rsa()),
        (
            KeyManagement::RsaOaep,
            ContentEncryption::A128CbcHs256,
            server_enc_rsa(),
        ),
        (KeyManagement::EcdhEs, ContentEncryption::A128Gcm, server_enc_ec()),
        (
            KeyManagement::EcdhEsA128Kw,
            ContentEncryption::A256CbcHs512,
            server_enc_ec(),
        ),
    ];
    for (alg, enc, server_key) in cases {
        for delivery in [Delivery::Jar, Delivery::ParJar] {
            let config = jar_config(delivery, Some(choice(alg, enc)));
            let prepared = prepare(&config, &jwks).unwrap();
            let nested = prepared.request_object_jwe.clone().expect("encrypted");
            let jws_text = prepared.request_object_jwt.clone().unwrap();
            assert_eq!(nested.jws, jws_text);
            // What is sent is the JWE, never the bare JWS.
            assert_eq!(sent_request(&prepared), nested.jwe, "{alg:?} {delivery:?}");
            assert_eq!(nested.header["alg"], alg.name());
            assert_eq!(nested.header["enc"], enc.name());
            assert_eq!(nested.header["kid"], server_key.kid.clone().unwrap());
            assert_eq!(nested.header["cty"], "JWT");

            // The server decrypts it with its private key and finds the signed request object.
            let decrypted = jwe::decrypt_compact(&nested.jwe, &server_key, &[alg], &[enc], &mut rng()).unwrap();
            assert_eq!(decrypted.plaintext, jws_text.as_bytes());
            let client_public = config.client_key.as_ref().unwrap().to_public().unwrap();
            let verified = jws::verify_compact(&jws_text, &client_public, &[Algorithm::ES256]).unwrap();
            let claims: Value = serde_json::from_slice(&verified.payload).unwrap();
            assert_eq!(claims["client_id"], CLIENT_ID);
            assert_eq!(claims["aud"], ISSUER);
        }
    }
}

#[test]
fn request_object_stays_signed_only_when_encryption_is_off() {
    let prepared = prepare(&jar_config(Delivery::Jar, None), &server_jwks()).unwrap();
    assert!(prepared.request_object_jwe.is_none());
    assert_eq!(sent_request(&prepared), prepared.request_object_jwt.unwrap());
}

#[test]
fn symmetric_request_object_encryption_uses_the_client_secret_key_of_oidc_core_10_2() {
    let alg = KeyManagement::A256Kw;
    let enc = ContentEncryption::A128CbcHs256;
    let config = jar_config(Delivery::ParJar, Some(choice(alg, enc)));
    let prepared = prepare(&config, &Jwks::default()).unwrap();
    let nested = prepared.request_object_jwe.unwrap();
    assert!(nested.header.get("kid").is_none(), "no server key is named");
    let key = jwe::key_from_client_secret(SECRET, alg, enc).unwrap();
    let decrypted = jwe::decrypt_compact(&nested.jwe, &key, &[alg], &[enc], &mut rng()).unwrap();
    assert_eq!(decrypted.plaintext, nested.jws.as_bytes());

    // A public client has no secret to derive the key from.
    let mut public = config.clone();
    public.auth_method = "none".into();
    public.delivery = Delivery::Jar;
    let err = prepare(&public, &Jwks::default()).unwrap_err();
    assert_eq!(err.code(), "jar.encryption_symmetric_public_client");
}

#[test]
fn request_object_encryption_needs_exactly_one_fitting_enc_key() {
    let rsa = choice(KeyManagement::RsaOaep256, ContentEncryption::A256Gcm);
    // Only a signing key fits RSA-OAEP-256 by type: never used to encrypt.
    let sig_only = Jwks::new(vec![
        server_sig().to_public().unwrap(),
        server_enc_ec().to_public().unwrap(),
    ]);
    let err = prepare(&jar_config(Delivery::Jar, Some(rsa)), &sig_only).unwrap_err();
    assert_eq!(err.code(), "jar.encryption_server_key_not_found");
    let text = err.to_string();
    assert!(
        text.contains("srv-sig") && text.contains("srv-enc-p256"),
        "names what was found: {text}"
    );

    // A key whose own alg names another algorithm does not fit.
    let mut restricted = server_enc_rsa().to_public().unwrap();
    restricted.alg = Some("RSA-OAEP".into());
    let err = prepare(&jar_config(Delivery::Jar, Some(rsa)), &Jwks::new(vec![restricted])).unwrap_err();
    assert_eq!(err.code(), "jar.encryption_server_key_not_found");

    // Two fitting enc keys, and nothing to choose between them.
    let mut second = server_enc_rsa().to_public().unwrap();
    second.kid = Some("srv-enc-rsa-2".into());
    let two = Jwks::new(vec![server_enc_rsa().to_public().unwrap(), second]);
    let err = prepare(&jar_config(Delivery::Jar, Some(rsa)), &two).unwrap_err();
    assert_eq!(err.code(), "jar.encryption_server_key_ambiguous");
}

// ---------------------------------------------------------------------------------------------
// What the server encrypts to the client.

fn server_signed(claims: &Value) -> String {
    jws::sign_compact(
        r#"{"alg":"RS256","kid":"srv-sig"}"#,
        claims.to_string().as_bytes(),
        &server_sig(),
        ShortHmacKeys::Refuse,
    )
    .unwrap()
}

/// Encrypts `plaintext` to `to` as the server would: `kid` of the recipient, `cty: JWT`.
fn encrypt(plaintext: &str, alg: &str, enc: &str, kid: Option<&str>, to: &Jwk) -> String {
    let mut header = json!({ "alg": alg, "enc": enc, "cty": "JWT" });
    if let Some(kid) = kid {
        header["kid"] = json!(kid);
    }
    jwe::encrypt_compact(&header.to_string(), plaintext.as_bytes(), to, &mut seeded(11)).unwrap()
}

fn to_client_rsa(plaintext: &str) -> String {
    encrypt(
        plaintext,
        "RSA-OAEP-256",
        "A128CBC-HS256",
        Some("cli-enc-rsa"),
        &client_enc_rsa().to_public().unwrap(),
    )
}

fn client_decryption(expected: JweChoice) -> ResponseDecryption {
    ResponseDecryption {
        expected,
        // A signing key among them is never tried.
        keys: vec![client_enc_rsa(), client_enc_ec(), {
            let mut sig = key(Algorithm::RS256, 77);
            sig.key_use = Some("sig".into());
            sig
        }],
        client_secret: Some(SecretString::new(SECRET.into())),
    }
}

fn rsa_choice() -> JweChoice {
    choice(KeyManagement::RsaOaep256, ContentEncryption::A128CbcHs256)
}

/// The ciphertext part changed (one base64url character of its first byte).
fn tamper_ciphertext(jwe: &str) -> String {
    let mut parts: Vec<String> = jwe.split('.').map(str::to_string).collect();
    let mut bytes = base64url::decode(&parts[3], "ciphertext").unwrap();
    bytes[0] ^= 1;
    parts[3] = base64url::encode(&bytes);
    parts.join(".")
}

/// An RSA1_5 JWE: refused from its header, whatever its other parts hold.
fn rsa1_5() -> String {
    let header = base64url::encode(br#"{"alg":"RSA1_5","enc":"A128CBC-HS256","kid":"cli-enc-rsa"}"#);
    format!("{header}.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA")
}

/// A JWE encrypted to a stranger's key under the client's kid.
fn to_wrong_key(plaintext: &str) -> String {
    let stranger = keyed(KeyGenSpec::Ec { crv: EcCurve::P256 }, 66, "cli-enc-p256", "enc");
    encrypt(
        plaintext,
        "ECDH-ES+A128KW",
        "A128GCM",
        Some("cli-enc-p256"),
        &stranger.to_public().unwrap(),
    )
}

fn ec_choice() -> JweChoice {
    choice(KeyManagement::EcdhEsA128Kw, ContentEncryption::A128Gcm)
}

fn to_client_ec(plaintext: &str) -> String {
    encrypt(
        plaintext,
        "ECDH-ES+A128KW",
        "A128GCM",
        Some("cli-enc-p256"),
        &client_enc_ec().to_public().unwrap(),
    )
}

// JARM.

fn jarm_claims() -> Value {
    json!({"iss": ISSUER, "aud": CLIENT_ID, "exp": NOW + 120, "iat": NOW, "code": "the-code", "state": "st-1"})
}

fn jarm_expect(decryption: Option<ResponseDecryption>) -> ResponseExpectations {
    let mut e = ResponseExpectations::new(ISSUER, CLIENT_ID, Some("st-1".into()));
    e.jarm = true;
    e.jarm_algs = vec![Algorithm::RS256];
    e.decryption = decryption;
    e
}

fn jarm(response: &str, expect: &ResponseExpectations) -> Report<AuthorizationResponse> {
    let received = CallbackParams {
        location: ResponseLocation::Query,
        params: vec![("response".into(), response.into())],
    };
    run(validate_authorization_response(
        &received,
        expect,
        Some(&server_jwks()),
        NOW,
        &backend(),
    ))
}

#[test]
fn encrypted_jarm_is_decrypted_then_verified() {
    let inner = server_signed(&jarm_claims());
    for (jwe, expected) in [
        (to_client_rsa(&inner), rsa_choice()),
        (to_client_ec(&inner), ec_choice()),
    ] {
        let report = jarm(&jwe, &jarm_expect(Some(client_decryption(expected))));
        let response = report.result.as_ref().expect("accepted");
        assert_eq!(response.code(), Some("the-code"));
        let decrypt = &report.steps[0];
        assert_eq!(decrypt.check, "jarm.decrypt");
        assert!(matches!(decrypt.outcome, Outcome::Passed { .. }), "{decrypt:?}");
        // The timeline gets the JWE header and the nested JWT.
        let shown = decrypt.decrypted.as_ref().unwrap();
        assert_eq!(shown.plaintext, inner);
        assert_eq!(shown.header["alg"], expected.alg.name());
        assert!(report.steps.iter().any(|s| s.check == "jarm.signature" && s.passed()));
    }
}

#[test]
fn encrypted_jarm_failures_each_have_their_code() {
    let inner = server_signed(&jarm_claims());
    let registered = || jarm_expect(Some(client_decryption(rsa_choice())));
    let code = |jwe: &str, expect: &ResponseExpectations| jarm(jwe, expect).failure_code();
    assert_eq!(
        code(&tamper_ciphertext(&to_client_rsa(&inner)), &registered()),
        Some("jarm.decryption_failed")
    );
    let wrong = to_wrong_key(&inner);
    assert_eq!(
        code(&wrong, &jarm_expect(Some(client_decryption(ec_choice())))),
        Some("jarm.decryption_failed")
    );
    // Registered RSA-OAEP-256, came ECDH-ES+A128KW.
    assert_eq!(
        code(&to_client_ec(&inner), &registered()),
        Some("jarm.encryption_alg_unexpected")
    );
    assert_eq!(code(&rsa1_5(), &registered()), Some("jarm.encryption_alg_unexpected"));
    // A kid the client does not have.
    let unknown = encrypt(
        &inner,
        "RSA-OAEP-256",
        "A128CBC-HS256",
        Some("who-is-this"),
        &client_enc_rsa().to_public().unwrap(),
    );
    assert_eq!(code(&unknown, &registered()), Some("jarm.encryption_key_not_found"));
    // Registered, yet only signed.
    assert_eq!(code(&inner, &registered()), Some("jarm.not_encrypted"));
    // Encrypted, yet nothing registered.
    assert_eq!(
        code(&to_client_rsa(&inner), &jarm_expect(None)),
        Some("jarm.encryption_alg_unexpected")
    );
}

// ID tokens.

fn id_claims() -> Value {
    json!({"iss": ISSUER, "sub": "alice", "aud": CLIENT_ID, "exp": NOW + 300, "iat": NOW, "nonce": "n-1"})
}

fn id_expect(decryption: Option<ResponseDecryption>) -> IdTokenExpectations {
    let mut e = IdTokenExpectations::new(ISSUER, CLIENT_ID);
    e.nonce = Some("n-1".into());
    e.decryption = decryption;
    e
}

fn id_token(jwt: &str, expect: &IdTokenExpectations) -> Report<VerifiedIdToken> {
    run(validate_id_token(jwt, expect, Some(&server_jwks()), NOW, &backend()))
}

#[test]
fn encrypted_id_token_is_decrypted_then_every_id_token_check_runs_on_the_inner_jws() {
    let inner = server_signed(&id_claims());
    for (jwe, expected) in [
        (to_client_rsa(&inner), rsa_choice()),
        (to_client_ec(&inner), ec_choice()),
    ] {
        let report = id_token(&jwe, &id_expect(Some(client_decryption(expected))));
        assert_eq!(report.result.as_ref().unwrap().sub(), Some("alice"));
        assert_eq!(report.steps[0].check, "id_token.decrypt");
        assert_eq!(report.steps[0].decrypted.as_ref().unwrap().plaintext, inner);
        assert!(report.steps.iter().all(|s| s.passed()));
    }
    // The inner token's own checks still bite: a wrong nonce inside an encrypted token.
    let mut claims = id_claims();
    claims["nonce"] = json!("other");
    let report = id_token(
        &to_client_rsa(&server_signed(&claims)),
        &id_expect(Some(client_decryption(rsa_choice()))),
    );
    assert_eq!(report.failure_code(), Some("id_token.nonce_mismatch"));
}

#[test]
fn encrypted_id_token_with_dir_uses_the_client_secret_key() {
    let (alg, enc) = (KeyManagement::Dir, ContentEncryption::A128Gcm);
    let key = jwe::key_from_client_secret(SECRET, alg, enc).unwrap();
    let jwe = encrypt(&server_signed(&id_claims()), "dir", "A128GCM", None, &key);
    let mut decryption = client_decryption(choice(alg, enc));
    let report = id_token(&jwe, &id_expect(Some(decryption.clone())));
    assert!(report.result.is_ok(), "{report:?}");
    // A public client has no secret: no key.
    decryption.client_secret = None;
    let report = id_token(&jwe, &id_expect(Some(decryption)));
    assert_eq!(report.failure_code(), Some("id_token.encryption_key_not_found"));
}

#[test]
fn encrypted_id_token_failures_each_have_their_code() {
    let inner = server_signed(&id_claims());
    let registered = || id_expect(Some(client_decryption(rsa_choice())));
    let code = |jwe: &str, expect: &IdTokenExpectations| id_token(jwe, expect).failure_code();
    assert_eq!(
        code(&tamper_ciphertext(&to_client_rsa(&inner)), &registered()),
        Some("id_token.decryption_failed")
    );
    assert_eq!(
        code(&to_wrong_key(&inner), &id_expect(Some(client_decryption(ec_choice())))),
        Some("id_token.decryption_failed")
    );
    assert_eq!(
        code(&to_client_ec(&inner), &registered()),
        Some("id_token.encryption_alg_unexpected")
    );
    assert_eq!(
        code(&rsa1_5(), &registered()),
        Some("id_token.encryption_alg_unexpected")
    );
    assert_eq!(code(&inner, &registered()), Some("id_token.not_encrypted"));
    // The recipient's RSA key only, when the client holds no RSA encryption key.
    let mut ec_only = client_decryption(rsa_choice());
    ec_only.keys = vec![client_enc_ec()];
    assert_eq!(
        code(&to_client_rsa(&inner), &id_expect(Some(ec_only))),
        Some("id_token.encryption_key_not_found")
    );
}

// Userinfo.

fn userinfo_expect(decryption: Option<ResponseDecryption>) -> UserinfoExpectations {
    UserinfoExpectations {
        issuer: ISSUER.into(),
        client_id: CLIENT_ID.into(),
        algs: vec![Algorithm::RS256],
        id_token_sub: Some("alice".into()),
        client_secret: None,
        decryption,
    }
}

fn userinfo(body: &str, expect: &UserinfoExpectations) -> Report<serde_json::Map<String, Value>> {
    run(validate_userinfo(
        &UserInfo::Jwt(body.into()),
        expect,
        Some(&server_jwks()),
        &backend(),
    ))
}

#[test]
fn encrypted_userinfo_signed_or_plain_json_is_decrypted_and_checked() {
    let registered = userinfo_expect(Some(client_decryption(rsa_choice())));
    let claims = json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "alice", "email": "alice.a@example.com"});
    // Signed then encrypted: the signed-userinfo checks run on the inner JWS.
    let inner = server_signed(&claims);
    let report = userinfo(&to_client_rsa(&inner), &registered);
    assert_eq!(report.result.as_ref().unwrap()["email"], "alice.a@example.com");
    let ran: Vec<_> = report.steps.iter().map(|s| s.check).collect();
    assert_eq!(ran[0], "userinfo.decrypt");
    assert!(ran.contains(&"userinfo.signature"), "{ran:?}");
    assert_eq!(report.steps[0].decrypted.as_ref().unwrap().plaintext, inner);

    // Encrypted only: the plaintext is the JSON claims (with dots in its values).
    let json_only = encrypt(
        &claims.to_string(),
        "RSA-OAEP-256",
        "A128CBC-HS256",
        Some("cli-enc-rsa"),
        &client_enc_rsa().to_public().unwrap(),
    );
    let report = userinfo(&json_only, &registered);
    assert_eq!(report.result.as_ref().unwrap()["sub"], "alice", "{report:?}");
}

#[test]
fn encrypted_userinfo_failures_each_have_their_code() {
    let inner = server_signed(&json!({"sub": "alice"}));
    let registered = || userinfo_expect(Some(client_decryption(rsa_choice())));
    let code = |body: &str, expect: &UserinfoExpectations| userinfo(body, expect).failure_code();
    assert_eq!(
        code(&tamper_ciphertext(&to_client_rsa(&inner)), &registered()),
        Some("userinfo.decryption_failed")
    );
    assert_eq!(
        code(
            &to_wrong_key(&inner),
            &userinfo_expect(Some(client_decryption(ec_choice())))
        ),
        Some("userinfo.decryption_failed")
    );
    assert_eq!(
        code(&to_client_ec(&inner), &registered()),
        Some("userinfo.encryption_alg_unexpected")
    );
    assert_eq!(
        code(&rsa1_5(), &registered()),
        Some("userinfo.encryption_alg_unexpected")
    );
    assert_eq!(code(&inner, &registered()), Some("userinfo.not_encrypted"));
    let plain = run(validate_userinfo(
        &UserInfo::Claims(json!({"sub": "alice"}).as_object().unwrap().clone()),
        &registered(),
        Some(&server_jwks()),
        &backend(),
    ));
    assert_eq!(plain.failure_code(), Some("userinfo.not_encrypted"));
}

#[test]
fn registration_names_default_enc_and_refuse_rsa1_5() {
    assert_eq!(
        JweChoice::from_names("RSA-OAEP", "").unwrap(),
        Some(choice(KeyManagement::RsaOaep, ContentEncryption::A128CbcHs256))
    );
    assert_eq!(JweChoice::from_names("", "A256GCM").unwrap(), None);
    assert!(JweChoice::from_names("RSA1_5", "A128GCM").is_err());
}

// ---------------------------------------------------------------------------------------------
// The whole flow against canned answers: PAR with a signed-then-encrypted request object, an
// encrypted JARM response, an encrypted ID token and encrypted userinfo, each decrypted as the
// first step of its checks and shown in the timeline.

#[test]
fn a_flow_with_every_message_encrypted_decrypts_each_and_shows_it_in_the_timeline() {
    use oauth_playground::clock::FixedClock;
    use oauth_playground::http::Response;

    let discovery = json!({
        "issuer": ISSUER,
        "authorization_endpoint": AUTHORIZE,
        "token_endpoint": TOKEN,
        "userinfo_endpoint": "https://as.example/userinfo",
        "jwks_uri": "https://as.example/jwks",
        "pushed_authorization_request_endpoint": PAR,
        "request_object_signing_alg_values_supported": ["ES256"],
        "request_object_encryption_alg_values_supported": ["ECDH-ES+A128KW", "RSA-OAEP-256"],
        "request_object_encryption_enc_values_supported": ["A128GCM"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["RS256"],
        "authorization_signing_alg_values_supported": ["RS256"],
        "response_modes_supported": ["query", "jwt", "query.jwt"]
    });
    let jarm_inner = server_signed(&json!({
        "iss": ISSUER, "aud": CLIENT_ID, "exp": NOW + 60, "code": "c-1", "state": "st-1"
    }));
    let id_inner = server_signed(&id_claims());
    let userinfo_inner = server_signed(&json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "alice"}));
    let jarm_jwe = to_client_rsa(&jarm_inner);
    let id_jwe = to_client_ec(&id_inner);
    let userinfo_jwe = to_client_rsa(&userinfo_inner);

    let pushed = json_response(
        201,
        r#"{"request_uri":"urn:ietf:params:oauth:request_uri:r1","expires_in":60}"#,
    );
    let mut back = Response::new(302);
    back.headers
        .append("Location", format!("{REDIRECT}?response={jarm_jwe}"));
    let mut userinfo = Response::new(200);
    userinfo.headers.append("Content-Type", "application/jwt");
    userinfo.body = userinfo_jwe.into_bytes();
    let transport = CannedTransport::new(vec![
        json_response(200, &discovery.to_string()),
        json_response(200, &server_jwks().to_json()),
        pushed,
        back,
        json_response(
            200,
            &json!({"access_token": "at-1", "token_type": "Bearer", "id_token": id_jwe}).to_string(),
        ),
        userinfo,
    ]);

    let mut config = jar_config(Delivery::ParJar, Some(ec_choice()));
    config.request.state = Some("st-1".into());
    config.request.nonce = Some("n-1".into());
    config.request.response_mode = Some("jwt".into());
    config.encryption.authorization_response = Some(rsa_choice());
    config.encryption.id_token = Some(ec_choice());
    config.encryption.userinfo = Some(rsa_choice());
    config.encryption.keys = vec![client_enc_rsa(), client_enc_ec()];
    let options = FlowOptions {
        regenerate: false,
        ..FlowOptions::default()
    };
    let clock = FixedClock::at(NOW);
    let flow = run(run_flow(&config, &transport, &backend(), &clock, &mut rng(), &options));
    assert!(flow.succeeded(), "{:?}", flow.error);

    // The request object went to PAR encrypted to the server's P-256 enc key.
    let sent = transport.sent.borrow();
    let body = form_decode(&sent[2].body);
    let request = &body.iter().find(|(k, _)| k == "request").unwrap().1;
    let decrypted = jwe::decrypt_compact(
        request,
        &server_enc_ec(),
        &[KeyManagement::EcdhEsA128Kw],
        &[ContentEncryption::A128Gcm],
        &mut rng(),
    )
    .unwrap();
    let inner = String::from_utf8(decrypted.plaintext).unwrap();
    assert!(flow.timeline.iter().any(|e| matches!(
        e,
        TimelineEvent::Checks { step: "request_object (encrypted)", steps }
            if steps[0].decrypted.as_ref().is_some_and(|d| d.plaintext == inner)
    )));

    // Each received message: decrypted first, the nested JWT in the timeline.
    for check in ["jarm.decrypt", "id_token.decrypt", "userinfo.decrypt"] {
        let step = flow.steps().find(|s| s.check == check).unwrap();
        assert!(matches!(step.outcome, Outcome::Passed { .. }), "{step:?}");
        assert!(step.decrypted.is_some());
    }
    for (label, compact) in [
        ("jarm (decrypted)", &jarm_inner),
        ("id_token (token response, decrypted)", &id_inner),
        ("userinfo (decrypted)", &userinfo_inner),
    ] {
        assert!(
            flow.timeline.iter().any(|e| matches!(
                e,
                TimelineEvent::Jwt { step, compact: c, .. } if *step == label && c == compact
            )),
            "{label}"
        );
    }
    assert_eq!(flow.outcome.id_token.as_ref().unwrap().sub(), Some("alice"));
}
