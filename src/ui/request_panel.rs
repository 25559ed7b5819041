//! Step 3, the request: every parameter of the authorization request, the delivery, and the
//! request object's options. The preview, the compare view and the pre-flight findings sit
//! beside it (see `preview.rs`, `preflight.rs`).

use leptos::prelude::*;
use serde_json::Value;

use super::context::{page_rng, state};
use super::dpop_fields::DpopFields;
use super::jwe_fields::{request_object_offered, target_metadata_memo, JweChoiceFields};
use super::learn::LearnLinks;
use super::widgets::Toggle;
use crate::oauth::pkce::{Pkce, PkceMethod};
use crate::oauth::request_object::{Audience, TypHeader};
use crate::oauth::Delivery;
use crate::protocol::response_mode;
use crate::workspace::{Workspace, ALG_NONE, RESPONSE_TYPES};

/// JSON text fields refuse more than this (a `claims` request is a few hundred bytes).
pub const MAX_JSON_FIELD_BYTES: usize = 64 * 1024;

const REQUEST_OBJECT_ALGS: [&str; 13] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ALG_NONE,
];

pub fn delivery_label(d: Delivery) -> &'static str {
    match d {
        Delivery::Plain => "Plain (query string)",
        Delivery::Jar => "JAR (signed request object by value)",
        Delivery::Par => "PAR (pushed parameters)",
        Delivery::ParJar => "PAR + JAR (pushed signed request object)",
    }
}

pub(super) type ReadText = fn(&Workspace) -> String;
pub(super) type WriteText = fn(&mut Workspace, String);

