//! Pre-flight: the linter's findings for the current configuration against the in-page
//! server's metadata, each with its reference and, where one exists, a one-click fix.

use leptos::prelude::*;

use super::context::{mock_metadata, state};
use super::learn::LearnNote;
use super::webcrypto::WebCryptoBackend;
use crate::jose::{Algorithm, CryptoBackend, KeyGenSpec};
use crate::mock_as::ProfileName;
use crate::oauth::lint::{lint, Finding, Fix, LintHints, Severity};
use crate::workspace::{KeyEntry, Workspace};

/// A finding, or one the playground adds about its own state (a key that is missing).
#[derive(Clone, PartialEq)]
enum Remedy {
    Lint(Fix),
    GenerateKey(Algorithm),
    None,
}

#[derive(Clone, PartialEq)]
struct Item {
    code: &'static str,
    severity: Severity,
    message: String,
    reference: &'static str,
    remedy: Remedy,
}

/// What the linter should know of the in-page server beyond its metadata.
pub(super) fn hints(ws: &Workspace) -> LintHints {
    LintHints {
        pingone: Some(ws.server.profile == ProfileName::PingOne),
        max_request_object_lifetime: Some(ws.server.request_object_max_lifetime),
        require_signed_request_object: ws.server.require_signed_request_object,
    }
}

fn findings(ws: &Workspace) -> Vec<Item> {
    let config = ws.config();
    let metadata = mock_metadata();
    let mut items: Vec<Item> = lint(&config, metadata.as_ref(), &hints(ws))
        .into_iter()
        .map(|f: Finding| Item {
            code: f.code,
            severity: f.severity,
            message: f.message,
            reference: f.reference,
            remedy: f.fix.map_or(Remedy::None, Remedy::Lint),
        })
        .collect();
    let needs_key = |alg: Algorithm| alg.kty() != "oct";
    if let (true, Some(alg)) = (config.delivery.uses_request_object(), config.request_object_alg) {
        if needs_key(alg) && !config.client_key.as_ref().is_some_and(|k| k.fits(alg)) {
            items.push(Item {
                code: "keys.missing_for_alg",
                severity: Severity::Error,
                message: format!(
                    "{alg} request objects need a private {} as the signing key",
                    alg.key_description()
                ),
                reference: "RFC 7518 §3.1",
                remedy: Remedy::GenerateKey(alg),
            });
        }
    }
    if config.auth_method == crate::protocol::auth_method::PRIVATE_KEY_JWT
        && !config.client_key.as_ref().is_some_and(|k| k.fits(config.assertion_alg))
    {
        items.push(Item {
            code: "keys.missing_for_assertion",
            severity: Severity::Error,
            message: format!(
                "private_key_jwt with {} needs a fitting private key",
                config.assertion_alg
            ),
            reference: "RFC 7523 §2.2",
            remedy: Remedy::GenerateKey(config.assertion_alg),
        });
    }
    if let Some(uri) = &config.request.redirect_uri {
        if !ws.client.redirect_uris.contains(uri) {
            items.push(Item {
                code: "client.redirect_uri_unregistered",
                severity: Severity::Warning,
                message: format!(
                    "redirect_uri {uri} is not among the client's registered redirect URIs: the server will refuse it"
                ),
                reference: "RFC 6749 §3.1.2.2",
                remedy: Remedy::None,
            });
        }
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.severity));
    items
}

fn severity_text(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Note",
    }
}

#[component]
pub fn PreflightPanel() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let items = Memo::new(move |_| {
        app.server_revision.track();
        ws.with(findings)
    });
    let status = RwSignal::new(None::<String>);
    let apply = move |remedy: Remedy| match remedy {
        Remedy::Lint(fix) => ws.update(|w| {
            let mut config = w.config();
            fix.apply(&mut config);
            w.absorb(&config);
        }),
        Remedy::GenerateKey(alg) => {
            status.set(Some(format!("Generating a key for {alg}…")));
            leptos::task::spawn_local(async move {
                let outcome = match WebCryptoBackend::new() {
                    Ok(b) => b.generate(KeyGenSpec::for_alg(alg)).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                match outcome {
                    Ok(jwk) => {
                        let entry = KeyEntry {
                            jwk,
                            origin: format!("generated for {alg}"),
                            private_forgotten: false,
                        };
                        let kid = entry.kid();
                        ws.update(|w| {
                            w.keys.push(entry);
                            w.active_key = Some(kid);
                        });
                        status.set(None);
                    }
                    Err(e) => status.set(Some(format!("Key generation failed: {e}"))),
                }
            });
        }
        Remedy::None => {}
    };
    view! {
        <section class="panel" id="preflight" aria-labelledby="preflight-title">
            <h2 id="preflight-title">"Pre-flight checks"</h2>
            {move || status.get().map(|s| view! { <p role="status">{s}</p> })}
            {move || {
                let list = items.get();
                if list.is_empty() {
                    return view! { <p class="ok" id="preflight-clean">"✓ No findings: the request fits the server's metadata and the specifications."</p> }.into_any();
                }
                view! {
                    <ul class="findings" id="preflight-findings">
                        {list.into_iter().map(|item| {
                            let remedy = item.remedy.clone();
                            let fix_label = match &item.remedy {
                                Remedy::Lint(_) => Some("Apply fix"),
                                Remedy::GenerateKey(_) => Some("Generate a key"),
                                Remedy::None => None,
                            };
                            let sev = severity_text(item.severity);
                            view! {
                                <li class=format!("finding severity-{}", sev.to_lowercase()) data-code=item.code>
                                    <span class="severity">{format!("{sev}:")}</span>
                                    " "
                                    <span class="message">{item.message}</span>
                                    <span class="meta">
                                        <code>{item.code}</code>
                                        " · "
                                        <cite>{item.reference}</cite>
                                    </span>
                                    <LearnNote code=item.code/>
                                    {fix_label.map(|label| view! {
                                        <button type="button" class="fix" aria-label=format!("{label}: {}", item.code) on:click=move |_| apply(remedy.clone())>{label}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
