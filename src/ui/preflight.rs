//! Pre-flight: the linter's findings for the current configuration against the in-page
//! server's metadata, each with its reference and, where one exists, a one-click fix.

use leptos::prelude::*;

use super::context::state;
use super::external::target_metadata;
use super::learn::LearnNote;
use super::webcrypto::WebCryptoBackend;
use crate::jose::{Algorithm, CryptoBackend, KeyGenSpec};
use crate::mock_as::ProfileName;
use crate::oauth::lint::{lint, Finding, Fix, LintHints, Severity};
use crate::oauth::lint_fapi2::Fapi2Profile;
use crate::oauth::ServerMetadata;
use crate::workspace::TargetKind;
use crate::workspace::{KeyEntry, Workspace};

/// A finding, or one the playground adds about its own state (a key that is missing).
#[derive(Clone, PartialEq)]
enum Remedy {
    Lint(Fix),
    GenerateKey(Algorithm),
    /// Generate an ES256 key and make it the DPoP key, DPoP on.
    GenerateDpopKey,
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
        pingone: match ws.target.kind {
            TargetKind::InPage => Some(ws.server.profile == ProfileName::PingOne),
            TargetKind::PingOne => Some(true),
            // Recognised by the issuer's host.
            TargetKind::External => None,
        },
        // What the in-page server enforces beyond its metadata; a real server's is unknown.
        max_request_object_lifetime: (ws.target.kind == TargetKind::InPage)
            .then_some(ws.server.request_object_max_lifetime),
        require_signed_request_object: ws.target.kind == TargetKind::InPage && ws.server.require_signed_request_object,
        fapi2: match (ws.target.kind, ws.server.profile) {
            (TargetKind::InPage, ProfileName::Fapi2Security) => Some(Fapi2Profile::Security),
            (TargetKind::InPage, ProfileName::Fapi2MessageSigning) => Some(Fapi2Profile::MessageSigning),
            _ => None,
        },
        // The in-page server's keys, asked for only when a request object is to be encrypted
        // to one; a real server's JWKS is fetched by the run, which lints again with it.
        server_jwks: (ws.target.kind == TargetKind::InPage && !ws.encryption.request_object_alg.is_empty())
            .then(super::context::mock_jwks)
            .flatten(),
    }
}

