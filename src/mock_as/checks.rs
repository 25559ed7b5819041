//! The validation table: every check the server runs, in the order it runs them, each with a
//! stable code, the protocol error it produces, the HTTP status of a back-channel answer and
//! the clause it enforces. The UI's timeline, the event log, tamper presets and the scenario
//! tests all speak these codes.
//!
//! At the authorize endpoint a failing check is a 302 to the client's redirect URI (the
//! status column is what PAR and token answer), except before the redirect URI is known
//! good: then it is an HTML error page (RFC 6749 §4.1.2.1).

use serde::Serialize;

use crate::protocol::error as e;

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CheckInfo {
    pub code: &'static str,
    /// The OAuth error code it maps to.
    pub error: &'static str,
    /// Status of a back-channel (PAR, token, userinfo) error response.
    pub status: u16,
    /// The specification clause (or profile rule) it enforces.
    pub clause: &'static str,
    pub summary: &'static str,
}

macro_rules! table {
    ($($variant:ident => $code:literal, $error:expr, $status:literal, $clause:literal, $summary:literal;)*) => {
        /// A check, by its stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        pub enum Check { $($variant,)* }

        const TABLE: &[CheckInfo] = &[
            $(CheckInfo { code: $code, error: $error, status: $status, clause: $clause, summary: $summary },)*
        ];

        const ALL: &[Check] = &[$(Check::$variant,)*];
    };
}

