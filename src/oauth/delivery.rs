//! How an authorization request reaches the server: the four deliveries and the URLs and
//! PAR bodies each one produces (RFC 6749 §4.1.1, RFC 9101 §5, RFC 9126 §2 and §4).

use serde::{Deserialize, Serialize};

use super::error::ClientError;
use super::request::AuthorizationRequest;
use super::request_object::OuterParams;
use crate::protocol::{append_to_url, param};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// Every parameter in the authorize URL's query.
    #[default]
    Plain,
    /// JAR by value: `client_id` + `request` (+ `response_type`/`scope` for OIDC).
    Jar,
    /// PAR with the parameters in the form body.
    Par,
    /// PAR with a signed `request` in the form body.
    ParJar,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [Delivery::Plain, Delivery::Jar, Delivery::Par, Delivery::ParJar];

    pub fn uses_par(self) -> bool {
        matches!(self, Delivery::Par | Delivery::ParJar)
    }

    pub fn uses_request_object(self) -> bool {
        matches!(self, Delivery::Jar | Delivery::ParJar)
    }

    pub fn name(self) -> &'static str {
        match self {
            Delivery::Plain => "plain",
            Delivery::Jar => "jar",
            Delivery::Par => "par",
            Delivery::ParJar => "par+jar",
        }
    }
}

fn refuse_request_params(request: &AuthorizationRequest) -> Result<(), ClientError> {
    for (name, _) in &request.extra {
        if name == param::REQUEST || name == param::REQUEST_URI {
            return Err(ClientError::config(
                "request.reserved_parameter",
                format!("\"{name}\" is set by the delivery, not as an extra parameter"),
            ));
        }
    }
    Ok(())
}

/// Plain delivery: every parameter in the query (RFC 6749 §4.1.1).
pub fn plain_authorization_url(endpoint: &str, request: &AuthorizationRequest) -> Result<String, ClientError> {
    refuse_request_params(request)?;
    let pairs = request.form_pairs();
    Ok(append_to_url(
        endpoint,
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        false,
    ))
}

/// JAR by value (RFC 9101 §5.1): `client_id` (RFC 9101 §5: "MUST" be present, identical to the
/// claim) and `request`, plus `response_type` and `scope` when `outer` says so (OIDC Core
/// §6.1: they "MUST" also be OAuth parameters).
pub fn jar_authorization_url(
    endpoint: &str,
    request: &AuthorizationRequest,
    request_object: &str,
    outer: OuterParams,
) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![(param::CLIENT_ID, request.client_id.as_str())];
    let repeat = match outer {
        OuterParams::Always => true,
        OuterParams::Never => false,
        OuterParams::WhenOpenId => request.is_openid(),
    };
    if repeat {
        pairs.push((param::RESPONSE_TYPE, request.response_type.as_str()));
        if let Some(scope) = &request.scope {
            pairs.push((param::SCOPE, scope.as_str()));
        }
    }
    pairs.push((param::REQUEST, request_object));
    append_to_url(endpoint, pairs, false)
}

/// The PAR form parameters (RFC 9126 §2.1): every parameter for [`Delivery::Par`];
/// `client_id` + `request` for [`Delivery::ParJar`]. Never a `request_uri`.
pub fn par_parameters(
    request: &AuthorizationRequest,
    request_object: Option<&str>,
) -> Result<Vec<(String, String)>, ClientError> {
    refuse_request_params(request)?;
    Ok(match request_object {
        None => request.form_pairs(),
        Some(jwt) => vec![
            (param::CLIENT_ID.into(), request.client_id.clone()),
            (param::REQUEST.into(), jwt.to_string()),
        ],
    })
}

/// RFC 9126 §4: after PAR the authorize URL carries only `client_id` and `request_uri`.
pub fn par_authorization_url(endpoint: &str, client_id: &str, request_uri: &str) -> String {
    append_to_url(
        endpoint,
        [(param::CLIENT_ID, client_id), (param::REQUEST_URI, request_uri)],
        false,
    )
}
