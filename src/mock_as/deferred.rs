//! Signatures the server computes after it has answered.
//!
//! The server answers synchronously (`handle` is called from inside `Transport::send` and from
//! the JS API), so on its own it can only sign in RustCrypto — in wasm that is 6 ms for one
//! RS256 signature against 0.6 ms in WebCrypto, and a flow carries two (the JARM response and
//! the ID token). [`AuthorizationServer::handle_deferred`] runs the same request with every
//! signature left as a placeholder; [`DeferredResponse::seal`] then signs the JWTs in the order
//! they were issued with any [`CryptoBackend`] — WebCrypto in the page — and puts them in place.
//! Nothing but the signatures is deferred: every check, every state change and every event is
//! done by the time `handle_deferred` returns, and the server is not borrowed while the backend
//! works. A JWT the client registered encryption for is encrypted right after its signature
//! (`encryption.rs`): the JWE must wrap the final JWS, so it cannot be produced any earlier.

use super::checks::Failure;
use super::crypto::UnsignedJwt;
use super::encryption::PendingEncryption;
use super::response::signing_failure;
use super::server::{plain, AuthorizationServer};
use crate::http::{Request, Response};
use crate::jose::{jws, CryptoBackend, ShortHmacKeys};

/// One JWT waiting for its signature, and the text that stands for it until then.
#[derive(Debug)]
pub struct PendingSignature {
    /// `jws-pending-<n>-<random>`: only characters that no encoding the server applies
    /// (query, fragment, form_post HTML, JSON) changes, and unguessable, so an echoed `state`
    /// cannot imitate one.
    placeholder: String,
    jwt: UnsignedJwt,
    /// The JWE the signed JWT goes into, when the client registered encryption for it: the
    /// encryption follows the signature, so the ciphertext holds the final JWS.
    encryption: Option<PendingEncryption>,
}

/// A response whose JWTs still have to be signed.
#[derive(Debug)]
pub struct DeferredResponse {
    response: Response,
    pending: Vec<PendingSignature>,
}

impl DeferredResponse {
    /// How many signatures [`Self::seal`] will compute.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Signs every pending JWT with `backend`, in issue order: a later JWT may carry an
    /// earlier one (a JARM response wrapping a hybrid flow's ID token), so each payload gets
    /// the signatures before it first. If the backend fails — the server's keys are fixed and
    /// valid, so this is not expected — the answer becomes a 500 naming the failure, never a
    /// response with a placeholder in it.
    pub async fn seal<B: CryptoBackend + ?Sized>(self, backend: &B) -> Response {
        let DeferredResponse { mut response, pending } = self;
        let mut sealed: Vec<(String, String)> = Vec::with_capacity(pending.len());
        for PendingSignature {
            placeholder,
            jwt,
            encryption,
        } in pending
        {
            let payload = substitute(&jwt.payload, &sealed);
            let signed =
                jws::sign_compact_with(backend, &jwt.header, payload.as_bytes(), &jwt.key, ShortHmacKeys::Allow).await;
            match (signed, encryption) {
                (Ok(compact), None) => sealed.push((placeholder, compact)),
                (Ok(compact), Some(encryption)) => match encryption.seal(compact.as_bytes()) {
                    Ok(jwe) => sealed.push((placeholder, jwe)),
                    Err(e) => {
                        return plain(
                            500,
                            "text/plain; charset=utf-8",
                            &format!("server_error: the server could not encrypt a JWT to the client's key: {e}"),
                        )
                    }
                },
                (Err(e), _) => {
                    return plain(
                        500,
                        "text/plain; charset=utf-8",
                        &format!("server_error: the server could not sign a {} JWT: {e}", jwt.alg.name()),
                    )
                }
            }
        }
        if sealed.is_empty() {
            return response;
        }
        for value in response.headers.values_mut() {
            if value.contains(PREFIX) {
                *value = substitute(value, &sealed);
            }
        }
        if let Ok(body) = std::str::from_utf8(&response.body) {
            if body.contains(PREFIX) {
                response.body = substitute(body, &sealed).into_bytes();
            }
        }
        response
    }
}

const PREFIX: &str = "jws-pending-";
/// Stands for the OIDC Core `at_hash` of a JWT still pending: `jws-hash-<alg>-<placeholder>`.
/// A JWT access token (RFC 9068) is signed after the answer too, and the ID token beside it
/// hashes its final text; the hash is computed once that text exists.
const HASH_PREFIX: &str = "jws-hash-";

fn substitute(text: &str, sealed: &[(String, String)]) -> String {
    sealed
        .iter()
        .fold(text.to_string(), |mut text, (placeholder, compact)| {
            if text.contains(HASH_PREFIX) {
                for alg in super::crypto::SUPPORTED_ALGS {
                    let stand_in = format!("{HASH_PREFIX}{alg}-{placeholder}");
                    if text.contains(&stand_in) {
                        text = text.replace(&stand_in, &super::crypto::half_hash(alg, compact));
                    }
                }
            }
            text.replace(placeholder.as_str(), compact)
        })
}

impl AuthorizationServer {
    /// Answers `request` exactly as [`Self::handle`] does, except that the JWTs it issues are
    /// left for [`DeferredResponse::seal`] to sign.
    pub fn handle_deferred(&mut self, request: &Request) -> DeferredResponse {
        self.deferred = Some(Vec::new());
        let response = self.handle(request);
        let pending = self.deferred.take().unwrap_or_default();
        DeferredResponse { response, pending }
    }

    /// The left half of the hash of `value` (OIDC Core §3.2.2.9 `at_hash`), or, when `value`
    /// is a JWT this answer has yet to sign, the stand-in [`DeferredResponse::seal`] replaces.
    pub(super) fn half_hash_of(&self, alg: &str, value: &str) -> String {
        if self.deferred.is_some() && value.starts_with(PREFIX) {
            format!("{HASH_PREFIX}{alg}-{value}")
        } else {
            super::crypto::half_hash(alg, value)
        }
    }

    /// Signs `jwt` now (RustCrypto, the server's RNG), or — inside
    /// [`Self::handle_deferred`] — returns a placeholder and keeps the JWT for later.
    pub(super) fn issue_jwt(&mut self, jwt: UnsignedJwt) -> Result<String, super::crypto::KeyProblem> {
        if self.deferred.is_none() {
            return jwt.sign(&mut *self.rng);
        }
        Ok(self.defer(jwt, None))
    }

    /// Signs `jwt` and encrypts the result now, or — inside [`Self::handle_deferred`] — leaves
    /// both for [`DeferredResponse::seal`], in that order.
    pub(super) fn issue_encrypted_jwt(
        &mut self,
        jwt: UnsignedJwt,
        encryption: PendingEncryption,
    ) -> Result<String, Failure> {
        if self.deferred.is_none() {
            let alg = jwt.alg.name();
            let signed = jwt.sign(&mut *self.rng).map_err(|p| signing_failure(alg, p))?;
            return encryption.seal_or_fail(signed.as_bytes());
        }
        Ok(self.defer(jwt, Some(encryption)))
    }

    /// The placeholder of a JWT left for [`DeferredResponse::seal`].
    fn defer(&mut self, jwt: UnsignedJwt, encryption: Option<PendingEncryption>) -> String {
        let n = self.deferred.as_ref().map_or(0, Vec::len);
        let placeholder = format!("{PREFIX}{n}-{}", self.random_token(12));
        if let Some(pending) = self.deferred.as_mut() {
            pending.push(PendingSignature {
                placeholder: placeholder.clone(),
                jwt,
                encryption,
            });
        }
        placeholder
    }
}
