//! Running a preset: a fresh server from the user's settings plus the preset's premise, a
//! control run that must succeed, then the tampered run, and the verdict.

use std::cell::RefCell;
use std::rc::Rc;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_core::CryptoRngCore;
use serde_json::Value;

use super::catalog::OTHER_CLIENT_ID;
use super::setup::Setup;
use super::wire::{OtherSession, Tamper, TamperClock, TamperTransport, WireContext};
use super::{Actual, Change, PresetOutcome, TamperPreset, Verdict};
use crate::clock::Clock;
use crate::jose::{Algorithm, CryptoBackend, Jwk, KeyGenSpec};
use crate::mock_as::{path, AuthorizationServer, Check, ClientMetadata, Event, InProcessTransport, Secret};
use crate::oauth::{run_flow, DpopKey, FlowRun};
use crate::workspace::Workspace;

/// What presets run against: the user's workspace and the client registration the page's
/// server holds for it (which may differ from the workspace's when the user registers by
/// hand).
#[derive(Clone, Debug)]
pub struct TamperTarget {
    pub workspace: Workspace,
    pub registration: ClientMetadata,
}

impl TamperTarget {
    /// The workspace with the registration it makes itself.
    pub fn new(workspace: Workspace) -> Self {
        Self {
            registration: workspace.client_metadata(),
            workspace,
        }
    }
}

/// Keys presets generate (attacker keys, an ephemeral client RSA key), kept so that a second
/// run — or the next preset of "run all" — does not wait for RSA key generation again.
#[derive(Default)]
pub struct Keyring {
    keys: RefCell<Vec<(String, Jwk)>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.keys.borrow().iter().map(|(name, _)| name.clone()).collect();
        f.debug_struct("Keyring").field("keys", &names).finish()
    }
}

impl Keyring {
    pub fn new() -> Self {
        Self::default()
    }

    /// The key called `name`, generated with `spec` the first time.
    pub(crate) async fn key<B: CryptoBackend + ?Sized>(
        &self,
        name: &str,
        spec: KeyGenSpec,
        backend: &B,
    ) -> Result<Jwk, String> {
        let cached = self
            .keys
            .borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, k)| k.clone());
        if let Some(key) = cached {
            return Ok(key);
        }
        // Each name its own key: an attacker's key that happened to be the client's would
        // make the forgery genuine. A seeded backend (reproducible runs, the native tests)
        // starting afresh would hand out its first key again, so a repeat is drawn anew.
        for _ in 0..3 {
            let key = backend
                .generate(spec)
                .await
                .map_err(|e| format!("generating the {name} key failed: {e}"))?;
            let thumbprint = key.thumbprint();
            if self.keys.borrow().iter().all(|(_, k)| k.thumbprint() != thumbprint) {
                self.keys.borrow_mut().push((name.to_string(), key.clone()));
                return Ok(key);
            }
        }
        Err(format!(
            "generating the {name} key failed: the backend kept returning a key the presets already use"
        ))
    }
}

fn seed(rng: &mut impl CryptoRngCore) -> [u8; 32] {
    let mut seed = [0u8; 32];
    rng.fill_bytes(&mut seed);
    seed
}

/// The public RSA key of the client (or an ephemeral one, registered for the run), as the
/// SPKI PEM text a key-confusion attacker would find published.
async fn rsa_public_pem<B: CryptoBackend + ?Sized>(
    setup: &mut Setup,
    workspace: &Workspace,
    backend: &B,
    keyring: &Keyring,
) -> Result<String, String> {
    let own = workspace
        .keys
        .iter()
        .find(|k| k.jwk.material.kty() == "RSA")
        .map(|k| k.jwk.clone());
    let public = match own {
        Some(key) => key.to_public().map_err(|e| e.to_string())?,
        None => {
            let key = keyring
                .key("client RSA", KeyGenSpec::Rsa { bits: 2048 }, backend)
                .await?
                .to_public()
                .map_err(|e| e.to_string())?;
            setup.notes.push(
                "The client has no RSA key: an ephemeral RSA-2048 key was generated and its public half registered for this run."
                    .into(),
            );
            let member: Value = serde_json::from_str(&key.to_json()).map_err(|e| e.to_string())?;
            let mut jwks = setup
                .client
                .jwks
                .take()
                .unwrap_or_else(|| serde_json::json!({ "keys": [] }));
            match jwks.get_mut("keys").and_then(Value::as_array_mut) {
                Some(keys) => keys.push(member),
                None => jwks = serde_json::json!({ "keys": [member] }),
            }
            setup.client.jwks = Some(jwks);
            key
        }
    };
    public.to_spki_pem().map_err(|e| e.to_string())
}

