//! The device authorization grant, client side (RFC 8628): the device authorization request
//! and its answer (§3.1–3.2), then the device access token request (§3.4) sent at the
//! server's interval — 5 s longer after every `slow_down` (§3.5) — until the user approves or
//! denies on the verification page, or the code expires.
//!
//! Waiting is injected ([`Pause`]): the page waits on a timer, native tests move a fixed
//! clock, so the whole exchange runs deterministically without a browser.

use rand_core::CryptoRngCore;
use serde_json::{Map, Value};

use super::client_auth::ClientAuth;
use super::config::Config;
use super::discovery::{discovery_request, process_discovery_response, process_jwks_response};
use super::dpop::{requested_nonce, with_proof, DpopKey, DpopProof};
use super::error::ClientError;
use super::flow::{FlowError, TimelineEvent};
use super::id_token::{validate_id_token, IdTokenExpectations, VerifiedIdToken};
use super::token::{process_token_response, TokenRequest, TokenResponse};
use crate::clock::{Clock, UnixTime};
use crate::http::{Request, Response, Transport};
use crate::jose::{CryptoBackend, EncryptionBackend, Jwks, SecretString};
use crate::protocol::{dpop as protocol_dpop, error as e, param};

/// RFC 8628 §3.2 `interval`: "If no value is provided, clients MUST use 5 as the default."
pub const DEFAULT_INTERVAL: u64 = 5;
/// RFC 8628 §3.5: on `slow_down` "the interval MUST be increased by 5 seconds for this and
/// all subsequent requests".
pub const SLOW_DOWN_STEP: u64 = 5;
/// A bound on polls, so a server that never decides cannot keep a run alive for ever.
pub const MAX_POLLS: usize = 720;

/// RFC 8628 §3.1: a form POST of `client_id` (with the client's authentication, as at the
/// token endpoint) and an optional `scope`.
#[allow(clippy::too_many_arguments)]
pub async fn device_authorization_request<B: CryptoBackend + ?Sized>(
    endpoint: &str,
    scope: Option<&str>,
    client_id: &str,
    auth: &ClientAuth,
    audience: &str,
    now: UnixTime,
    rng: &mut impl CryptoRngCore,
    backend: &B,
) -> Result<Request, ClientError> {
    let mut form = vec![(param::CLIENT_ID.to_string(), client_id.to_string())];
    if let Some(scope) = scope.filter(|s| !s.is_empty()) {
        form.push((param::SCOPE.into(), scope.into()));
    }
    // Basic authentication carries the client_id itself (RFC 6749 §2.3.1); a second copy in the
    // body is allowed but not needed.
    if matches!(auth, ClientAuth::ClientSecretBasic { .. }) {
        form.retain(|(k, _)| k != param::CLIENT_ID);
    }
    auth.form_post(endpoint, form, client_id, audience, now, rng, backend)
        .await
}

/// RFC 8628 §3.2. The device code redacts in `Debug`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuthorizationResponse {
    pub device_code: SecretString,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
    /// Members without a field here, as sent.
    pub extra: Map<String, Value>,
}

/// RFC 8628 §3.2: 200 with a JSON object; `device_code`, `user_code`, `verification_uri` and
/// `expires_in` REQUIRED, `verification_uri_complete` and `interval` OPTIONAL.
pub fn process_device_authorization_response(response: &Response) -> Result<DeviceAuthorizationResponse, ClientError> {
    const CODE: &str = "device.authorization_response_invalid";
    if response.status != 200 {
        return Err(ClientError::status("device.authorization_status", 200, response));
    }
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&response.body) else {
        return Err(ClientError::invalid(
            CODE,
            format!("the 200 body is not a JSON object: {}", response.body_text()),
        ));
    };
    let mut string = |name: &str, required: bool| match body.remove(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(ClientError::invalid(CODE, format!("RFC 8628 §3.2: {name} is missing"))),
        Some(other) => Err(ClientError::invalid(
            CODE,
            format!("\"{name}\" must be a non-empty string, found {other}"),
        )),
    };
    let device_code = string(param::DEVICE_CODE, true)?.unwrap_or_default();
    let user_code = string(param::USER_CODE, true)?.unwrap_or_default();
    let verification_uri = string(param::VERIFICATION_URI, true)?.unwrap_or_default();
    let verification_uri_complete = string(param::VERIFICATION_URI_COMPLETE, false)?;
    let mut number = |name: &str| match body.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(other) => Err(ClientError::invalid(
            CODE,
            format!("\"{name}\" must be a non-negative integer, found {other}"),
        )),
    };
    let expires_in =
        number(param::EXPIRES_IN)?.ok_or_else(|| ClientError::invalid(CODE, "RFC 8628 §3.2: expires_in is missing"))?;
    // An interval of 0 would poll as fast as the transport answers; treat it as absent.
    let interval = number(param::INTERVAL)?.filter(|i| *i > 0).unwrap_or(DEFAULT_INTERVAL);
    Ok(DeviceAuthorizationResponse {
        device_code: SecretString::new(device_code),
        user_code,
        verification_uri,
        verification_uri_complete,
        expires_in,
        interval,
        extra: body,
    })
}

