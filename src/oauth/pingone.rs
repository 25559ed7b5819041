//! PingOne environments: a region and an environment id name every endpoint and the issuer
//! (PingOne platform API docs, "Authentication endpoints"), so a QA engineer needs only
//! those two values to aim the playground at a real environment.

use serde_json::{Map, Value};

use super::discovery::ServerMetadata;
use super::error::ClientError;

/// The regions PingOne serves, each with its own top-level domain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PingOneRegion {
    #[default]
    NorthAmerica,
    Europe,
    Canada,
    AsiaPacific,
    Australia,
}

impl PingOneRegion {
    pub const ALL: [PingOneRegion; 5] = [
        PingOneRegion::NorthAmerica,
        PingOneRegion::Europe,
        PingOneRegion::Canada,
        PingOneRegion::AsiaPacific,
        PingOneRegion::Australia,
    ];

    /// The domain suffix after `auth.pingone.`.
    pub fn domain(self) -> &'static str {
        match self {
            PingOneRegion::NorthAmerica => "com",
            PingOneRegion::Europe => "eu",
            PingOneRegion::Canada => "ca",
            PingOneRegion::AsiaPacific => "asia",
            PingOneRegion::Australia => "com.au",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PingOneRegion::NorthAmerica => "North America (auth.pingone.com)",
            PingOneRegion::Europe => "Europe (auth.pingone.eu)",
            PingOneRegion::Canada => "Canada (auth.pingone.ca)",
            PingOneRegion::AsiaPacific => "Asia-Pacific (auth.pingone.asia)",
            PingOneRegion::Australia => "Australia (auth.pingone.com.au)",
        }
    }

    pub fn from_domain(domain: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.domain() == domain)
    }
}

/// Checks that `id` is an environment id: a UUID in its 8-4-4-4-12 hexadecimal form, which is
/// how PingOne names environments. Returns it trimmed and lower-cased.
pub fn environment_id(id: &str) -> Result<String, ClientError> {
    let id = id.trim();
    let groups: Vec<&str> = id.split('-').collect();
    let shaped = groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()));
    if shaped {
        Ok(id.to_ascii_lowercase())
    } else {
        Err(ClientError::invalid(
            "pingone.environment_id",
            format!(
                "\"{id}\" is not an environment id: PingOne shows it as a UUID such as \
                 0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978 (Environment → Properties)"
            ),
        ))
    }
}

/// The issuer identifier: `https://auth.pingone.{domain}/{envId}/as`.
pub fn issuer(region: PingOneRegion, environment: &str) -> Result<String, ClientError> {
    Ok(format!(
        "https://auth.pingone.{}/{}/as",
        region.domain(),
        environment_id(environment)?
    ))
}

/// The metadata the environment's endpoints imply, for running without a discovery request
/// (which a browser can be refused by CORS). The facts beyond the endpoints are PingOne's
/// documented ones: the four response modes without JARM, request objects signed with the
/// client secret (HS*) or an external RSA key (RS*), PKCE S256 and plain.
pub fn metadata(region: PingOneRegion, environment: &str) -> Result<ServerMetadata, ClientError> {
    let issuer = issuer(region, environment)?;
    let endpoint = |path: &str| Some(format!("{issuer}/{path}"));
    let list = |items: &[&str]| Some(items.iter().map(|s| s.to_string()).collect());
    let mut extra = Map::new();
    extra.insert(
        "playground_note".into(),
        Value::String(
            "built from the PingOne region and environment id, not fetched; \
             fetch the discovery document to see this environment's own"
                .into(),
        ),
    );
    Ok(ServerMetadata {
        authorization_endpoint: endpoint("authorize"),
        pushed_authorization_request_endpoint: endpoint("par"),
        token_endpoint: endpoint("token"),
        userinfo_endpoint: endpoint("userinfo"),
        jwks_uri: endpoint("jwks"),
        end_session_endpoint: endpoint("signoff"),
        introspection_endpoint: endpoint("introspect"),
        revocation_endpoint: endpoint("revoke"),
        request_parameter_supported: Some(true),
        request_object_signing_alg_values_supported: list(&["HS256", "HS384", "HS512", "RS256", "RS384", "RS512"]),
        response_types_supported: list(&[
            "code",
            "id_token",
            "token id_token",
            "code id_token",
            "code token",
            "code token id_token",
        ]),
        response_modes_supported: list(&["query", "fragment", "form_post", "pi.flow"]),
        code_challenge_methods_supported: list(&["plain", "S256"]),
        id_token_signing_alg_values_supported: list(&["RS256"]),
        token_endpoint_auth_methods_supported: list(&[
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
            "private_key_jwt",
            "none",
        ]),
        issuer,
        extra,
        ..ServerMetadata::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &str = "0A7AF9B6-4C3D-4B5A-8E1F-2D3C4B5A6978";

    #[test]
    fn every_region_names_its_endpoints_and_issuer() {
        let m = metadata(PingOneRegion::Europe, ENV).expect("a valid id");
        assert_eq!(
            m.issuer,
            "https://auth.pingone.eu/0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978/as"
        );
        assert_eq!(
            m.pushed_authorization_request_endpoint.as_deref(),
            Some("https://auth.pingone.eu/0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978/as/par")
        );
        for region in PingOneRegion::ALL {
            let m = metadata(region, ENV).expect("a valid id");
            assert!(super::super::lint::is_pingone_issuer(&m.issuer), "{}", m.issuer);
            assert_eq!(PingOneRegion::from_domain(region.domain()), Some(region));
            assert!(!m.response_modes_supported.iter().flatten().any(|m| m.contains("jwt")));
        }
    }

    #[test]
    fn an_environment_id_must_be_a_uuid() {
        for bad in [
            "",
            "abc",
            "0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a697",
            "0a7af9b6/4c3d-4b5a-8e1f-2d3c4b5a6978",
            "0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a697z",
            "../../x",
        ] {
            let e = environment_id(bad).expect_err(bad);
            assert_eq!(e.code(), "pingone.environment_id");
        }
        assert_eq!(
            environment_id(" 0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978 ").ok().as_deref(),
            Some("0a7af9b6-4c3d-4b5a-8e1f-2d3c4b5a6978")
        );
    }
}
