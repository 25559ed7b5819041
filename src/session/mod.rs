//! A whole session as a JSON file — the configuration, the keys and the last run — and the
//! configuration alone as a share link ([`link`]).
//!
//! The file:
//!
//! ```json
//! { "format": "oauth-playground-session", "version": 1,
//!   "exported_at": "2025-01-01T00:00:00Z", "includes_secrets": false,
//!   "workspace": { …the saved workspace's sections… },
//!   "last_run": { …see [`timeline`]… } }
//! ```
//!
//! Secrets (the client secret, private key members, and in the run the client's credentials)
//! are written only when the user ticked "include secrets"; the workspace is stripped by
//! [`Workspace::shareable`], the one place that strips it. Reading is all or nothing about
//! the file (too large, not JSON, not a session: an error, and nothing changes) and section
//! by section inside it (a broken section is reported and left at its default, as
//! [`crate::workspace::load`] does for the saved state).

pub mod link;
pub mod timeline;

use std::fmt;

use serde_json::{json, Map, Value};

use crate::clock::{format_rfc3339, UnixTime};
use crate::workspace::Workspace;
pub use timeline::RunExport;

/// The `format` member every session file carries.
pub const FORMAT: &str = "oauth-playground-session";
/// The version written today; a newer one is read as far as it can be.
pub const VERSION: u64 = 1;
/// Larger files are refused before they are parsed.
pub const MAX_SESSION_BYTES: usize = 4 * 1024 * 1024;
/// The name an exported file is offered under.
pub const FILE_NAME: &str = "oauth-playground-session.json";

/// The session file's text (pretty JSON).
pub fn export_session(
    workspace: &Workspace,
    last_run: Option<&RunExport>,
    include_secrets: bool,
    exported_at: UnixTime,
) -> String {
    let document = json!({
        "format": FORMAT,
        "version": VERSION,
        "exported_at": format_rfc3339(exported_at),
        "includes_secrets": include_secrets,
        "workspace": workspace.shareable(include_secrets),
        "last_run": last_run,
    });
    serde_json::to_string_pretty(&document).unwrap_or_else(|_| document.to_string())
}

