//! The relying party: authorization request model, PKCE, request objects (JAR, RFC 9101),
//! pushed authorization requests (PAR, RFC 9126), callback parsing, JARM and ID token
//! validation, token requests and discovery.
//!
//! This layer talks to a server only through [`crate::http::Transport`], reads time from an
//! injected clock and draws randomness from an injected RNG, so every path runs natively.

pub mod check;
pub mod client_auth;
pub mod delivery;
pub mod device;
pub mod dpop;
pub mod encryption;
pub mod error;
pub mod par;
pub mod pkce;
pub mod random;
pub mod request;
pub mod request_object;

pub use check::{CheckFailure, Decrypted, Outcome, Report, Step};
pub use client_auth::ClientAuth;
pub use delivery::Delivery;
pub use dpop::{DpopKey, DpopProof};
pub use encryption::{ClientEncryption, JweChoice, NestedRequestObject, ResponseDecryption};
pub use error::{ClientError, ServerErrorBody};
pub use par::{process_pushed_authorization_response, PushedAuthorizationResponse, PushedRequest};
pub use pkce::{CodeVerifier, Pkce, PkceMethod};
pub use request::AuthorizationRequest;
pub use request_object::{Audience, RequestObject, RequestObjectOptions, RequestSigning, TypHeader};
pub mod callback;
pub mod jarm;
pub mod response;

pub use callback::{
    find_pasted_jwt, parse_form_post_body, parse_form_post_html, parse_redirect_url, resolve_response_mode,
    CallbackParams, PastedJwt, ResponseLocation,
};
pub use response::{validate_authorization_response, AuthorizationResponse, ResponseExpectations};
pub mod id_token;
pub mod token;
pub mod userinfo;

pub use id_token::{validate_id_token, IdTokenExpectations, IdTokenSource, VerifiedIdToken};
pub use token::{
    process_token_response, process_userinfo_response, userinfo_request, Grant, TokenRequest, TokenResponse, UserInfo,
};
pub mod curl;
pub mod discovery;

pub use curl::{curl_command, Secrets};
pub use discovery::{discover, DerivedDefaults, ServerMetadata};
pub mod config;
pub mod lint;
pub mod lint_fapi2;
mod lint_jwe;
pub mod pingone;

pub use config::Config;
pub use lint::{lint, Finding, Fix, LintHints, Severity};
pub mod flow;

pub use flow::{
    finish_flow, run_flow, start_flow, FlowError, FlowOptions, FlowOutcome, FlowRun, PendingAuthorization, StartedFlow,
    TimelineEvent,
};
pub mod authorize;

pub use authorize::{prepare_authorization, Endpoints, FirstMessage, PreparedAuthorization};
pub mod client_credentials;
pub mod introspection;
pub mod revocation;
pub mod token_reference;

pub use client_credentials::run_client_credentials;
pub use introspection::{introspect, process_introspection_response, IntrospectionRequest, IntrospectionResponse};
pub use revocation::{process_revocation_response, revoke, RevocationRequest};
pub use token_reference::TokenReference;