/// What one poll of the token endpoint answered (RFC 8628 §3.5).
#[derive(Clone, Debug, PartialEq)]
pub enum PollAnswer {
    Tokens(Box<TokenResponse>),
    /// `authorization_pending`: ask again after the interval.
    Pending,
    /// `slow_down`: ask again, 5 s more patiently from now on.
    SlowDown,
    /// `access_denied`: the user said no.
    Denied,
    /// `expired_token`: the device code is dead; start over.
    Expired,
}

impl PollAnswer {
    /// The answer's name as the timeline shows it: the RFC 8628 error code, or `tokens`.
    pub fn name(&self) -> &'static str {
        match self {
            PollAnswer::Tokens(_) => "tokens",
            PollAnswer::Pending => e::AUTHORIZATION_PENDING,
            PollAnswer::SlowDown => e::SLOW_DOWN,
            PollAnswer::Denied => e::ACCESS_DENIED,
            PollAnswer::Expired => e::EXPIRED_TOKEN,
        }
    }
}

/// RFC 8628 §3.5: success is an RFC 6749 §5.1 token response; the four device errors are
/// answers, not failures; any other error is one.
pub fn process_device_token_response(response: &Response) -> Result<PollAnswer, ClientError> {
    if response.status == 200 {
        return process_token_response(response).map(|t| PollAnswer::Tokens(Box::new(t)));
    }
    let error = serde_json::from_slice::<Value>(&response.body)
        .ok()
        .and_then(|body| body.get(param::ERROR).and_then(Value::as_str).map(str::to_string));
    match error.as_deref() {
        Some(e::AUTHORIZATION_PENDING) => Ok(PollAnswer::Pending),
        Some(e::SLOW_DOWN) => Ok(PollAnswer::SlowDown),
        Some(e::ACCESS_DENIED) => Ok(PollAnswer::Denied),
        Some(e::EXPIRED_TOKEN) => Ok(PollAnswer::Expired),
        _ => Err(ClientError::status("device.token_status", 200, response)),
    }
}

/// Waits between polls: a timer in the page, a step of a fixed clock in tests. Answers
/// whether to go on (`false`: the user stopped the run).
#[allow(async_fn_in_trait)]
pub trait Pause {
    async fn pause(&self, seconds: u64) -> bool;
}

/// One poll, for the timeline.
#[derive(Clone, Debug)]
pub struct Poll {
    /// 1 for the first poll.
    pub number: usize,
    pub at: UnixTime,
    /// The seconds waited before it.
    pub waited: u64,
    pub request: Request,
    pub response: Response,
    /// The DPoP proof the request carried (compact JWS), when the client has a DPoP key.
    pub proof: Option<String>,
    /// `tokens`, `authorization_pending`, `slow_down`, `access_denied`, `expired_token`,
    /// `use_dpop_nonce` (answered by polling again at once with the nonce), or the failure's
    /// code.
    pub answer: &'static str,
    /// The interval in force after this answer.
    pub interval: u64,
}

/// How the polling ended.
#[derive(Clone, Debug, PartialEq)]
pub enum DeviceOutcome {
    Tokens(Box<TokenResponse>),
    Denied,
    /// The server said `expired_token`, or the code's lifetime passed on the client's clock.
    Expired,
    /// The waiting was cut short ([`Pause::pause`] said stop).
    Stopped,
}

