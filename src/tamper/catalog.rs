//! The presets: each one mutation of the user's valid request (or of the server's answer), with
//! the base it needs, and the check that must stop it.

use std::sync::OnceLock;

use serde_json::Value;

use super::setup::Setup;
use super::wire::{EncKeyChange, JarmForgery, JweChange, ProofAt, ProofChange, Tamper};
use super::{Category, Change, Expected, TamperPreset};
use crate::mock_as::Check;
use crate::oauth::request_object::{Audience, TypHeader};
use crate::protocol::{claim, param};

/// Another authorization server, for `aud`/`iss` that name the wrong one.
pub(crate) const ATTACKER_ISSUER: &str = "https://attacker-as.example";
/// A second client registered on the preset's server (and a client_id the user's is not).
pub(crate) const OTHER_CLIENT_ID: &str = "tamper-other-client";
/// A redirect URI nobody registered.
pub(crate) const ATTACKER_REDIRECT_URI: &str = "https://attacker.example/callback";
/// A well-formed code verifier (RFC 7636 §4.1: 43 characters) that is not the one sent.
pub(crate) const WRONG_VERIFIER: &str = "tampered-verifier-0123456789abcdefghijklmnop";

fn extra_claim(s: &mut Setup, name: &str, value: impl Into<Value>) {
    s.config.request_object.extra_claims.insert(name.into(), value.into());
}

fn skew(s: &Setup) -> i64 {
    s.settings.clock_skew.max(0)
}

fn no_base(_: &mut Setup) {}

/// DPoP proofs at the token endpoint and at userinfo.
fn dpop_and_userinfo(s: &mut Setup) {
    s.dpop();
    s.userinfo();
}

/// DPoP proofs at PAR.
fn dpop_pushed(s: &mut Setup) {
    s.pushed();
    s.dpop();
}

/// A change to the DPoP proof of `at`.
fn proof(at: ProofAt, change: ProofChange) -> Change {
    Change::Wire(Tamper::DpopProof { at, change })
}

/// Every preset, in display order (grouped by [`Category`]).
pub fn presets() -> &'static [TamperPreset] {
    static PRESETS: OnceLock<Vec<TamperPreset>> = OnceLock::new();
    PRESETS.get_or_init(build)
}