/// The DPoP key presets use when the user has none: P-256 for ES256 (an alg FAPI 2.0 Security
/// Profile §5.4.1 allows too), kept by the keyring for the next preset.
async fn dpop_key<B: CryptoBackend + ?Sized>(keyring: &Keyring, backend: &B) -> Result<DpopKey, String> {
    let jwk = keyring
        .key("client DPoP", KeyGenSpec::for_alg(Algorithm::ES256), backend)
        .await?;
    DpopKey::new(jwk, Algorithm::ES256).map_err(|e| format!("the generated DPoP key was refused: {e}"))
}

/// The id of the encryption key presets give the client when it has none.
pub(crate) const PRESET_ENC_KID: &str = "tamper-preset-enc-p256";

/// The client encryption key presets use for encrypted responses when the user has none fit:
/// P-256 (ECDH-ES), `use: enc`, kept by the keyring for the next preset.
async fn enc_key<B: CryptoBackend + ?Sized>(keyring: &Keyring, backend: &B) -> Result<Jwk, String> {
    let mut jwk = keyring
        .key(
            "client encryption",
            KeyGenSpec::Ec {
                crv: crate::jose::EcCurve::P256,
            },
            backend,
        )
        .await?;
    jwk.kid = Some(PRESET_ENC_KID.into());
    jwk.key_use = Some("enc".into());
    jwk.alg = None;
    // Whatever usages the backend generated it with (WebCrypto: ECDSA's), it now only derives.
    jwk.key_ops = None;
    Ok(jwk)
}

/// A fresh server with the setup's settings and client (and, when asked, a second client).
fn server(
    setup: &Setup,
    clock: &Rc<TamperClock>,
    rng: &mut impl CryptoRngCore,
    other_client: bool,
) -> Result<Rc<RefCell<AuthorizationServer>>, String> {
    let mut server = AuthorizationServer::new(
        setup.settings.clone(),
        Box::new(Rc::clone(clock)),
        Box::new(ChaCha20Rng::from_seed(seed(rng))),
    )
    .map_err(|e| format!("the server refused the settings: {e}"))?;
    server
        .register_client(setup.client.clone())
        .map_err(|e| format!("the server refused the client registration: {e}"))?;
    if other_client {
        let other = ClientMetadata {
            client_id: OTHER_CLIENT_ID.into(),
            client_secret: Some(Secret::new("tamper-other-client-secret-0123456789abcdef")),
            jwks: None,
            token_endpoint_auth_method: crate::protocol::auth_method::CLIENT_SECRET_POST.into(),
            // Without a jwks it has no key to encrypt to: its responses are signed only.
            authorization_encrypted_response_alg: None,
            authorization_encrypted_response_enc: None,
            id_token_encrypted_response_alg: None,
            id_token_encrypted_response_enc: None,
            userinfo_encrypted_response_alg: None,
            userinfo_encrypted_response_enc: None,
            ..setup.client.clone()
        };
        server
            .register_client(other)
            .map_err(|e| format!("the server refused the second client: {e}"))?;
    }
    Ok(Rc::new(RefCell::new(server)))
}

/// Rotates the server's signing keys to new ones generated by `backend` (WebCrypto in the page,
/// so the RSA key does not block it).
async fn rotate_keys<B: CryptoBackend + ?Sized>(
    server: &Rc<RefCell<AuthorizationServer>>,
    backend: &B,
) -> Result<(), String> {
    let specs = server
        .try_borrow()
        .map_err(|_| "the server is busy".to_string())?
        .signing_key_specs();
    let mut keys = Vec::with_capacity(specs.len());
    for spec in specs {
        keys.push(
            backend
                .generate(spec)
                .await
                .map_err(|e| format!("key generation: {e}"))?,
        );
    }
    server
        .try_borrow_mut()
        .map_err(|_| "the server is busy".to_string())?
        .install_signing_keys(crate::jose::Jwks::new(keys))
        .map(|_| ())
        .map_err(|e| format!("the key rotation was refused: {e}"))
}

/// A run that never started (the preset could not even set up).
fn no_run() -> FlowRun {
    FlowRun {
        timeline: Vec::new(),
        outcome: crate::oauth::FlowOutcome::default(),
        error: None,
    }
}

