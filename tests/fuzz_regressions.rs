//! Replays every input the fuzzers ever crashed on (`fuzz/regressions/<target>/`) and the
//! checked-in seed corpus (`fuzz/seeds/<target>/`) through `oauth_playground::fuzzing` — the
//! very functions the cargo-fuzz targets call — so a fixed crash stays fixed under plain
//! `cargo test`, without nightly or libFuzzer.
//!
//! Two more tests are `#[ignore]`d tools (FUZZING.md says how to run them): `write_seed_corpus`
//! regenerates the seeds from real flows against the mock server, and `corpus_timing` replays
//! a whole corpus in release mode and reports the slowest input.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oauth_playground::fuzzing::{self, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir` (none if it does not exist), sorted, dot-files left out.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

#[test]
fn every_saved_crash_and_seed_replays_without_a_panic() {
    let mut counts = Vec::new();
    for target in TARGETS {
        let regressions = files(&fuzz_dir().join("regressions").join(target));
        let seeds = files(&fuzz_dir().join("seeds").join(target));
        for file in regressions.iter().chain(&seeds) {
            let data = std::fs::read(file).unwrap();
            // A panic here names the file through the test's output.
            eprintln!("replaying {}", file.display());
            assert!(fuzzing::run(target, &data));
        }
        assert!(seeds.len() >= 3, "{target}: the seed corpus has {} inputs", seeds.len());
        counts.push(format!(
            "{target}: {} regressions, {} seeds",
            regressions.len(),
            seeds.len()
        ));
    }
    println!("{}", counts.join("\n"));
}

#[test]
fn an_unknown_target_is_refused() {
    assert!(!fuzzing::run("no-such-target", b""));
}

/// Replays a corpus in (ideally) release mode and reports its slowest input:
/// `FUZZ_TIMING_TARGET=server FUZZ_TIMING_DIRS=fuzz/corpus/server:fuzz/seeds/server
/// cargo test --release --test fuzz_regressions -- --ignored --nocapture corpus_timing`.
/// Each input runs three times and counts its fastest run (the first run of the process
/// pays for one-time setup). Fails if an input takes longer than `FUZZ_BUDGET_MS` (10).
#[test]
#[ignore = "a measuring tool: run by scripts/fuzz.sh after each fuzzing run"]
fn corpus_timing() {
    let target = std::env::var("FUZZ_TIMING_TARGET").expect("FUZZ_TIMING_TARGET names the target");
    let dirs = std::env::var("FUZZ_TIMING_DIRS").expect("FUZZ_TIMING_DIRS lists corpus directories, ':'-separated");
    let budget = Duration::from_millis(
        std::env::var("FUZZ_BUDGET_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10),
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut times: Vec<(Duration, PathBuf, usize)> = Vec::new();
    for dir in dirs.split(':').filter(|d| !d.is_empty()) {
        for file in files(&root.join(dir)) {
            let data = std::fs::read(&file).unwrap();
            let fastest = (0..3)
                .map(|_| {
                    let start = Instant::now();
                    assert!(fuzzing::run(&target, &data), "unknown target {target}");
                    start.elapsed()
                })
                .min()
                .unwrap();
            times.push((fastest, file, data.len()));
        }
    }
    assert!(!times.is_empty(), "no inputs under {dirs}");
    times.sort();
    let total: Duration = times.iter().map(|t| t.0).sum();
    let (slowest, path, len) = times.last().unwrap();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)].0;
    let over: Vec<_> = times.iter().filter(|t| t.0 > budget).collect();
    println!(
        "timing {target}: {} inputs, total {:.1} ms, median {:.3} ms, p99 {:.3} ms, slowest {:.3} ms ({} bytes, {}), {} over {} ms",
        times.len(),
        total.as_secs_f64() * 1e3,
        times[times.len() / 2].0.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3,
        len,
        path.display(),
        over.len(),
        budget.as_millis()
    );
    assert!(over.is_empty(), "inputs over the budget: {over:?}");
}

mod seeds {
    //! The seed corpus, written from real exchanges with the mock server (fixed clock, seeded
    //! RNG, so the same bytes every time): `cargo test --test fuzz_regressions -- --ignored
    //! write_seed_corpus`. Each seed is checked to do what it is for (a flow that succeeds, a
    //! JARM response that validates) before it is written.

