//! The tampering transport: it sits between the client and the preset's server, passes every
//! message through unchanged except the one its [`Tamper`] names, which it changes once — a
//! request on its way to the server, or the server's answer on its way back.
//!
//! It never fakes the server's verdict: requests go to the real in-process server; answers it
//! changes are re-signed with an attacker's key (or taken from another genuine session), so
//! the client's own checks decide.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde_json::{Map, Value};

use super::catalog::{ATTACKER_ISSUER, OTHER_CLIENT_ID};
use super::runner::Keyring;
use crate::clock::{Clock, UnixTime};
use crate::http::{Method, Request, Response, Transport, TransportError};
use crate::jose::jwe::{self as jwe_alg, JweOperation};
use crate::jose::jws::{self, unsecured, Compact};
use crate::jose::{base64url, Algorithm, CryptoBackend, Jwk, KeyGenSpec, KeyMaterial, SecretBytes, ShortHmacKeys};
use crate::mock_as::{form_post_page, InProcessTransport};
use crate::oauth::client_auth::client_assertion;
use crate::oauth::dpop::access_token_hash;
use crate::oauth::encryption::{is_jwe, JweChoice};
use crate::oauth::{parse_form_post_html, ClientAuth, DpopKey};
use crate::protocol::{
    claim, dpop, form_decode, form_encode, grant_type, param, without_query, PAR_REQUEST_URI_PREFIX,
};

/// How a JARM response is forged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JarmForgery {
    /// Same header and claims, signed with the attacker's key.
    Resigned,
    Iss,
    Aud,
    Expired,
    /// `alg: none`, no signature.
    AlgNone,
}

/// Which request's DPoP proof (RFC 9449 §4) a tamper changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProofAt {
    /// The pushed authorization request.
    Par,
    /// The token request redeeming the authorization code.
    CodeRedemption,
    /// The userinfo request presenting the access token.
    Userinfo,
    /// The first request with a proof the server judges (with nonces required, the first
    /// whose proof carries the nonce: see `awaiting_nonce`).
    First,
}

impl ProofAt {
    fn request(self) -> &'static str {
        match self {
            ProofAt::Par => "pushed authorization request with a DPoP proof",
            ProofAt::CodeRedemption => "token request redeeming a code with a DPoP proof",
            ProofAt::Userinfo => "userinfo request with a DPoP proof",
            ProofAt::First => "request with a DPoP proof",
        }
    }
}

/// How a DPoP proof is changed. Unless the variant says otherwise, the changed proof is
/// signed again with the client's own DPoP key, so only the named change is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProofChange {
    /// `htu` names another endpoint of the same server.
    HtuOfOtherEndpoint,
    /// `htm` names the other method (GET for a POST, POST for a GET).
    HtmFlipped,
    /// `iat` lies one minute before the oldest the server accepts.
    IatStale,
    /// `ath` is left out.
    AthRemoved,
    /// `ath` is the hash of the access token the control run received.
    AthOfOtherToken,
    /// Header and claims unchanged, signed with an attacker's key (the `jwk` stays the
    /// client's).
    SignedByOtherKey,
    /// A well-formed proof of an attacker's key: its `jwk`, its signature.
    OtherKey,
    /// The `jwk` header carries the private key's members too.
    PrivateMembersInJwk,
    /// `alg: none` and no signature.
    AlgNone,
    /// HS256, keyed with the `jwk` header's JSON text.
    Hs256WithPublicJwk,
    /// `typ: JWT` instead of `dpop+jwt`.
    TypJwt,
    /// The server's `nonce` is left out.
    NonceRemoved,
}

/// How an encrypted request object (a compact JWE, RFC 7516 §7.1) is changed in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JweChange {
    /// One bit of the ciphertext flipped.
    Ciphertext,
    /// One bit of the authentication tag flipped.
    Tag,
    /// The protected header's `alg` relabelled `RSA1_5`, the other parts as they were.
    AlgRsa1_5,
    /// The `epk`'s `y` coordinate changed by one bit, so the point is on no curve the
    /// recipient uses.
    EpkOffCurve,
}

/// How the server's encryption keys are changed in the JWKS the client fetches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EncKeyChange {
    /// The key the client encrypts to is replaced by an attacker's key of the same type,
    /// carrying the server key's `kid`.
    OtherKeySameKid,
    /// The key keeps its material but gets a `kid` the server does not have.
    UnknownKid,
}

/// A `kid` no key of the preset's server has.
pub(crate) const UNKNOWN_ENC_KID: &str = "tamper-unknown-enc-key";

