//! The pre-flight linter: checks a [`Config`] against the server's metadata, the target's
//! known facts and the specifications before anything is sent. Each [`Finding`] has a
//! stable code, a severity, one line of explanation, the clause or vendor fact behind it and,
//! where one exists, a [`Fix`] the UI applies in one click.

use serde::Serialize;

use super::config::Config;
use super::delivery::Delivery;
use super::discovery::ServerMetadata;
use super::pkce::{Pkce, PkceMethod};
use super::request_object::{AllowShortHmac, Audience, TypHeader, DEFAULT_LIFETIME};
use crate::jose::Algorithm;
use crate::protocol::{auth_method, response_mode, UrlParts};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A one-click change to the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fix", rename_all = "snake_case")]
pub enum Fix {
    SetResponseMode {
        response_mode: Option<String>,
    },
    SetRequestObjectAlg {
        alg: &'static str,
    },
    AllowShortHmacKeys,
    SetAudienceToIssuer,
    SetTypToRequestObject,
    IncludeJti,
    IncludeNbf,
    IncludeExp,
    SetLifetime {
        seconds: i64,
    },
    SetDelivery {
        delivery: Delivery,
    },
    UseHttpsRedirect {
        redirect_uri: String,
    },
    AddOpenidScope,
    SetResponseType {
        response_type: String,
    },
    UsePkceS256,
    /// Request-object encryption (RFC 9101 §4): this `alg` and `enc`, or off (`alg: None`).
    SetRequestObjectEncryption {
        alg: Option<&'static str>,
        enc: Option<&'static str>,
    },
    /// `token_endpoint_auth_method` and the assertion alg together (FAPI 2.0: private_key_jwt
    /// with PS256, ES256 or EdDSA).
    SetAuthMethod {
        auth_method: &'static str,
        alg: &'static str,
    },
}