/// The client's side of the poll: where, as whom.
#[derive(Clone, Debug)]
pub struct DevicePolling<'a> {
    pub token_endpoint: &'a str,
    pub client_id: &'a str,
    pub auth: &'a ClientAuth,
    /// A client assertion's `aud` (the token endpoint URL, RFC 7523 §3).
    pub audience: &'a str,
    pub authorization: &'a DeviceAuthorizationResponse,
    /// RFC 9449: a proof with every poll, and a `token_type: DPoP` answer expected.
    pub dpop: Option<&'a DpopKey>,
}

/// Polls the token endpoint (RFC 8628 §3.4) until the user decides or the code expires:
/// waits the interval before every request, adds 5 s after each `slow_down`, stops at
/// `access_denied`, `expired_token`, tokens, or once `expires_in` has passed on `clock`.
/// With a DPoP key every poll carries a fresh proof (RFC 9449 §5) with the server's latest
/// nonce; a `use_dpop_nonce` answer (§8) is polled again at once with the nonce it gave, once
/// in a row. `on_poll` sees every exchange as it happens.
#[allow(clippy::too_many_arguments)]
pub async fn poll_device_token<T, B, C, P>(
    polling: &DevicePolling<'_>,
    transport: &T,
    backend: &B,
    clock: &C,
    pause: &P,
    rng: &mut impl CryptoRngCore,
    mut on_poll: impl FnMut(&Poll),
) -> Result<DeviceOutcome, ClientError>
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
    P: Pause + ?Sized,
{
    let authorization = polling.authorization;
    let deadline = clock
        .now()
        .saturating_add(i64::try_from(authorization.expires_in).unwrap_or(i64::MAX));
    let mut interval = authorization.interval.max(1);
    let token_request = TokenRequest::device_code(polling.token_endpoint, authorization.device_code.clone());
    let mut nonce: Option<String> = None;
    let mut nonce_retry = false;
    for number in 1..=MAX_POLLS {
        // A poll answering a nonce request follows at once: the server asked for the same
        // request with a nonce, not for a new poll (RFC 9449 §8).
        let waited = if nonce_retry { 0 } else { interval };
        if waited > 0 && !pause.pause(waited).await {
            return Ok(DeviceOutcome::Stopped);
        }
        let now = clock.now();
        if now >= deadline {
            return Ok(DeviceOutcome::Expired);
        }
        let request = token_request
            .to_http(
                polling.client_id,
                polling.auth,
                polling.audience,
                now,
                &mut *rng,
                backend,
            )
            .await?;
        let (request, proof) = match polling.dpop {
            Some(key) => {
                let jti = super::random::random_token(&mut *rng, 16);
                let proof = DpopProof::new(request.method.as_str(), &request.url, now, jti)
                    .nonce(nonce.as_deref())
                    .sign(key, backend)
                    .await?;
                (with_proof(&request, &proof), Some(proof))
            }
            None => (request, None),
        };
        let response = transport.send(request.clone()).await?;
        if let Some(given) = response.headers.get(protocol_dpop::NONCE_HEADER) {
            nonce = Some(given.trim().to_string());
        }
        let wants_nonce = polling.dpop.is_some() && !nonce_retry && requested_nonce(&response).is_some();
        nonce_retry = wants_nonce;
        let answer = if wants_nonce {
            Ok(PollAnswer::Pending)
        } else {
            process_device_token_response(&response).and_then(|answer| match answer {
                PollAnswer::Tokens(tokens) if polling.dpop.is_some() => dpop_bound(*tokens),
                other => Ok(other),
            })
        };
        if matches!(answer, Ok(PollAnswer::SlowDown)) {
            interval = interval.saturating_add(SLOW_DOWN_STEP);
        }
        on_poll(&Poll {
            number,
            at: now,
            waited,
            request,
            response,
            proof,
            answer: match &answer {
                _ if wants_nonce => e::USE_DPOP_NONCE,
                Ok(a) => a.name(),
                Err(err) => err.code(),
            },
            interval,
        });
        match answer? {
            PollAnswer::Tokens(tokens) => return Ok(DeviceOutcome::Tokens(tokens)),
            PollAnswer::Denied => return Ok(DeviceOutcome::Denied),
            PollAnswer::Expired => return Ok(DeviceOutcome::Expired),
            PollAnswer::Pending | PollAnswer::SlowDown => {}
        }
    }
    Ok(DeviceOutcome::Expired)
}

