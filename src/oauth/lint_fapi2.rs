//! The FAPI 2.0 rule set of the pre-flight linter: what a client must do before a FAPI 2.0
//! server (Security Profile, or Message Signing on top of it) will accept its requests. Each
//! rule names its clause; where the configuration alone can satisfy it, a one-click [`Fix`].

use serde::Serialize;

use super::config::Config;
use super::delivery::Delivery;
use super::lint::{Finding, Fix, Severity};
use super::pkce::PkceMethod;
use crate::jose::Algorithm;
use crate::protocol::{auth_method, response_mode};

/// Which FAPI 2.0 profile the target follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fapi2Profile {
    /// FAPI 2.0 Security Profile.
    Security,
    /// FAPI 2.0 Message Signing: the Security Profile plus signed requests and JARM.
    MessageSigning,
}

/// FAPI 2.0 Security Profile §5.4.1: the only signing algorithms (EdDSA with Ed25519).
pub const ALGS: [Algorithm; 3] = [Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA];

/// The alg a one-click fix picks for one signature: `other`, the alg of the other signature
/// the client makes, when FAPI 2.0 allows it (the key manager has one signing key for request
/// objects and client assertions, so two families would need two keys); else one the client
/// key fits; else ES256, the cheapest of the three to generate and sign with.
fn preferred(config: &Config, other: Option<Algorithm>) -> Algorithm {
    other
        .filter(|a| ALGS.contains(a))
        .or_else(|| {
            let key = config.client_key.as_ref()?;
            ALGS.into_iter().find(|a| key.fits(*a))
        })
        .unwrap_or(Algorithm::ES256)
}

fn finding(code: &'static str, message: impl Into<String>, reference: &'static str, fix: Option<Fix>) -> Finding {
    Finding {
        code,
        severity: Severity::Error,
        message: message.into(),
        reference,
        fix,
    }
}

/// The FAPI 2.0 findings for `config`, in the order a request meets them.
pub fn findings(config: &Config, profile: Fapi2Profile) -> Vec<Finding> {
    let mut out = Vec::new();
    let signing = profile == Fapi2Profile::MessageSigning;
    let request = &config.request;
    let object_alg = config
        .delivery
        .uses_request_object()
        .then_some(config.request_object_alg)
        .flatten();
    let assertion_alg = (config.auth_method == auth_method::PRIVATE_KEY_JWT).then_some(config.assertion_alg);
    if !config.delivery.uses_par() || (signing && config.delivery != Delivery::ParJar) {
        let delivery = if signing { Delivery::ParJar } else { Delivery::Par };
        out.push(finding(
            "lint.fapi2_par_required",
            if signing {
                "FAPI 2.0 Message Signing: the authorization request must be a signed request object pushed with PAR"
            } else {
                "FAPI 2.0: authorization requests must be pushed (PAR); the server refuses any other"
            },
            if signing {
                "FAPI 2.0 Message Signing §5.3 (signed request objects, through PAR); FAPI 2.0 Security Profile §5.3.2.2"
            } else {
                "FAPI 2.0 Security Profile §5.3.2.2: the authorization server shall require PAR"
            },
            Some(Fix::SetDelivery { delivery }),
        ));
    }
    if request.response_type != "code" {
        out.push(finding(
            "lint.fapi2_response_type",
            format!(
                "FAPI 2.0 allows response_type=code only, not \"{}\"",
                request.response_type
            ),
            "FAPI 2.0 Security Profile §5.3.2.2: response_type code only",
            Some(Fix::SetResponseType {
                response_type: "code".into(),
            }),
        ));
    }
    if request.pkce.as_ref().is_none_or(|p| p.method != PkceMethod::S256) {
        out.push(finding(
            "lint.fapi2_pkce_s256",
            "FAPI 2.0 requires PKCE with S256",
            "FAPI 2.0 Security Profile §5.3.2.2: PKCE with S256 required",
            Some(Fix::UsePkceS256),
        ));
    }
    if config.auth_method != auth_method::PRIVATE_KEY_JWT {
        out.push(finding(
            "lint.fapi2_client_auth",
            format!(
                "FAPI 2.0 clients authenticate with private_key_jwt (or MTLS), not {}",
                config.auth_method
            ),
            "FAPI 2.0 Security Profile §5.3.2.1: client authentication by private_key_jwt or MTLS only",
            Some(Fix::SetAuthMethod {
                auth_method: auth_method::PRIVATE_KEY_JWT,
                alg: preferred(config, object_alg).name(),
            }),
        ));
    } else if !ALGS.contains(&config.assertion_alg) {
        out.push(finding(
            "lint.fapi2_alg",
            format!(
                "{} client assertions: FAPI 2.0 allows PS256, ES256 and EdDSA only",
                config.assertion_alg.name()
            ),
            "FAPI 2.0 Security Profile §5.4.1: PS256, ES256 or EdDSA (Ed25519)",
            Some(Fix::SetAuthMethod {
                auth_method: auth_method::PRIVATE_KEY_JWT,
                alg: preferred(config, object_alg).name(),
            }),
        ));
    }
    if config.delivery.uses_request_object() {
        match config.request_object_alg {
            Some(alg) if ALGS.contains(&alg) => {}
            Some(alg) => out.push(finding(
                "lint.fapi2_request_object_alg",
                format!(
                    "{} request objects: FAPI 2.0 allows PS256, ES256 and EdDSA only",
                    alg.name()
                ),
                "FAPI 2.0 Security Profile §5.4.1: PS256, ES256 or EdDSA (Ed25519)",
                Some(Fix::SetRequestObjectAlg {
                    alg: preferred(config, assertion_alg).name(),
                }),
            )),
            None => out.push(finding(
                "lint.fapi2_request_object_alg",
                "an unsigned request object: FAPI 2.0 allows PS256, ES256 and EdDSA only",
                "FAPI 2.0 Security Profile §5.4.1; FAPI 2.0 Message Signing §5.3 (signed request objects)",
                Some(Fix::SetRequestObjectAlg {
                    alg: preferred(config, assertion_alg).name(),
                }),
            )),
        }
    }
    if config.dpop.is_none() {
        // No one-click fix: DPoP needs a key pair from the key manager.
        out.push(finding(
            "lint.fapi2_dpop_off",
            "FAPI 2.0 issues sender-constrained tokens only: turn DPoP on (Request step) with an asymmetric key",
            "FAPI 2.0 Security Profile §5.3.2.1: sender-constrained access tokens only (DPoP, RFC 9449, or MTLS)",
            None,
        ));
    } else if config.dpop.as_ref().is_some_and(|k| !ALGS.contains(&k.alg())) {
        out.push(finding(
            "lint.fapi2_dpop_alg",
            "the DPoP key's alg is not PS256, ES256 or EdDSA: choose another key",
            "FAPI 2.0 Security Profile §5.4.1: PS256, ES256 or EdDSA (Ed25519)",
            None,
        ));
    }
    let jarm = request
        .response_mode
        .as_deref()
        .is_some_and(|m| response_mode::JARM.contains(&m));
    if signing && !jarm {
        out.push(finding(
            "lint.fapi2_jarm_required",
            "FAPI 2.0 Message Signing: the authorization response must be signed (response_mode=jwt)",
            "FAPI 2.0 Message Signing §5.4 (JARM: signed authorization responses)",
            Some(Fix::SetResponseMode {
                response_mode: Some("jwt".into()),
            }),
        ));
    }
    out
}