/// Why a file was not imported. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    TooLarge {
        bytes: usize,
    },
    Empty,
    NotJson {
        message: String,
        line: usize,
        column: usize,
    },
    NotASession {
        why: String,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::TooLarge { bytes } => write!(
                f,
                "the file is {bytes} bytes, more than the {} MiB a session file may have",
                MAX_SESSION_BYTES / (1024 * 1024)
            ),
            ImportError::Empty => f.write_str("there is nothing to import: the text is empty"),
            ImportError::NotJson { message, line, column } => {
                write!(f, "the file is not JSON: {message} (line {line}, column {column})")
            }
            ImportError::NotASession { why } => write!(f, "this is not a playground session file: {why}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// What a session file held, as far as it could be read.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedSession {
    pub workspace: Workspace,
    pub last_run: Option<RunExport>,
    /// What the file says of itself (the workspace read decides what is really there).
    pub includes_secrets: bool,
    pub exported_at: Option<String>,
    /// Sections that could not be read, with why; they were left at their defaults.
    pub problems: Vec<String>,
}

/// Reads a session file.
pub fn import_session(text: &str) -> Result<ImportedSession, ImportError> {
    if text.len() > MAX_SESSION_BYTES {
        return Err(ImportError::TooLarge { bytes: text.len() });
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let document: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let Some(document) = document.as_object() else {
        return Err(ImportError::NotASession {
            why: "the top level is not a JSON object".into(),
        });
    };
    match document.get("format") {
        Some(Value::String(format)) if format == FORMAT => {}
        Some(other) => {
            return Err(ImportError::NotASession {
                why: format!("\"format\" is {other}, not \"{FORMAT}\""),
            })
        }
        None => {
            return Err(ImportError::NotASession {
                why: format!("it has no \"format\": \"{FORMAT}\" member"),
            })
        }
    }
    let Some(sections) = document.get("workspace").and_then(Value::as_object) else {
        return Err(ImportError::NotASession {
            why: "it has no \"workspace\" object".into(),
        });
    };
    let mut problems = Vec::new();
    match document.get("version").map(|v| (v, v.as_u64())) {
        None => problems.push(format!("the file has no \"version\"; it was read as version {VERSION}")),
        Some((_, Some(version))) if version > VERSION => problems.push(format!(
            "the file was written by a newer playground (session format {version}, this page reads {VERSION}); \
             what could be read was kept"
        )),
        Some((_, Some(_))) => {}
        Some((other, None)) => problems.push(format!(
            "\"version\" is {other}, not a number; the file was read as version {VERSION}"
        )),
    }
    let workspace = Workspace::from_sections(sections, &mut problems);
    let last_run = match document.get("last_run") {
        None | Some(Value::Null) => None,
        Some(value) => match serde_json::from_value::<RunExport>(value.clone()) {
            Ok(run) => Some(run),
            Err(e) => {
                problems.push(format!("last_run: {e}; the run was not imported"));
                None
            }
        },
    };
    Ok(ImportedSession {
        workspace,
        last_run,
        includes_secrets: document.get("includes_secrets").and_then(Value::as_bool) == Some(true),
        exported_at: document.get("exported_at").and_then(Value::as_str).map(str::to_string),
        problems,
    })
}

impl ImportedSession {
    /// The workspace to use in place of `current`. Device choices stay the device's: whether
    /// secrets are remembered here is never decided by a file. A file without a client secret
    /// keeps the current one (the page needs one, and replacing it would break the user's
    /// registered client for nothing).
    pub fn into_workspace(self, current: &Workspace) -> Workspace {
        let mut workspace = self.workspace;
        workspace.remember_secrets = current.remember_secrets;
        if workspace
            .client
            .client_secret
            .as_ref()
            .is_none_or(|s| s.expose().is_empty())
        {
            workspace.client.client_secret = current.client.client_secret.clone();
        }
        workspace
    }
}

/// The member name of a patch object that replaces instead of merging: `{"=": value}`.
const REPLACE: &str = "=";

fn is_replacement(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key(REPLACE))
}

/// Recursively, the members of `value` that differ from `base`: what [`apply_over`] must
/// put on `base` to get `value` again. Merging cannot remove a member, so an object that lost
/// members of `base` is sent whole as `{"=": object}`; so is an object that itself looks like
/// that (`{"=": …}` in a user's claims), which keeps the notation unambiguous.
pub fn difference(base: &Value, value: &Value) -> Option<Value> {
    if base == value {
        return None;
    }
    match (base, value) {
        (Value::Object(base), Value::Object(members)) => {
            if !base.keys().all(|k| members.contains_key(k)) || is_replacement(value) {
                return Some(json!({ REPLACE: value }));
            }
            let mut out = Map::new();
            for (name, member) in members {
                let changed = match base.get(name) {
                    Some(base_member) => difference(base_member, member),
                    None if is_replacement(member) => Some(json!({ REPLACE: member })),
                    None => Some(member.clone()),
                };
                if let Some(changed) = changed {
                    out.insert(name.clone(), changed);
                }
            }
            let out = Value::Object(out);
            // Only the `=` member changed: the patch would read as a replacement.
            Some(if is_replacement(&out) {
                json!({ REPLACE: value })
            } else {
                out
            })
        }
        (_, value) if is_replacement(value) => Some(json!({ REPLACE: value })),
        _ => Some(value.clone()),
    }
}

/// Puts `patch` over `base`: objects merge member by member, `{"=": value}` and anything
/// that is not an object replace.
pub fn apply_over(base: &mut Value, patch: &Value) {
    if let (true, Some(replacement)) = (is_replacement(patch), patch.get(REPLACE)) {
        *base = replacement.clone();
        return;
    }
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (name, member) in patch {
                let slot = base.entry(name.clone()).or_insert(Value::Null);
                if slot.is_null() && !is_replacement(member) {
                    *slot = member.clone();
                } else {
                    apply_over(slot, member);
                }
            }
        }
        (slot, patch) => *slot = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difference_then_apply_gives_the_value_back() {
        let base = json!({"a": 1, "o": {"x": 1, "y": [1, 2], "m": {"k": 1}}, "n": null});
        for value in [
            json!({"a": 1, "o": {"x": 2, "y": [1, 2], "m": {"k": 1}}, "n": null}),
            json!({"a": 1, "o": {"x": 1, "y": [1], "m": {}}, "n": "set"}),
            json!({"a": 1, "o": {"x": 1, "y": [1, 2], "m": {"k": 1, "j": 2}}, "n": null, "new": true}),
            json!({"a": null, "o": null, "n": null}),
            json!({"a": 1, "o": {"x": {"=": 5}, "y": [], "m": {"=": {"=": 1}}}, "n": {"=": 2}, "z": {"=": 3}}),
            json!({"a": 1, "o": {"x": 1, "y": [1, 2], "m": {"k": {"=": 1}}}, "n": null}),
            json!({"a": 1, "o": {"x": 1, "y": [1, 2], "m": {"k": 1, "=": null}}, "n": null}),
            base.clone(),
        ] {
            let mut back = base.clone();
            if let Some(patch) = difference(&base, &value) {
                apply_over(&mut back, &patch);
            }
            assert_eq!(back, value);
        }
    }

    #[test]
    fn refusals_change_nothing_and_say_why() {
        let cases: [(String, &str); 6] = [
            ("x".repeat(MAX_SESSION_BYTES + 1), "more than the 4 MiB"),
            ("  ".into(), "empty"),
            ("{\"format\": ".into(), "not JSON"),
            ("[1, 2]".into(), "not a JSON object"),
            (
                r#"{"format": "something-else", "workspace": {}}"#.into(),
                "\"something-else\"",
            ),
            (
                format!(r#"{{"format": "{FORMAT}", "workspace": 3}}"#),
                "no \"workspace\" object",
            ),
        ];
        for (text, why) in cases {
            let error = import_session(&text).expect_err(why).to_string();
            assert!(error.contains(why), "{error}");
        }
    }
}