/// RFC 9449 §5: tokens asked for with a proof come back as `token_type: DPoP`; a Bearer
/// answer means the server ignored the proof, and the token is not sender-constrained.
fn dpop_bound(tokens: TokenResponse) -> Result<PollAnswer, ClientError> {
    if tokens.token_type.eq_ignore_ascii_case(protocol_dpop::SCHEME) {
        Ok(PollAnswer::Tokens(Box::new(tokens)))
    } else {
        Err(ClientError::invalid(
            "token.token_type_not_dpop",
            format!(
                "RFC 9449 §5: a token request with a DPoP proof must be answered with token_type DPoP, got {}",
                tokens.token_type
            ),
        ))
    }
}

/// What a device run reports while it runs: every timeline entry as it is made, and the
/// device authorization once it is known (the UI shows the user code from then on).
pub enum DeviceProgress<'a> {
    Event(&'a TimelineEvent),
    Authorization(&'a DeviceAuthorizationResponse),
}

/// A device run: its timeline and how it ended.
#[derive(Debug)]
pub struct DeviceFlowRun {
    pub timeline: Vec<TimelineEvent>,
    pub authorization: Option<DeviceAuthorizationResponse>,
    pub result: Result<DeviceOutcome, FlowError>,
    /// The ID token, when `openid` was asked for and it passed every check.
    pub id_token: Option<VerifiedIdToken>,
}

/// Timeline steps of a device run.
pub const STEP_AUTHORIZATION: &str = "device_authorization";
pub const STEP_POLL: &str = "device_token";
pub const STEP_POLL_PROOF: &str = "dpop_proof (device_token)";
const STEP_ID_TOKEN: &str = "id_token (token response)";

/// The device authorization grant from discovery to a checked ID token: discovery and the
/// server's keys, the device authorization request (§3.1), polling (§3.4–3.5), and — when
/// the tokens carry one — the ID token's checks (OIDC Core §3.1.3.7, key chosen by `kid`
/// from the JWKS, so a rotation shows which key matched).
#[allow(clippy::too_many_arguments)]
pub async fn run_device_flow<T, B, C, P>(
    config: &Config,
    scope: Option<&str>,
    leeway: i64,
    transport: &T,
    backend: &B,
    clock: &C,
    pause: &P,
    rng: &mut impl CryptoRngCore,
    mut observe: impl FnMut(DeviceProgress<'_>),
) -> DeviceFlowRun
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
    P: Pause + ?Sized,
{
    let mut run = DeviceFlowRun {
        timeline: Vec::new(),
        authorization: None,
        result: Ok(DeviceOutcome::Expired),
        id_token: None,
    };
    let result = device_steps(
        config,
        scope,
        leeway,
        transport,
        backend,
        clock,
        pause,
        rng,
        &mut run,
        &mut observe,
    )
    .await;
    run.result = result;
    run
}

#[allow(clippy::too_many_arguments)]
async fn device_steps<T, B, C, P>(
    config: &Config,
    scope: Option<&str>,
    leeway: i64,
    transport: &T,
    backend: &B,
    clock: &C,
    pause: &P,
    rng: &mut impl CryptoRngCore,
    run: &mut DeviceFlowRun,
    observe: &mut impl FnMut(DeviceProgress<'_>),
) -> Result<DeviceOutcome, FlowError>
where
    T: Transport + ?Sized,
    B: EncryptionBackend + ?Sized,
    C: Clock + ?Sized,
    P: Pause + ?Sized,
{
    fn push(run: &mut DeviceFlowRun, event: TimelineEvent, observe: &mut dyn FnMut(DeviceProgress<'_>)) {
        observe(DeviceProgress::Event(&event));
        run.timeline.push(event);
    }
    let exchange = async |step: &'static str, request: Request| -> (Result<Response, ClientError>, TimelineEvent) {
        match transport.send(request.clone()).await {
            Ok(response) => (
                Ok(response.clone()),
                TimelineEvent::Exchange {
                    step,
                    request,
                    response: Some(response),
                    transport_error: None,
                },
            ),
            Err(e) => (
                Err(ClientError::Transport(e.clone())),
                TimelineEvent::Exchange {
                    step,
                    request,
                    response: None,
                    transport_error: Some(e.message),
                },
            ),
        }
    };
    // Discovery and the server's keys.
    let (response, event) = exchange("discovery", discovery_request(&config.issuer)).await;
    push(run, event, &mut *observe);
    let metadata = process_discovery_response(&config.issuer, &response?)?;
    let jwks = match &metadata.jwks_uri {
        Some(uri) => {
            let (response, event) = exchange("jwks", Request::get(uri.as_str())).await;
            push(run, event, &mut *observe);
            process_jwks_response(&response?)?
        }
        None => Jwks::default(),
    };
    let endpoint = metadata.device_authorization_endpoint.clone().ok_or_else(|| {
        ClientError::config(
            "device.endpoint_missing",
            "the server's metadata names no device_authorization_endpoint (RFC 8628 §4)",
        )
    })?;
    let token_endpoint = metadata.token_endpoint.clone().ok_or_else(|| {
        ClientError::config(
            "device.endpoint_missing",
            "the server's metadata names no token_endpoint",
        )
    })?;
    let auth = config.client_auth()?;
    let client_id = config.request.client_id.clone();

    // RFC 8628 §3.1–3.2.
    let request = device_authorization_request(
        &endpoint,
        scope,
        &client_id,
        &auth,
        &metadata.issuer,
        clock.now(),
        &mut *rng,
        backend,
    )
    .await?;
    let (response, event) = exchange(STEP_AUTHORIZATION, request).await;
    push(run, event, &mut *observe);
    let authorization = process_device_authorization_response(&response?)?;
    observe(DeviceProgress::Authorization(&authorization));
    run.authorization = Some(authorization.clone());

    // RFC 8628 §3.4–3.5.
    let polling = DevicePolling {
        token_endpoint: &token_endpoint,
        client_id: &client_id,
        auth: &auth,
        audience: &token_endpoint,
        authorization: &authorization,
        dpop: config.dpop.as_ref(),
    };
    let mut polls = Vec::new();
    let outcome = poll_device_token(&polling, transport, backend, clock, pause, &mut *rng, |poll| {
        // The proof first, decoded, then the exchange that carried it (as the code flow shows
        // its proofs).
        let proof = poll.proof.as_deref().and_then(|compact| {
            let decoded = crate::jose::jws::decode_unverified(compact).ok()?;
            let payload = serde_json::from_slice(&decoded.payload).ok()?;
            Some(TimelineEvent::Jwt {
                step: STEP_POLL_PROOF,
                compact: compact.to_string(),
                header: decoded.header,
                payload,
            })
        });
        let event = TimelineEvent::Exchange {
            step: STEP_POLL,
            request: poll.request.clone(),
            response: Some(poll.response.clone()),
            transport_error: None,
        };
        for event in proof.into_iter().chain([event]) {
            observe(DeviceProgress::Event(&event));
            polls.push(event);
        }
    })
    .await;
    run.timeline.extend(polls);
    let outcome = outcome?;

    // OIDC Core §3.1.3.7 for an ID token from the token endpoint.
    if let DeviceOutcome::Tokens(tokens) = &outcome {
        if let Some(id_token) = &tokens.id_token {
            let defaults = metadata.defaults();
            let expect = IdTokenExpectations {
                algs: defaults.id_token_algs.clone(),
                leeway,
                access_token: Some(tokens.access_token.expose().to_string()),
                client_secret: config.client_secret.clone(),
                decryption: config
                    .encryption
                    .decryption(config.encryption.id_token, config.confidential_secret()),
                ..IdTokenExpectations::new(metadata.issuer.clone(), client_id.clone())
            };
            let report = validate_id_token(id_token.expose(), &expect, Some(&jwks), clock.now(), backend).await;
            push(
                run,
                TimelineEvent::Checks {
                    step: STEP_ID_TOKEN,
                    steps: report.steps,
                },
                &mut *observe,
            );
            run.id_token = Some(report.result?);
        }
    }
    Ok(outcome)
}
