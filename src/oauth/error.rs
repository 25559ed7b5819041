//! Errors of building and sending requests (validation failures are [`super::CheckFailure`]s).
//! Every variant has a stable [`ClientError::code`].

use std::fmt;

use serde_json::Value;

use crate::http::{Response, TransportError};
use crate::jose::JoseError;

/// A server's error answer, as it came: an RFC 6749 §5.2 error object, PingOne's API envelope
/// (`{"id","code","message","details":[…]}`), or anything else as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerErrorBody {
    OAuth {
        error: String,
        error_description: Option<String>,
        error_uri: Option<String>,
    },
    /// PingOne's platform error envelope, surfaced as-is.
    PingOne {
        id: Option<String>,
        code: String,
        message: Option<String>,
        details: Vec<PingOneDetail>,
    },
    Other(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingOneDetail {
    pub code: Option<String>,
    pub target: Option<String>,
    pub message: Option<String>,
}

impl ServerErrorBody {
    pub fn parse(body: &[u8]) -> Self {
        let text = || String::from_utf8_lossy(body).into_owned();
        let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) else {
            return ServerErrorBody::Other(text());
        };
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let value = Value::Object(obj);
        if let Some(error) = s(&value, "error") {
            return ServerErrorBody::OAuth {
                error,
                error_description: s(&value, "error_description"),
                error_uri: s(&value, "error_uri"),
            };
        }
        if let Some(code) = s(&value, "code") {
            let details = value
                .get("details")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|d| PingOneDetail {
                            code: s(d, "code"),
                            target: s(d, "target"),
                            message: s(d, "message"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            return ServerErrorBody::PingOne {
                id: s(&value, "id"),
                code,
                message: s(&value, "message"),
                details,
            };
        }
        ServerErrorBody::Other(text())
    }
}

impl fmt::Display for ServerErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerErrorBody::OAuth {
                error,
                error_description,
                ..
            } => match error_description {
                Some(d) => write!(f, "{error}: {d}"),
                None => f.write_str(error),
            },
            ServerErrorBody::PingOne {
                code, message, details, ..
            } => {
                write!(f, "{code}")?;
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                for d in details {
                    write!(
                        f,
                        " [{} {}: {}]",
                        d.code.as_deref().unwrap_or("?"),
                        d.target.as_deref().unwrap_or("-"),
                        d.message.as_deref().unwrap_or("")
                    )?;
                }
                Ok(())
            }
            ServerErrorBody::Other(text) => f.write_str(text),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// The configuration cannot produce this request (what is missing or contradictory).
    Config { code: &'static str, detail: String },
    /// Signing or key handling failed.
    Jose(JoseError),
    /// The request never got a response.
    Transport(TransportError),
    /// The endpoint answered with an unexpected status; the body as the server sent it.
    Status {
        code: &'static str,
        expected: u16,
        status: u16,
        /// Boxed: errors stay small on the `Ok` path.
        body: Box<ServerErrorBody>,
        /// The body exactly as sent (lossy UTF-8), for showing as-is.
        raw: String,
    },
    /// The answer had the right status but not the right content.
    InvalidResponse { code: &'static str, detail: String },
}

impl ClientError {
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::Config { code, .. }
            | ClientError::Status { code, .. }
            | ClientError::InvalidResponse { code, .. } => code,
            ClientError::Jose(_) => "jose.error",
            ClientError::Transport(_) => "transport.failed",
        }
    }

    pub(crate) fn config(code: &'static str, detail: impl Into<String>) -> Self {
        ClientError::Config {
            code,
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid(code: &'static str, detail: impl Into<String>) -> Self {
        ClientError::InvalidResponse {
            code,
            detail: detail.into(),
        }
    }

    pub(crate) fn status(code: &'static str, expected: u16, response: &Response) -> Self {
        ClientError::Status {
            code,
            expected,
            status: response.status,
            body: Box::new(ServerErrorBody::parse(&response.body)),
            raw: response.body_text(),
        }
    }
}

impl From<JoseError> for ClientError {
    fn from(e: JoseError) -> Self {
        ClientError::Jose(e)
    }
}

impl From<TransportError> for ClientError {
    fn from(e: TransportError) -> Self {
        ClientError::Transport(e)
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Config { code, detail } | ClientError::InvalidResponse { code, detail } => {
                write!(f, "{code}: {detail}")
            }
            ClientError::Jose(e) => write!(f, "jose.error: {e}"),
            ClientError::Transport(e) => write!(f, "transport.failed: {e}"),
            ClientError::Status {
                code,
                expected,
                status,
                body,
                ..
            } => write!(f, "{code}: expected HTTP {expected}, got {status}: {body}"),
        }
    }
}

impl std::error::Error for ClientError {}
