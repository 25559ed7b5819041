//! The `mock-server` binary over real HTTP: each test starts the built binary on a free
//! loopback port (`--port 0`, the port read from its startup line) and talks to it through a
//! plain HTTP/1.1 client over `std::net::TcpStream` — discovery, PAR + JAR, authorize (302),
//! JARM, token, userinfo, client registration (RFC 7591), the consent page, CORS, refusals with their check codes in the JSON
//! error and the event line, and bad input (oversize, malformed, slow).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oauth_playground::jose::jws::{self, ShortHmacKeys};
use oauth_playground::jose::{Algorithm, Jwk, KeyMaterial, SecretBytes};
use oauth_playground::mock_as::crypto;
use oauth_playground::protocol::{form_encode, UrlParts};
use serde_json::{json, Value};

/// `--instant`: the server's clock stands still here, so request objects can be dated exactly.
const INSTANT: &str = "2025-01-01T00:00:00Z";
const NOW: i64 = 1_735_689_600;
const SECRET: &str = "bin-client-secret-0123456789abcdef0123456789";
const REDIRECT: &str = "http://127.0.0.1:1/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// A file of its own for each server started (tests run in parallel).
fn temp_file(what: &str, contents: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("mock-server-test-{}-{n}-{what}.json", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

fn clients_file() -> std::path::PathBuf {
    let clients = json!([{
        "client_id": "bin-client",
        "client_secret": SECRET,
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "client_secret_post",
        // Named rather than left to the defaults: the JARM checks below verify with the secret.
        "authorization_signed_response_alg": "HS256",
    }]);
    temp_file("clients", &clients.to_string())
}

/// The running binary: its address, issuer, and every stdout line after the first.
struct MockServer {
    child: Child,
    address: String,
    issuer: String,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl MockServer {
    fn start(extra: &[&str]) -> Self {
        let clients = clients_file();
        let mut args = vec![
            "--port",
            "0",
            "--clients",
            clients.to_str().unwrap(),
            "--seed",
            "bin-test",
            "--instant",
            INSTANT,
        ];
        args.extend_from_slice(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_mock-server"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let listening: Value = serde_json::from_str(&first).unwrap_or_else(|e| {
            let mut stderr = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
            panic!("startup line {first:?}: {e}; stderr: {stderr}")
        });
        assert_eq!(listening["name"], "server.listening");
        // Drained, so the server never blocks on a full pipe.
        let mut stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                sink.lock()
                    .unwrap()
                    .push(serde_json::from_str(&line).unwrap_or(Value::String(line)));
            }
        });
        Self {
            child,
            address: listening["address"].as_str().unwrap().to_string(),
            issuer: listening["issuer"].as_str().unwrap().to_string(),
            lines,
        }
    }

    /// Waits (up to 5 s) for an event line with this `name` and `check`.
    fn event(&self, name: &str, check: Option<&str>) -> Value {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let found = self
                .lines
                .lock()
                .unwrap()
                .iter()
                .find(|e| e["name"] == name && e["check"].as_str() == check)
                .cloned();
            if let Some(event) = found {
                return event;
            }
            assert!(
                Instant::now() < deadline,
                "no event {name} {check:?} in {:?}",
                self.lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, target: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", target, headers, b"")
    }

    fn post_form(&self, target: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        self.send("POST", target, &all, body.as_bytes())
    }

    fn send(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut raw = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.address
        );
        for (name, value) in headers {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = raw.into_bytes();
        bytes.extend_from_slice(body);
        exchange(&self.address, &bytes).unwrap()
    }

    /// The path of an endpoint URL of this server (requests go to its own address).
    fn path(&self, url: &str) -> String {
        url.strip_prefix(&self.issuer).unwrap_or(url).to_string()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Writes `raw` and reads until the server closes (every request says `Connection: close`).
fn exchange(address: &str, raw: &[u8]) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(raw)?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    parse_reply(&bytes).ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {bytes:?}")))
}

fn parse_reply(bytes: &[u8]) -> Option<Reply> {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Reply {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    })
}

fn key() -> Jwk {
    Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(SECRET.as_bytes().to_vec()),
    })
}

fn request_object(issuer: &str, jti: &str) -> String {
    let claims = json!({
        "iss": "bin-client", "aud": issuer, "iat": NOW, "nbf": NOW, "exp": NOW + 120, "jti": jti,
        "client_id": "bin-client", "response_type": "code", "response_mode": "jwt",
        "redirect_uri": REDIRECT, "scope": "openid", "state": "s-1", "nonce": "n-1",
        "code_challenge": crypto::pkce_s256(VERIFIER), "code_challenge_method": "S256",
    });
    let header = json!({"alg": "HS256", "typ": "oauth-authz-req+jwt"}).to_string();
    jws::sign_compact(&header, claims.to_string().as_bytes(), &key(), ShortHmacKeys::Refuse).unwrap()
}