    use super::*;
    use oauth_playground::jose::jws::{self, JwsHeader};
    use oauth_playground::jose::{base64url, Algorithm, Jwk, Jwks, KeyMaterial, SecretBytes, ShortHmacKeys};
    use oauth_playground::mock_as::{crypto, ClientMetadata, Secret};
    use oauth_playground::protocol::{form_encode, UrlParts};
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use serde_json::{json, Value};

    const ISSUER: &str = "https://mock.as.example";
    const NOW: i64 = 1_800_000_000;
    const SECRET: &str = "client-1-secret-0123456789abcdef0123456789";
    const REDIRECT: &str = "https://client.example/cb";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    /// One request of the `server` target's encoding: route byte (path index, +0x80 for
    /// POST), auth byte (0 none, 1 Basic client-1, 2 Bearer $access_token, 3 body as header).
    fn request(path: u8, post: bool, auth: u8, query: &str, body: &str) -> Vec<u8> {
        let mut out = vec![path | if post { 0x80 } else { 0 }, auth];
        out.extend_from_slice(query.as_bytes());
        if !body.is_empty() {
            out.push(0);
            out.extend_from_slice(body.as_bytes());
        }
        out
    }

    fn exchange(profile: u8, requests: &[Vec<u8>]) -> Vec<u8> {
        let mut out = vec![profile];
        out.extend(requests.join(&b"\n\n"[..]));
        out
    }