table! {
    ParMethodNotAllowed => "par.method_not_allowed", e::INVALID_REQUEST, 405, "RFC 9126 §2.3 (405)", "the PAR endpoint accepts POST only";
    ParBodyTooLarge => "par.body_too_large", e::INVALID_REQUEST, 413, "PingOne PAR (bodies of 1 MB or more refused)", "the PAR body is larger than par_body_max_bytes";
    ParDisabled => "par.disabled", e::INVALID_REQUEST, 400, "RFC 9126 §5 (server) / client par_mode", "PAR is disabled for this server or client";
    DpopMultipleProofs => "dpop.multiple_proofs", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 point 1 (not more than one DPoP HTTP request header field)", "the request carries more than one DPoP header";
    DpopMalformed => "dpop.malformed", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 points 2–3 (a well-formed JWT)", "the DPoP proof is not a compact JWS with JSON header and claims";
    DpopTypInvalid => "dpop.typ_invalid", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.2 / §4.3 point 4 (typ dpop+jwt)", "the proof header typ is not dpop+jwt";
    DpopAlgNotAllowed => "dpop.alg_not_allowed", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 point 5 (asymmetric, not none, supported) / §5.1 dpop_signing_alg_values_supported", "the proof alg is none, symmetric, or not in dpop_signing_algs";
    DpopJwkInvalid => "dpop.jwk_invalid", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.2 (jwk REQUIRED, a public key)", "the proof header has no jwk, or it is not an asymmetric key";
    DpopJwkPrivate => "dpop.jwk_private", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 point 7 (the jwk does not contain a private key)", "the proof's jwk carries private key members";
    DpopSignatureInvalid => "dpop.signature_invalid", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 point 6 (signature verifies with the jwk header)", "the proof signature does not verify with its own jwk";
    DpopClaimMissing => "dpop.claim_missing", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.2 / §4.3 point 3 (jti, htm, htu, iat REQUIRED)", "a required proof claim is missing or of the wrong type";
    DpopHtmMismatch => "dpop.htm_mismatch", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 point 8", "htm is not the method of the request";
    DpopHtuMismatch => "dpop.htu_mismatch", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 point 9 (ignoring query and fragment; RFC 3986 §6.2.2–6.2.3 normalisation)", "htu is not the URI of the request";
    DpopIatOutOfWindow => "dpop.iat_out_of_window", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §4.3 point 11 / §11.1 (server setting dpop_proof_max_age, clock_skew)", "the proof iat is too old or in the future";
    DpopNonceMissing => "dpop.nonce_missing", e::USE_DPOP_NONCE, 400, "RFC 9449 §8 (400 at token/PAR; 401 with WWW-Authenticate DPoP at resources, §9)", "the server requires a nonce and the proof has none; the answer's DPoP-Nonce header carries one";
    DpopNonceInvalid => "dpop.nonce_invalid", e::USE_DPOP_NONCE, 400, "RFC 9449 §4.3 point 10 / §8.2 (nonces rotate and expire)", "the proof nonce is not one this server issued, or it expired; the answer carries a fresh one";
    DpopJtiReplayed => "dpop.jti_replayed", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §11.1 (jti replay detection, bounded by the iat window)", "a proof with this jti was already used";
    ClientMultipleMethods => "client.multiple_methods", e::INVALID_REQUEST, 400, "RFC 6749 §2.3", "the client used more than one authentication method";
    ClientUnknown => "client.unknown", e::INVALID_CLIENT, 401, "RFC 6749 §4.1.2.1 / §5.2", "client_id is missing or not registered";
    ClientAuthMethodMismatch => "client.auth_method_mismatch", e::INVALID_CLIENT, 401, "RFC 7591 §2 token_endpoint_auth_method", "the client authenticated with another method than it registered";
    ClientAuthMethodNotAllowed => "client.auth_method_not_allowed", e::INVALID_CLIENT, 401, "RFC 8414 §2 token_endpoint_auth_methods_supported / FAPI 2.0 Security Profile §5.3.2.1 (private_key_jwt or MTLS only)", "the client's authentication method is not one the server accepts (a client registered before the server's list narrowed)";
    ClientAuthFailed => "client.auth_failed", e::INVALID_CLIENT, 401, "RFC 6749 §2.3.1", "the client secret is wrong";
    ClientAssertionMalformed => "client.assertion_malformed", e::INVALID_CLIENT, 401, "RFC 7523 §3 / RFC 7521 §4.2", "the client assertion is not a JWT of the expected type";
    ClientAssertionAlgUnsupported => "client.assertion_alg_unsupported", e::INVALID_CLIENT, 401, "RFC 7523 §3 item 9 / OIDC Registration §2 token_endpoint_auth_signing_alg / FAPI 2.0 Security Profile §5.4.1 (server setting client_assertion_algs)", "the assertion alg is not one this server can verify for the method, not in the server's client_assertion_algs, or not the client's registered token_endpoint_auth_signing_alg";
    ClientAssertionSignatureInvalid => "client.assertion_signature_invalid", e::INVALID_CLIENT, 401, "RFC 7523 §3 item 9", "the assertion signature does not verify";
    ClientAssertionIssSubMismatch => "client.assertion_iss_sub_mismatch", e::INVALID_CLIENT, 401, "RFC 7523 §3 items 1–2 / OIDC Core §9", "iss and sub must both be the client_id";
    ClientAssertionAudInvalid => "client.assertion_aud_invalid", e::INVALID_CLIENT, 401, "RFC 7523 §3 item 3 / RFC 9126 §2", "aud is neither the issuer nor the endpoint URL (nor, at PAR, the token endpoint URL)";
    ClientAssertionExpMissing => "client.assertion_exp_missing", e::INVALID_CLIENT, 401, "RFC 7523 §3 item 4", "the assertion has no exp";
    ClientAssertionExpired => "client.assertion_expired", e::INVALID_CLIENT, 401, "RFC 7523 §3 item 4", "the assertion exp has passed";
    ClientAssertionExpTooFar => "client.assertion_exp_too_far", e::INVALID_CLIENT, 401, "PingOne private_key_jwt (exp at most 1 h ahead)", "the assertion exp is further ahead than client_assertion_max_lifetime";
    ClientAssertionNbfInFuture => "client.assertion_nbf_in_future", e::INVALID_CLIENT, 401, "RFC 7523 §3 item 5 / PingOne", "the assertion nbf is in the future";
    ClientAssertionJtiMissing => "client.assertion_jti_missing", e::INVALID_CLIENT, 401, "OIDC Core §9 (jti REQUIRED)", "the assertion has no jti";
    ClientAssertionJtiReplayed => "client.assertion_jti_replayed", e::INVALID_CLIENT, 401, "RFC 7523 §3 item 7", "the assertion jti was already used";
    ParRequestUriInBody => "par.request_uri_in_body", e::INVALID_REQUEST, 400, "RFC 9126 §2.1", "request_uri must not be pushed";
    RequestDuplicateParameter => "request.duplicate_parameter", e::INVALID_REQUEST, 400, "RFC 6749 §3.1 / §3.2 (parameters MUST NOT be included more than once)", "a parameter appears more than once";
    RequestAndRequestUri => "request.request_and_request_uri", e::INVALID_REQUEST, 400, "RFC 9101 §5", "request and request_uri sent together";
    ParRequestUriUnknown => "par.request_uri_unknown", e::INVALID_REQUEST_URI, 400, "RFC 9126 §4 / RFC 9101 §7 (invalid_request_uri)", "the request_uri was never issued by this server";
    ParRequestUriExpired => "par.request_uri_expired", e::INVALID_REQUEST_URI, 400, "RFC 9126 §2.2 expires_in", "the request_uri has expired";
    ParRequestUriUsed => "par.request_uri_used", e::INVALID_REQUEST_URI, 400, "RFC 9126 §4 (one-time use)", "the request_uri was already used";
    ParRequestUriOtherClient => "par.request_uri_other_client", e::INVALID_REQUEST_URI, 400, "RFC 9126 §2.2 (bound to the client that pushed it)", "the request_uri was pushed by another client";
    ParRequired => "par.required", e::INVALID_REQUEST, 400, "RFC 9126 §5–6 require_pushed_authorization_requests", "this client must use PAR";
    JarNotSupported => "jar.not_supported", e::REQUEST_NOT_SUPPORTED, 400, "OIDC Core §3.1.2.6 / OIDC Discovery §3 request_parameter_supported", "request objects are disabled for this server or client";
    JarByValueNotAllowed => "jar.by_value_not_allowed", e::INVALID_REQUEST, 400, "RFC 9126 §4 (server policy: request data only through PAR, as FAPI 2.0 requires)", "a request object by value at authorize; push it instead";
    JarRequestRequired => "jar.request_required", e::INVALID_REQUEST, 400, "RFC 9101 §10.5 require_signed_request_object / PingOne", "a request object is required but none was sent";
    JarTooLarge => "jar.too_large", e::INVALID_REQUEST_OBJECT, 400, "server setting request_object_max_bytes", "the request object is larger than allowed";
    JarEncryptionRequired => "jar.encryption_required", e::INVALID_REQUEST_OBJECT, 400, "server setting require_encrypted_request_object (OIDC Registration §2: request_object_encryption_alg alone does not oblige the client)", "the server requires encrypted request objects (a JWE) and a plain JWS came";
    JarEncryptionHeaderInvalid => "jar.encryption_header_invalid", e::INVALID_REQUEST_OBJECT, 400, "RFC 7516 §5.2 steps 2–5 (a JSON protected header with alg and enc) / §4.1.3 zip / §4.1.13 crit / RFC 7519 §5.2 cty", "the JWE protected header is not a JSON object with string alg and enc, uses zip, lists crit extensions this server does not understand, or has a cty other than JWT";
    JarEncryptionAlgNotSupported => "jar.encryption_alg_not_supported", e::INVALID_REQUEST_OBJECT, 400, "OIDC Discovery §3 request_object_encryption_alg_values_supported / _enc_values_supported / RFC 8725 §3.2 (never RSA1_5)", "the JWE alg or enc is not one this server lists (RSA1_5 never is)";
    JarEncryptionKeyUnknown => "jar.encryption_key_unknown", e::INVALID_REQUEST_OBJECT, 400, "RFC 7516 §4.1.6 kid / RFC 7517 §4.2 use (signing keys never decrypt) / OIDC Core §10.2 (symmetric keys from the client secret)", "the kid names no encryption key of this server, or names a signing key; no key fits the alg; or a symmetric alg from a client without a secret";
    JarEpkInvalid => "jar.epk_invalid", e::INVALID_REQUEST_OBJECT, 400, "RFC 8725 §3.4 (invalid-curve attack: the epk must be on the recipient's curve) / RFC 7518 §4.6.1.1", "the ECDH-ES epk is missing, not an EC public key, on another curve than the server key, or not a point of its curve";
    JarDecryptionFailed => "jar.decryption_failed", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §6.1 (decryption fails: invalid_request_object) / RFC 7516 §11.5 (one answer for every cause)", "the JWE does not decrypt: wrong key, or a changed encrypted key, IV, ciphertext, tag or header; the answer never says which";
    JarMalformed => "jar.malformed", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §5 (a JWS) / RFC 7515 §7.1", "the request object is not a compact JWS with a JSON object payload";
    JarDuplicateMember => "jar.duplicate_member", e::INVALID_REQUEST_OBJECT, 400, "RFC 7515 §4 / RFC 7519 §4 (reject duplicate names rather than keep the last)", "the header or the claims name a member twice, at any depth (checked once both parse, before any member is read)";
    JarCritInvalid => "jar.crit_invalid", e::INVALID_REQUEST_OBJECT, 400, "RFC 7515 §4.1.11", "crit is malformed or lists an extension this server does not understand";
    JarEncryptedNotSigned => "jar.encrypted_not_signed", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §4 (signed, then encrypted: a Nested JWT) / §6.1 (decrypting yields a signed request object) / OIDC Core §6.1 (unsigned request objects only where allowed)", "the decrypted request object is unsigned (alg none, or bare JSON claims) where signed request objects are required";
    JarTypInvalid => "jar.typ_invalid", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §10.8 / RFC 8725 §3.11 (explicit typing; required by setting)", "the header typ is not oauth-authz-req+jwt";
    JarNestedRequest => "jar.nested_request", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §4", "the request object contains request or request_uri";
    JarUnsignedNotAllowed => "jar.unsigned_not_allowed", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §10.5 / client and server settings", "alg none, but signed request objects are required";
    JarAlgNotAllowed => "jar.alg_not_allowed", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §4 / OIDC Registration §2 request_object_signing_alg", "the alg is not in the server's and client's allow-lists";
    JarAlgUnsupported => "jar.alg_unsupported", e::INVALID_REQUEST_OBJECT, 400, "implementation capability (RFC 7518 §3.1 lists algs this build lacks, e.g. ES512)", "the alg is allowed but this build cannot verify it";
    JarKidNotFound => "jar.kid_not_found", e::INVALID_REQUEST_OBJECT, 400, "RFC 7515 §4.1.4 / RFC 9101 §6.2", "the header kid names no key of the client";
    JarKeyUnavailable => "jar.key_unavailable", e::INVALID_REQUEST_OBJECT, 400, "OIDC Core §10.1 (HS keyed with client_secret)", "no key of the client fits the alg";
    JarSignatureInvalid => "jar.signature_invalid", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §6.2", "the request object signature does not verify";
    JarIssMismatch => "jar.iss_mismatch", e::INVALID_REQUEST_OBJECT, 400, "OIDC Core §6.1 (iss SHOULD be the client_id)", "iss is not the client_id";
    JarAudMissingIssuer => "jar.aud_missing_issuer", e::INVALID_REQUEST_OBJECT, 400, "RFC 9101 §4 (aud = issuer)", "aud does not contain the issuer";
    JarExpMissing => "jar.exp_missing", e::INVALID_REQUEST_OBJECT, 400, "RFC 7519 §4.1.4; required by setting (FAPI 1.0 Advanced §5.2.2)", "the request object has no exp";
    JarExpPassed => "jar.exp_passed", e::INVALID_REQUEST_OBJECT, 400, "RFC 7519 §4.1.4", "exp has passed (after clock skew)";
    JarExpTooFar => "jar.exp_too_far", e::INVALID_REQUEST_OBJECT, 400, "server setting request_object_max_lifetime (FAPI 1.0 Advanced §5.2.2: ≤ 60 min after nbf)", "exp − nbf (or iat, or now) exceeds the maximum lifetime";
    JarNbfMissing => "jar.nbf_missing", e::INVALID_REQUEST_OBJECT, 400, "FAPI 1.0 Advanced §5.2.2 (nbf required)", "the request object has no nbf";
    JarNbfInFuture => "jar.nbf_in_future", e::INVALID_REQUEST_OBJECT, 400, "RFC 7519 §4.1.5", "nbf is in the future (after clock skew)";
    JarIatInFuture => "jar.iat_in_future", e::INVALID_REQUEST_OBJECT, 400, "RFC 7519 §4.1.6", "iat is in the future (after clock skew)";
    JarJtiMissing => "jar.jti_missing", e::INVALID_REQUEST_OBJECT, 400, "RFC 7519 §4.1.7; required by setting", "the request object has no jti";
    JarJtiReplayed => "jar.jti_replayed", e::INVALID_REQUEST_OBJECT, 400, "RFC 7519 §4.1.7 (replay protection)", "this jti was already used";
    JarParamMismatch => "jar.param_mismatch", e::INVALID_REQUEST, 400, "RFC 9101 §5 / §6.3", "a query parameter contradicts the request object";
    AuthorizeRedirectUriNotRegistered => "authorize.redirect_uri_not_registered", e::INVALID_REQUEST, 400, "RFC 6749 §3.1.2.3 / §4.1.2.1 (no redirect)", "redirect_uri missing or not registered: error page, never a redirect";
    AuthorizeResponseTypeMissing => "authorize.response_type_missing", e::INVALID_REQUEST, 400, "RFC 6749 §4.1.1", "response_type is missing";
    AuthorizeUnsupportedResponseType => "authorize.unsupported_response_type", e::UNSUPPORTED_RESPONSE_TYPE, 400, "RFC 6749 §4.1.2.1 / server setting response_types (FAPI 2.0 Security Profile §5.3.2.2: code only)", "the server does not support this response_type";
    AuthorizeResponseTypeNotRegistered => "authorize.response_type_not_registered", e::UNAUTHORIZED_CLIENT, 400, "RFC 7591 §2 response_types", "the client did not register this response_type";
    AuthorizeUnsupportedResponseMode => "authorize.unsupported_response_mode", e::INVALID_REQUEST, 400, "OAuth Multiple Response Types §2.1, §5 / JARM §2.3", "unknown response_mode, disabled JARM, or query for a response with tokens";
    JarmRequired => "jarm.required", e::INVALID_REQUEST, 400, "JARM §3 (client jarm_mode required) / server setting require_jarm (FAPI 2.0 Message Signing)", "this client (or every client of this server) must use a jwt response mode";
    AuthorizeOpenidScopeMissing => "authorize.openid_scope_missing", e::INVALID_REQUEST, 400, "OIDC Core §3.1.2.1 / §3.2.2.1", "an id_token response needs the openid scope";
    AuthorizeScopeNotRegistered => "authorize.scope_not_registered", e::INVALID_SCOPE, 400, "RFC 7591 §2 scope / RFC 6749 §4.1.2.1 (invalid_scope)", "a requested scope is outside the scope the client registered";
    AuthorizeNonceMissing => "authorize.nonce_missing", e::INVALID_REQUEST, 400, "OIDC Core §3.2.2.1 / §3.3.2.11", "implicit and hybrid flows (code token included) require nonce";
    AuthorizePkceMissing => "authorize.pkce_missing", e::INVALID_REQUEST, 400, "RFC 7636 §4.4.1 / RFC 9700 §2.1.1", "code_challenge is required";
    AuthorizePkceMethodUnsupported => "authorize.pkce_method_unsupported", e::INVALID_REQUEST, 400, "RFC 7636 §4.4.1", "code_challenge_method is not supported";
    DpopJktInvalid => "dpop.jkt_invalid", e::INVALID_REQUEST, 400, "RFC 9449 §10 (dpop_jkt: a JWK SHA-256 thumbprint, RFC 7638)", "dpop_jkt is not a base64url SHA-256 thumbprint";
    DpopJktProofMismatch => "dpop.jkt_proof_mismatch", e::INVALID_REQUEST, 400, "RFC 9449 §10.1 (dpop_jkt and the PAR DPoP proof must name the same key)", "the pushed dpop_jkt is not the thumbprint of the PAR proof's key";
    ConsentDenied => "consent.denied", e::ACCESS_DENIED, 400, "RFC 6749 §4.1.2.1 (access_denied)", "the user denied the request on the consent page";
    ConsentTicketUnknown => "consent.ticket_unknown", e::INVALID_REQUEST, 400, "implementation (consent tickets are single use, 10 minutes)", "the consent decision names no pending request";
    ServerSigningUnavailable => "server.signing_unavailable", e::SERVER_ERROR, 500, "implementation capability (no server key for the alg, e.g. ES512; no client secret for HS*)", "the response must be signed with a key the server does not have";
    ServerEncryptionUnavailable => "server.encryption_unavailable", e::SERVER_ERROR, 500, "implementation capability (OIDC Registration §2 / JARM §3 *_encrypted_response_alg: no fitting client key, or no client secret for a symmetric alg)", "the response must be encrypted to a key the server cannot find (registration refuses the causes)";
    TokenUnsupportedGrantType => "token.unsupported_grant_type", e::UNSUPPORTED_GRANT_TYPE, 400, "RFC 6749 §5.2", "grant_type is missing or not supported";
    TokenCodeMissing => "token.code_missing", e::INVALID_REQUEST, 400, "RFC 6749 §4.1.3", "the code parameter is missing";
    TokenCodeInvalid => "token.code_invalid", e::INVALID_GRANT, 400, "RFC 6749 §5.2", "the code was never issued";
    TokenCodeReused => "token.code_reused", e::INVALID_GRANT, 400, "RFC 6749 §4.1.2 (used once; tokens revoked)", "the code was already redeemed";
    TokenCodeExpired => "token.code_expired", e::INVALID_GRANT, 400, "RFC 6749 §4.1.2 (short lifetime) / server cap authorization_code_max_lifetime (FAPI 2.0 Security Profile §5.3.2.1: at most 60 s)", "the code has expired";
    TokenClientMismatch => "token.client_mismatch", e::INVALID_GRANT, 400, "RFC 6749 §4.1.3", "the code was issued to another client";
    TokenRedirectUriMismatch => "token.redirect_uri_mismatch", e::INVALID_GRANT, 400, "RFC 6749 §4.1.3", "redirect_uri differs from the authorization request";
    TokenPkceMissing => "token.pkce_missing", e::INVALID_GRANT, 400, "RFC 7636 §4.5–4.6", "code_verifier is missing";
    TokenPkceMismatch => "token.pkce_mismatch", e::INVALID_GRANT, 400, "RFC 7636 §4.6", "code_verifier does not match the code_challenge";
    TokenRefreshTokenInvalid => "token.refresh_token_invalid", e::INVALID_GRANT, 400, "RFC 6749 §6", "the refresh token is unknown, expired or another client's";
    DpopProofRequired => "dpop.proof_required", e::INVALID_DPOP_PROOF, 400, "RFC 9449 §5.2 dpop_bound_access_tokens (reject token requests without a DPoP header) / server setting require_dpop (FAPI 2.0 Security Profile §5.3.2.1: sender-constrained tokens only)", "the client registered dpop_bound_access_tokens, or the server requires DPoP, and no proof came";
    DpopCodeKeyMismatch => "dpop.code_key_mismatch", e::INVALID_GRANT, 400, "RFC 9449 §10 (the code is bound to the dpop_jkt key)", "the code was bound to one DPoP key and is redeemed without a proof of it";
    DpopRefreshKeyMismatch => "dpop.refresh_key_mismatch", e::INVALID_GRANT, 400, "RFC 9449 §5 (refresh tokens of public clients are bound to the DPoP key)", "the refresh token is bound to a DPoP key and was presented without a proof of it";
    UserinfoTokenMissing => "userinfo.token_missing", e::INVALID_TOKEN, 401, "RFC 6750 §2.1 / §3.1", "no Bearer access token";
    UserinfoTokenInvalid => "userinfo.token_invalid", e::INVALID_TOKEN, 401, "RFC 6750 §3.1", "the access token is unknown";
    UserinfoTokenExpired => "userinfo.token_expired", e::INVALID_TOKEN, 401, "RFC 6750 §3.1", "the access token has expired";
    DpopProofMissing => "dpop.proof_missing", e::INVALID_DPOP_PROOF, 401, "RFC 9449 §7.1 (Authorization: DPoP needs a DPoP proof)", "the DPoP scheme without a DPoP header";
    DpopAthMissing => "dpop.ath_missing", e::INVALID_DPOP_PROOF, 401, "RFC 9449 §4.2 ath / §4.3 point 12 (REQUIRED when presenting an access token)", "the proof sent with an access token has no ath";
    DpopAthMismatch => "dpop.ath_mismatch", e::INVALID_DPOP_PROOF, 401, "RFC 9449 §4.3 point 12 (ath = base64url(SHA-256(access token)))", "ath is not the hash of the access token presented";
    DpopBoundTokenAsBearer => "dpop.bound_token_as_bearer", e::INVALID_TOKEN, 401, "RFC 9449 §7.2 (a DPoP-bound token is never accepted as Bearer)", "a DPoP-bound access token was presented with the Bearer scheme";
    DpopTokenNotBound => "dpop.token_not_bound", e::INVALID_TOKEN, 401, "RFC 9449 §7.1 (the DPoP scheme carries a DPoP-bound token)", "the DPoP scheme with an access token that is not bound to a key";
    DpopTokenKeyMismatch => "dpop.token_key_mismatch", e::INVALID_DPOP_PROOF, 401, "RFC 9449 §4.3 point 12 / §6.1 (proof key thumbprint = cnf.jkt)", "the proof key is not the key the access token is bound to";
    ClientCredentialsPublicClient => "client_credentials.public_client", e::INVALID_CLIENT, 401, "RFC 6749 §4.4 / §4.4.2 (confidential clients only; the client MUST authenticate)", "a public client (auth method none) asked for the client credentials grant";
    ClientCredentialsGrantNotRegistered => "client_credentials.grant_not_registered", e::UNAUTHORIZED_CLIENT, 400, "RFC 6749 §5.2 unauthorized_client / RFC 7591 §2 grant_types", "the client did not register the client_credentials grant type";
    ClientCredentialsScopeNotRegistered => "client_credentials.scope_not_registered", e::INVALID_SCOPE, 400, "RFC 6749 §3.3 / §5.2 invalid_scope / RFC 7591 §2 scope", "a requested scope value is outside the client's registered scope";
    IntrospectionPublicClient => "introspection.public_client", e::INVALID_CLIENT, 401, "RFC 7662 §2.1 (the endpoint MUST require some form of authorization)", "a public client (auth method none) may not introspect tokens";
    IntrospectionTokenMissing => "introspection.token_missing", e::INVALID_REQUEST, 400, "RFC 7662 §2.1 (token REQUIRED)", "the token parameter is missing";
    RevocationTokenMissing => "revocation.token_missing", e::INVALID_REQUEST, 400, "RFC 7009 §2.1 (token REQUIRED)", "the token parameter is missing";
    RevocationUnsupportedTokenType => "revocation.unsupported_token_type", e::UNSUPPORTED_TOKEN_TYPE, 400, "RFC 7009 §2.2.1", "token_type_hint names a token type this server cannot revoke";
    RevocationOtherClient => "revocation.other_client", e::INVALID_GRANT, 400, "RFC 7009 §2.1 (issued to the requesting client) / RFC 6749 §5.2", "the token was issued to another client";
    ResourceInvalidUri => "resource.invalid_uri", e::INVALID_TARGET, 400, "RFC 8707 §2 (an absolute URI without a fragment)", "a resource value is not an absolute URI, or has a fragment";
    ResourceUnknown => "resource.unknown", e::INVALID_TARGET, 400, "RFC 8707 §2 invalid_target / server setting resources", "a resource value is not one this server issues tokens for";
    ResourceNotAuthorized => "resource.not_authorized", e::INVALID_TARGET, 400, "RFC 8707 §2.2 (a token request narrows the grant, never widens it)", "the token request asks for a resource the authorization grant does not cover";
    RegistrationInitialAccessTokenMissing => "registration.initial_access_token_missing", e::INVALID_TOKEN, 401, "RFC 7591 §3 (initial access token) / RFC 6750 §3.1", "registration is protected by an initial access token and no Bearer token was sent";
    RegistrationInitialAccessTokenInvalid => "registration.initial_access_token_invalid", e::INVALID_TOKEN, 401, "RFC 7591 §3 (initial access token) / RFC 6750 §3.1", "the Bearer token is not the server's initial access token";
    RegistrationBodyInvalid => "registration.body_invalid", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §3.1 (a JSON object) / §3.2.2", "the registration request is not a JSON object";
    RegistrationMemberInvalid => "registration.member_invalid", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2 / §3.2.2", "a metadata member has the wrong type or an impossible value";
    RegistrationClientIdMissing => "registration.client_id_missing", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §3.2.1 client_id (registerClient names its own)", "registerClient needs a client_id (the endpoint issues one)";
    RegistrationRedirectUriInvalid => "registration.redirect_uri_invalid", e::INVALID_REDIRECT_URI, 400, "RFC 7591 §3.2.2 / RFC 6749 §3.1.2", "a redirect URI is not absolute or has a fragment";
    RegistrationAuthMethodUnsupported => "registration.auth_method_unsupported", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2 token_endpoint_auth_method / RFC 8414 §2", "the token_endpoint_auth_method is not one this server supports";
    RegistrationGrantTypeUnsupported => "registration.grant_type_unsupported", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2 grant_types / RFC 8414 §2 grant_types_supported", "a grant type this server does not offer";
    RegistrationResponseTypeUnsupported => "registration.response_type_unsupported", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2 response_types / RFC 8414 §2 response_types_supported", "a response type this server does not offer";
    RegistrationResponseTypesGrantTypesMismatch => "registration.response_types_grant_types_mismatch", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2.1 / OIDC Registration §2", "a response type needs a grant type the client did not register (code: authorization_code; token, id_token: implicit)";
    RegistrationAlgUnsupported => "registration.alg_unsupported", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §3.2.2 / RFC 8414 §2 *_alg_values_supported", "an alg member names an alg this server does not support for that use";
    RegistrationAuthSigningAlgMismatch => "registration.auth_signing_alg_mismatch", e::INVALID_CLIENT_METADATA, 400, "OIDC Registration §2 token_endpoint_auth_signing_alg / OIDC Core §9", "token_endpoint_auth_signing_alg does not fit the method (HS* for client_secret_jwt, asymmetric for private_key_jwt)";
    RegistrationSecretRequired => "registration.secret_required", e::INVALID_CLIENT_METADATA, 400, "OIDC Core §10.1 (HS* keyed with the client_secret) / RFC 7591 §3.2.2", "an HS* alg or a secret-based auth method, but the client has no client_secret";
    RegistrationJwksUriUnsupported => "registration.jwks_uri_unsupported", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2 jwks_uri (this in-page server cannot fetch it)", "jwks_uri given: the in-page server has no network to fetch it; register jwks by value";
    RegistrationJwksInvalid => "registration.jwks_invalid", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2 jwks / RFC 7517 §5", "jwks is not a JWK Set this server can read";
    RegistrationJwksRequired => "registration.jwks_required", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §2 jwks / RFC 7523 §3 (private_key_jwt verified with the client's public key)", "private_key_jwt or an asymmetric request_object_signing_alg, but no public key in jwks";
    RegistrationEncryptionEncWithoutAlg => "registration.encryption_enc_without_alg", e::INVALID_CLIENT_METADATA, 400, "OIDC Registration §2 (if *_enc is included, *_alg MUST also be provided) / JARM §3", "an *_enc member without its *_alg member";
    RegistrationEncryptionAlgUnsupported => "registration.encryption_alg_unsupported", e::INVALID_CLIENT_METADATA, 400, "RFC 7591 §3.2.2 / OIDC Discovery §3 and JARM §4 *_encryption_alg_values_supported, *_enc_values_supported / RFC 8725 §3.2 (no RSA1_5)", "an encryption alg or enc (or the A128CBC-HS256 default of an omitted *_enc) this server does not offer";
    RegistrationEncryptionSecretRequired => "registration.encryption_secret_required", e::INVALID_CLIENT_METADATA, 400, "OIDC Core §10.2 (symmetric encryption keys derive from the client_secret; public clients MUST NOT use it)", "A128KW, A256KW or dir, but the client has no client_secret";
    RegistrationEncryptionKeyRequired => "registration.encryption_key_required", e::INVALID_CLIENT_METADATA, 400, "OIDC Registration §2 / OIDC Core §10.2 (encrypted to a key of the client's jwks) / RFC 7517 §4.2–4.4", "an asymmetric *_encrypted_response_alg, but no key in jwks fits it (type and curve, use enc or none, no other alg)";
    DeviceGrantNotRegistered => "device.grant_not_registered", e::UNAUTHORIZED_CLIENT, 400, "RFC 8628 §3.1 / RFC 6749 §5.2 unauthorized_client / RFC 7591 §2 grant_types", "the client did not register the device_code grant type";
    DeviceUserCodeUnknown => "device.user_code_unknown", e::INVALID_REQUEST, 400, "RFC 8628 §3.3 (the user code identifies the pending request)", "the user code on the verification page names no pending device authorization";
    DeviceCodeMissing => "device.code_missing", e::INVALID_REQUEST, 400, "RFC 8628 §3.4 (device_code REQUIRED)", "the device access token request has no device_code";
    DeviceCodeInvalid => "device.code_invalid", e::INVALID_GRANT, 400, "RFC 8628 §3.5 / RFC 6749 §5.2 invalid_grant", "the device_code was never issued by this server";
    DeviceClientMismatch => "device.client_mismatch", e::INVALID_GRANT, 400, "RFC 8628 §3.4 / RFC 6749 §5.2 (issued to another client)", "the device_code was issued to another client";
    DeviceCodeUsed => "device.code_used", e::INVALID_GRANT, 400, "implementation (a device_code is redeemed once, as RFC 6749 §4.1.2 requires of authorization codes)", "the device_code was already exchanged for tokens";
    DeviceExpiredToken => "device.expired_token", e::EXPIRED_TOKEN, 400, "RFC 8628 §3.5 expired_token", "the device_code has expired; the device must start over";
    DeviceAccessDenied => "device.access_denied", e::ACCESS_DENIED, 400, "RFC 8628 §3.5 access_denied", "the user denied the device authorization request";
    DeviceSlowDown => "device.slow_down", e::SLOW_DOWN, 400, "RFC 8628 §3.5 slow_down (interval increased by 5 s for this and all later requests)", "the device polled before its interval had passed";
    DeviceAuthorizationPending => "device.authorization_pending", e::AUTHORIZATION_PENDING, 400, "RFC 8628 §3.5 authorization_pending", "the user has not yet completed the verification page";
}

impl Check {
    pub fn info(self) -> &'static CheckInfo {
        // `ALL` and `TABLE` come from the same macro list, so the index always exists.
        let index = ALL.iter().position(|c| *c == self).unwrap_or(0);
        TABLE.get(index).unwrap_or(&TABLE[0])
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn from_code(code: &str) -> Option<Check> {
        ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// The whole table in evaluation order.
pub fn checks() -> &'static [CheckInfo] {
    TABLE
}

/// A failed check, with what was expected and what arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub check: Check,
    pub expected: String,
    pub actual: String,
}

impl Failure {
    pub fn new(check: Check, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        Self {
            check,
            expected: expected.into(),
            actual: actual.into(),
        }
    }

    pub fn info(&self) -> &'static CheckInfo {
        self.check.info()
    }

    /// The `error_description`: code first, so a human and a test can both read it.
    pub fn description(&self) -> String {
        let info = self.info();
        format!(
            "{}: {} (expected {}, got {}) [{}]",
            info.code, info.summary, self.expected, self.actual, info.clause
        )
    }

    /// The description as an OAuth `error_description` may carry it: RFC 6749 §5.2 allows only
    /// %x20-21 / %x23-5B / %x5D-7E, so typography is spelled out and anything else becomes `?`.
    pub fn error_description(&self) -> String {
        let mut out = String::new();
        for c in self.description().chars() {
            match c {
                '§' => out.push_str("Sec. "),
                '≥' => out.push_str(">="),
                '≤' => out.push_str("<="),
                '−' | '–' | '—' => out.push('-'),
                '…' => out.push_str("..."),
                '"' => out.push('\''),
                ' ' | '!' | '#'..='[' | ']'..='~' => out.push(c),
                _ => out.push('?'),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_description_uses_only_the_rfc6749_characters() {
        let failure = Failure::new(Check::JarExpTooFar, "exp − nbf ≤ 300 s", "\"é\\\n");
        let text = failure.error_description();
        assert!(
            text.chars().all(|c| matches!(c, ' ' | '!' | '#'..='[' | ']'..='~')),
            "{text}"
        );
        assert!(text.starts_with("jar.exp_too_far: "), "{text}");
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for check in ALL {
            assert!(seen.insert(check.code()), "duplicate {}", check.code());
            assert_eq!(Check::from_code(check.code()), Some(*check));
        }
        assert_eq!(ALL.len(), TABLE.len());
    }
}