fn findings(ws: &Workspace, discovered: Option<&ServerMetadata>) -> Vec<Item> {
    let config = ws.config();
    let metadata = target_metadata(&ws.target, discovered).ok();
    let mut items: Vec<Item> = lint(&config, metadata.as_ref(), &hints(ws))
        .into_iter()
        .map(|f: Finding| Item {
            code: f.code,
            severity: f.severity,
            message: f.message,
            reference: f.reference,
            remedy: match f.fix {
                Some(fix) => Remedy::Lint(fix),
                // FAPI 2.0 without DPoP: the remedy is a key, which only the UI can make.
                None if f.code == "lint.fapi2_dpop_off" => Remedy::GenerateDpopKey,
                // A DPoP key of an alg the server does not take: an ES256 one, if it takes that.
                None if f.code == "lint.dpop_alg_not_supported"
                    && metadata
                        .as_ref()
                        .is_some_and(|m| m.lists_dpop_alg(Algorithm::ES256.name())) =>
                {
                    Remedy::GenerateDpopKey
                }
                None => Remedy::None,
            },
        })
        .collect();
    if ws.dpop.enabled && config.dpop.is_none() {
        items.push(Item {
            code: "keys.missing_for_dpop",
            severity: Severity::Error,
            message: "DPoP is on but no asymmetric private key is chosen: the flow would run with bearer tokens".into(),
            reference: "RFC 9449 §4.2 (an asymmetric key, never a MAC secret)",
            remedy: Remedy::GenerateDpopKey,
        });
    }
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
    if ws.target.kind != TargetKind::InPage {
        real_server_findings(ws, &config, &mut items);
    }
    if let (TargetKind::InPage, Some(uri)) = (ws.target.kind, &config.request.redirect_uri) {
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

/// What only matters when the browser itself must visit a real server and come back.
fn real_server_findings(ws: &Workspace, config: &crate::oauth::Config, items: &mut Vec<Item>) {
    let mode =
        crate::oauth::resolve_response_mode(config.request.response_mode.as_deref(), &config.request.response_type);
    if mode.is_ok_and(|m| m.location == crate::oauth::ResponseLocation::FormPost) {
        items.push(Item {
            code: "external.form_post_unreadable",
            severity: Severity::Error,
            message:
                "the server will POST the response to the redirect URI, and a page served as static files cannot read \
                      a POST body: choose query, fragment or a JARM mode (jwt)"
                    .into(),
            reference: "OAuth 2.0 Form Post Response Mode §2",
            remedy: Remedy::None,
        });
    }
    let own = super::site::callback_url();
    if let (Some(own), Some(uri)) = (own, &config.request.redirect_uri) {
        if *uri != own {
            items.push(Item {
                code: "external.redirect_uri_elsewhere",
                severity: Severity::Info,
                message: format!(
                    "redirect_uri is {uri}, not this page's callback {own}: the response will not come back by itself; \
                     paste the URL the browser reaches into the Run step"
                ),
                reference: "RFC 6749 §3.1.2",
                remedy: Remedy::None,
            });
        }
    }
    if ws.target.kind == TargetKind::External && !ws.target.manual && ws.target.issuer.trim().is_empty() {
        items.push(Item {
            code: "external.issuer_missing",
            severity: Severity::Error,
            message: "no issuer: enter the server's issuer identifier in step 1".into(),
            reference: "RFC 8414 §2",
            remedy: Remedy::None,
        });
    }
}

fn severity_text(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Note",
    }
}

/// One finding's row. The row is keyed by code and message (so an open "Why?" survives), but a
/// remedy can change while both stay the same (a fix's alg follows the other signature's), so
/// the button applies the remedy the finding has when it is clicked, not the one it had when the
/// row was made: a stale one made two fixes undo each other forever.
fn finding(item: Item, items: Memo<Vec<Item>>, apply: impl Fn(Remedy) + Copy + 'static) -> impl IntoView {
    let (code, message) = (item.code, item.message.clone());
    let current_remedy = move || {
        items.with_untracked(|list| {
            list.iter()
                .find(|i| i.code == code && i.message == message)
                .map(|i| i.remedy.clone())
        })
    };
    let fix_label = match &item.remedy {
        Remedy::Lint(_) => Some("Apply fix"),
        Remedy::GenerateKey(_) => Some("Generate a key"),
        Remedy::GenerateDpopKey => Some("Generate a DPoP key"),
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
                <button type="button" class="fix" aria-label=format!("{label}: {}", item.code) on:click=move |_| {
                    if let Some(remedy) = current_remedy() {
                        apply(remedy);
                    }
                }>{label}</button>
            })}
        </li>
    }
}

#[component]
pub fn PreflightPanel() -> impl IntoView {
    let app = state();
    let ws = app.workspace;
    let items = Memo::new(move |_| {
        app.server_revision.track();
        let discovered = app.discovered.get();
        ws.with(|w| findings(w, discovered.as_ref()))
    });
    let status = RwSignal::new(None::<String>);
    let apply = move |remedy: Remedy| match remedy {
        Remedy::Lint(fix) => ws.update(|w| {
            let mut config = w.config();
            fix.apply(&mut config);
            w.absorb(&config);
        }),
        Remedy::GenerateDpopKey => {
            status.set(Some("Generating an ES256 key for DPoP…".into()));
            leptos::task::spawn_local(async move {
                let outcome = match WebCryptoBackend::new() {
                    Ok(b) => b
                        .generate(KeyGenSpec::for_alg(Algorithm::ES256))
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                match outcome {
                    Ok(jwk) => {
                        let entry = KeyEntry {
                            jwk,
                            origin: "generated for DPoP (ES256)".into(),
                            private_forgotten: false,
                        };
                        let kid = entry.kid();
                        ws.update(|w| {
                            w.keys.push(entry);
                            w.dpop.enabled = true;
                            w.dpop.key = Some(kid);
                        });
                        status.set(None);
                    }
                    Err(e) => status.set(Some(format!("Key generation failed: {e}"))),
                }
            });
        }
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
            <Show
                when=move || !items.with(Vec::is_empty)
                fallback=|| view! { <p class="ok" id="preflight-clean">"✓ No findings: the request fits the server's metadata and the specifications."</p> }
            >
                <ul class="findings" id="preflight-findings">
                    // Keyed by what a finding says: one appearing or going leaves the others (and
                    // a "Why?" the user opened) as they are.
                    <For each=move || items.get() key=|item| (item.code, item.message.clone()) let:item>
                        {finding(item, items, apply)}
                    </For>
                </ul>
            </Show>
        </section>
    }
}
