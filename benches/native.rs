//! Native benchmarks (`make bench`): medians over repeated batches, printed as Markdown tables
//! for BENCHMARKS.md. Measurements only — nothing here passes or fails on a figure.
//!
//! - JWS sign and verify per algorithm (RustCrypto);
//! - the mock server's throughput for a validated PAR + JAR (HS256 and RS256 request objects);
//! - how that cost grows with the request object's size (1 KB → 1 MB);
//! - how the jti replay cache's cost grows with its size (1 → 1,000,000 entries), directly and
//!   as whole PAR requests;
//! - what one edit in the page recomputes from the workspace (share link, saved state, client
//!   configuration), natively: the wasm build runs the same code a few times slower.
// A benchmark whose setup fails should stop loudly, not measure something else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use oauth_playground::clock::FixedClock;
use oauth_playground::http::Request;
use oauth_playground::jose::jws::{self, JwsHeader};
use oauth_playground::jose::{keygen, Algorithm, EcCurve, Jwk, KeyGenSpec, ShortHmacKeys};
use oauth_playground::mock_as::replay::ReplayCache;
use oauth_playground::mock_as::{profiles, AuthorizationServer, ProfileName};
use oauth_playground::protocol::form_encode;
use oauth_playground::session::link::share_fragment;
use oauth_playground::workspace::{KeyEntry, UiSecret, Workspace};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::{json, Value};

const NOW: i64 = 1_800_000_000;
const ISSUER: &str = "https://mock.as.example";
const SECRET: &str = "bench-client-secret-0123456789abcdef0123";

/// Median time per call of `f`, over `batches` batches of `per_batch` calls.
fn median_per_call(batches: usize, per_batch: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    let mut samples: Vec<Duration> = (0..batches)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            started.elapsed() / per_batch as u32
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn jws_per_algorithm() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    println!("\n### JWS sign / verify (RustCrypto, native, median)\n");
    println!("| alg | sign | verify |\n|---|---:|---:|");
    let payload = br#"{"iss":"client","aud":"https://as.example","exp":1800000300}"#;
    for alg in Algorithm::ALL {
        let key = keygen::generate(KeyGenSpec::for_alg(alg), &mut rng).unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        let header = JwsHeader::new(alg).to_json();
        let mut sign_rng = ChaCha20Rng::seed_from_u64(2);
        let (batches, per_batch) = if alg.kty() == "RSA" { (11, 10) } else { (11, 200) };
        let sign = median_per_call(batches, per_batch, || {
            black_box(jws::sign_compact_with_rng(&header, payload, &key, ShortHmacKeys::Refuse, &mut sign_rng).ok());
        });
        let token = jws::sign_compact_with_rng(&header, payload, &key, ShortHmacKeys::Refuse, &mut sign_rng).unwrap();
        let public = if alg.kty() == "oct" {
            key.clone()
        } else {
            key.to_public().unwrap()
        };
        let verify = median_per_call(11, 200, || {
            black_box(jws::verify_compact(&token, &public, &[alg]).ok());
        });
        println!("| {} | {} | {} |", alg.name(), micros(sign), micros(verify));
    }
}

struct Bench {
    server: AuthorizationServer,
    rsa: Jwk,
    rng: ChaCha20Rng,
    jti: u64,
}

impl Bench {
    fn new(replay_capacity: usize) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let rsa = keygen::generate(KeyGenSpec::Rsa { bits: 2048 }, &mut rng).unwrap();
        let mut settings = profiles::preset(ProfileName::Lenient, ISSUER);
        settings.request_object_max_bytes = 4 * 1024 * 1024;
        settings.par_body_max_bytes = 8 * 1024 * 1024;
        settings.jti_cache_capacity = replay_capacity;
        let clock = Rc::new(FixedClock::at(NOW));
        let mut server =
            AuthorizationServer::new(settings, Box::new(clock), Box::new(ChaCha20Rng::seed_from_u64(4))).unwrap();
        let public: Value = serde_json::from_str(&rsa.to_public().unwrap().to_json()).unwrap();
        let client = json!({
            "client_id": "bench", "client_secret": SECRET, "redirect_uris": ["https://bench.example/cb"],
            "token_endpoint_auth_method": "client_secret_post", "jwks": { "keys": [public] },
        });
        server.register_client_json(&client.to_string()).unwrap();
        Self {
            server,
            rsa,
            rng,
            jti: 0,
        }
    }

    /// One validated PAR + JAR request (a fresh jti each time); panics unless it is accepted.
    fn push(&mut self, alg: Algorithm, padding: usize) {
        self.jti += 1;
        let mut claims = json!({
            "iss": "bench", "aud": ISSUER, "client_id": "bench", "response_type": "code",
            "redirect_uri": "https://bench.example/cb", "scope": "openid", "state": "s", "nonce": "n",
            "iat": NOW, "nbf": NOW, "exp": NOW + 120, "jti": format!("jti-{}", self.jti),
        });
        if padding > 0 {
            claims["padding"] = Value::from("x".repeat(padding));
        }
        let header = JwsHeader::new(alg).typ("oauth-authz-req+jwt").to_json();
        let secret = Jwk::new(oauth_playground::jose::KeyMaterial::Oct {
            k: oauth_playground::jose::SecretBytes::new(SECRET.as_bytes().to_vec()),
        });
        let key = if alg.kty() == "oct" { &secret } else { &self.rsa };
        let request_object = jws::sign_compact_with_rng(
            &header,
            claims.to_string().as_bytes(),
            key,
            ShortHmacKeys::Allow,
            &mut self.rng,
        )
        .unwrap();
        let body = form_encode([
            ("client_id", "bench"),
            ("client_secret", SECRET),
            ("request", request_object.as_str()),
        ]);
        let response = self.server.handle(&Request::form_post(format!("{ISSUER}/par"), body));
        assert_eq!(response.status, 201, "{}", response.body_text());
    }
}