fn par_body(request: &str) -> String {
    form_encode([
        ("client_id", "bin-client"),
        ("client_secret", SECRET),
        ("request", request),
    ])
}

/// The pairs of a redirect's `Location` (query and fragment).
fn location_pairs(reply: &Reply) -> Vec<(String, String)> {
    let location = reply.header("Location").expect("a Location header");
    let parts = UrlParts::split(location).unwrap();
    parts.query_pairs().into_iter().chain(parts.fragment_pairs()).collect()
}

fn pair<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {pairs:?}"))
}

fn discovery(server: &MockServer) -> Value {
    let reply = server.get("/.well-known/openid-configuration", &[]);
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

#[test]
fn discovery_names_the_issuer_the_server_printed() {
    let server = MockServer::start(&[]);
    assert!(server.issuer.starts_with("http://127.0.0.1:"), "{}", server.issuer);
    let metadata = discovery(&server);
    assert_eq!(metadata["issuer"], server.issuer.as_str());
    for endpoint in [
        "authorization_endpoint",
        "pushed_authorization_request_endpoint",
        "token_endpoint",
        "jwks_uri",
    ] {
        assert!(
            metadata[endpoint].as_str().unwrap().starts_with(&server.issuer),
            "{endpoint}"
        );
    }
    let jwks = server.get(&server.path(metadata["jwks_uri"].as_str().unwrap()), &[]);
    assert!(!jwks.json()["keys"].as_array().unwrap().is_empty());
}

#[test]
fn par_jar_authorize_jarm_token_userinfo_over_http() {
    let server = MockServer::start(&[]);
    let metadata = discovery(&server);
    let par = server.path(metadata["pushed_authorization_request_endpoint"].as_str().unwrap());
    let pushed = server.post_form(&par, &par_body(&request_object(&server.issuer, "flow-1")), &[]);
    assert_eq!(pushed.status, 201, "{}", pushed.text());
    let request_uri = pushed.json()["request_uri"].as_str().unwrap().to_string();
    server.event("par.accepted", None);

    let query = form_encode([("client_id", "bin-client"), ("request_uri", request_uri.as_str())]);
    let authorized = server.get(&format!("/authorize?{query}"), &[]);
    assert_eq!(authorized.status, 302, "{}", authorized.text());
    assert!(authorized.header("Location").unwrap().starts_with(REDIRECT));
    // JARM (response_mode=jwt): the response is one JWT, keyed with the client secret (HS256).
    let pairs = location_pairs(&authorized);
    let verified = jws::verify_compact(pair(&pairs, "response"), &key(), &Algorithm::ALL).unwrap();
    let jarm: Value = serde_json::from_slice(&verified.payload).unwrap();
    assert_eq!(
        (jarm["iss"].as_str(), jarm["aud"].as_str()),
        (Some(server.issuer.as_str()), Some("bin-client"))
    );
    assert_eq!(jarm["state"], "s-1");
    let code = jarm["code"].as_str().unwrap();
    server.event("jarm.issued", None);

    let token = server.post_form(
        &server.path(metadata["token_endpoint"].as_str().unwrap()),
        &form_encode([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            ("client_id", "bin-client"),
            ("client_secret", SECRET),
        ]),
        &[],
    );
    assert_eq!(token.status, 200, "{}", token.text());
    assert_eq!(token.header("Cache-Control"), Some("no-store"));
    let tokens = token.json();
    assert!(tokens["id_token"].is_string());
    let access_token = tokens["access_token"].as_str().unwrap();

    let userinfo = server.get(
        &server.path(metadata["userinfo_endpoint"].as_str().unwrap()),
        &[("Authorization", &format!("Bearer {access_token}"))],
    );
    assert_eq!(userinfo.status, 200, "{}", userinfo.text());
    assert_eq!(userinfo.json()["sub"], "alice");
}

#[test]
fn refusals_carry_their_check_code_in_the_json_error_and_the_event_line() {
    let server = MockServer::start(&[]);
    // A request object whose payload was changed after signing.
    let signed = request_object(&server.issuer, "tampered-1");
    let mut parts: Vec<String> = signed.split('.').map(str::to_string).collect();
    let mut claims: Value =
        serde_json::from_slice(&oauth_playground::jose::base64url::decode(&parts[1], "payload").unwrap()).unwrap();
    claims["scope"] = json!("openid admin");
    parts[1] = oauth_playground::jose::base64url::encode(claims.to_string());
    let refused = server.post_form("/par", &par_body(&parts.join(".")), &[]);
    assert_eq!(refused.status, 400);
    let error = refused.json();
    assert_eq!(error["error"], "invalid_request_object");
    assert!(
        error["error_description"]
            .as_str()
            .unwrap()
            .starts_with("jar.signature_invalid"),
        "{error}"
    );
    let event = server.event("jar.validation_failed", Some("jar.signature_invalid"));
    assert_eq!(event["outcome"], "failure");
    assert_eq!(event["client_id"], "bin-client");

    // A request_uri used twice: the second authorize is an error at the redirect URI.
    let pushed = server.post_form("/par", &par_body(&request_object(&server.issuer, "once-1")), &[]);
    let request_uri = pushed.json()["request_uri"].as_str().unwrap().to_string();
    let query = form_encode([("client_id", "bin-client"), ("request_uri", request_uri.as_str())]);
    assert_eq!(server.get(&format!("/authorize?{query}"), &[]).status, 302);
    let again = server.get(&format!("/authorize?{query}"), &[]);
    assert_eq!(again.status, 302);
    let pairs = location_pairs(&again);
    assert_eq!(pair(&pairs, "error"), "invalid_request_uri");
    assert!(pair(&pairs, "error_description").starts_with("par.request_uri_used"));
    server.event("request.rejected", Some("par.request_uri_used"));

    // A wrong client secret at the token endpoint: 401 with its challenge.
    let denied = server.post_form(
        "/token",
        &form_encode([
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("client_id", "bin-client"),
            ("client_secret", "wrong"),
        ]),
        &[],
    );
    assert_eq!(denied.status, 401);
    assert_eq!(denied.json()["error"], "invalid_client");
    assert!(denied.header("WWW-Authenticate").is_some());
    server.event("client.authentication_failed", Some("client.auth_failed"));
}

#[test]
fn cors_preflight_and_answers_for_loopback_origins_only() {
    let server = MockServer::start(&[]);
    let preflight = server.send(
        "OPTIONS",
        "/par",
        &[
            ("Origin", "http://127.0.0.1:8080"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type,dpop,authorization"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("Access-Control-Allow-Origin"),
        Some("http://127.0.0.1:8080")
    );
    let allowed = preflight
        .header("Access-Control-Allow-Headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in ["dpop", "authorization", "content-type"] {
        assert!(allowed.contains(name), "{allowed}");
    }
    assert!(preflight
        .header("Access-Control-Allow-Methods")
        .unwrap()
        .contains("POST"));

    // Every answer to an allowed origin carries the header, refusals included.
    let refused = server.post_form("/par", "client_id=nobody", &[("Origin", "http://localhost:3000")]);
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.header("Access-Control-Allow-Origin"),
        Some("http://localhost:3000")
    );

    // Another origin gets no CORS headers: the browser refuses to hand over the answer.
    let foreign = server.send(
        "OPTIONS",
        "/par",
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    );
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.header("Access-Control-Allow-Origin"), None);
    let plain = server.get("/jwks", &[("Origin", "https://evil.example")]);
    assert_eq!(plain.header("Access-Control-Allow-Origin"), None);

    // --cors-origin replaces the loopback default.
    let listed = MockServer::start(&["--cors-origin", "https://app.example"]);
    let reply = listed.get("/jwks", &[("Origin", "https://app.example")]);
    assert_eq!(reply.header("Access-Control-Allow-Origin"), Some("https://app.example"));
    let reply = listed.get("/jwks", &[("Origin", "http://127.0.0.1:8080")]);
    assert_eq!(reply.header("Access-Control-Allow-Origin"), None);
}

#[test]
fn the_registration_endpoint_registers_a_client_that_then_runs_a_flow() {
    let server = MockServer::start(&[]);
    let metadata = discovery(&server);
    let register = server.path(metadata["registration_endpoint"].as_str().unwrap());
    let origin = ("Origin", "http://127.0.0.1:8080");
    // RFC 7591 §2: a member the server does not understand is ignored (and listed back).
    let body = json!({
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "client_secret_post",
        "authorization_signed_response_alg": "HS256",
        "x_vendor_setting": true,
    });
    let registered = server.send(
        "POST",
        &register,
        &[("Content-Type", "application/json"), origin],
        body.to_string().as_bytes(),
    );
    assert_eq!(registered.status, 201, "{}", registered.text());
    assert_eq!(registered.header("Access-Control-Allow-Origin"), Some(origin.1));
    let answer = registered.json();
    assert_eq!(answer["ignored_metadata"], json!(["x_vendor_setting"]));
    // RFC 7591 §2 / OIDC Registration §2 defaults, as the answer states them.
    assert_eq!(answer["grant_types"], json!(["authorization_code"]));
    assert_eq!(answer["response_types"], json!(["code"]));
    assert_eq!(answer["id_token_signed_response_alg"], "RS256");
    let client_id = answer["client_id"].as_str().unwrap().to_string();
    let secret = answer["client_secret"].as_str().unwrap().to_string();
    assert_eq!(server.event("client.registered", None)["client_id"], client_id.as_str());

    // The new client pushes a request object signed with its issued secret and gets a JARM
    // response keyed with the same secret.
    let issued_key = Jwk::new(KeyMaterial::Oct {
        k: SecretBytes::new(secret.as_bytes().to_vec()),
    });
    let claims = json!({
        "iss": client_id, "aud": server.issuer, "iat": NOW, "nbf": NOW, "exp": NOW + 120,
        "jti": "registered-1", "client_id": client_id, "response_type": "code",
        "response_mode": "jwt", "redirect_uri": REDIRECT, "scope": "openid", "state": "s-r",
        "nonce": "n-r", "code_challenge": crypto::pkce_s256(VERIFIER), "code_challenge_method": "S256",
    });
    let header = json!({"alg": "HS256", "typ": "oauth-authz-req+jwt"}).to_string();
    let request = jws::sign_compact(
        &header,
        claims.to_string().as_bytes(),
        &issued_key,
        ShortHmacKeys::Refuse,
    )
    .unwrap();
    let par = server.path(metadata["pushed_authorization_request_endpoint"].as_str().unwrap());
    let pushed = server.post_form(
        &par,
        &form_encode([
            ("client_id", client_id.as_str()),
            ("client_secret", secret.as_str()),
            ("request", request.as_str()),
        ]),
        &[],
    );
    assert_eq!(pushed.status, 201, "{}", pushed.text());
    let request_uri = pushed.json()["request_uri"].as_str().unwrap().to_string();
    let query = form_encode([("client_id", client_id.as_str()), ("request_uri", request_uri.as_str())]);
    let authorized = server.get(&format!("/authorize?{query}"), &[]);
    assert_eq!(authorized.status, 302, "{}", authorized.text());
    let pairs = location_pairs(&authorized);
    let verified = jws::verify_compact(pair(&pairs, "response"), &issued_key, &Algorithm::ALL).unwrap();
    let jarm: Value = serde_json::from_slice(&verified.payload).unwrap();
    assert_eq!(jarm["aud"], client_id.as_str());

    // RFC 7591 §3.2.2: metadata the server cannot honour is refused at registration, naming
    // the member; the check code is in the JSON error and in the event line.
    let refused = server.send(
        "POST",
        &register,
        &[("Content-Type", "application/json")],
        json!({"redirect_uris": ["https://client.example/cb#fragment"]})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(refused.status, 400, "{}", refused.text());
    let error = refused.json();
    assert_eq!(error["error"], "invalid_redirect_uri");
    assert!(
        error["error_description"]
            .as_str()
            .unwrap()
            .starts_with("registration.redirect_uri_invalid"),
        "{error}"
    );
    server.event("client.registration_refused", Some("registration.redirect_uri_invalid"));
    let wrong_method = server.get(&register, &[]);
    assert_eq!(wrong_method.status, 405);
}

#[test]
fn the_consent_page_is_a_real_form_that_posts_the_decision() {
    let settings = temp_file("settings", r#"{"consent_step": true}"#);
    let server = MockServer::start(&["--settings", settings.to_str().unwrap()]);
    let pushed = server.post_form("/par", &par_body(&request_object(&server.issuer, "consent-1")), &[]);
    let request_uri = pushed.json()["request_uri"].as_str().unwrap().to_string();
    let query = form_encode([("client_id", "bin-client"), ("request_uri", request_uri.as_str())]);
    let page = server.get(&format!("/authorize?{query}"), &[]);
    assert_eq!(page.status, 200);
    assert!(page.header("Content-Type").unwrap().starts_with("text/html"));
    let html = page.text();
    let action = format!("action=\"{}/authorize/consent\"", server.issuer);
    assert!(html.contains(&action), "{html}");
    let ticket = html
        .split("name=\"ticket\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let approved = server.post_form(
        "/authorize/consent",
        &form_encode([("ticket", ticket), ("decision", "approve")]),
        &[],
    );
    assert_eq!(approved.status, 302, "{}", approved.text());
    assert!(pair(&location_pairs(&approved), "response").contains('.'));
}

#[test]
fn oversize_malformed_and_slow_requests_are_refused_and_the_server_carries_on() {
    let server = MockServer::start(&["--max-body", "4096", "--read-timeout", "1"]);
    // A declared length over the limit: 413 before a byte of the body is read.
    let declared = exchange(
        &server.address,
        b"POST /par HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100000000\r\n\r\n",
    )
    .unwrap();
    assert_eq!(declared.status, 413);
    assert!(declared.json()["error_description"].as_str().unwrap().contains("4096"));
    // A chunked body that grows past it.
    let mut chunked =
        b"POST /par HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..5 {
        chunked.extend_from_slice(b"400\r\n");
        chunked.extend_from_slice(&[b'a'; 0x400]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(exchange(&server.address, &chunked).unwrap().status, 413);
    // The server's own PAR limit still speaks with its check code below the edge's.
    let settings_path = temp_file("par-limit", r#"{"par_body_max_bytes": 100}"#);
    let limited = MockServer::start(&["--settings", settings_path.to_str().unwrap()]);
    let too_big = limited.post_form("/par", &"a".repeat(200), &[]);
    assert_eq!(too_big.status, 413);
    assert!(too_big.json()["error_description"]
        .as_str()
        .unwrap()
        .starts_with("par.body_too_large"));

    // Malformed HTTP: an answer of 400 or a closed connection, nothing else.
    for garbage in [
        &b"NOT HTTP AT ALL\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
        b"\x00\xff\xfe\r\n\r\n",
    ] {
        match exchange(&server.address, garbage) {
            Ok(reply) => assert_eq!(reply.status, 400, "{garbage:?}"),
            Err(e) => assert!(
                matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::Other
                ),
                "{garbage:?}: {e}"
            ),
        }
    }
    // A client that sends half its headers and stops is cut off after --read-timeout.
    let mut slow = TcpStream::connect(&server.address).unwrap();
    slow.write_all(b"GET /jwks HTTP/1.1\r\nHost: x\r\n").unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the slow client was held {:?}",
        started.elapsed()
    );
    // And one whose body never comes is answered 408.
    let mut stalled = TcpStream::connect(&server.address).unwrap();
    stalled
        .write_all(b"POST /par HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 10\r\n\r\nabc")
        .unwrap();
    stalled.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut bytes = Vec::new();
    let _ = stalled.read_to_end(&mut bytes);
    assert_eq!(parse_reply(&bytes).map(|r| r.status), Some(408));

    // After all that, the server still answers.
    assert_eq!(discovery(&server)["issuer"], server.issuer.as_str());
}

#[test]
fn the_same_seed_and_instant_give_the_same_request_uri_and_code() {
    let run = || {
        let server = MockServer::start(&[]);
        let pushed = server.post_form("/par", &par_body(&request_object(&server.issuer, "seeded-1")), &[]);
        let request_uri = pushed.json()["request_uri"].as_str().unwrap().to_string();
        let query = form_encode([("client_id", "bin-client"), ("request_uri", request_uri.as_str())]);
        let authorized = server.get(&format!("/authorize?{query}"), &[]);
        let response = pair(&location_pairs(&authorized), "response").to_string();
        (request_uri, response)
    };
    let (first_uri, first_response) = run();
    let (second_uri, second_response) = run();
    assert_eq!(first_uri, second_uri);
    // The JARM JWT names the issuer, whose port differs per run; the code inside does not.
    let code = |jwt: &str| -> Value {
        let payload = jwt.split('.').nth(1).unwrap();
        serde_json::from_slice::<Value>(&oauth_playground::jose::base64url::decode(payload, "payload").unwrap())
            .unwrap()["code"]
            .clone()
    };
    assert!(code(&first_response).is_string());
    assert_eq!(code(&first_response), code(&second_response));
}

#[test]
fn help_documents_every_flag_and_bad_arguments_exit_2() {
    let help = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--port",
        "--host",
        "--issuer",
        "--profile",
        "--settings",
        "--clients",
        "--seed",
        "--instant",
        "--cors-origin",
        "--max-body",
        "--read-timeout",
    ] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--profile", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--profile"));
    let missing = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--port", "0", "--clients", "/nonexistent/clients.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/clients.json"));
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = MockServer::start(&[]);
    let stopped = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(TcpStream::connect(&server.address).is_err());
}