impl Fix {
    /// Applies the change.
    pub fn apply(&self, config: &mut Config) {
        match self {
            Fix::SetResponseMode { response_mode } => config.request.response_mode = response_mode.clone(),
            Fix::SetRequestObjectAlg { alg } => config.request_object_alg = Algorithm::from_name(alg).ok(),
            Fix::AllowShortHmacKeys => config.request_object.short_hmac_keys = AllowShortHmac::Allow,
            Fix::SetAudienceToIssuer => config.request_object.audience = Audience::Issuer,
            Fix::SetTypToRequestObject => config.request_object.typ = TypHeader::OauthAuthzReqJwt,
            Fix::IncludeJti => config.request_object.include_jti = true,
            Fix::IncludeNbf => config.request_object.include_nbf = true,
            Fix::IncludeExp => config.request_object.include_exp = true,
            Fix::SetLifetime { seconds } => config.request_object.lifetime = *seconds,
            Fix::SetDelivery { delivery } => config.delivery = *delivery,
            Fix::UseHttpsRedirect { redirect_uri } => config.request.redirect_uri = Some(redirect_uri.clone()),
            Fix::AddOpenidScope => {
                let scope = config.request.scope.take().unwrap_or_default();
                config.request.scope = Some(format!("openid {scope}").trim().to_string());
            }
            Fix::SetResponseType { response_type } => config.request.response_type = response_type.clone(),
            Fix::SetAuthMethod { auth_method, alg } => {
                config.auth_method = (*auth_method).to_string();
                if let Ok(alg) = Algorithm::from_name(alg) {
                    config.assertion_alg = alg;
                }
            }
            Fix::SetRequestObjectEncryption { alg, enc } => {
                config.encryption.request_object =
                    super::encryption::JweChoice::from_names(alg.unwrap_or_default(), enc.unwrap_or_default())
                        .ok()
                        .flatten();
            }
            Fix::UsePkceS256 => {
                config.request.pkce = Some(Pkce {
                    method: PkceMethod::S256,
                    verifier: None,
                })
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The clause or vendor fact behind the rule.
    pub reference: &'static str,
    pub fix: Option<Fix>,
}

/// What the linter knows of the target beyond its metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintHints {
    /// Force the PingOne rules on or off; `None` recognises PingOne by the issuer's host.
    pub pingone: Option<bool>,
    /// The longest request-object lifetime the server accepts (`exp − iat`); default 300 s.
    pub max_request_object_lifetime: Option<i64>,
    /// The server requires signed request objects even if its metadata does not say so.
    pub require_signed_request_object: bool,
    /// The target follows a FAPI 2.0 profile: its rule set (`lint_fapi2.rs`) applies too.
    pub fapi2: Option<super::lint_fapi2::Fapi2Profile>,
    /// The server's JWKS when it is known (the flow has fetched it): a request object to be
    /// encrypted needs a key with use enc there.
    pub server_jwks: Option<crate::jose::Jwks>,
}

const PINGONE_HOSTS: [&str; 5] = [
    "auth.pingone.com",
    "auth.pingone.eu",
    "auth.pingone.ca",
    "auth.pingone.asia",
    "auth.pingone.com.au",
];

/// Whether the issuer is a PingOne environment (`https://auth.pingone.{com,eu,ca,asia,com.au}/…`).
pub fn is_pingone_issuer(issuer: &str) -> bool {
    UrlParts::split(issuer).is_some_and(|u| {
        let host = u
            .authority
            .rsplit('@')
            .next()
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("");
        PINGONE_HOSTS.iter().any(|h| host.eq_ignore_ascii_case(h))
    })
}

fn is_loopback(host: &str) -> bool {
    let host = host.rsplit('@').next().unwrap_or(host);
    let name = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    name == "localhost" || name.starts_with("127.") || name == "[::1]"
}

pub fn lint(config: &Config, metadata: Option<&ServerMetadata>, hints: &LintHints) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |code, severity, message: String, reference, fix| {
        out.push(Finding {
            code,
            severity,
            message,
            reference,
            fix,
        })
    };
    let request = &config.request;
    let mode = request.response_mode.as_deref();
    let jar = config.delivery.uses_request_object();

    // PingOne has no JARM.
    let pingone = hints.pingone.unwrap_or_else(|| is_pingone_issuer(&config.issuer));
    if let (true, Some(m)) = (pingone, mode) {
        if response_mode::JARM.contains(&m) {
            let plain = m.strip_suffix(".jwt").map(str::to_string);
            add(
                "lint.pingone_jarm",
                Severity::Error,
                format!("PingOne does not support JARM; response_mode={m} will be refused"),
                "PingOne docs: response modes are query, fragment, form_post and pi.flow (no JARM)",
                Some(Fix::SetResponseMode { response_mode: plain }),
            );
        }
    }

    // Request-object checks apply only when a request object is sent.
    if jar {
        match config.request_object_alg {
            Some(alg) => {
                if let Some(md) = metadata {
                    if md.request_object_signing_alg_values_supported.is_some()
                        && !md.lists_request_object_alg(alg.name())
                    {
                        let first = md.defaults().request_object_alg;
                        add(
                            "lint.alg_not_supported",
                            Severity::Error,
                            format!(
                                "the server does not list {} in request_object_signing_alg_values_supported",
                                alg.name()
                            ),
                            "RFC 9101 §4 / OIDC Discovery §3 request_object_signing_alg_values_supported",
                            first.map(|a| Fix::SetRequestObjectAlg { alg: a.name() }),
                        );
                    }
                }
                if let (Some(min), Some(secret)) = (alg.min_hmac_key_bytes(), &config.client_secret) {
                    let len = secret.expose().len();
                    if len < min && config.request_object.short_hmac_keys == AllowShortHmac::Refuse {
                        let fitting = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512]
                            .into_iter()
                            .rev()
                            .find(|a| a.min_hmac_key_bytes().is_some_and(|m| m <= len));
                        add(
                            "lint.hmac_secret_short",
                            Severity::Error,
                            format!("the client secret has {len} bytes; {} needs at least {min}", alg.name()),
                            "RFC 7518 §3.2: a key of the same size as the hash output or larger MUST be used",
                            Some(match fitting {
                                Some(a) => Fix::SetRequestObjectAlg { alg: a.name() },
                                None => Fix::AllowShortHmacKeys,
                            }),
                        );
                    }
                }
            }
            None => {
                let required =
                    hints.require_signed_request_object || metadata.is_some_and(|m| m.signed_request_required());
                if required {
                    let alg = metadata
                        .and_then(|m| m.defaults().request_object_alg)
                        .unwrap_or(Algorithm::RS256);
                    add(
                        "lint.signed_request_required",
                        Severity::Error,
                        "the server requires signed request objects and this one is unsigned (alg none)".into(),
                        "RFC 9101 §10.5 require_signed_request_object; PingOne \"Require signed request parameters\"",
                        Some(Fix::SetRequestObjectAlg { alg: alg.name() }),
                    );
                } else {
                    add(
                        "lint.unsigned_request_object",
                        Severity::Warning,
                        "the request object is unsigned (alg none): anyone can alter it".into(),
                        "RFC 9101 §5 (signed only; OIDC Core §6.1 allows none); RFC 8725 §3.1",
                        None,
                    );
                }
            }
        }
        let aud_is_issuer = match &config.request_object.audience {
            Audience::Issuer => true,
            Audience::Custom(a) => *a == config.issuer,
            Audience::AuthorizationEndpoint | Audience::Omit => false,
        };
        if !aud_is_issuer {
            add(
                "lint.aud_not_issuer",
                Severity::Warning,
                "the request object's aud is not the issuer identifier".into(),
                "RFC 9101 §4: the aud value should be the issuer identifier of the authorization server",
                Some(Fix::SetAudienceToIssuer),
            );
        }
        if config.request_object.typ != TypHeader::OauthAuthzReqJwt {
            add(
                "lint.typ_not_jar",
                Severity::Warning,
                "the request object's typ is not oauth-authz-req+jwt".into(),
                "RFC 9101 §4 and §10.8: explicit typing with oauth-authz-req+jwt",
                Some(Fix::SetTypToRequestObject),
            );
        }
        if !config.request_object.include_jti {
            add(
                "lint.jti_missing",
                Severity::Warning,
                "no jti: hardened servers use it for replay protection and reject its absence".into(),
                "RFC 7519 §4.1.7; design brief (hardened profile: jti replay protection)",
                Some(Fix::IncludeJti),
            );
        }
        if !config.request_object.include_nbf {
            add(
                "lint.nbf_missing",
                Severity::Warning,
                "no nbf: FAPI-style servers require it".into(),
                "FAPI 1.0 Advanced §5.2.2 (nbf no longer than 60 minutes in the past)",
                Some(Fix::IncludeNbf),
            );
        }
        let max = hints.max_request_object_lifetime.unwrap_or(DEFAULT_LIFETIME);
        if !config.request_object.include_exp {
            add(
                "lint.exp_missing",
                Severity::Error,
                "no exp: the request object never expires, and most servers reject that".into(),
                "RFC 7519 §4.1.4; FAPI 1.0 Advanced §5.2.2 (exp required)",
                Some(Fix::IncludeExp),
            );
        } else if config.request_object.lifetime > max {
            add(
                "lint.exp_too_far",
                Severity::Error,
                format!(
                    "exp is {} s after iat; the server accepts at most {max} s",
                    config.request_object.lifetime
                ),
                "FAPI 1.0 Advanced §5.2.2 (at most 60 minutes after nbf); server's request-object max lifetime",
                Some(Fix::SetLifetime { seconds: max }),
            );
        }
    }