fn par_jar_throughput() {
    println!("\n### Mock server: validated PAR + JAR (client_secret_post, median)\n");
    println!("| request object | per request | requests / s |\n|---|---:|---:|");
    for alg in [Algorithm::HS256, Algorithm::RS256, Algorithm::ES256] {
        let mut bench = Bench::new(1_000_000);
        if alg == Algorithm::ES256 {
            bench.rsa = keygen::generate(KeyGenSpec::for_alg(alg), &mut bench.rng).unwrap();
            let public: Value = serde_json::from_str(&bench.rsa.to_public().unwrap().to_json()).unwrap();
            let client = json!({
                "client_id": "bench", "client_secret": SECRET, "redirect_uris": ["https://bench.example/cb"],
                "token_endpoint_auth_method": "client_secret_post", "jwks": { "keys": [public] },
            });
            bench.server.register_client_json(&client.to_string()).unwrap();
        }
        let per_request = median_per_call(11, 50, || bench.push(alg, 0));
        println!(
            "| {} (client signing included) | {} | {:.0} |",
            alg.name(),
            micros(per_request),
            1.0 / per_request.as_secs_f64()
        );
    }
}

fn cost_against_request_object_size() {
    println!("\n### Mock server: PAR + JAR (HS256) against request-object size (median)\n");
    println!("| request object | per request | per KB |\n|---|---:|---:|");
    let mut bench = Bench::new(1_000_000);
    for kb in [1usize, 10, 100, 1000] {
        let padding = kb * 1024 - 300;
        let per_batch = if kb >= 100 { 5 } else { 50 };
        let per_request = median_per_call(11, per_batch, || bench.push(Algorithm::HS256, padding));
        println!(
            "| {kb} KB | {} | {} |",
            micros(per_request),
            micros(per_request / kb as u32)
        );
    }
}

fn cost_against_replay_cache_size() {
    println!("\n### jti replay cache: insert + lookup against cache size (median)\n");
    println!("| entries | insert + lookup |\n|---:|---:|");
    for size in [1usize, 1_000, 10_000, 100_000, 1_000_000] {
        let mut cache = ReplayCache::new(size);
        for n in 0..size {
            cache.insert(&format!("fill-{n}"), NOW + 300, NOW);
        }
        let mut n = 0u64;
        // Full cache, nothing expired: every insert evicts the oldest entry.
        let per_op = median_per_call(11, 10_000, || {
            n += 1;
            cache.insert(&format!("probe-{n}"), NOW + 300, NOW);
            black_box(cache.contains("fill-0", NOW));
        });
        println!("| {size} | {} |", micros(per_op));
    }
    println!("\n### Mock server: PAR + JAR (HS256) after N earlier requests filled its replay cache\n");
    println!("| earlier requests | per request |\n|---:|---:|");
    let mut bench = Bench::new(1_000_000);
    let mut sent = 0usize;
    for size in [1usize, 1_000, 10_000, 100_000] {
        while sent < size {
            bench.push(Algorithm::HS256, 0);
            sent += 1;
        }
        let per_request = median_per_call(11, 50, || bench.push(Algorithm::HS256, 0));
        sent += 11 * 50 + 1;
        println!("| {size} | {} |", micros(per_request));
    }
}

fn per_edit_workspace_work() {
    println!("\n### Workspace: what one edit recomputes (median)\n");
    println!("| work | default workspace | with three keys and a secret |\n|---|---:|---:|");
    let plain = Workspace::default();
    let mut loaded = Workspace::default();
    loaded.client.client_secret = Some(UiSecret::new(SECRET));
    for (n, spec) in [
        KeyGenSpec::Rsa { bits: 2048 },
        KeyGenSpec::Ec { crv: EcCurve::P256 },
        KeyGenSpec::Ed25519,
    ]
    .into_iter()
    .enumerate()
    {
        let jwk = keygen::generate(spec, &mut ChaCha20Rng::seed_from_u64(n as u64)).unwrap();
        loaded
            .active_key
            .get_or_insert_with(|| jwk.kid.clone().unwrap_or_default());
        loaded.keys.push(KeyEntry {
            jwk,
            origin: "bench".into(),
            private_forgotten: false,
        });
    }
    type Work = fn(&Workspace);
    let rows: [(&str, Work); 3] = [
        ("share link (`share_fragment`)", |ws| {
            black_box(share_fragment(ws).ok());
        }),
        ("saved state (`shareable` + JSON)", |ws| {
            black_box(serde_json::to_string(&ws.shareable(false)).ok());
        }),
        ("client configuration (`config`)", |ws| {
            black_box(ws.config());
        }),
    ];
    for (label, work) in rows {
        let cells = [&plain, &loaded].map(|ws| micros(median_per_call(11, 200, || work(ws))));
        println!("| {label} | {} | {} |", cells[0], cells[1]);
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter selects one group.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let groups: [(&str, fn()); 5] = [
        ("jws", jws_per_algorithm),
        ("par", par_jar_throughput),
        ("size", cost_against_request_object_size),
        ("replay", cost_against_replay_cache_size),
        ("workspace", per_edit_workspace_work),
    ];
    println!(
        "native benchmarks ({} build)",
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    for (name, run) in groups {
        if filter.as_deref().is_none_or(|f| name.contains(f)) {
            run();
        }
    }
}