/// The one message a tampered run changes in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tamper {
    /// The request object's payload is edited; header and signature are kept.
    RequestObjectPayloadEdited,
    /// The request object is re-made as HS256 keyed with the client's RSA public key.
    RequestObjectMacedWithRsaPublicKey,
    /// The message carrying the request object is sent once before the client's own.
    RequestObjectReplayed,
    /// An outer `response_type` contradicting the request object's is set beside it.
    OuterResponseTypeDiffers,
    /// The authorize request gets a `request_uri` beside its `request`, or the pushed
    /// `request` beside its `request_uri`.
    RequestUriBesideRequest,
    /// The authorize request with the `request_uri` is sent once before the client's own.
    RequestUriReplayed,
    /// The clock moves past the `request_uri`'s lifetime right after the push.
    RequestUriExpired,
    /// The authorize request presents the `request_uri` under another client's `client_id`.
    RequestUriUnderOtherClient,
    /// The code redemption is sent once before the client's own.
    CodeReplayed,
    /// A parameter of the code redemption is replaced.
    TokenParam { name: &'static str, value: &'static str },
    /// The first client assertion is re-signed for another audience.
    AssertionAudience(&'static str),
    /// The JARM response is forged.
    Jarm(JarmForgery),
    /// The (non-JARM) authorization response's `iss` is replaced.
    ResponseIss(&'static str),
    /// The authorization response is replaced by the control session's.
    ResponseFromOtherSession,
    /// The token response is replaced by the control session's.
    TokenResponseFromOtherSession,
    /// The server's signing keys were rotated (no overlap) after the control run; the JARM
    /// response is replaced by the control run's, signed by the key now retired.
    ResponseSignedByRetiredKey,
    /// A DPoP proof is changed.
    DpopProof { at: ProofAt, change: ProofChange },
    /// The request carrying a DPoP proof is sent once before the client's own, with the same
    /// proof (a client assertion beside it is made afresh).
    DpopProofReplayed(ProofAt),
    /// At userinfo, the DPoP-bound access token goes as `Authorization: Bearer`, without
    /// the proof (what a thief who has the token but not the key can send).
    DpopTokenAsBearer,
    /// The encrypted request object is changed.
    RequestObjectJwe(JweChange),
    /// The server's JWKS answer changes the encryption key the client encrypts to.
    ServerEncryptionKey(EncKeyChange),
    /// The encrypted JARM response's authentication tag is changed.
    JarmJweTag,
}

impl Tamper {
    /// The message this tamper changes, in words ("the flow sent no …").
    pub fn target(self) -> &'static str {
        match self {
            Tamper::RequestObjectPayloadEdited
            | Tamper::RequestObjectMacedWithRsaPublicKey
            | Tamper::RequestObjectReplayed
            | Tamper::OuterResponseTypeDiffers => "message carrying a request object",
            Tamper::RequestUriBesideRequest => "authorize request",
            Tamper::RequestUriReplayed | Tamper::RequestUriUnderOtherClient => "authorize request with a request_uri",
            Tamper::RequestUriExpired => "successful pushed authorization request",
            Tamper::CodeReplayed | Tamper::TokenParam { .. } => "token request redeeming a code",
            Tamper::AssertionAudience(_) => "request with a client assertion",
            Tamper::Jarm(_) => "JARM response",
            Tamper::ResponseIss(_) => "plain (non-JARM) authorization response",
            Tamper::ResponseFromOtherSession => "authorization response",
            Tamper::ResponseSignedByRetiredKey => "JARM response",
            Tamper::TokenResponseFromOtherSession => "token response to a code redemption",
            Tamper::DpopProof { at, .. } | Tamper::DpopProofReplayed(at) => at.request(),
            Tamper::DpopTokenAsBearer => "userinfo request with a DPoP-bound access token",
            Tamper::RequestObjectJwe(JweChange::EpkOffCurve) => "request object encrypted with ECDH-ES",
            Tamper::RequestObjectJwe(_) => "encrypted request object",
            Tamper::ServerEncryptionKey(_) => "server JWKS with the encryption key the client uses",
            Tamper::JarmJweTag => "encrypted JARM response",
        }
    }
}

/// The clock of a preset run: the caller's, plus the seconds a tamper made pass.
pub(crate) struct TamperClock {
    base: Box<dyn Clock>,
    offset: Cell<i64>,
}

impl TamperClock {
    pub fn new(base: Box<dyn Clock>) -> Self {
        Self {
            base,
            offset: Cell::new(0),
        }
    }

    fn advance(&self, seconds: i64) {
        self.offset.set(self.offset.get().saturating_add(seconds));
    }
}

impl Clock for TamperClock {
    fn now(&self) -> UnixTime {
        self.base.now().saturating_add(self.offset.get())
    }
}

/// Genuine answers of the control run, for presets that inject another session's response.
#[derive(Clone, Debug, Default)]
pub(crate) struct OtherSession {
    pub authorization_response: Option<Response>,
    pub token_response: Option<Response>,
}

/// What the transport needs to know about the run.
pub(crate) struct WireContext<'a, B: ?Sized> {
    pub backend: &'a B,
    pub keyring: &'a Keyring,
    pub clock: Rc<TamperClock>,
    pub issuer: String,
    pub authorization_endpoint: String,
    pub par_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub client_id: String,
    pub redirect_uri: String,
    /// The client's authentication, for assertions the transport re-makes.
    pub auth: Option<ClientAuth>,
    pub leeway: i64,
    pub rsa_public_pem: Option<String>,
    pub other_session: OtherSession,
    /// The client's DPoP key, which signs the proofs the transport re-makes.
    pub dpop_key: Option<DpopKey>,
    /// The server requires a nonce in every proof (RFC 9449 §8).
    pub dpop_nonce_required: bool,
    /// How old a proof's `iat` may be at the server: `dpop_proof_max_age` plus clock skew.
    pub dpop_max_age: i64,
    /// The server's JWKS endpoint.
    pub jwks_endpoint: String,
    /// How the client encrypts its request objects (which server key it takes).
    pub request_object_encryption: Option<JweChoice>,
}

pub(crate) struct TamperTransport<'a, B: ?Sized> {
    inner: InProcessTransport,
    tamper: Tamper,
    cx: WireContext<'a, B>,
    rng: RefCell<ChaCha20Rng>,
    applied: Cell<bool>,
    problem: RefCell<Option<String>>,
    /// The last request object pushed, for [`Tamper::RequestUriBesideRequest`].
    pushed_request_object: RefCell<Option<String>>,
}

type Pairs = Vec<(String, String)>;

fn get<'p>(pairs: &'p Pairs, name: &str) -> Option<&'p str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Replaces the first `name` (or appends it).
fn set(pairs: &mut Pairs, name: &str, value: String) {
    match pairs.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value,
        None => pairs.push((name.to_string(), value)),
    }
}