    if let Some(md) = metadata {
        if md.par_required() && !config.delivery.uses_par() {
            let delivery = if jar { Delivery::ParJar } else { Delivery::Par };
            add(
                "lint.par_required",
                Severity::Error,
                "the server requires pushed authorization requests and PAR is off".into(),
                "RFC 9126 §5 require_pushed_authorization_requests",
                Some(Fix::SetDelivery { delivery }),
            );
        }
        if config.delivery.uses_par() && md.pushed_authorization_request_endpoint.is_none() {
            add(
                "lint.par_unavailable",
                Severity::Error,
                "PAR is on but the server has no pushed_authorization_request_endpoint".into(),
                "RFC 9126 §5",
                Some(Fix::SetDelivery {
                    delivery: if jar { Delivery::Jar } else { Delivery::Plain },
                }),
            );
        }
        // No warning for PAR when `request_uri_parameter_supported` is false: RFC 9126 §5 makes
        // a request_uri from the PAR endpoint usable regardless of that metadata (it is about
        // request objects by reference, RFC 9101 §5.2). oidc-provider publishes exactly that.
        if config.delivery == Delivery::Jar && !md.request_supported() {
            add(
                "lint.request_unsupported",
                Severity::Error,
                "the server does not accept request objects by value (request_parameter_supported is false or absent)"
                    .into(),
                "OIDC Discovery §3 request_parameter_supported (default false)",
                Some(Fix::SetDelivery {
                    delivery: if md.pushed_authorization_request_endpoint.is_some() {
                        Delivery::ParJar
                    } else {
                        Delivery::Plain
                    },
                }),
            );
        }
        if md.signed_request_required() && !jar {
            add(
                "lint.signed_request_required",
                Severity::Error,
                "the server requires a signed request object and the delivery sends none".into(),
                "RFC 9101 §10.5 require_signed_request_object",
                Some(Fix::SetDelivery {
                    delivery: if config.delivery.uses_par() {
                        Delivery::ParJar
                    } else {
                        Delivery::Jar
                    },
                }),
            );
        }
        if let (Some(m), Some(modes)) = (mode, &md.response_modes_supported) {
            // On PingOne a JWT mode is already lint.pingone_jarm.
            let listed = modes.iter().any(|x| x == m);
            let reported = pingone && response_mode::JARM.contains(&m);
            if !listed && !reported {
                add(
                    "lint.response_mode_unsupported",
                    Severity::Error,
                    format!("the server does not list response_mode {m}"),
                    "OIDC Discovery §3 response_modes_supported",
                    Some(Fix::SetResponseMode { response_mode: None }),
                );
            }
        }
    } else if hints.require_signed_request_object && !jar {
        add(
            "lint.signed_request_required",
            Severity::Error,
            "the server requires a signed request object and the delivery sends none".into(),
            "PingOne \"Require signed request parameters\"",
            Some(Fix::SetDelivery {
                delivery: if config.delivery.uses_par() {
                    Delivery::ParJar
                } else {
                    Delivery::Jar
                },
            }),
        );
    }