/// The last answer of `step` in a run's timeline, its DPoP nonce retry included (RFC 9449
/// §8: when the server asked for a nonce, the retry's answer is the one the client used).
fn last_response(flow: &FlowRun, wanted: &str) -> Option<crate::http::Response> {
    let retry = format!("{wanted} (DPoP nonce retry)");
    flow.exchanges()
        .rev()
        .find(|(step, _, _)| *step == wanted || *step == retry)
        .map(|(_, _, response)| response.clone())
}

fn events_after(server: &Rc<RefCell<AuthorizationServer>>, after: Option<u64>) -> Vec<Event> {
    server
        .try_borrow()
        .map(|s| {
            s.events()
                .filter(|e| after.is_none_or(|seq| e.seq > seq))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The check that stopped the run: the first failure, passing over the server's requests for
/// a DPoP nonce — RFC 9449 §8 has the client retry those with the nonce they carry, so they
/// stop a run only when nothing else failed (the retry lacked the nonce too).
fn stopping_check(events: &[Event]) -> Option<&'static str> {
    let failures = || events.iter().filter(|e| e.outcome == "failure").filter_map(|e| e.check);
    let asks_for_nonce =
        |code: &str| Check::from_code(code).is_some_and(|c| c.info().error == crate::protocol::error::USE_DPOP_NONCE);
    failures()
        .find(|code| !asks_for_nonce(code))
        .or_else(|| failures().next())
}

fn actual(flow: &FlowRun, events: &[Event]) -> Actual {
    let server_check = stopping_check(events);
    let (client_clause, client_detail) = match &flow.error {
        Some(crate::oauth::FlowError::Check(failure)) => (Some(failure.clause), Some(failure.to_string())),
        Some(other) => (None, Some(other.to_string())),
        None => (None, None),
    };
    Actual {
        server_check,
        server_error: server_check.and_then(Check::from_code).map(|c| c.info().error),
        client_code: flow.error.as_ref().map(|e| e.code()),
        client_detail,
        client_clause,
    }
}

/// Runs `preset` on a fresh server built from `target`, with `backend` for the client's
/// cryptography, `clock` for both sides and `rng` for everything random. The page's own
/// server and workspace are not touched.
pub async fn run_preset<B, C>(
    preset: &TamperPreset,
    target: &TamperTarget,
    backend: &B,
    clock: C,
    rng: &mut impl CryptoRngCore,
    keyring: &Keyring,
) -> PresetOutcome
where
    B: crate::jose::EncryptionBackend + ?Sized,
    C: Clock + 'static,
{
    let clock = Rc::new(TamperClock::new(Box::new(clock)));
    let mut setup = Setup::new(target, clock.now());
    (preset.base)(&mut setup);
    let tamper = match preset.change {
        Change::Wire(tamper) => Some(tamper),
        Change::Config(_) => None,
    };
    let cannot_run = |why: String, flow: FlowRun, events: Vec<Event>, setup: &Setup| PresetOutcome {
        id: preset.id,
        expected: preset.expected,
        actual: actual(&flow, &events),
        verdict: Verdict::CannotRun(why),
        flow,
        events,
        delivery: setup.config.delivery,
        notes: setup.notes.clone(),
    };
    if setup.wants_dpop_key {
        match dpop_key(keyring, backend).await {
            Ok(key) => setup.use_dpop_key(key),
            Err(why) => return cannot_run(why, no_run(), Vec::new(), &setup),
        }
    }
    if setup.wants_enc_key {
        match enc_key(keyring, backend).await {
            Ok(key) => setup.use_enc_key(key),
            Err(why) => return cannot_run(why, no_run(), Vec::new(), &setup),
        }
    }
    let rsa_public_pem = if tamper == Some(Tamper::RequestObjectMacedWithRsaPublicKey) {
        match rsa_public_pem(&mut setup, &target.workspace, backend, keyring).await {
            Ok(pem) => Some(pem),
            Err(why) => return cannot_run(why, no_run(), Vec::new(), &setup),
        }
    } else {
        None
    };
    let other_client = tamper == Some(Tamper::RequestUriUnderOtherClient);
    let server = match server(&setup, &clock, rng, other_client) {
        Ok(server) => server,
        Err(why) => return cannot_run(why, no_run(), Vec::new(), &setup),
    };
    let inner = InProcessTransport::new(Rc::clone(&server));

    // The control: the preset's base, untampered, must succeed.
    let control = run_flow(&setup.config, &inner, backend, &*clock, rng, &setup.options).await;
    let control_last = server.try_borrow().ok().and_then(|s| s.last_event().map(|e| e.seq));
    if let Some(error) = &control.error {
        let why = format!("without the tampering, this preset's flow already fails ({error}); fix that first");
        let events = events_after(&server, None);
        return cannot_run(why, control, events, &setup);
    }

    // A rotation between the runs: the keys that signed the control run's answers retire.
    if tamper == Some(Tamper::ResponseSignedByRetiredKey) {
        if let Err(why) = rotate_keys(&server, backend).await {
            return cannot_run(why, control, events_after(&server, None), &setup);
        }
    }

    // The tampered run.
    if let Change::Config(adjust) = preset.change {
        adjust(&mut setup);
    }
    let (flow, applied, problem) = match tamper {
        None => {
            let flow = run_flow(&setup.config, &inner, backend, &*clock, rng, &setup.options).await;
            (flow, true, None)
        }
        Some(tamper) => {
            let issuer = setup.settings.issuer.trim_end_matches('/').to_string();
            let cx = WireContext {
                backend,
                keyring,
                clock: Rc::clone(&clock),
                authorization_endpoint: format!("{issuer}{}", path::AUTHORIZE),
                par_endpoint: format!("{issuer}{}", path::PAR),
                token_endpoint: format!("{issuer}{}", path::TOKEN),
                userinfo_endpoint: format!("{issuer}{}", path::USERINFO),
                issuer: setup.settings.issuer.clone(),
                client_id: setup.config.request.client_id.clone(),
                redirect_uri: setup.config.request.redirect_uri.clone().unwrap_or_default(),
                auth: setup.config.client_auth().ok(),
                leeway: setup.options.leeway,
                rsa_public_pem,
                other_session: OtherSession {
                    authorization_response: last_response(&control, "authorize"),
                    token_response: last_response(&control, "token"),
                },
                dpop_key: setup.config.dpop.clone(),
                dpop_nonce_required: setup.settings.dpop_nonce_required,
                dpop_max_age: setup
                    .settings
                    .dpop_proof_max_age
                    .saturating_add(setup.settings.clock_skew.max(0)),
                jwks_endpoint: format!("{issuer}{}", path::JWKS),
                request_object_encryption: setup.config.encryption.request_object,
            };
            let transport = TamperTransport::new(inner, tamper, cx, seed(rng));
            let flow = run_flow(&setup.config, &transport, backend, &*clock, rng, &setup.options).await;
            (flow, transport.applied(), transport.problem())
        }
    };
    let events = events_after(&server, control_last);
    if let Some(why) = problem {
        return cannot_run(format!("the tampering itself failed: {why}"), flow, events, &setup);
    }
    if let (Some(tamper), false) = (tamper, applied) {
        let ended = match &flow.error {
            Some(error) => format!("it stopped with {error}"),
            None => "it completed".into(),
        };
        let why = format!(
            "this flow never sent or received the {} this preset changes ({ended})",
            tamper.target()
        );
        return cannot_run(why, flow, events, &setup);
    }
    let actual = actual(&flow, &events);
    let matched = flow.error.is_some() && actual.code(preset.expected.side) == Some(preset.expected.code);
    PresetOutcome {
        id: preset.id,
        expected: preset.expected,
        actual,
        verdict: if matched { Verdict::Match } else { Verdict::Mismatch },
        flow,
        events,
        delivery: setup.config.delivery,
        notes: setup.notes,
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use crate::jose::{EcCurve, RustCryptoBackend};

    use super::*;

    /// RustCrypto never waits, so the first poll completes.
    fn now<T>(future: impl std::future::Future<Output = T>) -> T {
        let mut future = pin!(future);
        match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("RustCrypto waited"),
        }
    }

    #[test]
    fn a_seeded_backend_started_afresh_never_gives_two_names_one_key() {
        let keyring = Keyring::new();
        let spec = KeyGenSpec::Ec { crv: EcCurve::P256 };
        // Each preset run makes its own backend; seeded alike, each would draw the same key first.
        let backend = || RustCryptoBackend::new(ChaCha20Rng::seed_from_u64(5));
        let client = now(keyring.key("client", spec, &backend())).unwrap_or_else(|e| panic!("{e}"));
        let attacker = now(keyring.key("attacker", spec, &backend())).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(client.thumbprint(), attacker.thumbprint());
        let again = now(keyring.key("client", spec, &backend())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.thumbprint(), client.thumbprint(), "a name keeps its key");
    }
}