#[allow(clippy::too_many_lines)]
fn build() -> Vec<TamperPreset> {
    use Category::*;
    let preset = |id, title, category, what_changes, expected, base, change| TamperPreset {
        id,
        title,
        category,
        what_changes,
        expected,
        base,
        change,
    };
    vec![
        // Request object (JAR).
        preset(
            "payload-edited-after-signing",
            "Payload edited after signing",
            RequestObject,
            "After the request object is signed, its payload is changed in flight (the scope gains \"admin\"); header and signature stay as they were.",
            Expected::server(Check::JarSignatureInvalid),
            Setup::unencrypted_request_object,
            Change::Wire(Tamper::RequestObjectPayloadEdited),
        ),
        preset(
            "alg-none",
            "Unsecured request object (alg none)",
            RequestObject,
            "The request object is sent unsecured: header alg \"none\" and an empty signature.",
            Expected::server(Check::JarUnsignedNotAllowed),
            Setup::unencrypted_request_object,
            Change::Config(|s| s.config.request_object_alg = None),
        ),
        preset(
            "hs256-with-rsa-public-key",
            "HS256 keyed with the RSA public key (key confusion)",
            RequestObject,
            "The request object is re-made as HS256 with the client's RSA public key (its PEM text) as the MAC secret and no kid, on a server that accepts HS256 beside RS256 (an ephemeral RSA key is registered when the client has none).",
            Expected::server(Check::JarSignatureInvalid),
            |s| {
                s.unencrypted_request_object();
                // The confusion needs a server that takes HS256 beside asymmetric algs.
                s.server("HS256 added to request_object_algs", |x| {
                    if !x.request_object_algs.iter().any(|a| a == "HS256") {
                        x.request_object_algs.push("HS256".into());
                    }
                });
            },
            Change::Wire(Tamper::RequestObjectMacedWithRsaPublicKey),
        ),
        preset(
            "aud-other-server",
            "aud names another server",
            RequestObject,
            "The request object's aud is another authorization server's issuer instead of this one's.",
            Expected::server(Check::JarAudMissingIssuer),
            Setup::request_object,
            Change::Config(|s| s.config.request_object.audience = Audience::Custom(ATTACKER_ISSUER.into())),
        ),
        preset(
            "aud-authorize-endpoint-strict",
            "aud = authorize endpoint, on a server that wants the issuer",
            RequestObject,
            "The request object's aud is the authorize endpoint URL, sent to a server that accepts only its issuer identifier as aud.",
            Expected::server(Check::JarAudMissingIssuer),
            |s| {
                s.request_object();
                s.server("accept_endpoint_as_audience → false", |x| x.accept_endpoint_as_audience = false);
            },
            Change::Config(|s| s.config.request_object.audience = Audience::AuthorizationEndpoint),
        ),
        preset(
            "typ-jwt-where-required",
            "typ JWT where oauth-authz-req+jwt is required",
            RequestObject,
            "The request object's header says typ \"JWT\" to a server that requires the explicit type oauth-authz-req+jwt.",
            Expected::server(Check::JarTypInvalid),
            |s| {
                s.request_object();
                s.server("require_request_object_typ → true", |x| x.require_request_object_typ = true);
            },
            Change::Config(|s| s.config.request_object.typ = TypHeader::Jwt),
        ),
        preset(
            "iss-other-client",
            "iss names another client",
            RequestObject,
            "The request object's iss claim names another client than the one sending it.",
            Expected::server(Check::JarIssMismatch),
            Setup::request_object,
            Change::Config(|s| extra_claim(s, claim::ISS, OTHER_CLIENT_ID)),
        ),
        preset(
            "nested-request-uri",
            "request_uri nested inside the request object",
            RequestObject,
            "The request object carries a request_uri claim of its own, pointing at yet another request.",
            Expected::server(Check::JarNestedRequest),
            Setup::request_object,
            Change::Config(|s| extra_claim(s, param::REQUEST_URI, "urn:ietf:params:oauth:request_uri:nested")),
        ),
        preset(
            "oversized-request-object",
            "Oversized request object",
            RequestObject,
            "A padding claim makes the request object larger than the server's request_object_max_bytes.",
            Expected::server(Check::JarTooLarge),
            Setup::request_object,
            Change::Config(|s| {
                // Larger than the limit, but never near the 1 MB PAR body limit's order.
                let bytes = s.settings.request_object_max_bytes.saturating_add(1).min(1_500_000);
                extra_claim(s, "x_padding", "A".repeat(bytes));
            }),
        ),
        preset(
            "client-id-mismatch",
            "client_id differs inside and outside the request object",
            RequestObject,
            "The request object's client_id claim names another client while the client_id parameter beside it stays the sender's own.",
            Expected::server(Check::JarParamMismatch),
            Setup::request_object,
            Change::Config(|s| extra_claim(s, param::CLIENT_ID, OTHER_CLIENT_ID)),
        ),
        preset(
            "response-type-mismatch",
            "response_type differs inside and outside the request object",
            RequestObject,
            "Beside the request object, a response_type parameter that contradicts the one inside it is added in flight.",
            Expected::server(Check::JarParamMismatch),
            Setup::unencrypted_request_object,
            Change::Wire(Tamper::OuterResponseTypeDiffers),
        ),
        // Lifetime and replay.
        preset(
            "exp-expired",
            "Expired request object (exp passed)",
            Lifetime,
            "The request object's exp lies one minute further in the past than the server's clock skew allows.",
            Expected::server(Check::JarExpPassed),
            Setup::request_object,
            Change::Config(|s| {
                let exp = s.now.saturating_sub(skew(s)).saturating_sub(60);
                extra_claim(s, claim::EXP, exp);
            }),
        ),
        preset(
            "exp-missing",
            "Request object without exp",
            Lifetime,
            "The request object carries no exp claim at all.",
            Expected::server(Check::JarExpMissing),
            Setup::request_object,
            Change::Config(|s| s.config.request_object.include_exp = false),
        ),
        preset(
            "exp-too-long",
            "exp − nbf longer than the server allows",
            Lifetime,
            "The request object's lifetime (exp − nbf) is ten minutes longer than the server's request_object_max_lifetime.",
            Expected::server(Check::JarExpTooFar),
            Setup::request_object,
            Change::Config(|s| {
                s.config.request_object.lifetime = s.settings.request_object_max_lifetime.saturating_add(600);
            }),
        ),
        preset(
            "nbf-in-future",
            "nbf in the future",
            Lifetime,
            "The request object's nbf lies one minute beyond the server's clock skew in the future.",
            Expected::server(Check::JarNbfInFuture),
            Setup::request_object,
            Change::Config(|s| {
                let nbf = s.now.saturating_add(skew(s)).saturating_add(60);
                extra_claim(s, claim::NBF, nbf);
                extra_claim(s, claim::EXP, nbf.saturating_add(120));
            }),
        ),
        preset(
            "iat-in-future",
            "iat in the future",
            Lifetime,
            "The request object claims to be issued one minute beyond the server's clock skew in the future.",
            Expected::server(Check::JarIatInFuture),
            Setup::request_object,
            Change::Config(|s| {
                let iat = s.now.saturating_add(skew(s)).saturating_add(60);
                extra_claim(s, claim::IAT, iat);
            }),
        ),
        preset(
            "jti-missing",
            "Request object without jti",
            Lifetime,
            "The request object carries no jti, so the server cannot tell a replay from a first use.",
            Expected::server(Check::JarJtiMissing),
            Setup::request_object,
            Change::Config(|s| s.config.request_object.include_jti = false),
        ),
        preset(
            "jti-replayed",
            "Replayed request object (same jti)",
            Lifetime,
            "The message carrying the signed request object is sent a second time before the client's own copy, so the server sees its jti twice.",
            Expected::server(Check::JarJtiReplayed),
            Setup::request_object,
            Change::Wire(Tamper::RequestObjectReplayed),
        ),
        // PAR and request_uri.
        preset(
            "request-and-request-uri",
            "request and request_uri together",
            PushedRequest,
            "The authorize request carries both a request object and a request_uri (whichever of the two the delivery lacks is added in flight).",
            Expected::server(Check::RequestAndRequestUri),
            Setup::request_object,
            Change::Wire(Tamper::RequestUriBesideRequest),
        ),
        preset(
            "request-uri-reused",
            "request_uri used twice",
            PushedRequest,
            "The authorize request with the pushed request_uri is sent once before the client's own, so the client presents a used request_uri.",
            Expected::server(Check::ParRequestUriUsed),
            Setup::pushed,
            Change::Wire(Tamper::RequestUriReplayed),
        ),
        preset(
            "request-uri-expired",
            "Expired request_uri",
            PushedRequest,
            "Between the push and the authorize request, the clock moves one second past the request_uri's expires_in.",
            Expected::server(Check::ParRequestUriExpired),
            Setup::pushed,
            Change::Wire(Tamper::RequestUriExpired),
        ),
        preset(
            "request-uri-other-client",
            "Another client's request_uri",
            PushedRequest,
            "The pushed request_uri is presented at the authorize endpoint under another registered client's client_id.",
            Expected::server(Check::ParRequestUriOtherClient),
            Setup::pushed,
            Change::Wire(Tamper::RequestUriUnderOtherClient),
        ),
        preset(
            "par-required-skipped",
            "PAR required, but skipped",
            PushedRequest,
            "On a server that requires pushed authorization requests, the same request goes straight to the authorize endpoint.",
            Expected::server(Check::ParRequired),
            |s| {
                s.pushed();
                s.server("par_mode → required", |x| x.par_mode = crate::mock_as::ParMode::Required);
            },
            Change::Config(Setup::skip_par),
        ),
        preset(
            "signed-required-plain-sent",
            "Signed request object required, plain request sent",
            PushedRequest,
            "On a server that requires signed request objects, the same parameters are sent without one.",
            Expected::server(Check::JarRequestRequired),
            |s| {
                s.request_object();
                s.server("require_signed_request_object → true", |x| {
                    x.require_signed_request_object = true;
                    x.allow_unsigned_request_object = false;
                });
            },
            Change::Config(Setup::drop_request_object),
        ),
        // Redirect URI, PKCE, code, client authentication.
        preset(
            "redirect-uri-unregistered",
            "Unregistered redirect URI",
            Endpoints,
            "The redirect_uri is an attacker's URL that the client never registered.",
            Expected::server(Check::AuthorizeRedirectUriNotRegistered),
            no_base,
            Change::Config(|s| s.config.request.redirect_uri = Some(ATTACKER_REDIRECT_URI.into())),
        ),
        preset(
            "pkce-missing",
            "PKCE missing where required",
            Endpoints,
            "The code request carries no code_challenge, sent to a server that requires PKCE.",
            Expected::server(Check::AuthorizePkceMissing),
            |s| {
                s.code();
                s.pkce();
                s.server("pkce_required → true", |x| x.pkce_required = true);
            },
            Change::Config(|s| s.config.request.pkce = None),
        ),
        preset(
            "pkce-verifier-wrong",
            "Wrong PKCE code_verifier",
            Endpoints,
            "The token request's code_verifier is replaced in flight by another well-formed verifier.",
            Expected::server(Check::TokenPkceMismatch),
            |s| {
                s.code();
                s.pkce();
            },
            Change::Wire(Tamper::TokenParam {
                name: param::CODE_VERIFIER,
                value: WRONG_VERIFIER,
            }),
        ),
        preset(
            "code-reused",
            "Authorization code redeemed twice",
            Endpoints,
            "The code is redeemed once before the client redeems it (as an intercepted code would be), so the client's redemption is the second.",
            Expected::server(Check::TokenCodeReused),
            Setup::code,
            Change::Wire(Tamper::CodeReplayed),
        ),
        preset(
            "token-redirect-uri-mismatch",
            "redirect_uri differs at the token endpoint",
            Endpoints,
            "The token request's redirect_uri is replaced in flight by another URL than the one the code was issued for.",
            Expected::server(Check::TokenRedirectUriMismatch),
            Setup::code,
            Change::Wire(Tamper::TokenParam {
                name: param::REDIRECT_URI,
                value: ATTACKER_REDIRECT_URI,
            }),
        ),
        preset(
            "client-assertion-wrong-aud",
            "Client assertion for another server",
            Endpoints,
            "The first client assertion is re-signed with aud naming another authorization server.",
            Expected::server(Check::ClientAssertionAudInvalid),
            Setup::jwt_client_auth,
            Change::Wire(Tamper::AssertionAudience(ATTACKER_ISSUER)),
        ),
        // Responses: the client's checks.
        preset(
            "state-mismatch",
            "state differs (response from another session)",
            Response,
            "The authorization response is swapped for a genuine one the same server issued to another session, so its state is not the one this client sent.",
            Expected::client("callback.state_mismatch", "RFC 6749 §4.1.2, §10.12"),
            no_base,
            Change::Wire(Tamper::ResponseFromOtherSession),
        ),
        preset(
            "iss-mix-up",
            "iss of another server (mix-up, RFC 9207)",
            Response,
            "The authorization response's iss parameter is set to another authorization server's issuer, as in a mix-up attack.",
            Expected::client("callback.iss_mismatch", "RFC 9207 §2.4"),
            Setup::plain_response,
            Change::Wire(Tamper::ResponseIss(ATTACKER_ISSUER)),
        ),
        preset(
            "jarm-bad-signature",
            "JARM response with a bad signature",
            Response,
            "The JARM response is re-signed, header and claims unchanged, with an attacker's key the client does not trust.",
            Expected::client("jarm.signature_invalid", "JARM §2.4 step 6; RFC 7515 §5.2"),
            Setup::unencrypted_jarm,
            Change::Wire(Tamper::Jarm(JarmForgery::Resigned)),
        ),
        preset(
            "retired-signing-key",
            "JARM response signed by a retired key",
            Response,
            "After the control run the server rotates its signing keys with no overlap, so the key that signed the control run's JARM response leaves the JWKS; that response (signed by the retired key) is delivered in place of the new one.",
            Expected::client("jarm.key_not_found", "JARM §2.4 step 6; RFC 7515 §6"),
            |s| {
                s.jarm();
                s.asymmetric_jarm();
                s.server("signing_key_overlap → 0 (the old key leaves the JWKS at once)", |x| {
                    x.signing_key_overlap = 0;
                });
            },
            Change::Wire(Tamper::ResponseSignedByRetiredKey),
        ),
        preset(
            "jarm-wrong-iss",
            "JARM response from the wrong issuer",
            Response,
            "The JARM response's iss is rewritten to another authorization server and the JWT re-signed with an attacker's key.",
            Expected::client("jarm.iss_mismatch", "JARM §2.4 step 3"),
            Setup::unencrypted_jarm,
            Change::Wire(Tamper::Jarm(JarmForgery::Iss)),
        ),
        preset(
            "jarm-wrong-aud",
            "JARM response for another client",
            Response,
            "The JARM response's aud is rewritten to another client and the JWT re-signed with an attacker's key.",
            Expected::client("jarm.aud_mismatch", "JARM §2.4 step 4"),
            Setup::unencrypted_jarm,
            Change::Wire(Tamper::Jarm(JarmForgery::Aud)),
        ),
        preset(
            "jarm-expired",
            "Expired JARM response",
            Response,
            "The JARM response's exp is moved one minute beyond the client's leeway into the past and the JWT re-signed with an attacker's key.",
            Expected::client("jarm.expired", "JARM §2.4 step 5; RFC 7519 §4.1.4"),
            Setup::unencrypted_jarm,
            Change::Wire(Tamper::Jarm(JarmForgery::Expired)),
        ),
        preset(
            "jarm-alg-none",
            "Unsecured JARM response (alg none)",
            Response,
            "The JARM response's header becomes alg \"none\" (kid dropped) and its signature is removed.",
            Expected::client("jarm.alg_none", "JARM §2.4 step 6; RFC 8725 §3.1"),
            Setup::unencrypted_jarm,
            Change::Wire(Tamper::Jarm(JarmForgery::AlgNone)),
        ),
        preset(
            "id-token-wrong-nonce",
            "ID token with another session's nonce",
            Response,
            "The token response is swapped for a genuine one the same server issued to another session, so its ID token carries another nonce.",
            Expected::client("id_token.nonce_mismatch", "OIDC Core §3.1.3.7 step 11; §3.2.2.11"),
            |s| {
                s.code();
                s.openid();
            },
            Change::Wire(Tamper::TokenResponseFromOtherSession),
        ),
        // DPoP: the server's proof and binding checks (RFC 9449).
        preset(
            "dpop-proof-replayed",
            "Replayed DPoP proof (same jti)",
            Dpop,
            "A copy of the token request carrying the same DPoP proof reaches the server before the client's own (a client assertion in it is made afresh), so the client's proof arrives with a jti the server has already seen.",
            Expected::server(Check::DpopJtiReplayed),
            Setup::dpop,
            Change::Wire(Tamper::DpopProofReplayed(ProofAt::CodeRedemption)),
        ),
        preset(
            "dpop-htu-other-endpoint",
            "Proof for another URL (htu)",
            Dpop,
            "The token request's DPoP proof names the userinfo endpoint as its htu and is signed again with the client's DPoP key.",
            Expected::server(Check::DpopHtuMismatch),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::HtuOfOtherEndpoint),
        ),
        preset(
            "dpop-htm-wrong",
            "Proof for another method (htm)",
            Dpop,
            "The token request is a POST, but its DPoP proof says htm GET; the proof is signed again with the client's DPoP key.",
            Expected::server(Check::DpopHtmMismatch),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::HtmFlipped),
        ),
        preset(
            "dpop-iat-stale",
            "Stale proof (iat too old)",
            Dpop,
            "The token request's DPoP proof gets an iat one minute older than the server accepts (dpop_proof_max_age plus clock skew) and is signed again with the client's DPoP key.",
            Expected::server(Check::DpopIatOutOfWindow),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::IatStale),
        ),
        preset(
            "dpop-ath-missing",
            "Proof at userinfo without ath",
            Dpop,
            "The DPoP proof that goes to userinfo with the access token loses its ath claim and is signed again with the client's DPoP key.",
            Expected::server(Check::DpopAthMissing),
            dpop_and_userinfo,
            proof(ProofAt::Userinfo, ProofChange::AthRemoved),
        ),
        preset(
            "dpop-ath-other-token",
            "ath of another access token",
            Dpop,
            "The DPoP proof that goes to userinfo gets as ath the hash of the access token the control run received instead of the one it accompanies, and is signed again with the client's DPoP key.",
            Expected::server(Check::DpopAthMismatch),
            dpop_and_userinfo,
            proof(ProofAt::Userinfo, ProofChange::AthOfOtherToken),
        ),
        preset(
            "dpop-signed-by-other-key",
            "Proof signed by a key other than its jwk",
            Dpop,
            "The token request's DPoP proof keeps its header, with the client's public key as jwk, and its claims, but is signed with an attacker's key.",
            Expected::server(Check::DpopSignatureInvalid),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::SignedByOtherKey),
        ),
        preset(
            "dpop-par-proof-other-key",
            "PAR proof from another key than dpop_jkt",
            Dpop,
            "The pushed request's DPoP proof is replaced by a well-formed proof of an attacker's key (its jwk, its signature), while the dpop_jkt pushed with it still names the client's key.",
            Expected::server(Check::DpopJktProofMismatch),
            dpop_pushed,
            proof(ProofAt::Par, ProofChange::OtherKey),
        ),
        preset(
            "dpop-code-redeemed-with-other-key",
            "Code redeemed with another DPoP key",
            Dpop,
            "The token request's DPoP proof is replaced by a well-formed proof of an attacker's key, as a thief holding the code would send it, although dpop_jkt bound the code to the client's key.",
            Expected::server(Check::DpopCodeKeyMismatch),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::OtherKey),
        ),
        preset(
            "dpop-token-used-with-other-key",
            "Bound token used with the thief's key",
            Dpop,
            "At userinfo, the DPoP proof is replaced by a well-formed proof of an attacker's key, with the right ath, for an access token bound to the client's key (cnf.jkt).",
            Expected::server(Check::DpopTokenKeyMismatch),
            dpop_and_userinfo,
            proof(ProofAt::Userinfo, ProofChange::OtherKey),
        ),
        preset(
            "dpop-private-key-in-jwk",
            "Private key in the jwk header",
            Dpop,
            "The token request's DPoP proof carries the client's whole private key (d and any other private members) in its jwk header, and is signed again with that key.",
            Expected::server(Check::DpopJwkPrivate),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::PrivateMembersInJwk),
        ),
        preset(
            "dpop-alg-none",
            "Unsigned proof (alg none)",
            Dpop,
            "The token request's DPoP proof says alg \"none\" and its signature is removed; jwk and claims stay as they were.",
            Expected::server(Check::DpopAlgNotAllowed),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::AlgNone),
        ),
        preset(
            "dpop-hs256-proof",
            "HS256 proof keyed with the public jwk",
            Dpop,
            "The token request's DPoP proof is re-made as HS256, with the JSON text of its jwk header (the client's public key) as the MAC secret.",
            Expected::server(Check::DpopAlgNotAllowed),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::Hs256WithPublicJwk),
        ),
        preset(
            "dpop-typ-jwt",
            "typ JWT instead of dpop+jwt",
            Dpop,
            "The token request's DPoP proof says typ \"JWT\" instead of dpop+jwt and is signed again with the client's DPoP key.",
            Expected::server(Check::DpopTypInvalid),
            Setup::dpop,
            proof(ProofAt::CodeRedemption, ProofChange::TypJwt),
        ),
        preset(
            "dpop-nonce-missing",
            "Server nonce left out",
            Dpop,
            "On a server that requires DPoP nonces, the retried proof (the first to carry the nonce the server sent) loses its nonce claim and is signed again with the client's DPoP key.",
            Expected::server(Check::DpopNonceMissing),
            |s| {
                s.dpop();
                s.server("dpop_nonce_required → true", |x| x.dpop_nonce_required = true);
            },
            proof(ProofAt::First, ProofChange::NonceRemoved),
        ),
        preset(
            "dpop-bound-token-as-bearer",
            "DPoP-bound token downgraded to Bearer",
            Dpop,
            "At userinfo, the DPoP-bound access token is sent as Authorization: Bearer with no DPoP proof, as a thief who has the token but not the key would send it.",
            Expected::server(Check::DpopBoundTokenAsBearer),
            dpop_and_userinfo,
            Change::Wire(Tamper::DpopTokenAsBearer),
        ),
        // JWE: encrypted request objects (the server's decryption, RFC 9101 §6.1) and an
        // encrypted JARM response (the client's).
        preset(
            "jwe-ciphertext-changed",
            "Encrypted request object: ciphertext changed",
            Encryption,
            "One bit of the encrypted request object's ciphertext is flipped in flight, header, encrypted key, IV and tag unchanged; the server must refuse it with the one answer it gives every decryption failure (RFC 9101 §6.1, RFC 7516 §11.5).",
            Expected::server(Check::JarDecryptionFailed),
            Setup::encrypted_request_object,
            Change::Wire(Tamper::RequestObjectJwe(JweChange::Ciphertext)),
        ),
        preset(
            "jwe-tag-changed",
            "Encrypted request object: authentication tag changed",
            Encryption,
            "One bit of the encrypted request object's authentication tag is flipped in flight, the other four parts unchanged, so the content no longer authenticates (RFC 9101 §6.1, RFC 7516 §11.5).",
            Expected::server(Check::JarDecryptionFailed),
            Setup::encrypted_request_object,
            Change::Wire(Tamper::RequestObjectJwe(JweChange::Tag)),
        ),
        preset(
            "jwe-other-recipient-key",
            "Request object encrypted to the wrong key (same kid)",
            Encryption,
            "On its way to the client, the server's JWKS has the encryption key the client uses swapped for an attacker's fresh key of the same type that carries the server key's kid, so the signed request object is encrypted to a key the server does not hold and does not decrypt (RFC 9101 §6.1, RFC 7516 §11.5).",
            Expected::server(Check::JarDecryptionFailed),
            Setup::request_object_encrypted_to_server_key,
            Change::Wire(Tamper::ServerEncryptionKey(EncKeyChange::OtherKeySameKid)),
        ),
        preset(
            "jwe-kid-unknown",
            "Request object encrypted to a kid the server does not have",
            Encryption,
            "On its way to the client, the server's JWKS gives the encryption key the client uses a kid the server has no key for, so the JWE header names no decryption key of the server (RFC 7516 §4.1.6).",
            Expected::server(Check::JarEncryptionKeyUnknown),
            Setup::request_object_encrypted_to_server_key,
            Change::Wire(Tamper::ServerEncryptionKey(EncKeyChange::UnknownKid)),
        ),
        preset(
            "jwe-alg-rsa1-5",
            "RSA1_5 in the JWE header",
            Encryption,
            "The encrypted request object's protected header is re-encoded with alg RSA1_5, the other parts unchanged; the server must refuse it on the header alone, before any decryption (RFC 8725 §3.2: RSAES-PKCS1-v1_5 invites Bleichenbacher's padding oracle).",
            Expected::server(Check::JarEncryptionAlgNotSupported),
            Setup::encrypted_request_object,
            Change::Wire(Tamper::RequestObjectJwe(JweChange::AlgRsa1_5)),
        ),
        preset(
            "jwe-epk-off-curve",
            "Ephemeral key (epk) off the curve",
            Encryption,
            "The request object is encrypted with ECDH-ES and one bit of its epk's y coordinate is flipped in flight, so the point is not on the server key's curve (RFC 8725 §3.4: an invalid-curve attack, unless the recipient checks the point).",
            Expected::server(Check::JarEpkInvalid),
            Setup::request_object_encrypted_with_ecdh,
            Change::Wire(Tamper::RequestObjectJwe(JweChange::EpkOffCurve)),
        ),
        preset(
            "jwe-encrypted-not-signed",
            "Encrypted but unsigned request object",
            Encryption,
            "The request object is encrypted to the server but not signed (alg none inside the JWE), sent to a server that requires signed request objects (RFC 9101 §4: signed, then encrypted; OIDC Core §6.1).",
            Expected::server(Check::JarEncryptedNotSigned),
            |s| {
                s.encrypted_request_object();
                s.server("require_signed_request_object → true", |x| {
                    x.require_signed_request_object = true;
                    x.allow_unsigned_request_object = false;
                });
            },
            Change::Config(|s| s.config.request_object_alg = None),
        ),
        preset(
            "jarm-jwe-tag-changed",
            "Encrypted JARM response: authentication tag changed",
            Encryption,
            "The JARM response, signed then encrypted to the client (JARM §2.3), has one bit of its authentication tag flipped in flight, so the client must refuse it at its first step, decryption (JARM §2.4 step 1; RFC 7516 §5.2 step 16, §11.5).",
            Expected::client("jarm.decryption_failed", "JARM §2.4 step 1; RFC 7516 §5.2"),
            Setup::encrypted_jarm,
            Change::Wire(Tamper::JarmJweTag),
        ),
    ]
}
