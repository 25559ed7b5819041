//! The JWE choice of one message (request object, JARM, ID token, userinfo): an `alg` select
//! ("none" = not encrypted) and an `enc` select, each labelled, marking what the server's
//! discovery lists. Bound straight to the workspace, so it holds no state of its own.

use leptos::prelude::*;

use super::context::state;
use crate::jose::jwe::{ContentEncryption, KeyManagement};
use crate::oauth::ServerMetadata;
use crate::workspace::Workspace;

/// Which discovery members list what the server supports for a message.
pub(super) type Offered = fn(&ServerMetadata) -> (Option<Vec<String>>, Option<Vec<String>>);

pub(super) fn request_object_offered(m: &ServerMetadata) -> (Option<Vec<String>>, Option<Vec<String>>) {
    (
        m.request_object_encryption_alg_values_supported.clone(),
        m.request_object_encryption_enc_values_supported.clone(),
    )
}

pub(super) fn jarm_offered(m: &ServerMetadata) -> (Option<Vec<String>>, Option<Vec<String>>) {
    (
        m.authorization_encryption_alg_values_supported.clone(),
        m.authorization_encryption_enc_values_supported.clone(),
    )
}

pub(super) fn id_token_offered(m: &ServerMetadata) -> (Option<Vec<String>>, Option<Vec<String>>) {
    (
        m.id_token_encryption_alg_values_supported.clone(),
        m.id_token_encryption_enc_values_supported.clone(),
    )
}

pub(super) fn userinfo_offered(m: &ServerMetadata) -> (Option<Vec<String>>, Option<Vec<String>>) {
    (
        m.userinfo_encryption_alg_values_supported.clone(),
        m.userinfo_encryption_enc_values_supported.clone(),
    )
}

/// The target's metadata as the pre-flight sees it (the in-page server's, or the discovered
/// one), recomputed only when the target changes or the in-page server was reconfigured.
/// The server is rebuilt from the workspace by an effect that runs after a settings change,
/// so its revision (bumped once it is rebuilt) is the trigger, not the settings themselves:
/// read at the settings change, its discovery would still be the previous profile's.
pub(super) fn target_metadata_memo() -> Memo<Option<ServerMetadata>> {
    let app = state();
    let ws = app.workspace;
    let inputs = Memo::new(move |_| ws.with(|w| w.target.clone()));
    Memo::new(move |_| {
        let target = inputs.get();
        app.server_revision.track();
        super::external::target_metadata(&target, app.discovered.get().as_ref()).ok()
    })
}

fn mark(name: &str, list: Option<&Vec<String>>) -> String {
    match list {
        Some(list) if list.iter().any(|v| v == name) => format!("{name} (offered by the server)"),
        Some(_) => format!("{name} (not listed by the server)"),
        None => name.to_string(),
    }
}

#[component]
pub(super) fn JweChoiceFields(
    /// The prefix of the two controls' ids (`-alg`, `-enc` are added).
    id: &'static str,
    /// What is encrypted, for the labels ("Request object encryption").
    label: &'static str,
    get: fn(&Workspace) -> (String, String),
    set: fn(&mut Workspace, String, String),
    offered: Offered,
    metadata: Memo<Option<ServerMetadata>>,
) -> impl IntoView {
    let ws = state().workspace;
    let (alg_id, enc_id) = (format!("{id}-alg"), format!("{id}-enc"));
    let lists = Memo::new(move |_| metadata.with(|m| m.as_ref().map(offered).unwrap_or_default()));
    let current = Memo::new(move |_| ws.with(get));
    let alg_options = KeyManagement::ALL
        .iter()
        .map(|a| {
            let name = a.name();
            view! {
                <option value=name selected=move || current.with(|(alg, _)| alg == name)>
                    {move || lists.with(|(algs, _)| mark(name, algs.as_ref()))}
                </option>
            }
        })
        .collect_view();
    let enc_options = [
        ContentEncryption::A128CbcHs256,
        ContentEncryption::A256CbcHs512,
        ContentEncryption::A128Gcm,
        ContentEncryption::A256Gcm,
    ]
    .iter()
    .map(|e| {
        let name = e.name();
        view! {
            <option value=name selected=move || current.with(|(_, enc)| enc == name)>
                {move || lists.with(|(_, encs)| mark(name, encs.as_ref()))}
            </option>
        }
    })
    .collect_view();
    view! {
        <label for=alg_id.clone()>{format!("{label}: alg")}</label>
        // `prop:value` as well as each option's `selected`: once the user has picked an
        // option, the browser no longer follows that option's `selected` attribute (its
        // dirtiness, HTML §4.10.10), so a one-click fix back to it would not show without it.
        <select
            id=alg_id
            prop:value=move || current.with(|(alg, _)| alg.clone())
            on:change=move |ev| {
                let alg = event_target_value(&ev);
                ws.update(|w| {
                    let (_, enc) = get(w);
                    set(w, alg, enc)
                })
            }
        >
            <option value="" selected=move || current.with(|(alg, _)| alg.is_empty())>"none (not encrypted)"</option>
            {alg_options}
        </select>
        <label for=enc_id.clone()>{format!("{label}: enc")}</label>
        <select
            id=enc_id
            prop:value=move || current.with(|(_, enc)| enc.clone())
            disabled=move || current.with(|(alg, _)| alg.is_empty())
            on:change=move |ev| {
                let enc = event_target_value(&ev);
                ws.update(|w| {
                    let (alg, _) = get(w);
                    set(w, alg, enc)
                })
            }
        >
            <option value="" selected=move || current.with(|(_, enc)| enc.is_empty())>"default (A128CBC-HS256)"</option>
            {enc_options}
        </select>
    }
}
