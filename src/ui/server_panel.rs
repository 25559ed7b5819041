//! Step 1, the server: the in-page authorization server's profile, every setting, and the
//! documents it publishes (discovery, JWKS).

use leptos::prelude::*;

use super::external::TargetChooser;
use crate::workspace::TargetKind;
use serde_json::Value;

use super::context::{server_document, state};
use super::widgets::{pretty, CodeBlock};
use crate::mock_as::crypto::SUPPORTED_ALGS;
use crate::mock_as::profiles::preset;
use crate::mock_as::{path, ProfileName, ServerSettings};

/// The settings JSON is refused above this size (the real thing is about 2 KiB).
const MAX_SETTINGS_BYTES: usize = 256 * 1024;

/// How a setting is edited.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    /// A whole number with a unit shown after it.
    Number(&'static str),
    Algs,
    Choice(&'static [(&'static str, &'static str)]),
    /// A credential: shown masked, empty means unset (`null`).
    Secret,
}

struct Field {
    key: &'static str,
    label: &'static str,
    kind: Kind,
    /// The clause or vendor fact behind the setting.
    help: &'static str,
}

const PAR_MODES: &[(&str, &str)] = &[
    ("disabled", "disabled"),
    ("enabled", "enabled (optional)"),
    ("required", "required"),
];
const ACCESS_TOKEN_FORMATS: &[(&str, &str)] = &[("opaque", "opaque"), ("jwt", "JWT (RFC 9068, typ at+jwt)")];
const ERROR_FORMATS: &[(&str, &str)] = &[("o_auth", "OAuth (RFC 6749 §5.2)"), ("ping_one", "PingOne envelope")];

const FIELDS: &[Field] = &[
    Field {
        key: "request_object_algs",
        label: "Request-object algorithms",
        kind: Kind::Algs,
        help: "RFC 9101 §4; request_object_signing_alg_values_supported",
    },
    Field {
        key: "request_parameter_supported",
        label: "Accept request objects by value",
        kind: Kind::Bool,
        help: "RFC 9101 §5.1, request_parameter_supported",
    },
    Field {
        key: "require_signed_request_object",
        label: "Require a signed request object",
        kind: Kind::Bool,
        help: "RFC 9101 §10.5; PingOne requireSignedRequestObject",
    },
    Field {
        key: "allow_unsigned_request_object",
        label: "Allow unsigned (alg none) request objects",
        kind: Kind::Bool,
        help: "OIDC Core §6.1 (alg none); PingOne supportUnsignedRequestObject",
    },
    Field {
        key: "par_mode",
        label: "Pushed authorization requests",
        kind: Kind::Choice(PAR_MODES),
        help: "RFC 9126 §6: require_pushed_authorization_requests",
    },
    Field {
        key: "jar_only_via_par",
        label: "Request objects only through PAR",
        kind: Kind::Bool,
        help: "FAPI 2.0 style",
    },
    Field {
        key: "require_request_object_typ",
        label: "Require typ oauth-authz-req+jwt",
        kind: Kind::Bool,
        help: "RFC 9101 §10.8",
    },
    Field {
        key: "request_object_max_lifetime",
        label: "Longest request-object lifetime",
        kind: Kind::Number("s"),
        help: "exp − nbf / exp − iat",
    },
    Field {
        key: "clock_skew",
        label: "Clock skew tolerated",
        kind: Kind::Number("s"),
        help: "RFC 7519 §4.1.4 leeway",
    },
    Field {
        key: "require_exp",
        label: "Require exp",
        kind: Kind::Bool,
        help: "RFC 7519 §4.1.4; FAPI 1.0 Advanced §5.2.2",
    },
    Field {
        key: "require_nbf",
        label: "Require nbf",
        kind: Kind::Bool,
        help: "FAPI 1.0 Advanced §5.2.2",
    },
    Field {
        key: "require_jti",
        label: "Require jti",
        kind: Kind::Bool,
        help: "RFC 7519 §4.1.7",
    },
    Field {
        key: "jti_replay_protection",
        label: "Reject a replayed jti",
        kind: Kind::Bool,
        help: "RFC 7519 §4.1.7",
    },
    Field {
        key: "jti_cache_capacity",
        label: "Replay cache size",
        kind: Kind::Number("entries"),
        help: "bounded: the oldest entries go first",
    },
    Field {
        key: "request_object_max_bytes",
        label: "Largest request object",
        kind: Kind::Number("bytes"),
        help: "oversize objects are refused before parsing",
    },
    Field {
        key: "reject_param_mismatch",
        label: "Reject query values that contradict the request object",
        kind: Kind::Bool,
        help: "RFC 9101 §6.3 (hardened: reject instead of ignore)",
    },
    Field {
        key: "accept_endpoint_as_audience",
        label: "Accept the authorize endpoint as aud",
        kind: Kind::Bool,
        help: "RFC 9101 §4 says the issuer",
    },
    Field {
        key: "par_request_uri_lifetime",
        label: "request_uri lifetime",
        kind: Kind::Number("s"),
        help: "RFC 9126 §2.2 expires_in; PingOne parTimeout",
    },
    Field {
        key: "par_body_max_bytes",
        label: "Largest PAR body",
        kind: Kind::Number("bytes"),
        help: "PingOne refuses 1 MB or more",
    },
    Field {
        key: "authorization_response_iss_parameter",
        label: "iss in authorization responses",
        kind: Kind::Bool,
        help: "RFC 9207",
    },
    Field {
        key: "jarm_enabled",
        label: "JWT-secured responses (JARM)",
        kind: Kind::Bool,
        help: "JARM §2; response_mode=jwt",
    },
    Field {
        key: "jarm_lifetime",
        label: "JARM response lifetime",
        kind: Kind::Number("s"),
        help: "JARM §2.1 exp",
    },
    Field {
        key: "pkce_required",
        label: "Require PKCE",
        kind: Kind::Bool,
        help: "RFC 9700 §2.1.1",
    },
    Field {
        key: "pkce_plain_allowed",
        label: "Allow PKCE plain",
        kind: Kind::Bool,
        help: "RFC 7636 §4.2",
    },
    Field {
        key: "client_assertion_max_lifetime",
        label: "Longest client assertion",
        kind: Kind::Number("s"),
        help: "PingOne: 1 h; 0 = no limit",
    },
    Field {
        key: "error_format",
        label: "Back-channel error format",
        kind: Kind::Choice(ERROR_FORMATS),
        help: "PingOne answers with its own envelope",
    },
    Field {
        key: "consent_step",
        label: "Show a consent page",
        kind: Kind::Bool,
        help: "for demonstrations: approve or deny",
    },
    Field {
        key: "access_token_format",
        label: "Access token format",
        kind: Kind::Choice(ACCESS_TOKEN_FORMATS),
        help: "RFC 9068: a signed JWT a resource server verifies itself, or an opaque reference read through introspection (RFC 7662)",
    },
    Field {
        key: "registration_initial_access_token",
        label: "Initial access token for client registration",
        kind: Kind::Secret,
        help: "RFC 7591 §3: set, POST /register needs it as a Bearer token; empty = open registration",
    },
    Field {
        key: "device_code_lifetime",
        label: "Device code lifetime",
        kind: Kind::Number("s"),
        help: "RFC 8628 §3.2 expires_in",
    },
    Field {
        key: "device_poll_interval",
        label: "Device polling interval",
        kind: Kind::Number("s"),
        help: "RFC 8628 §3.2 interval; slow_down adds 5 s",
    },
    Field {
        key: "dpop_nonce_required",
        label: "DPoP: require server nonces",
        kind: Kind::Bool,
        help: "RFC 9449 §8: use_dpop_nonce with a DPoP-Nonce header, the client retries",
    },
    Field {
        key: "dpop_nonce_lifetime",
        label: "DPoP nonce lifetime",
        kind: Kind::Number("s"),
        help: "RFC 9449 §8.2: nonces rotate at half-life and expire",
    },
    Field {
        key: "dpop_proof_max_age",
        label: "DPoP proof max age",
        kind: Kind::Number("s"),
        help: "RFC 9449 §4.3 point 11, §11.1 (iat window)",
    },
    Field {
        key: "require_dpop",
        label: "Sender-constrained tokens only (DPoP required)",
        kind: Kind::Bool,
        help: "FAPI 2.0 Security Profile §5.3.2.1; RFC 9449 §5.2",
    },
    Field {
        key: "authorization_code_max_lifetime",
        label: "Code lifetime cap (0 = the client's)",
        kind: Kind::Number("s"),
        help: "FAPI 2.0 Security Profile §5.3.2.1: at most 60 s",
    },
    Field {
        key: "require_jarm",
        label: "JARM for every client",
        kind: Kind::Bool,
        help: "FAPI 2.0 Message Signing §5.4",
    },
    Field {
        key: "require_encrypted_request_object",
        label: "Encrypted request objects only",
        kind: Kind::Bool,
        help: "RFC 9101 §4 (signed, then encrypted to the server's use enc key); needs encryption_algs",
    },
    Field {
        key: "signing_key_overlap",
        label: "Key rotation overlap",
        kind: Kind::Number("s"),
        help: "how long a replaced signing key stays in the JWKS",
    },
];

const PROFILES: [(ProfileName, &str, &str); 6] = [
    (ProfileName::Hardened, "hardened", "Hardened"),
    (ProfileName::Strict, "strict", "Strict (RFC 9101/9126, FAPI 2.0 style)"),
    (ProfileName::PingOne, "ping_one", "PingOne-compatible"),
    (ProfileName::Lenient, "lenient", "Lenient"),
    (
        ProfileName::Fapi2Security,
        "fapi2_security",
        "FAPI 2.0 Security Profile",
    ),
    (
        ProfileName::Fapi2MessageSigning,
        "fapi2_message_signing",
        "FAPI 2.0 Message Signing",
    ),
];

/// Applies `change` to the server settings through their JSON form; refused settings leave
/// the workspace as it was and say why.
fn edit_setting(key: &'static str, value: Value, error: RwSignal<Option<String>>) {
    let app = state();
    let current = app.workspace.with_untracked(|w| serde_json::to_value(&w.server));
    let Ok(Value::Object(mut map)) = current else { return };
    map.insert(key.to_string(), value);
    match serde_json::from_value::<ServerSettings>(Value::Object(map)) {
        Ok(settings) => match settings.validate() {
            Ok(()) => {
                error.set(None);
                app.workspace.update(|w| w.server = settings);
            }
            Err(why) => error.set(Some(format!("Not applied: {why}"))),
        },
        Err(e) => error.set(Some(format!("Not applied: {e}"))),
    }
}

#[component]
pub fn ServerPanel() -> impl IntoView {
    let app = state();
    let field_error = RwSignal::new(None::<String>);
    let settings_json = Memo::new(move |_| {
        app.workspace
            .with(|w| serde_json::to_value(&w.server).unwrap_or(Value::Null))
    });
    let profile = Memo::new(move |_| app.workspace.with(|w| w.server.profile));
    let description = Memo::new(move |_| app.workspace.with(|w| w.server.description.clone()));

    let on_profile = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some((name, _, _)) = PROFILES.iter().find(|(_, v, _)| *v == value) {
            app.workspace.update(|w| w.server = preset(*name, &w.server.issuer));
            field_error.set(None);
        }
    };

    let fields = FIELDS
        .iter()
        .map(|field| view! { <SettingControl field settings_json error=field_error/> })
        .collect_view();

    view! {
        <section class="panel step" id="server" aria-labelledby="server-title">
            <h2 id="server-title"><span class="step-no">"1"</span>"Server"</h2>
            <TargetChooser/>
            <div class="in-page-server" hidden=move || app.workspace.with(|w| w.target.kind != TargetKind::InPage)>
            <p class="hint">
                "The authorization server compiled into this page: nothing leaves your browser. "
                "Pick a profile, then change any setting; the discovery document follows."
            </p>
            <div class="fields">
                <label for="server-profile">"Profile"</label>
                <select id="server-profile" on:change=on_profile>
                    {PROFILES
                        .iter()
                        .map(|(name, value, label)| {
                            let name = *name;
                            view! {
                                <option value=*value selected=move || profile.get() == name>
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <span class="label-like">"Issuer"</span>
                <code id="server-issuer">{move || app.workspace.with(|w| w.server.issuer.clone())}</code>
            </div>
            <p class="profile-description" id="server-profile-description">{move || description.get()}</p>
            {move || {
                app.server_error
                    .get()
                    .map(|e| view! { <p class="error" role="alert" id="server-error">{e}</p> })
            }}
            {move || field_error.get().map(|e| view! { <p class="error" role="alert" id="server-field-error">{e}</p> })}
            <details class="settings">
                <summary>"All settings"</summary>
                <div class="settings-grid">{fields}</div>
                <SettingsJsonEditor/>
            </details>
            <ServerDocuments/>
            <super::keys_audit::SigningKeys/>
            <super::keys_audit::AuditLog/>
            </div>
        </section>
    }
}

#[component]
fn SettingControl(field: &'static Field, settings_json: Memo<Value>, error: RwSignal<Option<String>>) -> impl IntoView {
    let id = format!("setting-{}", field.key);
    let current = move || settings_json.with(|s| s.get(field.key).cloned().unwrap_or(Value::Null));
    let control = match field.kind {
        Kind::Bool => view! {
            <input
                type="checkbox"
                id=id.clone()
                prop:checked=move || current().as_bool().unwrap_or(false)
                on:change=move |ev| edit_setting(field.key, Value::Bool(event_target_checked(&ev)), error)
            />
        }
        .into_any(),
        Kind::Number(unit) => view! {
            <span class="with-unit">
                <input
                    type="number"
                    min="0"
                    id=id.clone()
                    prop:value=move || current().to_string()
                    on:change=move |ev| {
                        match event_target_value(&ev).trim().parse::<i64>() {
                            Ok(n) => edit_setting(field.key, Value::from(n), error),
                            Err(_) => error.set(Some(format!("{}: a whole number, please", field.label))),
                        }
                    }
                />
                <span class="unit">{unit}</span>
            </span>
        }
        .into_any(),
        Kind::Choice(options) => view! {
            <select id=id.clone() on:change=move |ev| edit_setting(field.key, Value::from(event_target_value(&ev)), error)>
                {options
                    .iter()
                    .map(|(value, label)| {
                        view! {
                            <option value=*value selected=move || current().as_str() == Some(*value)>
                                {*label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        Kind::Secret => view! {
            <input
                type="password"
                autocomplete="off"
                spellcheck="false"
                id=id.clone()
                prop:value=move || current().as_str().unwrap_or_default().to_string()
                on:change=move |ev| {
                    let text = event_target_value(&ev);
                    let value = if text.is_empty() { Value::Null } else { Value::from(text) };
                    edit_setting(field.key, value, error);
                }
            />
        }
        .into_any(),
        Kind::Algs => {
            let boxes = SUPPORTED_ALGS
                .iter()
                .map(|alg| {
                    let alg = *alg;
                    let box_id = format!("setting-alg-{alg}");
                    let has = move || {
                        current()
                            .as_array()
                            .is_some_and(|list| list.iter().any(|v| v.as_str() == Some(alg)))
                    };
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        let mut list: Vec<String> = current()
                            .as_array()
                            .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                            .unwrap_or_default();
                        list.retain(|a| a != alg);
                        if on {
                            list.push(alg.to_string());
                        }
                        edit_setting(field.key, Value::from(list), error);
                    };
                    view! {
                        <span class="alg-box">
                            <input type="checkbox" id=box_id.clone() prop:checked=has on:change=toggle/>
                            <label for=box_id>{alg}</label>
                        </span>
                    }
                })
                .collect_view();
            view! { <fieldset class="alg-list" id=id.clone()><legend class="sr-only">{field.label}</legend>{boxes}</fieldset> }
                .into_any()
        }
    };
    let label = match field.kind {
        Kind::Algs => view! { <span class="label-like">{field.label}</span> }.into_any(),
        _ => view! { <label for=id>{field.label}</label> }.into_any(),
    };
    view! {
        <div class="setting">
            {label}
            {control}
            <span class="help">{field.help}</span>
        </div>
    }
}

/// Every setting as JSON, for what the controls do not show (issuer, test user, …).
#[component]
fn SettingsJsonEditor() -> impl IntoView {
    let app = state();
    let text = RwSignal::new(String::new());
    // Typed but not applied: while true, the text no longer follows the form.
    let dirty = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    let reload = move || {
        let json = app
            .workspace
            .with_untracked(|w| serde_json::to_value(&w.server).unwrap_or(Value::Null));
        text.set(pretty(&json));
        dirty.set(false);
    };
    Effect::new(move |_| {
        app.workspace.track();
        if !dirty.get_untracked() {
            reload();
        }
    });
    let apply = move |_| {
        let typed = text.get_untracked();
        if typed.len() > MAX_SETTINGS_BYTES {
            message.set(Some(Err(format!(
                "Not applied: {} bytes; the settings JSON may have at most {} KiB",
                typed.len(),
                MAX_SETTINGS_BYTES / 1024
            ))));
            return;
        }
        let parsed = serde_json::from_str::<ServerSettings>(&typed)
            .map_err(|e| format!("{e} (line {}, column {})", e.line(), e.column()))
            .and_then(|s| s.validate().map(|()| s));
        match parsed {
            Ok(settings) => {
                dirty.set(false);
                app.workspace.update(|w| w.server = settings);
                message.set(Some(Ok("Applied.".into())));
            }
            Err(e) => message.set(Some(Err(format!("Not applied: {e}")))),
        }
    };
    view! {
        <div class="json-editor">
            <label for="server-settings-json">"Settings as JSON (every setting, including issuer and test user)"</label>
            <textarea
                id="server-settings-json"
                rows="12"
                spellcheck="false"
                prop:value=move || text.get()
                on:input=move |ev| {
                    dirty.set(true);
                    text.set(event_target_value(&ev));
                }
            ></textarea>
            <div class="actions">
                <button type="button" id="server-settings-apply" on:click=apply>"Apply JSON"</button>
                <button type="button" on:click=move |_| { reload(); message.set(None); }>"Reload from the form"</button>
            </div>
            {move || match message.get() {
                Some(Ok(m)) => Some(view! { <p class="ok" role="status">{m}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert" id="server-settings-json-error">{e}</p> }.into_any()),
                None => None,
            }}
        </div>
    }
}

/// The discovery document and JWKS as the server serves them right now.
#[component]
fn ServerDocuments() -> impl IntoView {
    let app = state();
    // Memos, so a block is rebuilt only when its document changed, not on every
    // reconfiguration (a client registration changes neither).
    let document = move |p: &'static str| {
        Memo::new(move |_| {
            app.server_revision.track();
            match server_document(p) {
                Ok(text) => serde_json::from_str::<Value>(&text).map(|v| pretty(&v)).unwrap_or(text),
                Err(e) => format!("unavailable: {e}"),
            }
        })
    };
    let (discovery, jwks) = (document(path::DISCOVERY), document(path::JWKS));
    view! {
        <details class="documents">
            <summary>"Discovery document and JWKS"</summary>
            {move || view! { <CodeBlock what="GET /.well-known/openid-configuration" text=discovery.get() id="server-discovery"/> }}
            {move || view! { <CodeBlock what="GET /jwks" text=jwks.get() id="server-jwks"/> }}
        </details>
    }
}
