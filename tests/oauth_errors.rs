//! How the client shows what went wrong: a server's error body in each of its three shapes
//! (RFC 6749 §5.2, PingOne's envelope, anything else), and every `ClientError` with its code.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use oauth_playground::http::TransportError;
use oauth_playground::jose::JoseError;
use oauth_playground::oauth::error::PingOneDetail;
use oauth_playground::oauth::{ClientError, ServerErrorBody};

#[test]
fn rfc6749_error_body_shows_error_and_description() {
    let body = ServerErrorBody::parse(
        br#"{"error":"invalid_request","error_description":"redirect_uri is not registered","error_uri":"https://as.example/e"}"#,
    );
    assert_eq!(
        body,
        ServerErrorBody::OAuth {
            error: "invalid_request".into(),
            error_description: Some("redirect_uri is not registered".into()),
            error_uri: Some("https://as.example/e".into()),
        }
    );
    assert_eq!(body.to_string(), "invalid_request: redirect_uri is not registered");
    assert_eq!(
        ServerErrorBody::parse(br#"{"error":"invalid_client"}"#).to_string(),
        "invalid_client"
    );
}

#[test]
fn pingone_envelope_shows_code_message_and_every_detail() {
    let body = ServerErrorBody::parse(
        br#"{"id":"e-1","code":"INVALID_DATA","message":"The request could not be completed.",
            "details":[{"code":"INVALID_VALUE","target":"redirect_uri","message":"not allowed"},{}]}"#,
    );
    let ServerErrorBody::PingOne { id, details, .. } = &body else {
        panic!("not read as PingOne's envelope: {body:?}");
    };
    assert_eq!(id.as_deref(), Some("e-1"));
    assert_eq!(
        details[1],
        PingOneDetail {
            code: None,
            target: None,
            message: None
        }
    );
    assert_eq!(
        body.to_string(),
        "INVALID_DATA: The request could not be completed. [INVALID_VALUE redirect_uri: not allowed] [? -: ]"
    );
    let bare = ServerErrorBody::parse(br#"{"code":"NOT_FOUND","details":"not a list"}"#);
    assert_eq!(bare.to_string(), "NOT_FOUND");
}

#[test]
fn any_other_body_is_kept_as_text() {
    for raw in [
        "<html>502 Bad Gateway</html>",
        r#"{"message":"no error member"}"#,
        "[1,2]",
    ] {
        let body = ServerErrorBody::parse(raw.as_bytes());
        assert_eq!(body, ServerErrorBody::Other(raw.into()));
        assert_eq!(body.to_string(), raw);
    }
    // Not UTF-8: shown lossily rather than refused.
    assert_eq!(
        ServerErrorBody::parse(b"bad \xff byte").to_string(),
        "bad \u{fffd} byte"
    );
}

#[test]
fn every_client_error_has_a_code_and_says_it_first() {
    let cases = [
        (
            ClientError::Config {
                code: "config.no_client_id",
                detail: "client_id is empty".into(),
            },
            "config.no_client_id",
            "config.no_client_id: client_id is empty",
        ),
        (
            ClientError::from(JoseError::InvalidSignature),
            "jose.error",
            "jose.error: the signature does not verify with this key",
        ),
        (
            ClientError::from(TransportError {
                message: "connection refused".into(),
            }),
            "transport.failed",
            "transport.failed: connection refused",
        ),
        (
            ClientError::Status {
                code: "token.status",
                expected: 200,
                status: 400,
                body: Box::new(ServerErrorBody::parse(br#"{"error":"invalid_grant"}"#)),
                raw: r#"{"error":"invalid_grant"}"#.into(),
            },
            "token.status",
            "token.status: expected HTTP 200, got 400: invalid_grant",
        ),
        (
            ClientError::InvalidResponse {
                code: "token.no_access_token",
                detail: "the response has no access_token".into(),
            },
            "token.no_access_token",
            "token.no_access_token: the response has no access_token",
        ),
    ];
    for (error, code, text) in cases {
        assert_eq!(error.code(), code);
        assert_eq!(error.to_string(), text);
    }
}