    if let Some(uri) = &request.redirect_uri {
        if let Some(parts) = UrlParts::split(uri) {
            if parts.scheme.eq_ignore_ascii_case("http") && !is_loopback(parts.authority) {
                add(
                    "lint.redirect_not_https",
                    Severity::Error,
                    format!("redirect URI {uri} is plain http outside loopback"),
                    "RFC 9700 §2.6 / RFC 6749 §3.1.2.1 (TLS); RFC 8252 §7.3 allows http only for loopback",
                    Some(Fix::UseHttpsRedirect {
                        redirect_uri: format!("https{}", uri.get(4..).unwrap_or_default()),
                    }),
                );
            }
        }
    }

    let types = request.response_types();
    if types.contains(&"id_token") && !request.is_openid() {
        add(
            "lint.openid_missing",
            Severity::Error,
            "response_type asks for an id_token but scope lacks openid".into(),
            "OIDC Core §3.1.2.1 / §3.2.2.1 / §3.3.2.1: scope MUST contain openid",
            Some(Fix::AddOpenidScope),
        );
    }
    let hybrid_code_token = request.is_openid() && types.contains(&"code") && types.contains(&"token");
    if (types.contains(&"id_token") || hybrid_code_token) && request.nonce.is_none() {
        add(
            "lint.nonce_missing",
            Severity::Error,
            "implicit and hybrid flows (code token included) need a nonce (regenerate it)".into(),
            "OIDC Core §3.2.2.1 and §3.3.2.11: nonce is REQUIRED in implicit and hybrid flows",
            None,
        );
    }
    let implicit = !types.contains(&"code") && (types.contains(&"token") || types.contains(&"id_token"));
    if types.contains(&"token") || implicit {
        add(
            "lint.implicit_flow",
            Severity::Warning,
            "tokens in the front channel leak through history, referrers and logs and cannot be sender-constrained; use code".into(),
            "RFC 9700 §2.1.2: the implicit grant SHOULD NOT be used",
            Some(Fix::SetResponseType {
                response_type: "code".into(),
            }),
        );
    }
    if types.contains(&"code") {
        match &request.pkce {
            None => add(
                "lint.pkce_missing",
                Severity::Warning,
                "code flow without PKCE".into(),
                "RFC 9700 §2.1.1: public clients MUST use PKCE; for confidential clients it is RECOMMENDED",
                Some(Fix::UsePkceS256),
            ),
            Some(p) if p.method == PkceMethod::Plain => add(
                "lint.pkce_plain",
                Severity::Warning,
                "PKCE plain does not protect against a leaked authorization request".into(),
                "RFC 7636 §4.2 and §7.2: S256 is mandatory to implement; plain only when S256 is impossible",
                Some(Fix::UsePkceS256),
            ),
            Some(_) => {}
        }
    }
    if config.auth_method == auth_method::CLIENT_SECRET_JWT {
        if let (Some(min), Some(secret)) = (config.assertion_alg.min_hmac_key_bytes(), &config.client_secret) {
            if secret.expose().len() < min {
                add(
                    "lint.hmac_secret_short",
                    Severity::Error,
                    format!(
                        "the client secret has {} bytes; {} client assertions need at least {min}",
                        secret.expose().len(),
                        config.assertion_alg.name()
                    ),
                    "RFC 7518 §3.2",
                    None,
                );
            }
        }
    }
    // RFC 9449 §5.1: a proof in an alg the server does not list is refused (invalid_dpop_proof,
    // §4.3 point 5) at the first request that carries one. A server that lists none says
    // nothing about DPoP, so that is not held against the key.
    if let (Some(key), Some(listed)) = (
        &config.dpop,
        metadata.and_then(|md| md.dpop_signing_alg_values_supported.as_ref()),
    ) {
        if !listed.iter().any(|a| a == key.alg().name()) {
            add(
                "lint.dpop_alg_not_supported",
                Severity::Error,
                format!(
                    "the server takes DPoP proofs in {} only, and the DPoP key signs {}: choose or generate a key of a listed alg",
                    listed.join(", "),
                    key.alg().name()
                ),
                "RFC 9449 §5.1 dpop_signing_alg_values_supported; §4.3 point 5",
                None,
            );
        }
    }
    out.extend(super::lint_jwe::findings(config, metadata, hints));
    if let Some(profile) = hints.fapi2 {
        out.extend(super::lint_fapi2::findings(config, profile));
    }
    out
}
