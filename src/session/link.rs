//! The share link: the configuration, without any secret, in the URL fragment
//! (`#s=<base64url(JSON)>`), so it never reaches a server (RFC 3986 §3.5: the fragment is
//! not sent with the request).
//!
//! What the link carries: the server settings, the client's settings (no secret), the
//! request (no `state`, `nonce` or PKCE verifier: the receiver draws its own), the delivery,
//! the request object's options and any hand edit, the run switches and reproducible mode.
//! What it never carries: the client secret, keys (private or public — the receiver uses
//! its own, which also keeps links short), and the "remember secrets" choice, which belongs
//! to a device.
//!
//! To stay short it carries only what differs from the defaults: `{"v": 1, "p": profile,
//! "w": {…}}` where `w` holds the members that differ, recursively, from
//! [`Workspace::default`] with the server settings of profile `p`'s preset. The JSON is
//! not compressed (no compression crate is in the build; the measured lengths are in the
//! tests): a typical changed configuration makes a link of a few hundred characters.

use serde_json::{json, Value};

use super::{apply_over, difference};
use crate::jose::base64url;
use crate::mock_as::{profiles, ProfileName, ServerSettings};
use crate::workspace::Workspace;

/// What starts a share fragment (after the `#`).
pub const FRAGMENT_PREFIX: &str = "s=";
/// Longer fragments are refused: when reading (before decoding) and when making a link.
pub const MAX_FRAGMENT_CHARS: usize = 64 * 1024;
/// The link format written today.
pub const LINK_VERSION: u64 = 1;

/// The workspace as a link may carry it.
fn linkable(workspace: &Workspace) -> Value {
    linkable_with_server(workspace, &workspace.server)
}

/// What the link's difference is taken against: the default workspace with the server
/// settings of `profile`'s preset — a profile changes dozens of settings and a long
/// description, none of which need to travel when the link names the profile.
fn base(profile: ProfileName) -> Value {
    let defaults = Workspace::default();
    linkable_with_server(&defaults, &profiles::preset(profile, &defaults.server.issuer))
}

fn linkable_with_server(workspace: &Workspace, server: &ServerSettings) -> Value {
    let mut shared = workspace.shareable(false);
    shared.keys.clear();
    shared.active_key = None;
    shared.remember_secrets = false;
    shared.client.client_secret = None;
    shared.request.state = None;
    shared.request.nonce = None;
    if let Some(pkce) = &mut shared.request.pkce {
        pkce.verifier = None;
    }
    shared.server = server.clone();
    serde_json::to_value(shared).unwrap_or(Value::Null)
}

/// Why a link could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkTooLong {
    pub chars: usize,
}

impl std::fmt::Display for LinkTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "this configuration makes a link of {} characters, more than the {} KiB a link may carry \
             (a large hand-edited request object?); export the session as a file instead",
            self.chars,
            MAX_FRAGMENT_CHARS / 1024
        )
    }
}

/// The fragment (without `#`) that reproduces `workspace`'s configuration.
pub fn share_fragment(workspace: &Workspace) -> Result<String, LinkTooLong> {
    let profile = workspace.server.profile;
    let changed = difference(&base(profile), &linkable(workspace)).unwrap_or_else(|| json!({}));
    let mut document = json!({ "v": LINK_VERSION, "w": changed });
    if profile != ProfileName::default() {
        document["p"] = json!(profile);
    }
    let fragment = format!("{FRAGMENT_PREFIX}{}", base64url::encode(document.to_string()));
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(LinkTooLong { chars: fragment.len() });
    }
    Ok(fragment)
}

/// The configuration a link carried, applied over the defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedConfiguration {
    pub workspace: Workspace,
    /// Sections that could not be read (left at their defaults), with why.
    pub problems: Vec<String>,
}

/// Reads a URL fragment (with or without its `#`). `None` when it is not a share fragment
/// (the step links `#server`, `#run`, … are not); otherwise the configuration, or why the
/// link cannot be used — in which case nothing is to be changed.
pub fn read_share_fragment(fragment: &str) -> Option<Result<SharedConfiguration, String>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let encoded = fragment.strip_prefix(FRAGMENT_PREFIX)?;
    Some(read_encoded(encoded.trim()))
}

fn read_encoded(encoded: &str) -> Result<SharedConfiguration, String> {
    if encoded.len() > MAX_FRAGMENT_CHARS {
        return Err(format!(
            "the link carries {} characters, more than the {} KiB this page reads",
            encoded.len(),
            MAX_FRAGMENT_CHARS / 1024
        ));
    }
    let bytes = base64url::decode(encoded, "share link")
        .map_err(|e| format!("the link is damaged (was it cut short?): {e}"))?;
    let document: Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "the link is damaged: its content is not JSON ({e}, column {})",
            e.column()
        )
    })?;
    let version = document.get("v").and_then(Value::as_u64);
    let Some(changed) = document.get("w").filter(|w| w.is_object()) else {
        return Err("the link carries no configuration (no \"w\" object)".into());
    };
    let mut problems = Vec::new();
    match version {
        Some(LINK_VERSION) => {}
        Some(v) if v > LINK_VERSION => problems.push(format!(
            "the link was made by a newer playground (link format {v}, this page reads {LINK_VERSION}); what \
             could be read was applied"
        )),
        _ => return Err("the link has no valid format version (\"v\")".into()),
    }
    let profile = match document.get("p") {
        None => ProfileName::default(),
        Some(name) => serde_json::from_value(name.clone())
            .map_err(|_| format!("the link names an unknown server profile, {name}"))?,
    };
    let mut value = base(profile);
    apply_over(&mut value, changed);
    let Some(sections) = value.as_object() else {
        return Err("the link's configuration is not a JSON object".into());
    };
    let mut workspace = Workspace::from_sections(sections, &mut problems);
    // A link never carries secrets or keys, nor decides what this device remembers, even if
    // someone wrote them into one by hand.
    workspace.client.client_secret = None;
    workspace.keys.clear();
    workspace.active_key = None;
    workspace.remember_secrets = false;
    Ok(SharedConfiguration { workspace, problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_configuration_makes_a_tiny_link() {
        let fragment = share_fragment(&Workspace::default()).unwrap();
        assert!(fragment.len() < 40, "{fragment}");
        let shared = read_share_fragment(&format!("#{fragment}")).unwrap().unwrap();
        assert!(shared.problems.is_empty(), "{:?}", shared.problems);
        assert_eq!(shared.workspace, Workspace::default());
    }

    #[test]
    fn step_anchors_are_not_share_links() {
        for fragment in ["#server", "run", "", "#", "#s", "#S=abc"] {
            assert!(read_share_fragment(fragment).is_none(), "{fragment}");
        }
    }
}
