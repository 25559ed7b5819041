//! Step 2, the client and its keys: identity, secret, redirect URIs, authentication method,
//! and a key manager (generate, import PEM/JWK/JWKS, thumbprints, public JWKS export).

use leptos::prelude::*;

use super::announce::{announcer, refocus_if_lost};
use super::context::{page_rng, register_now, state};
use super::copy_button::CopyButton;
use super::jwe_fields::{id_token_offered, jarm_offered, target_metadata_memo, userinfo_offered, JweChoiceFields};
use super::registration_panel::RegistrationEndpoint;
use super::request_panel::{SelectField, TextField};
use super::webcrypto::{Operation, WebCryptoBackend};
use super::widgets::{chosen_file, download, file_text, Toggle};
use crate::jose::{CryptoBackend, EcCurve, Jwk, Jwks, KeyGenSpec};
use crate::protocol::auth_method;
use crate::workspace::{KeyEntry, UiSecret};

/// Pasted or loaded key text is refused above this size (a key, even RSA-4096 with its
/// private parts, is a few KiB).
pub const MAX_KEY_TEXT_BYTES: usize = 256 * 1024;

const SIGNING_ALGS: [&str; 12] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

/// The keys the generator offers: (value, label, spec).
const KEY_KINDS: [(&str, &str, KeyGenSpec); 11] = [
    ("rsa-2048", "RSA 2048 (RS*/PS*)", KeyGenSpec::Rsa { bits: 2048 }),
    ("rsa-3072", "RSA 3072", KeyGenSpec::Rsa { bits: 3072 }),
    ("rsa-4096", "RSA 4096", KeyGenSpec::Rsa { bits: 4096 }),
    ("ec-p256", "EC P-256 (ES256)", KeyGenSpec::Ec { crv: EcCurve::P256 }),
    ("ec-p384", "EC P-384 (ES384)", KeyGenSpec::Ec { crv: EcCurve::P384 }),
    (
        "ec-p521",
        "EC P-521 (ES512, ECDH-ES)",
        KeyGenSpec::Ec { crv: EcCurve::P521 },
    ),
    ("ed25519", "Ed25519 (EdDSA)", KeyGenSpec::Ed25519),
    // RFC 8037 §3.2: X25519 only agrees keys (ECDH-ES); it is always made an encryption key.
    ("x25519", "X25519 (ECDH-ES)", KeyGenSpec::X25519),
    ("oct-32", "HMAC secret, 32 bytes (HS256)", KeyGenSpec::Oct { bytes: 32 }),
    ("oct-48", "HMAC secret, 48 bytes (HS384)", KeyGenSpec::Oct { bytes: 48 }),
    ("oct-64", "HMAC secret, 64 bytes (HS512)", KeyGenSpec::Oct { bytes: 64 }),
];

fn kind_label(spec: KeyGenSpec) -> String {
    match spec {
        KeyGenSpec::Rsa { bits } => format!("RSA-{bits}"),
        KeyGenSpec::Ec { crv } => format!("EC {}", crv.name()),
        KeyGenSpec::Ed25519 => "Ed25519".into(),
        KeyGenSpec::X25519 => "X25519".into(),
        KeyGenSpec::Oct { bytes } => format!("HMAC {bytes}-byte"),
    }
}

/// Marks `jwk` as an encryption key (`use: "enc"`, RFC 7517 §4.2): RSA for RSA-OAEP(-256),
/// EC for ECDH-ES*. Its `alg`, if any, named a signature algorithm and is dropped. A symmetric
/// or OKP key is refused: A128KW/A256KW/dir use the client secret (OIDC Core §10.2).
pub fn as_encryption_key(mut jwk: Jwk) -> Result<Jwk, String> {
    match jwk.material.kty() {
        "RSA" | "EC" => {
            jwk.key_use = Some("enc".into());
            jwk.alg = None;
            jwk.key_ops = None;
            Ok(jwk)
        }
        // RFC 8037 §3.2: an OKP key on X25519 agrees keys for ECDH-ES (an Ed25519 one signs).
        "OKP" if jwk.material.crv() == Some("X25519") => {
            jwk.key_use = Some("enc".into());
            jwk.alg = None;
            jwk.key_ops = None;
            Ok(jwk)
        }
        other => Err(format!(
            "an encryption key is RSA (RSA-OAEP, RSA-OAEP-256), EC or X25519 (ECDH-ES); this one is {other} (A128KW, A256KW and dir use the client secret, OIDC Core §10.2)"
        )),
    }
}