    fn params(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let challenge = crypto::pkce_s256(VERIFIER);
        let mut p: Vec<(String, String)> = [
            ("response_type", "code"),
            ("client_id", "client-1"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid profile"),
            ("state", "st-1"),
            ("nonce", "n-1"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in extra {
            p.retain(|(n, _)| n != k);
            p.push((k.to_string(), v.to_string()));
        }
        p
    }

    fn encode(pairs: &[(String, String)]) -> String {
        form_encode(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    fn claims(jti: &str) -> Value {
        let mut claims: serde_json::Map<String, Value> =
            params(&[]).into_iter().map(|(k, v)| (k, Value::from(v))).collect();
        for (k, v) in [
            ("iss", json!("client-1")),
            ("aud", json!(ISSUER)),
            ("iat", json!(NOW)),
            ("nbf", json!(NOW)),
            ("exp", json!(NOW + 240)),
            ("jti", json!(jti)),
        ] {
            claims.insert(k.into(), v);
        }
        Value::Object(claims)
    }

    fn secret() -> Jwk {
        Jwk::new(KeyMaterial::Oct {
            k: SecretBytes::new(SECRET.as_bytes().to_vec()),
        })
    }

    fn request_object(jti: &str) -> String {
        let header = JwsHeader::new(Algorithm::HS256).typ("oauth-authz-req+jwt");
        jws::sign_compact(
            &header.to_json(),
            claims(jti).to_string().as_bytes(),
            &secret(),
            ShortHmacKeys::Allow,
        )
        .unwrap()
    }

    const TOKEN_BODY: &str =
        "grant_type=authorization_code&code=$code&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn server_seeds() -> Vec<(&'static str, Vec<u8>, Vec<u16>)> {
        let (authorize, par, token, userinfo) = (0, 1, 2, 3);
        vec![
            (
                "code-flow-token-userinfo-refresh",
                exchange(
                    0,
                    &[
                        request(authorize, false, 0, &encode(&params(&[])), ""),
                        request(token, true, 1, "", TOKEN_BODY),
                        request(userinfo, false, 2, "", ""),
                        request(
                            token,
                            true,
                            1,
                            "",
                            "grant_type=refresh_token&refresh_token=$refresh_token",
                        ),
                    ],
                ),
                vec![302, 200, 200, 200],
            ),
            (
                "par-then-authorize-then-token",
                exchange(
                    0,
                    &[
                        request(par, true, 1, "", &encode(&params(&[]))),
                        request(authorize, false, 0, "client_id=client-1&request_uri=$request_uri", ""),
                        request(token, true, 1, "", TOKEN_BODY),
                    ],
                ),
                vec![201, 302, 200],
            ),
            (
                "jar-by-value-then-token",
                exchange(
                    0,
                    &[
                        request(
                            authorize,
                            false,
                            0,
                            &form_encode([
                                ("client_id", "client-1"),
                                ("request", request_object("seed-1").as_str()),
                            ]),
                            "",
                        ),
                        request(token, true, 1, "", TOKEN_BODY),
                    ],
                ),
                vec![302, 200],
            ),
            (
                "par-with-request-object",
                exchange(
                    0,
                    &[
                        request(
                            par,
                            true,
                            1,
                            "",
                            &form_encode([
                                ("client_id", "client-1"),
                                ("request", request_object("seed-2").as_str()),
                            ]),
                        ),
                        request(authorize, false, 0, "client_id=client-1&request_uri=$request_uri", ""),
                    ],
                ),
                vec![201, 302],
            ),
            (
                "lenient-hybrid-form-post",
                exchange(
                    1,
                    &[request(
                        authorize,
                        true,
                        0,
                        "",
                        &encode(&params(&[
                            ("response_type", "code id_token token"),
                            ("response_mode", "form_post"),
                        ])),
                    )],
                ),
                vec![200],
            ),
            (
                "jarm-response",
                exchange(
                    0,
                    &[request(
                        authorize,
                        false,
                        0,
                        &encode(&params(&[("response_mode", "jwt")])),
                        "",
                    )],
                ),
                vec![302],
            ),
            (
                "discovery-jwks-unknown",
                exchange(
                    2,
                    &[
                        request(5, false, 0, "", ""),
                        request(6, false, 0, "", ""),
                        request(7, false, 0, "", ""),
                    ],
                ),
                vec![200, 200, 404],
            ),
        ]
    }

    fn location_of(exchange: &[u8]) -> String {
        let responses = fuzzing::server_exchange(exchange);
        responses[0].headers.get("Location").unwrap().to_string()
    }

    fn write(target: &str, name: &str, data: &[u8]) {
        let dir = fuzz_dir().join("seeds").join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), data).unwrap();
    }

    #[test]
    #[ignore = "a tool: regenerates fuzz/seeds/ (deterministic)"]
    fn write_seed_corpus() {
        // server: whole flows, checked to succeed step by step.
        let mut by_name = std::collections::BTreeMap::new();
        for (name, data, statuses) in server_seeds() {
            let got: Vec<u16> = fuzzing::server_exchange(&data).iter().map(|r| r.status).collect();
            assert_eq!(got, statuses, "server seed {name}");
            write("server", name, &data);
            by_name.insert(name, data);
        }

        // request_object: the baseline claims by value, pushed, under Lenient, with a header.
        let payload = claims("seed-ro").to_string();
        let header = r#"{"alg":"HS256","typ":"oauth-authz-req+jwt","kid":"k1"}"#;
        for (name, flags, data) in [
            ("by-value", 0u8, payload.clone()),
            ("pushed", 1, payload.clone()),
            ("lenient", 2, payload.clone()),
            ("with-header", 4, format!("{header}\0{payload}")),
        ] {
            let mut bytes = vec![flags];
            bytes.extend(data.as_bytes());
            let response = fuzzing::request_object_response(&bytes).unwrap();
            let location = response.headers.get("Location").unwrap_or_default();
            assert!(location.contains("code="), "request_object seed {name}: {response:?}");
            write("request_object", name, &bytes);
        }

        // dpop: a valid proof at each endpoint, with and without server nonces, and one proof
        // sent twice (the second refused by its jti).
        for (name, flags, method, extra, statuses) in [
            ("par", 0u8, "POST", "", vec![201]),
            ("token", 1, "POST", "", vec![200]),
            ("userinfo", 2, "GET", r#","ath":"$ath""#, vec![200]),
            ("par-twice", 3, "POST", "", vec![201, 400]),
            ("par-nonce", 4, "POST", r#","nonce":"$nonce""#, vec![201]),
            (
                "userinfo-nonce",
                6,
                "GET",
                r#","ath":"$ath","nonce":"$nonce""#,
                vec![200],
            ),
        ] {
            let claims = format!(r#"{{"jti":"seed-{name}","htm":"{method}","htu":"$htu","iat":$now{extra}}}"#);
            let mut bytes = vec![flags];
            bytes.extend(claims.as_bytes());
            let got: Vec<u16> = fuzzing::dpop_exchange(&bytes).iter().map(|r| r.status).collect();
            assert_eq!(got, statuses, "dpop seed {name}");
            write("dpop", name, &bytes);
        }
        let header = r#"{"typ":"dpop+jwt","alg":"ES256","jwk":$jwk}"#;
        let claims = r#"{"jti":"seed-header","htm":"POST","htu":"$htu","iat":$now}"#;
        let mut bytes = vec![1u8];
        bytes.extend(format!("{header}\0{claims}").as_bytes());
        let got: Vec<u16> = fuzzing::dpop_exchange(&bytes).iter().map(|r| r.status).collect();
        assert_eq!(got, [200], "dpop seed with-header");
        write("dpop", "with-header", &bytes);

        // callback: real authorization responses (query, fragment, form_post page, JARM).
        let query = location_of(&by_name["code-flow-token-userinfo-refresh"]);
        let jarm = location_of(&by_name["jarm-response"]);
        let page = fuzzing::server_exchange(&by_name["lenient-hybrid-form-post"])[0].body_text();
        assert!(jarm.contains("response="), "{jarm}");
        write("callback", "query", query.as_bytes());
        write("callback", "jarm-query", jarm.as_bytes());
        write("callback", "form-post-page", page.as_bytes());
        let fragment = UrlParts::split(&query).unwrap().query.unwrap().to_string();
        write("callback", "fragment", format!("{REDIRECT}#{fragment}").as_bytes());
        write("callback", "form-body", fragment.as_bytes());
        write("callback", "mode-and-type", b"fragment.jwt\ncode id_token");

        // jws: JWTs in every family the server signs, an unsecured one, a sign-mode input.
        let client = ClientMetadata {
            client_secret: Some(Secret::new(SECRET)),
            ..ClientMetadata::default()
        };
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let token_claims = json!({"iss": ISSUER, "aud": "client-1", "exp": NOW + 300, "iat": NOW, "sub": "alice"});
        for alg in ["HS256", "RS256", "PS256", "ES256", "ES384", "EdDSA"] {
            let jwt = crypto::sign_jwt(alg, &token_claims, &client, &mut rng).unwrap();
            write("jws", &format!("jwt-{alg}"), jwt.as_bytes());
        }
        let unsecured = format!(
            "{}.{}.",
            base64url::encode(r#"{"alg":"none"}"#),
            base64url::encode(token_claims.to_string())
        );
        write("jws", "unsecured", unsecured.as_bytes());
        write("jws", "request-object", request_object("seed-jws").as_bytes());
        // Cut at the NUL: a header and payload for the sign → verify oracle; the second one's
        // crit is refused by the signer.
        write(
            "jws",
            "sign-header-and-payload",
            format!("{{\"alg\":\"HS256\",\"kid\":\"k1\"}}\0{token_claims}").as_bytes(),
        );
        write(
            "jws",
            "sign-refused-crit",
            format!("{{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}}\0{token_claims}").as_bytes(),
        );

        // keys: client-1's private keys one by one and as a set, the server's public set,
        // an oct key, and PEM in each form the importer takes.
        let client_keys = include_str!("scenarios/keys/client-1.jwks.json");
        write("keys", "jwks-private", client_keys.as_bytes());
        write("keys", "jwks-public", crypto::server_jwks().to_string().as_bytes());
        let set = Jwks::from_json(client_keys).unwrap();
        for key in &set.keys {
            let name = key.kid.clone().unwrap_or_else(|| key.material.kty().to_string());
            write("keys", &format!("jwk-{name}"), key.to_json().as_bytes());
            write(
                "keys",
                &format!("pkcs8-{name}"),
                key.to_pkcs8_pem().unwrap().expose().as_bytes(),
            );
            write("keys", &format!("spki-{name}"), key.to_spki_pem().unwrap().as_bytes());
        }
        write("keys", "jwk-oct", secret().to_json().as_bytes());
    }
}
