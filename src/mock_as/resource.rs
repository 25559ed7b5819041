//! Resource indicators (RFC 8707): the `resource` values of an authorization, PAR, token or
//! client credentials request, checked against the server's `resources` setting and, at the
//! token endpoint, against what the grant covers. They become the access token's `aud`.

use super::checks::{Check, Failure};
use super::settings::{resource_indicator_problem, ServerSettings};

/// The resources a request indicates (`value` is the space-joined `resource` parameters, see
/// `params_from_pairs`), each an absolute URI without a fragment (RFC 8707 §2) that this
/// server knows ("invalid_target"); with `granted`, each must also be one the authorization
/// grant covers (§2.2: a token request may narrow the grant, not widen it).
pub(super) fn check_resources(
    settings: &ServerSettings,
    value: Option<&String>,
    granted: Option<&[String]>,
) -> Result<Vec<String>, Failure> {
    let mut resources: Vec<String> = Vec::new();
    for resource in value.map(|v| v.split(' ')).into_iter().flatten() {
        if let Err(why) = resource_indicator_problem(resource) {
            return Err(Failure::new(
                Check::ResourceInvalidUri,
                "an absolute URI without a fragment",
                format!("\"{resource}\" {why}"),
            ));
        }
        if !settings.resources.iter().any(|known| known == resource) {
            return Err(Failure::new(
                Check::ResourceUnknown,
                format!("one of [{}]", settings.resources.join(", ")),
                resource,
            ));
        }
        if let Some(granted) = granted.filter(|g| !g.is_empty()) {
            if !granted.iter().any(|g| g == resource) {
                return Err(Failure::new(
                    Check::ResourceNotAuthorized,
                    format!("one of the authorized [{}]", granted.join(", ")),
                    resource,
                ));
            }
        }
        if !resources.iter().any(|r| r == resource) {
            resources.push(resource.to_string());
        }
    }
    Ok(resources)
}

/// RFC 9068 §3: without a `resource`, the token's `aud` is "a default resource indicator";
/// here the issuer, whose own API (userinfo) every token may call.
pub(super) fn audience(settings: &ServerSettings, resources: &[String]) -> Vec<String> {
    if resources.is_empty() {
        vec![settings.issuer.clone()]
    } else {
        resources.to_vec()
    }
}

/// RFC 7519 §4.1.3 (and RFC 7662 §2.2): one audience as a string, several as an array.
pub(super) fn audience_claim(aud: &[String]) -> serde_json::Value {
    match aud {
        [one] => serde_json::Value::from(one.clone()),
        many => serde_json::Value::from(many.to_vec()),
    }
}