/// Reads pasted or loaded text as a PEM block, a JWK, or a JWKS (every usable key).
pub fn parse_keys(text: &str) -> Result<Vec<Jwk>, String> {
    if text.len() > MAX_KEY_TEXT_BYTES {
        return Err(format!(
            "{} bytes is more than the {} KiB a key field takes",
            text.len(),
            MAX_KEY_TEXT_BYTES / 1024
        ));
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("nothing to import: paste a PEM block, a JWK or a JWKS".into());
    }
    if trimmed.starts_with("-----BEGIN") {
        return Jwk::from_pem(trimmed)
            .map(|k| vec![k.with_thumbprint_kid()])
            .map_err(|e| format!("PEM: {e}"));
    }
    let value: serde_json::Value = serde_json::from_str(trimmed)
        .map_err(|e| format!("not PEM, and not JSON: {e} (line {}, column {})", e.line(), e.column()))?;
    if value.get("keys").is_some() {
        let jwks = Jwks::from_json(trimmed).map_err(|e| format!("JWKS: {e}"))?;
        if jwks.keys.is_empty() {
            return Err("the JWKS holds no key this playground can use".into());
        }
        return Ok(jwks.keys.into_iter().map(Jwk::with_thumbprint_kid).collect());
    }
    Jwk::from_json(trimmed)
        .map(|k| vec![k.with_thumbprint_kid()])
        .map_err(|e| format!("JWK: {e}"))
}

#[component]
pub fn ClientPanel() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let show_secret = RwSignal::new(false);
    let metadata = target_metadata_memo();
    let register_status = RwSignal::new(None::<Result<String, String>>);

    let register = move |_| {
        register_status.set(Some(
            ws.with_untracked(register_now)
                .map(|id| format!("Registered \"{id}\" with the in-page server.")),
        ));
    };
    let new_secret = move |_| {
        let secret = crate::oauth::random::random_token(&mut page_rng(), 32);
        ws.update(|w| w.client.client_secret = Some(UiSecret::new(secret)));
    };

    view! {
        <section class="panel step" id="client" aria-labelledby="client-title">
            <h2 id="client-title"><span class="step-no">"2"</span>"Client & keys"</h2>
            <div class="fields">
                <TextField id="client-id" label="Client ID" get=|w| w.client.client_id.clone() set=|w, v| w.client.client_id = v.trim().to_string()/>
                <label for="client-secret">"Client secret"</label>
                <span class="secret-field">
                    <input
                        id="client-secret"
                        type=move || if show_secret.get() { "text" } else { "password" }
                        spellcheck="false"
                        autocomplete="off"
                        prop:value=move || ws.with(|w| w.client.client_secret.as_ref().map(|s| s.expose().to_string()).unwrap_or_default())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            ws.update(|w| w.client.client_secret = (!v.is_empty()).then(|| UiSecret::new(v)));
                        }
                    />
                    <button type="button" aria-pressed=move || show_secret.get().to_string() on:click=move |_| show_secret.update(|s| *s = !*s)>
                        {move || if show_secret.get() { "Hide" } else { "Show" }}
                    </button>
                    <button type="button" on:click=new_secret>"New secret"</button>
                </span>
                <label for="client-redirect-uris">"Registered redirect URIs (one per line)"</label>
                <textarea
                    id="client-redirect-uris"
                    rows="2"
                    spellcheck="false"
                    prop:value=move || ws.with(|w| w.client.redirect_uris.join("\n"))
                    on:change=move |ev| {
                        let lines: Vec<String> = event_target_value(&ev).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
                        ws.update(|w| w.client.redirect_uris = lines);
                    }
                ></textarea>
                <SelectField id="client-auth-method" label="Token endpoint authentication" options=auth_method::ALL.iter().map(|o| (*o, *o)).collect() get=|w| w.client.auth_method.clone() set=|w, v| w.client.auth_method = v/>
                <SelectField id="client-assertion-alg" label="Client assertion algorithm" options=SIGNING_ALGS.iter().map(|o| (*o, *o)).collect() get=|w| w.client.assertion_alg.clone() set=|w, v| w.client.assertion_alg = v/>
                <SelectField id="client-jarm-alg" label="JARM signing algorithm (registered)" options=SIGNING_ALGS.iter().map(|o| (*o, *o)).collect() get=|w| w.client.jarm_alg.clone() set=|w, v| w.client.jarm_alg = v/>
                <SelectField id="client-id-token-alg" label="ID token signing algorithm (registered)" options=SIGNING_ALGS.iter().map(|o| (*o, *o)).collect() get=|w| w.client.id_token_alg.clone() set=|w, v| w.client.id_token_alg = v/>
                // Encrypted responses (JARM §3, OIDC Registration §2): registered with the client's use:enc key.
                <JweChoiceFields
                    id="client-jarm-encryption"
                    label="JARM encryption (registered)"
                    get=|w| (w.encryption.jarm_alg.clone(), w.encryption.jarm_enc.clone())
                    set=|w, alg, enc| {
                        w.encryption.jarm_alg = alg;
                        w.encryption.jarm_enc = enc;
                    }
                    offered=jarm_offered
                    metadata=metadata
                />
                <JweChoiceFields
                    id="client-id-token-encryption"
                    label="ID token encryption (registered)"
                    get=|w| (w.encryption.id_token_alg.clone(), w.encryption.id_token_enc.clone())
                    set=|w, alg, enc| {
                        w.encryption.id_token_alg = alg;
                        w.encryption.id_token_enc = enc;
                    }
                    offered=id_token_offered
                    metadata=metadata
                />
                <JweChoiceFields
                    id="client-userinfo-encryption"
                    label="Userinfo encryption (registered)"
                    get=|w| (w.encryption.userinfo_alg.clone(), w.encryption.userinfo_enc.clone())
                    set=|w, alg, enc| {
                        w.encryption.userinfo_alg = alg;
                        w.encryption.userinfo_enc = enc;
                    }
                    offered=userinfo_offered
                    metadata=metadata
                />
            </div>
            <Toggle
                id="client-sync"
                label="Keep the in-page server's registration in step with this panel"
                checked=Signal::derive(move || ws.with(|w| w.client.sync_registration))
                on_change=Callback::new(move |on| ws.update(|w| w.client.sync_registration = on))
                help="Untick to register by hand, e.g. to show what an unregistered redirect URI does."
            />
            <div class="actions">
                <button type="button" id="client-register" on:click=register>"Register with the in-page server"</button>
                {move || match register_status.get() {
                    Some(Ok(m)) => Some(view! { <span class="ok" role="status" id="client-register-status">{m}</span> }.into_any()),
                    Some(Err(e)) => Some(view! { <span class="error" role="alert" id="client-register-status">{format!("Registration refused: {e}")}</span> }.into_any()),
                    None => None,
                }}
            </div>
            <RegistrationEndpoint/>
            <KeyManager/>
        </section>
    }
}

