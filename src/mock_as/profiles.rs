//! Profiles: presets of [`ServerSettings`]. Every setting stays adjustable afterwards.

use super::settings::{AccessTokenFormat, ErrorFormat, ParMode, ProfileName, ServerSettings, TestUser};

fn algs(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The preset for `name`, with `issuer`.
pub fn preset(name: ProfileName, issuer: &str) -> ServerSettings {
    match name {
        ProfileName::Strict => strict(issuer),
        ProfileName::Hardened => hardened(issuer),
        ProfileName::PingOne => pingone(issuer),
        ProfileName::Lenient => lenient(issuer),
        ProfileName::Fapi2Security => fapi2_security(issuer),
        ProfileName::Fapi2MessageSigning => fapi2_message_signing(issuer),
    }
}

/// The JAR/JARM hardening of the MrWho OIDC roadmap.
pub fn hardened(issuer: &str) -> ServerSettings {
    ServerSettings {
        profile: ProfileName::Hardened,
        description: "Hardened: HS256/RS256 request objects, \
            exp ≤ 5 min, clock skew configurable, per-client alg allow-list, jti replay protection, \
            size limit, query/request-object mismatch rejected, response_mode=jwt (JARM). JWE: request objects may \
            be encrypted to the server's RSA or P-256 key or with the client-secret key (not required: \
            require_encrypted_request_object off); JARM, ID tokens and userinfo encrypted for clients that \
            register *_encrypted_response_alg (RSA-OAEP, RSA-OAEP-256, ECDH-ES(+A128KW/+A256KW), A128KW, \
            A256KW, dir × A128GCM, A256GCM, A128CBC-HS256, A256CBC-HS512; never RSA1_5)."
            .into(),
        issuer: issuer.to_string(),
        request_object_algs: algs(&["HS256", "RS256"]),
        request_parameter_supported: true,
        require_signed_request_object: false,
        allow_unsigned_request_object: false,
        par_mode: ParMode::Enabled,
        jar_only_via_par: false,
        require_request_object_typ: false,
        request_object_max_lifetime: 300,
        clock_skew: 30,
        require_exp: true,
        require_nbf: false,
        require_jti: true,
        jti_replay_protection: true,
        jti_cache_capacity: 10_000,
        request_object_max_bytes: 16 * 1024,
        reject_param_mismatch: true,
        accept_endpoint_as_audience: false,
        par_request_uri_lifetime: 60,
        par_body_max_bytes: 1_000_000,
        authorization_response_iss_parameter: true,
        jarm_enabled: true,
        jarm_lifetime: 300,
        pkce_required: true,
        pkce_plain_allowed: false,
        client_assertion_max_lifetime: 3600,
        error_format: ErrorFormat::OAuth,
        event_log_capacity: 1000,
        test_user: TestUser::default(),
        consent_step: false,
        access_token_format: AccessTokenFormat::Opaque,
        access_token_signing_alg: "RS256".into(),
        resources: vec!["https://api.example/".into(), "https://files.example/".into()],
        token_store_capacity: 10_000,
        // RFC 7591 §3: open registration unless the user sets a token.
        registration_initial_access_token: None,
        device_code_lifetime: 600,
        device_poll_interval: 5,
        signing_key_overlap: 3600,
        dpop_signing_algs: algs(&["ES256", "ES384", "PS256", "RS256", "EdDSA"]),
        dpop_proof_max_age: 300,
        dpop_nonce_required: false,
        dpop_nonce_lifetime: 300,
        response_types: algs(&crate::protocol::response_type::ALL),
        token_endpoint_auth_methods: algs(&crate::protocol::auth_method::ALL),
        client_assertion_algs: Vec::new(),
        require_dpop: false,
        authorization_code_max_lifetime: 0,
        require_jarm: false,
        encryption_algs: algs(&super::encryption::SUPPORTED_ENCRYPTION_ALGS),
        encryption_encs: algs(&super::encryption::SUPPORTED_ENCRYPTION_ENCS),
        require_encrypted_request_object: false,
    }
}

/// RFC 9101/9126, FAPI 2.0 style.
pub fn strict(issuer: &str) -> ServerSettings {
    ServerSettings {
        profile: ProfileName::Strict,
        description:
            "Strict (RFC 9101/9126, FAPI 2.0 style): request objects only through PAR, PAR required, \
            PS256/ES256 only, typ oauth-authz-req+jwt required, exp − nbf ≤ 60 min, nbf \
            and exp required, jti replay protection, S256 PKCE required, JWT access tokens (RFC 9068, PS256). \
            JWE with the server's or the client's public keys only (RSA-OAEP-256, ECDH-ES, ECDH-ES+A256KW; \
            A128GCM, A256GCM), encrypted request objects accepted, not required (require_encrypted_request_object off)."
                .into(),
        request_object_algs: algs(&["PS256", "ES256"]),
        require_signed_request_object: true,
        par_mode: ParMode::Required,
        jar_only_via_par: true,
        require_request_object_typ: true,
        request_object_max_lifetime: 3600,
        clock_skew: 10,
        require_nbf: true,
        // FAPI 2.0 style: access tokens a resource server can verify itself (RFC 9068),
        // signed with one of the two algs this profile allows.
        access_token_format: AccessTokenFormat::Jwt,
        access_token_signing_alg: "PS256".into(),
        // Asymmetric key management and AEAD content encryption only: no key derived from a
        // shared secret, no CBC-HMAC.
        encryption_algs: algs(&["RSA-OAEP-256", "ECDH-ES", "ECDH-ES+A256KW"]),
        encryption_encs: algs(&["A128GCM", "A256GCM"]),
        ..hardened(issuer)
    }
}

/// PingOne-compatible (see DESIGN.md "PingOne facts").
pub fn pingone(issuer: &str) -> ServerSettings {
    ServerSettings {
        profile: ProfileName::PingOne,
        description: "PingOne-compatible. Documented: requireSignedRequestObject / supportUnsignedRequestObject \
            (both true refused); request objects HS256/384/512 with the client secret, RS256/384/512 with an \
            external key; parRequirement REQUIRED/OPTIONAL, parTimeout 1–600 s (default 60), PAR bodies of \
            1 MB or more refused, each request_uri accepted once; response modes query, fragment, form_post \
            (pi.flow not emulated), no JARM; error envelope {id, code, message, details[{code, target, message}]} \
            with INVALID_DATA / INVALID_VALUE / target request when a required request object is missing; \
            private_key_jwt assertions refused when exp is more than 1 h ahead or nbf is in the future. \
            ASSUMPTIONS (not publicly documented): the envelope is used for every back-channel error and for \
            that one authorize error; the mapping of other errors to envelope codes; jti replay of request \
            objects; 300 s request-object lifetime; 60 s clock skew; query/request-object mismatch rejected; \
            the authorize endpoint URL accepted as request-object aud. No JWE (DESIGN.md's PingOne facts say \
            nothing about encryption, so none is emulated): no *_encryption_*_values_supported, no \
            encrypted request objects (require_encrypted_request_object off), *_encrypted_response_alg refused \
            at registration."
            .into(),
        request_object_algs: algs(&["HS256", "HS384", "HS512", "RS256", "RS384", "RS512"]),
        require_signed_request_object: false,
        allow_unsigned_request_object: false,
        par_mode: ParMode::Enabled,
        clock_skew: 60,
        require_jti: false,
        accept_endpoint_as_audience: true,
        jarm_enabled: false,
        pkce_required: false,
        pkce_plain_allowed: true,
        error_format: ErrorFormat::PingOne,
        encryption_algs: Vec::new(),
        encryption_encs: Vec::new(),
        ..hardened(issuer)
    }
}

/// FAPI 2.0 Security Profile §5.4.1: the only signing algs (Ed25519 for EdDSA).
const FAPI2_ALGS: [&str; 3] = ["PS256", "ES256", "EdDSA"];

/// FAPI 2.0 Security Profile (final). Each restriction is enforced by a check row: PAR
/// required (`par.required`), `response_type=code` only (`authorize.unsupported_response_type`),
/// S256 PKCE only (`authorize.pkce_missing`, `authorize.pkce_method_unsupported`),
/// `private_key_jwt` only (`client.auth_method_not_allowed`, `registration.auth_method_unsupported`),
/// PS256/ES256/EdDSA only (`client.assertion_alg_unsupported`, `jar.alg_not_allowed`,
/// `dpop.alg_not_allowed`), DPoP-bound tokens only (`dpop.proof_required`), codes valid at most
/// 60 s (`token.code_expired`); the RFC 9207 `iss` rides in every authorization response.
pub fn fapi2_security(issuer: &str) -> ServerSettings {
    ServerSettings {
        profile: ProfileName::Fapi2Security,
        description: "FAPI 2.0 Security Profile: PAR required (§5.3.2.2), response_type=code only, S256 PKCE \
            required, private_key_jwt only (§5.3.2.1; MTLS is not emulated), PS256/ES256/EdDSA only (§5.4.1), \
            sender-constrained access tokens: a DPoP proof at every token request (§5.3.2.1), codes valid at \
            most 60 s (§5.3.2.1), RFC 9207 iss in every authorization response, JWT access tokens (PS256). \
            No JWE: the profile does not use encryption, so none is offered (require_encrypted_request_object off)."
            .into(),
        request_object_algs: algs(&FAPI2_ALGS),
        par_mode: ParMode::Required,
        jar_only_via_par: true,
        clock_skew: 10,
        authorization_response_iss_parameter: true,
        pkce_required: true,
        pkce_plain_allowed: false,
        access_token_format: AccessTokenFormat::Jwt,
        access_token_signing_alg: "PS256".into(),
        dpop_signing_algs: algs(&FAPI2_ALGS),
        response_types: algs(&["code"]),
        token_endpoint_auth_methods: algs(&["private_key_jwt"]),
        client_assertion_algs: algs(&FAPI2_ALGS),
        require_dpop: true,
        authorization_code_max_lifetime: 60,
        encryption_algs: Vec::new(),
        encryption_encs: Vec::new(),
        ..hardened(issuer)
    }
}

/// FAPI 2.0 Message Signing: the Security Profile plus signed request objects inside the PAR
/// body (`jar.request_required`, `jar.unsigned_not_allowed`, typ and nbf required) and JARM
/// responses for every client (`jarm.required`).
pub fn fapi2_message_signing(issuer: &str) -> ServerSettings {
    ServerSettings {
        profile: ProfileName::Fapi2MessageSigning,
        description: "FAPI 2.0 Message Signing: everything of the FAPI 2.0 Security Profile, plus signed \
            request objects (PS256/ES256/EdDSA, typ oauth-authz-req+jwt, nbf and exp required, exp − nbf \
            ≤ 60 min) pushed through PAR, and JARM (response_mode jwt) for every authorization response. \
            No JWE (signed, not encrypted; require_encrypted_request_object off)."
            .into(),
        require_signed_request_object: true,
        allow_unsigned_request_object: false,
        require_request_object_typ: true,
        require_nbf: true,
        request_object_max_lifetime: 3600,
        jarm_enabled: true,
        require_jarm: true,
        ..fapi2_security(issuer)
    }
}

/// Accepts what most servers accept, for first experiments.
pub fn lenient(issuer: &str) -> ServerSettings {
    ServerSettings {
        profile: ProfileName::Lenient,
        description: "Lenient: every supported alg (HS, RS, PS, ES, EdDSA), unsigned request objects allowed, no exp/jti requirement, \
            request-object values win over query values, PKCE optional (plain allowed), 5 min clock skew. Every \
            JWE alg and enc this build has (never RSA1_5); encrypted request objects accepted, encrypted-but-unsigned \
            ones too, none required (require_encrypted_request_object off)."
            .into(),
        // Every algorithm this server can verify: Lenient is for first experiments.
        request_object_algs: algs(&super::crypto::SUPPORTED_ALGS),
        allow_unsigned_request_object: true,
        request_object_max_lifetime: 3600,
        clock_skew: 300,
        require_exp: false,
        require_jti: false,
        reject_param_mismatch: false,
        accept_endpoint_as_audience: true,
        pkce_required: false,
        pkce_plain_allowed: true,
        request_object_max_bytes: 64 * 1024,
        ..hardened(issuer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_consistent() {
        for name in [
            ProfileName::Strict,
            ProfileName::Hardened,
            ProfileName::PingOne,
            ProfileName::Lenient,
            ProfileName::Fapi2Security,
            ProfileName::Fapi2MessageSigning,
        ] {
            let settings = preset(name, "https://auth.pingone.com/env/as");
            assert_eq!(settings.validate(), Ok(()), "{name:?}");
            assert_eq!(settings.profile, name);
        }
    }
}