fn opt(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A text input bound to the workspace.
#[component]
pub(super) fn TextField(
    id: &'static str,
    label: &'static str,
    get: ReadText,
    set: WriteText,
    #[prop(optional)] help: Option<&'static str>,
) -> impl IntoView {
    let ws = state().workspace;
    view! {
        <label for=id>{label}</label>
        <span class="with-help">
            <input
                id=id
                type="text"
                spellcheck="false"
                autocomplete="off"
                prop:value=move || ws.with(get)
                on:change=move |ev| ws.update(|w| set(w, event_target_value(&ev)))
            />
            {help.map(|h| view! { <span class="help">{h}</span> })}
        </span>
    }
}

/// A select of fixed options bound to the workspace.
#[component]
pub(super) fn SelectField(
    id: &'static str,
    label: &'static str,
    options: Vec<(&'static str, &'static str)>,
    get: ReadText,
    set: WriteText,
) -> impl IntoView {
    let ws = state().workspace;
    view! {
        <label for=id>{label}</label>
        // `prop:value` as well as each option's `selected`: once the user has picked an option
        // the browser no longer follows `selected` attributes, so a one-click fix that sets
        // the value back to an earlier choice would change the workspace but not the select.
        <select id=id prop:value=move || ws.with(get) on:change=move |ev| ws.update(|w| set(w, event_target_value(&ev)))>
            {options
                .into_iter()
                .map(|(value, text)| view! { <option value=value selected=move || ws.with(get) == value>{text}</option> })
                .collect_view()}
        </select>
    }
}

/// A JSON text area for an optional object/array parameter. What the user types is kept as
/// a draft; only valid JSON of the right shape reaches the workspace, and the error says
/// where it is not.
#[component]
fn JsonField(
    id: &'static str,
    label: &'static str,
    get: fn(&Workspace) -> Option<Value>,
    set: fn(&mut Workspace, Option<Value>) -> Result<(), String>,
) -> impl IntoView {
    let ws = state().workspace;
    let draft = RwSignal::new(ws.with_untracked(|w| {
        get(w)
            .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
            .unwrap_or_default()
    }));
    let error = RwSignal::new(None::<String>);
    let commit = move |text: String| {
        if text.len() > MAX_JSON_FIELD_BYTES {
            error.set(Some(format!(
                "{} bytes: this field takes at most {} KiB",
                text.len(),
                MAX_JSON_FIELD_BYTES / 1024
            )));
            return;
        }
        let parsed = if text.trim().is_empty() {
            Ok(None)
        } else {
            serde_json::from_str::<Value>(&text)
                .map(Some)
                .map_err(|e| format!("not JSON: {e} (line {}, column {})", e.line(), e.column()))
        };
        let outcome = parsed.and_then(|v| {
            let mut result = Ok(());
            ws.update(|w| result = set(w, v));
            result
        });
        error.set(outcome.err());
    };
    let error_id = format!("{id}-error");
    view! {
        <label for=id>{label}</label>
        <span class="with-help">
            <textarea
                id=id
                rows="3"
                spellcheck="false"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:change=move |ev| commit(event_target_value(&ev))
            ></textarea>
            <span id=error_id class="field-error" role="alert">{move || error.get()}</span>
        </span>
    }
}

#[component]
pub fn RequestPanel() -> impl IntoView {
    let ws = state().workspace;
    let regenerate = move |what: &'static str| {
        move |_| {
            let mut rng = page_rng();
            ws.update(|w| match what {
                "state" => w.request.regenerate_state(&mut rng),
                "nonce" => w.request.regenerate_nonce(&mut rng),
                _ => w.request.regenerate_verifier(&mut rng),
            })
        }
    };
    let deliveries = Delivery::ALL
        .iter()
        .map(|d| {
            let d = *d;
            let id = format!("delivery-{}", d.name().replace('+', "-"));
            view! {
                <span class="radio">
                    <input
                        type="radio"
                        name="delivery"
                        id=id.clone()
                        value=d.name()
                        prop:checked=move || ws.with(|w| w.delivery == d)
                        on:change=move |_| ws.update(|w| w.delivery = d)
                    />
                    <label for=id>{delivery_label(d)}</label>
                </span>
            }
        })
        .collect_view();
    let uses_object = Memo::new(move |_| ws.with(|w| w.delivery.uses_request_object()));

    view! {
        <section class="panel step" id="request" aria-labelledby="request-title">
            <h2 id="request-title"><span class="step-no">"3"</span>"Request"</h2>
            <fieldset class="deliveries">
                <legend>"Delivery"</legend>
                {deliveries}
            </fieldset>
            <LearnLinks/>
            <div class="fields">
                <SelectField
                    id="req-response-type"
                    label="response_type"
                    options=RESPONSE_TYPES.iter().map(|t| (*t, *t)).collect()
                    get=|w| w.request.response_type.clone()
                    set=|w, v| w.request.response_type = v
                />
                <SelectField
                    id="req-response-mode"
                    label="response_mode"
                    options=vec![
                        ("", "default for the response type"),
                        (response_mode::QUERY, "query"),
                        (response_mode::FRAGMENT, "fragment"),
                        (response_mode::FORM_POST, "form_post"),
                        (response_mode::JWT, "jwt (JARM)"),
                        (response_mode::QUERY_JWT, "query.jwt (JARM)"),
                        (response_mode::FRAGMENT_JWT, "fragment.jwt (JARM)"),
                        (response_mode::FORM_POST_JWT, "form_post.jwt (JARM)"),
                    ]
                    get=|w| w.request.response_mode.clone().unwrap_or_default()
                    set=|w, v| w.request.response_mode = opt(v)
                />
                <TextField id="req-scope" label="scope" get=|w| w.request.scope.clone().unwrap_or_default() set=|w, v| w.request.scope = opt(v)/>
                <label for="req-redirect-uri">"redirect_uri"</label>
                <span class="with-help">
                    <input
                        id="req-redirect-uri"
                        type="text"
                        list="registered-redirects"
                        spellcheck="false"
                        prop:value=move || ws.with(|w| w.request.redirect_uri.clone().unwrap_or_default())
                        on:change=move |ev| ws.update(|w| w.request.redirect_uri = opt(event_target_value(&ev)))
                    />
                    <datalist id="registered-redirects">
                        {move || ws.with(|w| w.client.redirect_uris.iter().map(|u| view! { <option value=u.clone()></option> }).collect_view())}
                    </datalist>
                </span>
                <label for="req-state">"state"</label>
                <span class="inline">
                    <input id="req-state" type="text" spellcheck="false"
                        prop:value=move || ws.with(|w| w.request.state.clone().unwrap_or_default())
                        on:change=move |ev| ws.update(|w| w.request.state = opt(event_target_value(&ev)))/>
                    <button type="button" aria-label="New random state" on:click=regenerate("state")>"New"</button>
                </span>
                <label for="req-nonce">"nonce"</label>
                <span class="inline">
                    <input id="req-nonce" type="text" spellcheck="false"
                        prop:value=move || ws.with(|w| w.request.nonce.clone().unwrap_or_default())
                        on:change=move |ev| ws.update(|w| w.request.nonce = opt(event_target_value(&ev)))/>
                    <button type="button" aria-label="New random nonce" on:click=regenerate("nonce")>"New"</button>
                </span>
                <label for="req-pkce">"PKCE (RFC 7636)"</label>
                <span class="inline">
                    <select id="req-pkce" on:change=move |ev| {
                        let mut rng = page_rng();
                        let value = event_target_value(&ev);
                        ws.update(|w| w.request.pkce = match value.as_str() {
                            "S256" => Some(Pkce::generate(PkceMethod::S256, &mut rng)),
                            "plain" => Some(Pkce::generate(PkceMethod::Plain, &mut rng)),
                            _ => None,
                        });
                    }>
                        <option value="S256" selected=move || ws.with(|w| matches!(w.request.pkce, Some(Pkce { method: PkceMethod::S256, .. })))>"S256"</option>
                        <option value="plain" selected=move || ws.with(|w| matches!(w.request.pkce, Some(Pkce { method: PkceMethod::Plain, .. })))>"plain"</option>
                        <option value="none" selected=move || ws.with(|w| w.request.pkce.is_none())>"none"</option>
                    </select>
                    <button type="button" aria-label="New verifier (PKCE code_verifier)" on:click=regenerate("verifier")>"New verifier"</button>
                </span>
            </div>
            <DpopFields/>
            <details class="more-params">
                <summary>"More parameters (prompt, max_age, claims, resource, …)"</summary>
                <div class="fields">
                    <SelectField
                        id="req-prompt"
                        label="prompt"
                        options=vec![("", "(none)"), ("none", "none"), ("login", "login"), ("consent", "consent"), ("select_account", "select_account")]
                        get=|w| w.request.prompt.clone().unwrap_or_default()
                        set=|w, v| w.request.prompt = opt(v)
                    />
                    <TextField
                        id="req-max-age"
                        label="max_age (seconds)"
                        get=|w| w.request.max_age.map(|m| m.to_string()).unwrap_or_default()
                        set=|w, v| w.request.max_age = v.trim().parse().ok()
                        help="a number; anything else clears it"
                    />
                    <TextField id="req-login-hint" label="login_hint" get=|w| w.request.login_hint.clone().unwrap_or_default() set=|w, v| w.request.login_hint = opt(v)/>
                    <TextField id="req-acr-values" label="acr_values" get=|w| w.request.acr_values.clone().unwrap_or_default() set=|w, v| w.request.acr_values = opt(v)/>
                    <TextField id="req-ui-locales" label="ui_locales" get=|w| w.request.ui_locales.clone().unwrap_or_default() set=|w, v| w.request.ui_locales = opt(v)/>
                    <JsonField
                        id="req-claims"
                        label="claims (JSON object, OIDC Core §5.5)"
                        get=|w| w.request.claims.clone().map(Value::Object)
                        set=|w, v| match v {
                            None => { w.request.claims = None; Ok(()) }
                            Some(Value::Object(m)) => { w.request.claims = Some(m); Ok(()) }
                            Some(_) => Err("claims must be a JSON object".into()),
                        }
                    />
                    <JsonField
                        id="req-authorization-details"
                        label="authorization_details (JSON array, RFC 9396)"
                        get=|w| w.request.authorization_details.clone().map(Value::Array)
                        set=|w, v| match v {
                            None => { w.request.authorization_details = None; Ok(()) }
                            Some(Value::Array(a)) => { w.request.authorization_details = Some(a); Ok(()) }
                            Some(_) => Err("authorization_details must be a JSON array".into()),
                        }
                    />
                    <label for="req-resource">"resource (RFC 8707, one per line)"</label>
                    <textarea id="req-resource" rows="2" spellcheck="false"
                        prop:value=move || ws.with(|w| w.request.resource.join("\n"))
                        on:change=move |ev| {
                            let lines = event_target_value(&ev).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
                            ws.update(|w| w.request.resource = lines);
                        }></textarea>
                    <label for="req-extra">"Other parameters (name=value per line)"</label>
                    <textarea id="req-extra" rows="2" spellcheck="false"
                        prop:value=move || ws.with(|w| w.request.extra.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\n"))
                        on:change=move |ev| {
                            let pairs = event_target_value(&ev)
                                .lines()
                                .filter_map(|l| l.split_once('=').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
                                .filter(|(k, _)| !k.is_empty())
                                .collect();
                            ws.update(|w| w.request.extra = pairs);
                        }></textarea>
                </div>
            </details>
            <Show when=move || uses_object.get()>
                <RequestObjectOptionsForm/>
            </Show>
        </section>
    }
}

#[component]
fn RequestObjectOptionsForm() -> impl IntoView {
    let ws = state().workspace;
    let metadata = target_metadata_memo();
    let toggle = |id: &'static str, label: &'static str, get: fn(&Workspace) -> bool, set: fn(&mut Workspace, bool)| {
        view! {
            <Toggle
                id=id
                label=label
                checked=Signal::derive(move || ws.with(get))
                on_change=Callback::new(move |on| ws.update(|w| set(w, on)))
            />
        }
    };
    view! {
        <fieldset class="request-object-options">
            <legend>"Request object (RFC 9101)"</legend>
            <div class="fields">
                <SelectField
                    id="ro-alg"
                    label="Signing algorithm"
                    options=REQUEST_OBJECT_ALGS.iter().map(|a| (*a, if *a == ALG_NONE { "none (unsigned, only if the server allows)" } else { *a })).collect()
                    get=|w| w.request_object_alg.clone()
                    set=|w, v| w.request_object_alg = v
                />
                // RFC 9101 §4 / OIDC Core §6.1: signed, then encrypted to the server's use:enc key.
                <JweChoiceFields
                    id="ro-encryption"
                    label="Encrypt the request object"
                    get=|w| (w.encryption.request_object_alg.clone(), w.encryption.request_object_enc.clone())
                    set=|w, alg, enc| {
                        w.encryption.request_object_alg = alg;
                        w.encryption.request_object_enc = enc;
                    }
                    offered=request_object_offered
                    metadata=metadata
                />
                <SelectField
                    id="ro-aud"
                    label="aud"
                    options=vec![("issuer", "the issuer (RFC 9101 §4)"), ("endpoint", "the authorize endpoint URL"), ("custom", "custom…"), ("omit", "(omitted)")]
                    get=|w| match &w.request_object.audience {
                        Audience::Issuer => "issuer".into(),
                        Audience::AuthorizationEndpoint => "endpoint".into(),
                        Audience::Custom(_) => "custom".into(),
                        Audience::Omit => "omit".into(),
                    }
                    set=|w, v| w.request_object.audience = match v.as_str() {
                        "endpoint" => Audience::AuthorizationEndpoint,
                        "custom" => Audience::Custom(w.server.issuer.clone()),
                        "omit" => Audience::Omit,
                        _ => Audience::Issuer,
                    }
                />
                <Show when=move || ws.with(|w| matches!(w.request_object.audience, Audience::Custom(_)))>
                    <TextField
                        id="ro-aud-custom"
                        label="custom aud"
                        get=|w| match &w.request_object.audience { Audience::Custom(a) => a.clone(), _ => String::new() }
                        set=|w, v| w.request_object.audience = Audience::Custom(v)
                    />
                </Show>
                <SelectField
                    id="ro-typ"
                    label="typ header"
                    options=vec![("oauth-authz-req+jwt", "oauth-authz-req+jwt (RFC 9101 §10.8)"), ("JWT", "JWT"), ("omit", "(omitted)")]
                    get=|w| w.request_object.typ.value().unwrap_or("omit").to_string()
                    set=|w, v| w.request_object.typ = match v.as_str() {
                        "JWT" => TypHeader::Jwt,
                        "omit" => TypHeader::Omit,
                        _ => TypHeader::OauthAuthzReqJwt,
                    }
                />
                <TextField
                    id="ro-lifetime"
                    label="Lifetime, exp − iat (seconds)"
                    get=|w| w.request_object.lifetime.to_string()
                    set=|w, v| if let Ok(n) = v.trim().parse() { w.request_object.lifetime = n }
                />
            </div>
            <div class="toggles">
                {toggle("ro-iss", "iss = client_id", |w| w.request_object.include_iss, |w, on| w.request_object.include_iss = on)}
                {toggle("ro-iat", "iat", |w| w.request_object.include_iat, |w, on| w.request_object.include_iat = on)}
                {toggle("ro-nbf", "nbf", |w| w.request_object.include_nbf, |w, on| w.request_object.include_nbf = on)}
                {toggle("ro-exp", "exp", |w| w.request_object.include_exp, |w, on| w.request_object.include_exp = on)}
                {toggle("ro-jti", "jti (unique id)", |w| w.request_object.include_jti, |w, on| w.request_object.include_jti = on)}
                {toggle("ro-kid", "kid header", |w| w.request_object.include_kid, |w, on| w.request_object.include_kid = on)}
            </div>
        </fieldset>
    }
}