#[component]
fn KeyManager() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let kind = RwSignal::new("rsa-2048".to_string());
    // "sig" or "enc": what the next generated or imported key is for.
    let purpose = RwSignal::new("sig".to_string());
    let busy = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<Result<String, String>>);
    // A key generated (after up to seconds of waiting) or imported is said through the
    // page's live region; a refusal is a `role="alert"` in place.
    let voice = announcer();
    Effect::watch(
        move || message.get(),
        move |m, _, _| {
            if let (Some(voice), Some(Ok(text))) = (voice, m) {
                voice.say(text.clone());
            }
        },
        false,
    );
    let import_text = RwSignal::new(String::new());

    let add_keys = move |keys: Vec<Jwk>, origin: String| {
        let count = keys.len();
        ws.update(|w| {
            for jwk in keys {
                let entry = KeyEntry {
                    jwk,
                    origin: origin.clone(),
                    private_forgotten: false,
                };
                let kid = entry.kid();
                w.keys.retain(|k| k.kid() != kid);
                if w.active_key.is_none() && entry.jwk.is_private() && !entry.is_encryption() {
                    w.active_key = Some(kid);
                }
                w.keys.push(entry);
            }
        });
        count
    };

    let generate = move |_| {
        let Some((_, _, spec)) = KEY_KINDS.iter().find(|(v, _, _)| *v == kind.get_untracked()) else {
            return;
        };
        let spec = *spec;
        // X25519 cannot sign (RFC 8037 §3.2), so it is an encryption key whatever the purpose.
        let for_encryption = purpose.get_untracked() == "enc" || matches!(spec, KeyGenSpec::X25519);
        if for_encryption
            && !matches!(
                spec,
                KeyGenSpec::Rsa { .. } | KeyGenSpec::Ec { .. } | KeyGenSpec::X25519
            )
        {
            message.set(Some(Err(
                "An encryption key is RSA (RSA-OAEP), EC or X25519 (ECDH-ES): A128KW, A256KW and dir use the client secret (OIDC Core §10.2)."
                    .into(),
            )));
            return;
        }
        let label = if for_encryption {
            format!("{} encryption", kind_label(spec))
        } else {
            kind_label(spec)
        };
        busy.set(Some(format!(
            "Generating an {label} key with WebCrypto (off the main thread)…"
        )));
        message.set(None);
        leptos::task::spawn_local(async move {
            let outcome = match WebCryptoBackend::new() {
                Ok(backend) => backend
                    .generate(spec)
                    .await
                    .map(|jwk| {
                        if for_encryption {
                            as_encryption_key(jwk)
                        } else {
                            Ok(jwk)
                        }
                    })
                    .and_then(|jwk| jwk.map_err(|e| crate::jose::JoseError::KeyGeneration { problem: e }))
                    .map(|jwk| (jwk, backend.fell_back(Operation::Generate(spec))))
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            busy.set(None);
            match outcome {
                Ok((jwk, in_rust)) => {
                    let kid = jwk.kid.clone().unwrap_or_default();
                    let origin = if for_encryption {
                        format!("generated {label} (use enc)")
                    } else {
                        format!("generated {label}")
                    };
                    add_keys(vec![jwk], origin);
                    // Engines differ here (README, "Browsers"): say where the key was made.
                    let made_by = if in_rust {
                        " in RustCrypto (this browser's WebCrypto does not support it)"
                    } else {
                        ""
                    };
                    message.set(Some(Ok(format!("Generated {label} key {kid}{made_by}."))));
                }
                Err(e) => message.set(Some(Err(format!("Key generation failed: {e}")))),
            }
            refocus_if_lost("key-generate").await;
        });
    };

    // `file` names the file a key came from; without one the text was pasted, and the field
    // is emptied once its keys are in (a file import leaves whatever is pasted there alone).
    let import = move |text: String, file: Option<String>| {
        let pasted = file.is_none();
        let origin = if pasted { "imported text" } else { "imported file" };
        let parsed = parse_keys(&text).and_then(|keys| {
            if purpose.get_untracked() == "enc" {
                keys.into_iter().map(as_encryption_key).collect()
            } else {
                Ok(keys)
            }
        });
        match parsed {
            Ok(keys) => {
                let n = add_keys(keys, origin.to_string());
                let from = file.map(|name| format!(" from {name}")).unwrap_or_default();
                message.set(Some(Ok(format!(
                    "Imported {n} key{}{from}.",
                    if n == 1 { "" } else { "s" }
                ))));
                if pasted {
                    import_text.set(String::new());
                }
            }
            Err(e) => {
                let which = file.map(|name| format!("{name}: ")).unwrap_or_default();
                message.set(Some(Err(format!("Import refused: {which}{e}"))));
            }
        }
    };

    let on_file = move |ev: leptos::ev::Event| {
        let Some((input, file)) = chosen_file(&ev) else {
            return;
        };
        // Read once: choosing the same file again (after fixing it) must fire `change` again.
        input.set_value("");
        if file.size() > MAX_KEY_TEXT_BYTES as f64 {
            message.set(Some(Err(format!(
                "Import refused: {} is {} bytes, more than the {} KiB a key file may have",
                file.name(),
                file.size(),
                MAX_KEY_TEXT_BYTES / 1024
            ))));
            return;
        }
        leptos::task::spawn_local(async move {
            match file_text(&file).await {
                Ok(text) => import(text, Some(file.name())),
                Err(e) => message.set(Some(Err(format!("The file could not be read: {e}")))),
            }
        });
    };

    let jwks_text = Signal::derive(move || ws.with(|w| w.public_jwks().to_json()));
    let download_jwks = move |_| {
        if let Err(e) = download(
            "playground-client.jwks.json",
            "application/json",
            &jwks_text.get_untracked(),
        ) {
            message.set(Some(Err(format!("Download failed: {e}"))));
        }
    };

    // Only the keys and the choice among them: rebuilt on any workspace change, the rows
    // would drop their copy status and the keyboard focus whenever another panel changed.
    let keys = Memo::new(move |_| ws.with(|w| (w.keys.clone(), w.active_key.clone())));
    let rows = move || {
        keys.with(|(keys, active_key)| {
            keys.iter()
                .map(|entry| {
                    let kid = entry.kid();
                    let active = active_key.as_deref() == Some(kid.as_str());
                    let private = entry.jwk.is_private();
                    let state_text = match (private, entry.private_forgotten) {
                        (true, _) => "private + public",
                        (false, true) => "public only (private part not remembered)",
                        (false, false) => "public only",
                    };
                    let public = entry.jwk.to_public().map(|k| k.to_json_pretty()).unwrap_or_default();
                    let kid_for_use = kid.clone();
                    let kid_for_remove = kid.clone();
                    let radio_id = format!("key-use-{kid}");
                    let encryption = entry.is_encryption();
                    view! {
                        <li class="key" class:active=active>
                            <div class="key-head">
                                <input
                                    type="radio"
                                    name="active-key"
                                    id=radio_id.clone()
                                    prop:checked=active
                                    disabled=!private || encryption
                                    on:change=move |_| ws.update(|w| w.active_key = Some(kid_for_use.clone()))
                                />
                                <label for=radio_id>{if encryption {
                                    format!("Decrypt with {} (use: enc; never signs)", entry.jwk.describe())
                                } else {
                                    format!("Sign with {}", entry.jwk.describe())
                                }}</label>
                                {active.then(|| view! { <span class="badge">"signing key"</span> })}
                                {encryption.then(|| view! { <span class="badge">"encryption key"</span> })}
                                <button type="button" aria-label=format!("Remove key {kid}") on:click=move |_| ws.update(|w| {
                                    w.keys.retain(|k| k.kid() != kid_for_remove);
                                    if w.active_key.as_deref() == Some(kid_for_remove.as_str()) { w.active_key = None; }
                                })>"Remove"</button>
                            </div>
                            <dl class="key-facts">
                                <dt>"kid"</dt><dd><code>{kid.clone()}</code></dd>
                                <dt>"RFC 7638 thumbprint"</dt><dd><code class="thumbprint">{entry.jwk.thumbprint()}</code></dd>
                                <dt>"Holds"</dt><dd>{state_text}</dd>
                                <dt>"Origin"</dt><dd>{entry.origin.clone()}</dd>
                            </dl>
                            <CopyButton text=Signal::stored(public) what="public JWK"/>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <div class="key-manager" role="group" aria-labelledby="keys-title">
            <h3 id="keys-title">"Keys"</h3>
            <div class="fields">
                <label for="key-kind">"Generate"</label>
                <span class="inline">
                    <select id="key-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KEY_KINDS.iter().map(|(v, l, _)| view! { <option value=*v selected=move || kind.get() == *v>{*l}</option> }).collect_view()}
                    </select>
                    <button type="button" id="key-generate" on:click=generate disabled=move || busy.get().is_some()>"Generate key"</button>
                </span>
                <label for="key-purpose">"Use of new and imported keys"</label>
                <select id="key-purpose" on:change=move |ev| purpose.set(event_target_value(&ev))>
                    <option value="sig" selected=move || purpose.get() == "sig">"Signing (use: sig)"</option>
                    <option value="enc" selected=move || purpose.get() == "enc">"Encryption (use: enc): RSA for RSA-OAEP, EC or X25519 for ECDH-ES"</option>
                </select>
                <label for="key-import">"Import (PEM, JWK or JWKS)"</label>
                <textarea
                    id="key-import"
                    rows="3"
                    spellcheck="false"
                    placeholder="-----BEGIN PRIVATE KEY----- …  or  {\"kty\": …}"
                    prop:value=move || import_text.get()
                    on:input=move |ev| import_text.set(event_target_value(&ev))
                ></textarea>
                <span></span>
                <span class="inline">
                    <button type="button" id="key-import-button" on:click=move |_| import(import_text.get_untracked(), None)>"Import pasted key"</button>
                    <label class="file-label" for="key-file">"or load a file:"</label>
                    <input type="file" id="key-file" accept=".pem,.json,.jwk,.key,.txt" on:change=on_file/>
                </span>
            </div>
            <p class="status" role="status" aria-live="polite" aria-busy=move || busy.get().is_some().to_string() id="key-status">
                {move || busy.get().map(|b| view! { <span class="spinner" aria-hidden="true"></span>{b} })}
            </p>
            {move || match message.get() {
                Some(Ok(m)) => Some(view! { <p class="ok" id="key-message">{m}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert" id="key-message">{e}</p> }.into_any()),
                None => None,
            }}
            <ul class="keys" id="key-list">{rows}</ul>
            <div class="actions">
                <CopyButton text=jwks_text what="public JWKS"/>
                <button type="button" id="jwks-download" on:click=download_jwks>"Download public JWKS"</button>
            </div>
        </div>
    }
}
