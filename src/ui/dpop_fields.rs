//! DPoP (RFC 9449) in the Request step: on or off, and which key of the key manager signs
//! the proofs. Only asymmetric keys that still hold their private part can be chosen; the
//! workspace keeps the choice by `kid`, so the key itself follows the key manager's rules.

use leptos::prelude::*;

use super::context::state;
use super::external::target_metadata;
use super::widgets::Toggle;
use crate::workspace::dpop_alg;

/// A key that can sign proofs: `(kid, label)`.
fn candidates() -> Vec<(String, String)> {
    state().workspace.with(|w| {
        w.keys
            .iter()
            .filter(|k| k.jwk.is_private())
            .filter_map(|k| {
                dpop_alg(&k.jwk).map(|alg| (k.kid(), format!("{} · {} · {}", alg.name(), k.jwk.describe(), k.kid())))
            })
            .collect()
    })
}

#[component]
pub fn DpopFields() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let enabled = Signal::derive(move || ws.with(|w| w.dpop.enabled));
    let on_toggle = Callback::new(move |on: bool| {
        let discovered = app.discovered.get_untracked();
        ws.update(|w| {
            w.dpop.enabled = on;
            // Turning DPoP on with no key chosen picks one that fits: first a key whose alg the
            // server lists in dpop_signing_alg_values_supported (RFC 9449 §5.1), else any (the
            // pre-flight then says the server will refuse it, lint.dpop_alg_not_supported).
            if on && w.dpop_entry().is_none() {
                let metadata = target_metadata(&w.target, discovered.as_ref()).ok();
                let usable = |k: &&crate::workspace::KeyEntry| k.jwk.is_private() && dpop_alg(&k.jwk).is_some();
                let listed = |k: &&crate::workspace::KeyEntry| {
                    let alg = dpop_alg(&k.jwk).map(|a| a.name()).unwrap_or_default();
                    metadata.as_ref().is_some_and(|m| m.lists_dpop_alg(alg))
                };
                let pick = w
                    .keys
                    .iter()
                    .filter(usable)
                    .find(listed)
                    .or_else(|| w.keys.iter().find(usable));
                w.dpop.key = pick.map(|k| k.kid());
            }
        })
    });
    let status = move || {
        ws.with(|w| match (w.dpop.enabled, w.dpop_key()) {
            (false, _) => "off: access tokens are bearer tokens".to_string(),
            (true, Some(key)) => format!("on: {} proofs, jkt {}", key.alg().name(), key.jkt()),
            (true, None) => "on, but no usable key: choose or generate an asymmetric key (pre-flight)".to_string(),
        })
    };
    view! {
        <fieldset class="dpop" id="dpop">
            <legend>"DPoP (RFC 9449): sender-constrained tokens"</legend>
            <Toggle
                id="dpop-enabled"
                label="Send DPoP proofs (PAR, token, refresh, userinfo) and dpop_jkt"
                checked=enabled
                on_change=on_toggle
            />
            <div class="fields">
                <label for="dpop-key">"Proof key"</label>
                <select
                    id="dpop-key"
                    prop:disabled=move || !enabled.get()
                    on:change=move |ev| {
                        let kid = event_target_value(&ev);
                        ws.update(|w| w.dpop.key = (!kid.is_empty()).then_some(kid));
                    }
                >
                    <option value="" selected=move || ws.with(|w| w.dpop_entry().is_none())>"(choose a key)"</option>
                    {move || {
                        candidates()
                            .into_iter()
                            .map(|(kid, label)| {
                                let chosen = kid.clone();
                                view! {
                                    <option value=kid selected=move || ws.with(|w| w.dpop.key.as_deref() == Some(chosen.as_str()))>{label}</option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <p class="help" id="dpop-status" role="status">{status}</p>
        </fieldset>
    }
}