/// The request with `name` replaced by `value` (or, with `None`, removed), other headers as
/// they were.
fn with_header(request: &Request, name: &str, value: Option<&str>) -> Request {
    let mut out = request.clone();
    match value {
        Some(value) => out.headers.set(name, value),
        None => out.headers.remove(name),
    }
    out
}

/// The parameters of a request: the form body of a POST, the query of a GET.
fn params_of(request: &Request) -> Pairs {
    match request.method {
        Method::Post => form_decode(&request.body),
        Method::Get => request
            .url
            .split_once('?')
            .map(|(_, q)| form_decode(q.as_bytes()))
            .unwrap_or_default(),
    }
}

fn encode(pairs: &Pairs) -> String {
    form_encode(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn set_params(request: &mut Request, pairs: &Pairs) {
    match request.method {
        Method::Post => request.body = encode(pairs).into_bytes(),
        Method::Get => request.url = format!("{}?{}", without_query(&request.url), encode(pairs)),
    }
}

/// A compact JWS taken apart: the header's text and members, the payload, the signature.
struct JwsParts {
    header_text: String,
    header: Map<String, Value>,
    payload: Vec<u8>,
    encoded_header: String,
    signature: String,
}

impl JwsParts {
    fn split(jws: &str, what: &str) -> Result<Self, String> {
        let parts = Compact::split(jws).map_err(|e| format!("the {what} is not a compact JWS: {e}"))?;
        let header_text = parts.header_text().map_err(|e| format!("the {what}'s header: {e}"))?;
        let header = parts.header().map_err(|e| format!("the {what}'s header: {e}"))?;
        let payload =
            base64url::decode(parts.payload, "JWS payload").map_err(|e| format!("the {what}'s payload: {e}"))?;
        Ok(Self {
            header_text,
            header,
            payload,
            encoded_header: parts.header.to_string(),
            signature: parts.signature.to_string(),
        })
    }

    fn claims(&self, what: &str) -> Result<Map<String, Value>, String> {
        match serde_json::from_slice(&self.payload) {
            Ok(Value::Object(claims)) => Ok(claims),
            _ => Err(format!("the {what}'s payload is not a JSON object")),
        }
    }

    fn alg(&self) -> Result<Algorithm, String> {
        let name = self.header.get("alg").and_then(Value::as_str).unwrap_or("(none)");
        Algorithm::from_name(name).map_err(|e| format!("alg {name}: {e}"))
    }
}

/// An authorization response on its way to the redirect URI: a redirect (query or fragment)
/// or a form_post page.
enum Delivered {
    Redirect { base: String, fragment: bool, pairs: Pairs },
    FormPost { action: String, pairs: Pairs },
}

impl Delivered {
    fn read(response: &Response, redirect_uri: &str) -> Option<Self> {
        let at_redirect_uri = |url: &str| without_query(url) == without_query(redirect_uri);
        match response.status {
            301 | 302 | 303 | 307 | 308 => {
                let location = response.headers.get("location")?;
                if !at_redirect_uri(location) {
                    return None;
                }
                if let Some((base, fragment)) = location.split_once('#').filter(|(_, f)| !f.is_empty()) {
                    return Some(Delivered::Redirect {
                        base: base.to_string(),
                        fragment: true,
                        pairs: form_decode(fragment.as_bytes()),
                    });
                }
                let (base, query) = location.split_once('?').unwrap_or((location, ""));
                Some(Delivered::Redirect {
                    base: base.to_string(),
                    fragment: false,
                    pairs: form_decode(query.as_bytes()),
                })
            }
            200 => {
                let page = parse_form_post_html(&response.body_text()).ok()?;
                at_redirect_uri(&page.action).then_some(Delivered::FormPost {
                    action: page.action,
                    pairs: page.fields.params,
                })
            }
            _ => None,
        }
    }

    fn pairs(&mut self) -> &mut Pairs {
        match self {
            Delivered::Redirect { pairs, .. } | Delivered::FormPost { pairs, .. } => pairs,
        }
    }

    /// The same answer carrying the changed parameters.
    fn into_response(self, original: &Response) -> Response {
        let mut response = Response::new(original.status);
        match self {
            Delivered::Redirect { base, fragment, pairs } => {
                let location = format!("{base}{}{}", if fragment { '#' } else { '?' }, encode(&pairs));
                response.headers.append("Location", location);
                for (name, value) in original.headers.iter() {
                    if !name.eq_ignore_ascii_case("location") {
                        response.headers.append(name, value);
                    }
                }
            }
            Delivered::FormPost { action, pairs } => {
                for (name, value) in original.headers.iter() {
                    response.headers.append(name, value);
                }
                response.body = form_post_page(&action, &pairs).into_bytes();
            }
        }
        response
    }
}

impl<'a, B: CryptoBackend + ?Sized> TamperTransport<'a, B> {
    pub fn new(inner: InProcessTransport, tamper: Tamper, cx: WireContext<'a, B>, seed: [u8; 32]) -> Self {
        Self {
            inner,
            tamper,
            cx,
            rng: RefCell::new(ChaCha20Rng::from_seed(seed)),
            applied: Cell::new(false),
            problem: RefCell::new(None),
            pushed_request_object: RefCell::new(None),
        }
    }

    /// Whether the tampered message came (and was changed).
    pub fn applied(&self) -> bool {
        self.applied.get()
    }

    /// Why the tampering itself failed, if it did.
    pub fn problem(&self) -> Option<String> {
        self.problem.borrow().clone()
    }

    fn fail(&self, why: String) -> TransportError {
        *self.problem.borrow_mut() = Some(why.clone());
        TransportError {
            message: format!("the tamper preset could not change the message: {why}"),
        }
    }

    /// An RNG of its own for each use, so no borrow is held across an await.
    fn local_rng(&self) -> ChaCha20Rng {
        let mut seed = [0u8; 32];
        self.rng.borrow_mut().fill_bytes(&mut seed);
        ChaCha20Rng::from_seed(seed)
    }

    fn is_at(&self, request: &Request, endpoint: &str) -> bool {
        without_query(&request.url) == endpoint
    }

    fn is_code_redemption(&self, request: &Request, pairs: &Pairs) -> bool {
        self.is_at(request, &self.cx.token_endpoint)
            && get(pairs, param::GRANT_TYPE) == Some(grant_type::AUTHORIZATION_CODE)
    }

    /// A client assertion like the client's own, for `aud`, freshly signed (new `jti`).
    async fn assertion(&self, aud: &str) -> Result<String, String> {
        let (key, alg) = match &self.cx.auth {
            Some(ClientAuth::ClientSecretJwt { secret, alg }) => (ClientAuth::secret_key(secret), *alg),
            Some(ClientAuth::PrivateKeyJwt { key, alg }) => (key.clone(), *alg),
            _ => return Err("the client authenticates without an assertion".into()),
        };
        let mut rng = self.local_rng();
        let now = self.cx.clock.now();
        client_assertion(
            &self.cx.client_id,
            aud,
            alg,
            &key,
            now,
            &mut rng,
            self.cx.backend,
            ShortHmacKeys::Refuse,
        )
        .await
        .map_err(|e| e.to_string())
    }

    /// The same DPoP proof with a `jti` of its own, signed again with the client's key.
    async fn fresh_proof(&self, proof: &str) -> Result<String, String> {
        let key = self.cx.dpop_key.as_ref().ok_or("the client has no DPoP key")?;
        let parts = JwsParts::split(proof, "DPoP proof")?;
        let mut claims = parts.claims("DPoP proof")?;
        let jti = crate::oauth::random::random_token(&mut self.local_rng(), 16);
        claims.insert(claim::JTI.into(), Value::from(jti));
        jws::sign_compact_with(
            self.cx.backend,
            &parts.header_text,
            Value::Object(claims).to_string().as_bytes(),
            key.signing_key(),
            ShortHmacKeys::Refuse,
        )
        .await
        .map_err(|e| e.to_string())
    }

    /// A copy of `request` as a second sender would make it: identical, except that a client
    /// assertion is made afresh (its own `jti`), and so is a DPoP proof unless `same_proof`
    /// (the proof is what is replayed), so only the tampered value is replayed.
    async fn second_copy(&self, request: &Request, pairs: &Pairs, same_proof: bool) -> Result<Request, String> {
        let mut copy = request.clone();
        if let (false, Some(proof)) = (same_proof, request.headers.get(dpop::HEADER)) {
            copy = with_header(&copy, dpop::HEADER, Some(&self.fresh_proof(proof).await?));
        }
        if let Some(assertion) = get(pairs, param::CLIENT_ASSERTION) {
            let aud = JwsParts::split(assertion, "client assertion")?
                .claims("client assertion")?
                .get(claim::AUD)
                .and_then(Value::as_str)
                .map_or_else(|| self.cx.issuer.clone(), str::to_string);
            let mut pairs = pairs.clone();
            set(&mut pairs, param::CLIENT_ASSERTION, self.assertion(&aud).await?);
            set_params(&mut copy, &pairs);
        }
        Ok(copy)
    }

    /// Sends a copy first; its answer is dropped (someone else consumed it). With
    /// `same_proof`, the copy carries the request's own DPoP proof.
    async fn send_copy_first(&self, request: &Request, pairs: &Pairs, same_proof: bool) -> Result<(), String> {
        let copy = self.second_copy(request, pairs, same_proof).await?;
        // The first use only has to reach the server; what it answered is not the client's.
        let _ = self.inner.send_now(&copy);
        Ok(())
    }

    async fn attacker_key(&self, alg: Algorithm) -> Result<Jwk, String> {
        let spec = KeyGenSpec::for_alg(alg);
        self.cx
            .keyring
            .key(&format!("attacker {spec:?}"), spec, self.cx.backend)
            .await
    }

    /// The request object with its payload edited (the scope widened) and the old signature.
    fn edit_payload(jwt: &str) -> Result<String, String> {
        let parts = JwsParts::split(jwt, "request object")?;
        let mut claims = parts.claims("request object")?;
        let scope = claims.get(param::SCOPE).and_then(Value::as_str).unwrap_or_default();
        let widened = format!("{scope} admin").trim().to_string();
        claims.insert(param::SCOPE.into(), Value::from(widened));
        Ok(format!(
            "{}.{}.{}",
            parts.encoded_header,
            base64url::encode(Value::Object(claims).to_string()),
            parts.signature
        ))
    }

    /// RFC 8725 §2.1 key confusion: HS256 with the public key's PEM text as the MAC secret.
    async fn mac_with_public_key(&self, jwt: &str) -> Result<String, String> {
        let pem = self.cx.rsa_public_pem.as_deref().ok_or("no RSA public key to misuse")?;
        let parts = JwsParts::split(jwt, "request object")?;
        let mut header = parts.header;
        header.insert("alg".into(), Value::from(Algorithm::HS256.name()));
        header.remove("kid");
        let key = Jwk::new(KeyMaterial::Oct {
            k: SecretBytes::new(pem.as_bytes().to_vec()),
        });
        jws::sign_compact_with(
            self.cx.backend,
            &Value::Object(header).to_string(),
            &parts.payload,
            &key,
            ShortHmacKeys::Allow,
        )
        .await
        .map_err(|e| e.to_string())
    }

    async fn forge_jarm(&self, jwt: &str, forgery: JarmForgery) -> Result<String, String> {
        let parts = JwsParts::split(jwt, "JARM response")?;
        let mut claims = parts.claims("JARM response")?;
        match forgery {
            JarmForgery::Resigned | JarmForgery::AlgNone => {}
            JarmForgery::Iss => {
                claims.insert(claim::ISS.into(), Value::from(ATTACKER_ISSUER));
            }
            JarmForgery::Aud => {
                claims.insert(claim::AUD.into(), Value::from(OTHER_CLIENT_ID));
            }
            JarmForgery::Expired => {
                let exp = self
                    .cx
                    .clock
                    .now()
                    .saturating_sub(self.cx.leeway.max(0))
                    .saturating_sub(60);
                claims.insert(claim::EXP.into(), Value::from(exp));
                claims.insert(claim::IAT.into(), Value::from(exp.saturating_sub(300)));
            }
        }
        // The claims as they came when only the signature changes; re-serialised otherwise.
        let payload = match forgery {
            JarmForgery::Resigned | JarmForgery::AlgNone => parts.payload.clone(),
            _ => Value::Object(claims).to_string().into_bytes(),
        };
        if forgery == JarmForgery::AlgNone {
            let mut header = parts.header;
            header.insert("alg".into(), Value::from("none"));
            header.remove("kid");
            return unsecured::encode(&Value::Object(header).to_string(), &payload).map_err(|e| e.to_string());
        }
        let key = self.attacker_key(parts.alg()?).await?;
        jws::sign_compact_with(
            self.cx.backend,
            &parts.header_text,
            &payload,
            &key,
            ShortHmacKeys::Allow,
        )
        .await
        .map_err(|e| e.to_string())
    }

    /// The server's JWKS with the encryption key the client will encrypt its request object to
    /// changed; `None` when it has no such key (nothing to change).
    async fn change_jwks(&self, body: &[u8], change: EncKeyChange) -> Result<Option<Vec<u8>>, String> {
        let Some(choice) = self.cx.request_object_encryption else {
            return Ok(None);
        };
        let mut jwks: Value = serde_json::from_slice(body).map_err(|e| format!("the JWKS is not JSON: {e}"))?;
        let keys = jwks
            .get_mut("keys")
            .and_then(Value::as_array_mut)
            .ok_or("the JWKS has no keys array")?;
        let mut changed = false;
        for member in keys.iter_mut() {
            let Ok(key) = Jwk::from_json(&member.to_string()) else {
                continue;
            };
            // The key the client takes (oauth::encryption::server_encryption_key).
            let taken = key.key_use.as_deref() == Some("enc")
                && jwe_alg::check_key(&key, choice.alg, choice.enc, JweOperation::Encrypt).is_ok();
            if !taken {
                continue;
            }
            let replacement = match change {
                EncKeyChange::UnknownKid => {
                    let mut key = key;
                    key.kid = Some(UNKNOWN_ENC_KID.into());
                    key
                }
                EncKeyChange::OtherKeySameKid => {
                    let spec = match &key.material {
                        KeyMaterial::Rsa { .. } => KeyGenSpec::Rsa {
                            bits: key.material.rsa_modulus_bits().unwrap_or(2048).max(2048),
                        },
                        KeyMaterial::Ec { crv, .. } => KeyGenSpec::Ec { crv: *crv },
                        _ => KeyGenSpec::X25519,
                    };
                    let attacker = self
                        .cx
                        .keyring
                        .key(&format!("attacker encryption {spec:?}"), spec, self.cx.backend)
                        .await?;
                    let mut public = attacker.to_public().map_err(|e| e.to_string())?;
                    public.kid = key.kid.clone();
                    public.key_use = Some("enc".into());
                    public.alg = key.alg.clone();
                    public.key_ops = None;
                    public
                }
            };
            *member = serde_json::from_str(&replacement.to_json()).map_err(|e| e.to_string())?;
            changed = true;
        }
        if !changed {
            return Ok(None);
        }
        serde_json::to_vec(&jwks).map(Some).map_err(|e| e.to_string())
    }

    /// Whether `request` carries the DPoP proof a tamper at `at` is about.
    fn proof_due(&self, request: &Request, pairs: &Pairs, at: ProofAt) -> bool {
        request.headers.get(dpop::HEADER).is_some()
            && match at {
                ProofAt::Par => self.is_at(request, &self.cx.par_endpoint),
                ProofAt::CodeRedemption => self.is_code_redemption(request, pairs),
                ProofAt::Userinfo => self.is_at(request, &self.cx.userinfo_endpoint),
                ProofAt::First => true,
            }
    }

    /// Whether the server will only answer `request` with a nonce: it requires nonces and the
    /// request's DPoP proof has none. RFC 9449 §8: the server asks for the nonce before it looks
    /// at the rest of the request, and the client sends the request again with it; the retry is
    /// the message the server really judges, so that is the one to tamper with.
    fn awaiting_nonce(&self, request: &Request) -> Result<bool, String> {
        match request.headers.get(dpop::HEADER) {
            Some(proof) if self.cx.dpop_nonce_required => {
                let claims = JwsParts::split(proof, "DPoP proof")?.claims("DPoP proof")?;
                Ok(!claims.contains_key(claim::NONCE))
            }
            _ => Ok(false),
        }
    }

    /// The access token the control run received, for an `ath` that belongs to another token.
    fn other_access_token(&self) -> Result<String, String> {
        self.cx
            .other_session
            .token_response
            .as_ref()
            .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
            .and_then(|body| {
                body.get(param::ACCESS_TOKEN)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .ok_or_else(|| "the control run received no access token".to_string())
    }

    /// The proof changed as `change` says, signed again (by the client's key unless the
    /// change is about the key).
    async fn forge_proof(&self, proof: &str, change: ProofChange) -> Result<String, String> {
        let key = self.cx.dpop_key.as_ref().ok_or("the client has no DPoP key")?;
        let parts = JwsParts::split(proof, "DPoP proof")?;
        let mut header = parts.header.clone();
        let mut claims = parts.claims("DPoP proof")?;
        let mut signer = key.signing_key().clone();
        let mut short_keys = ShortHmacKeys::Refuse;
        match change {
            ProofChange::HtuOfOtherEndpoint => {
                let htu = claims.get("htu").and_then(Value::as_str).unwrap_or_default();
                let other = if htu == self.cx.userinfo_endpoint {
                    &self.cx.token_endpoint
                } else {
                    &self.cx.userinfo_endpoint
                };
                claims.insert("htu".into(), Value::from(other.as_str()));
            }
            ProofChange::HtmFlipped => {
                let htm = claims.get("htm").and_then(Value::as_str).unwrap_or_default();
                let other = if htm == Method::Get.as_str() {
                    Method::Post
                } else {
                    Method::Get
                };
                claims.insert("htm".into(), Value::from(other.as_str()));
            }
            ProofChange::IatStale => {
                let oldest = self.cx.clock.now().saturating_sub(self.cx.dpop_max_age.max(0));
                claims.insert(claim::IAT.into(), Value::from(oldest.saturating_sub(60)));
            }
            ProofChange::AthRemoved => {
                claims.remove("ath");
            }
            ProofChange::AthOfOtherToken => {
                let ath = access_token_hash(&self.other_access_token()?);
                claims.insert("ath".into(), Value::from(ath));
            }
            ProofChange::SignedByOtherKey => signer = self.attacker_key(key.alg()).await?,
            ProofChange::OtherKey => {
                let attacker = self.attacker_key(key.alg()).await?;
                let theirs = DpopKey::new(attacker.clone(), key.alg()).map_err(|e| e.to_string())?;
                header.insert("jwk".into(), theirs.public_jwk().clone());
                signer = attacker;
            }
            ProofChange::PrivateMembersInJwk => {
                let private: Value = serde_json::from_str(&key.signing_key().to_json()).map_err(|e| e.to_string())?;
                let Value::Object(mut members) = private else {
                    return Err("the DPoP key is not a JSON object".into());
                };
                // The same members the client sends (§4.2), plus the private ones.
                for extra in ["kid", "use", "key_ops", "alg"] {
                    members.remove(extra);
                }
                header.insert("jwk".into(), Value::Object(members));
            }
            ProofChange::AlgNone => {
                header.insert("alg".into(), Value::from("none"));
                return unsecured::encode(&Value::Object(header).to_string(), &parts.payload)
                    .map_err(|e| e.to_string());
            }
            ProofChange::Hs256WithPublicJwk => {
                let jwk = header.get("jwk").map(Value::to_string).unwrap_or_default();
                header.insert("alg".into(), Value::from(Algorithm::HS256.name()));
                signer = Jwk::new(KeyMaterial::Oct {
                    k: SecretBytes::new(jwk.into_bytes()),
                });
                short_keys = ShortHmacKeys::Allow;
            }
            ProofChange::TypJwt => {
                header.insert("typ".into(), Value::from("JWT"));
            }
            ProofChange::NonceRemoved => {
                claims.remove(claim::NONCE);
            }
        }
        jws::sign_compact_with(
            self.cx.backend,
            &Value::Object(header).to_string(),
            Value::Object(claims).to_string().as_bytes(),
            &signer,
            short_keys,
        )
        .await
        .map_err(|e| e.to_string())
    }

    /// The DPoP tampers: the request as it goes on, or `None` when this is not their message.
    async fn dpop_before(&self, request: &Request, pairs: &Pairs) -> Result<Option<Request>, String> {
        match self.tamper {
            Tamper::DpopProof { at, change } if self.proof_due(request, pairs, at) => {
                let proof = request.headers.get(dpop::HEADER).unwrap_or_default();
                let forged = self.forge_proof(proof, change).await?;
                Ok(Some(with_header(request, dpop::HEADER, Some(&forged))))
            }
            Tamper::DpopProofReplayed(at) if self.proof_due(request, pairs, at) => {
                self.send_copy_first(request, pairs, true).await?;
                Ok(Some(request.clone()))
            }
            Tamper::DpopTokenAsBearer if self.is_at(request, &self.cx.userinfo_endpoint) => {
                let scheme = format!("{} ", dpop::SCHEME);
                let Some(token) = request
                    .headers
                    .get("Authorization")
                    .and_then(|h| h.strip_prefix(scheme.as_str()))
                else {
                    return Ok(None);
                };
                let bearer = format!("Bearer {token}");
                let downgraded = with_header(request, "Authorization", Some(&bearer));
                Ok(Some(with_header(&downgraded, dpop::HEADER, None)))
            }
            _ => Ok(None),
        }
    }

    /// Changes the request on its way out, when it is the one this tamper is about.
    async fn before(&self, mut request: Request) -> Result<Request, String> {
        let mut pairs = params_of(&request);
        if self.is_at(&request, &self.cx.par_endpoint) {
            if let Some(jwt) = get(&pairs, param::REQUEST) {
                *self.pushed_request_object.borrow_mut() = Some(jwt.to_string());
            }
        }
        if self.applied.get() || self.awaiting_nonce(&request)? {
            return Ok(request);
        }
        // Header-only changes: the parameters are not re-encoded.
        if let Some(changed) = self.dpop_before(&request, &pairs).await? {
            self.applied.set(true);
            return Ok(changed);
        }
        let request_object = get(&pairs, param::REQUEST).map(str::to_string);
        let request_uri = get(&pairs, param::REQUEST_URI).is_some();
        let at_authorize = self.is_at(&request, &self.cx.authorization_endpoint);
        match self.tamper {
            Tamper::RequestObjectPayloadEdited => {
                let Some(jwt) = request_object else { return Ok(request) };
                set(&mut pairs, param::REQUEST, Self::edit_payload(&jwt)?);
            }
            Tamper::RequestObjectMacedWithRsaPublicKey => {
                let Some(jwt) = request_object else { return Ok(request) };
                set(&mut pairs, param::REQUEST, self.mac_with_public_key(&jwt).await?);
            }
            Tamper::RequestObjectReplayed if request_object.is_some() => {
                self.send_copy_first(&request, &pairs, false).await?;
            }
            Tamper::OuterResponseTypeDiffers => {
                let Some(jwt) = request_object else { return Ok(request) };
                let inner = JwsParts::split(&jwt, "request object")?
                    .claims("request object")?
                    .get(param::RESPONSE_TYPE)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let other = if inner.split(' ').any(|t| t == "token") {
                    "code"
                } else {
                    "code id_token token"
                };
                set(&mut pairs, param::RESPONSE_TYPE, other.into());
            }
            Tamper::RequestUriBesideRequest if at_authorize => match (request_object, request_uri) {
                (Some(_), false) => set(
                    &mut pairs,
                    param::REQUEST_URI,
                    format!("{PAR_REQUEST_URI_PREFIX}tampered"),
                ),
                (None, true) => {
                    let pushed = self.pushed_request_object.borrow().clone();
                    let jwt = pushed.ok_or("no request object was pushed to place beside the request_uri")?;
                    set(&mut pairs, param::REQUEST, jwt);
                }
                _ => return Ok(request),
            },
            Tamper::RequestUriReplayed if at_authorize && request_uri => {
                self.send_copy_first(&request, &pairs, false).await?;
            }
            Tamper::RequestUriUnderOtherClient if at_authorize && request_uri => {
                set(&mut pairs, param::CLIENT_ID, OTHER_CLIENT_ID.into());
            }
            Tamper::CodeReplayed if self.is_code_redemption(&request, &pairs) => {
                self.send_copy_first(&request, &pairs, false).await?;
            }
            Tamper::TokenParam { name, value } if self.is_code_redemption(&request, &pairs) => {
                set(&mut pairs, name, value.into());
            }
            Tamper::RequestObjectJwe(change) => {
                let Some(jwe) = request_object.filter(|r| is_jwe(r)) else {
                    return Ok(request);
                };
                set(&mut pairs, param::REQUEST, change_jwe(&jwe, change)?);
            }
            Tamper::AssertionAudience(aud) if get(&pairs, param::CLIENT_ASSERTION).is_some() => {
                set(&mut pairs, param::CLIENT_ASSERTION, self.assertion(aud).await?);
            }
            _ => return Ok(request),
        }
        self.applied.set(true);
        set_params(&mut request, &pairs);
        Ok(request)
    }

    /// Changes the server's answer on its way back, when it is the one this tamper is about.
    async fn after(&self, request: &Request, response: Response) -> Result<Response, String> {
        if self.applied.get() {
            return Ok(response);
        }
        let at_authorize = self.is_at(request, &self.cx.authorization_endpoint);
        match self.tamper {
            Tamper::RequestUriExpired if self.is_at(request, &self.cx.par_endpoint) && response.status == 201 => {
                let expires_in = serde_json::from_slice::<Value>(&response.body)
                    .ok()
                    .and_then(|body| body.get(param::EXPIRES_IN).and_then(Value::as_i64))
                    .ok_or("the PAR response has no expires_in")?;
                // The user takes one second longer than the request_uri lives.
                self.cx.clock.advance(expires_in.saturating_add(1));
                self.applied.set(true);
                Ok(response)
            }
            Tamper::Jarm(forgery) if at_authorize => {
                let Some(mut delivered) = Delivered::read(&response, &self.cx.redirect_uri) else {
                    return Ok(response);
                };
                let Some(jwt) = get(delivered.pairs(), param::RESPONSE).map(str::to_string) else {
                    return Ok(response);
                };
                let forged = self.forge_jarm(&jwt, forgery).await?;
                set(delivered.pairs(), param::RESPONSE, forged);
                self.applied.set(true);
                Ok(delivered.into_response(&response))
            }
            Tamper::ResponseIss(iss) if at_authorize => {
                let Some(mut delivered) = Delivered::read(&response, &self.cx.redirect_uri) else {
                    return Ok(response);
                };
                if get(delivered.pairs(), param::RESPONSE).is_some() {
                    return Ok(response);
                }
                set(delivered.pairs(), param::ISS, iss.into());
                self.applied.set(true);
                Ok(delivered.into_response(&response))
            }
            Tamper::ResponseFromOtherSession if at_authorize => {
                if Delivered::read(&response, &self.cx.redirect_uri).is_none() {
                    return Ok(response);
                }
                let other = self.cx.other_session.authorization_response.clone();
                let other = other.ok_or("the other session left no authorization response")?;
                self.applied.set(true);
                Ok(other)
            }
            Tamper::ResponseSignedByRetiredKey if at_authorize => {
                let Some(mut delivered) = Delivered::read(&response, &self.cx.redirect_uri) else {
                    return Ok(response);
                };
                if get(delivered.pairs(), param::RESPONSE).is_none() {
                    return Ok(response);
                }
                let other = self.cx.other_session.authorization_response.clone();
                let other = other.ok_or("the control run left no JARM response")?;
                self.applied.set(true);
                Ok(other)
            }
            Tamper::JarmJweTag if at_authorize => {
                let Some(mut delivered) = Delivered::read(&response, &self.cx.redirect_uri) else {
                    return Ok(response);
                };
                let Some(jwe) = get(delivered.pairs(), param::RESPONSE)
                    .filter(|r| is_jwe(r))
                    .map(str::to_string)
                else {
                    return Ok(response);
                };
                set(delivered.pairs(), param::RESPONSE, change_jwe(&jwe, JweChange::Tag)?);
                self.applied.set(true);
                Ok(delivered.into_response(&response))
            }
            Tamper::ServerEncryptionKey(change)
                if self.is_at(request, &self.cx.jwks_endpoint) && response.status == 200 =>
            {
                let Some(body) = self.change_jwks(&response.body, change).await? else {
                    return Ok(response);
                };
                let mut changed = response.clone();
                changed.body = body;
                self.applied.set(true);
                Ok(changed)
            }
            Tamper::TokenResponseFromOtherSession if self.is_code_redemption(request, &params_of(request)) => {
                let other = self.cx.other_session.token_response.clone();
                let other = other.ok_or("the other session left no token response")?;
                self.applied.set(true);
                Ok(other)
            }
            _ => Ok(response),
        }
    }
}

/// One bit of a base64url part flipped (in its first byte, or the last with `last`).
fn flip_bit(part: &str, what: &str, last: bool) -> Result<String, String> {
    let mut bytes = base64url::decode(part, "JWE part").map_err(|e| format!("the JWE {what}: {e}"))?;
    let byte = if last { bytes.last_mut() } else { bytes.first_mut() };
    let byte = byte.ok_or_else(|| format!("the JWE {what} is empty"))?;
    *byte ^= 1;
    Ok(base64url::encode(&bytes))
}

/// A compact JWE with one change (the other parts as they came).
fn change_jwe(jwe: &str, change: JweChange) -> Result<String, String> {
    let mut parts: Vec<String> = jwe.split('.').map(str::to_string).collect();
    let [header, _, _, ciphertext, tag] = &mut parts[..] else {
        return Err("the request object is not a compact JWE of five parts".into());
    };
    match change {
        JweChange::Ciphertext => *ciphertext = flip_bit(ciphertext, "ciphertext", false)?,
        JweChange::Tag => *tag = flip_bit(tag, "authentication tag", false)?,
        JweChange::AlgRsa1_5 | JweChange::EpkOffCurve => {
            let bytes = base64url::decode(header, "JWE protected header").map_err(|e| e.to_string())?;
            let mut members: Map<String, Value> =
                serde_json::from_slice(&bytes).map_err(|e| format!("the JWE header is not a JSON object: {e}"))?;
            if change == JweChange::AlgRsa1_5 {
                members.insert("alg".into(), Value::from("RSA1_5"));
            } else {
                let epk = members
                    .get_mut("epk")
                    .and_then(Value::as_object_mut)
                    .ok_or("the JWE header has no epk (the request object is not encrypted with ECDH-ES)")?;
                let y = epk
                    .get("y")
                    .and_then(Value::as_str)
                    .ok_or("the epk has no y coordinate (not an EC key)")?;
                let off_curve = flip_bit(y, "epk y coordinate", true)?;
                epk.insert("y".into(), Value::from(off_curve));
            }
            *header = base64url::encode(Value::Object(members).to_string());
        }
    }
    Ok(parts.join("."))
}

impl<B: CryptoBackend + ?Sized> Transport for TamperTransport<'_, B> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let request = self.before(request).await.map_err(|why| self.fail(why))?;
        let response = self.inner.send_now(&request)?;
        self.after(&request, response).await.map_err(|why| self.fail(why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_round_trip_through_a_get_and_a_post() {
        let mut get_request = Request::get("https://as.example/authorize?client_id=a&request=x.y.z");
        let mut pairs = params_of(&get_request);
        set(&mut pairs, param::REQUEST_URI, "urn:x".into());
        set_params(&mut get_request, &pairs);
        assert_eq!(
            get_request.url,
            "https://as.example/authorize?client_id=a&request=x.y.z&request_uri=urn%3Ax"
        );
        let mut post = Request::form_post("https://as.example/token", "grant_type=authorization_code&code=c");
        let mut pairs = params_of(&post);
        set(&mut pairs, param::CODE, "d".into());
        set_params(&mut post, &pairs);
        assert_eq!(post.body, b"grant_type=authorization_code&code=d");
    }

    #[test]
    fn a_redirect_keeps_its_other_parameters_and_headers() {
        let mut response = Response::new(302);
        response.headers.append(
            "Location",
            "https://c.example/cb?x=1&code=abc&state=s&iss=https%3A%2F%2Fas",
        );
        response.headers.append("Cache-Control", "no-store");
        let mut delivered = Delivered::read(&response, "https://c.example/cb?x=1").unwrap_or_else(|| {
            panic!("a redirect to the redirect URI is an authorization response");
        });
        set(delivered.pairs(), param::ISS, "https://evil".into());
        let changed = delivered.into_response(&response);
        assert_eq!(
            changed.headers.get("location"),
            Some("https://c.example/cb?x=1&code=abc&state=s&iss=https%3A%2F%2Fevil")
        );
        assert_eq!(changed.headers.get("cache-control"), Some("no-store"));
        assert!(Delivered::read(&response, "https://other.example/cb").is_none());
    }

    #[test]
    fn an_edited_payload_keeps_header_and_signature() {
        let header = base64url::encode(r#"{"alg":"HS256"}"#);
        let payload = base64url::encode(r#"{"scope":"openid"}"#);
        let jwt = format!("{header}.{payload}.c2ln");
        let edited =
            TamperTransport::<crate::jose::RustCryptoBackend<ChaCha20Rng>>::edit_payload(&jwt).unwrap_or_default();
        let parts: Vec<&str> = edited.split('.').collect();
        assert_eq!(parts.first(), Some(&header.as_str()));
        assert_eq!(parts.get(2), Some(&"c2ln"));
        let claims = base64url::decode(parts.get(1).copied().unwrap_or_default(), "payload").unwrap_or_default();
        assert_eq!(claims, br#"{"scope":"openid admin"}"#);
    }
}
