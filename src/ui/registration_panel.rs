//! In the Client step: register a client through the in-page server's registration endpoint
//! (RFC 7591 §3), the way an independent client would, and read its answer — the issued
//! `client_id` and secret, what was registered, and what the server ignored (RFC 7591 §2) —
//! or, for a refusal, its error code, check code and clause.

use leptos::prelude::*;
use serde_json::{Map, Value};

use super::context::{register_through_endpoint, state};
use super::copy_button::CopyButton;
use super::learn::LearnNote;
use crate::mock_as::Check;
use crate::workspace::{UiSecret, Workspace};

/// The playground's own per-client switches: left out of the request this panel drafts, so
/// the draft reads as a standard RFC 7591 request (the server takes them too).
const PLAYGROUND_MEMBERS: [&str; 11] = [
    "require_pushed_authorization_requests",
    "require_signed_request_object",
    "jar_mode",
    "request_object_algs",
    "allow_unsigned_request_object",
    "par_mode",
    "jarm_mode",
    "code_lifetime",
    "access_token_lifetime",
    "refresh_token_lifetime",
    "id_token_lifetime",
];

/// This workspace's client as an RFC 7591 registration request: its metadata without the
/// members the server issues (`client_id`, `client_secret`) or the playground's switches.
pub fn registration_request(ws: &Workspace) -> String {
    let mut object = match serde_json::to_value(ws.client_metadata()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    object.remove("client_id");
    object.remove("client_secret");
    for member in PLAYGROUND_MEMBERS {
        object.remove(member);
    }
    object.insert("client_name".into(), Value::from("OAuth Playground"));
    serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default()
}

/// What the endpoint answered, read for display.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    Registered {
        status: u16,
        pretty: String,
        client_id: String,
        client_secret: Option<String>,
        ignored: Vec<String>,
    },
    Refused {
        status: u16,
        pretty: String,
        error: String,
        description: String,
        /// The check code the description starts with, when it names one.
        check: Option<String>,
    },
}

fn read_answer(status: u16, body: &str) -> Answer {
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let pretty = serde_json::to_string_pretty(&json).unwrap_or_else(|_| body.to_string());
    let text = |name: &str| json.get(name).and_then(Value::as_str).map(str::to_string);
    if status == 201 {
        return Answer::Registered {
            status,
            pretty,
            client_id: text("client_id").unwrap_or_default(),
            client_secret: text("client_secret"),
            ignored: json
                .get("ignored_metadata")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default(),
        };
    }
    let description = text("error_description").unwrap_or_else(|| body.to_string());
    let check = description
        .split(':')
        .next()
        .filter(|code| Check::from_code(code).is_some())
        .map(str::to_string);
    Answer::Refused {
        status,
        pretty,
        error: text("error").unwrap_or_else(|| format!("HTTP {status}")),
        description,
        check,
    }
}

#[component]
pub fn RegistrationEndpoint() -> impl IntoView {
    let ws = state().workspace;
    // Component state, created once with the panel (never inside a closure that re-runs on
    // workspace changes): the draft, the token field and the last answer.
    let draft = RwSignal::new(ws.with_untracked(registration_request));
    let token = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Result<Answer, String>>);

    let send = move |_| {
        let outcome = register_through_endpoint(&draft.get_untracked(), Some(token.get_untracked().as_str()))
            .map(|(status, body)| read_answer(status, &body));
        answer.set(Some(outcome));
    };
    let refill = move |_| draft.set(ws.with_untracked(registration_request));
    let adopt = move |_| {
        if let Some(Ok(Answer::Registered {
            client_id,
            client_secret,
            ..
        })) = answer.get_untracked()
        {
            ws.update(|w| {
                w.client.client_id = client_id;
                if let Some(secret) = client_secret {
                    w.client.client_secret = Some(UiSecret::new(secret));
                }
            });
        }
    };

    let shown = move || {
        answer.get().map(|outcome| match outcome {
            Err(why) => view! { <p class="error" role="alert" id="registration-answer">{format!("Not sent: {why}")}</p> }.into_any(),
            Ok(Answer::Registered { status, pretty, client_id, client_secret, ignored }) => {
                let ignored_view = if ignored.is_empty() {
                    view! { <p id="registration-ignored">"Nothing was ignored: the server understood every member."</p> }.into_any()
                } else {
                    view! {
                        <div id="registration-ignored" class="warning">
                            <p>"Ignored by the server (RFC 7591 §2: it MUST ignore metadata it does not understand; a typo lands here):"</p>
                            <ul>{ignored.into_iter().map(|name| view! { <li><code>{name}</code></li> }).collect_view()}</ul>
                        </div>
                    }
                    .into_any()
                };
                let secret_note = if client_secret.is_some() { " and a client_secret" } else { " (no secret: the auth method needs none)" };
                view! {
                    <div id="registration-answer" class="ok-block">
                        <p class="ok" role="status">{format!("{status} Created: client_id {client_id}{secret_note}.")}</p>
                        {ignored_view}
                        <pre class="code" id="registration-json" tabindex="0" aria-label="Registration response JSON">{pretty.clone()}</pre>
                        <div class="actions">
                            <CopyButton text=Signal::stored(pretty) what="registration response" id="registration-copy"/>
                            <button type="button" id="registration-adopt" on:click=adopt>"Use this client_id and secret in the workspace"</button>
                        </div>
                    </div>
                }
                .into_any()
            }
            Ok(Answer::Refused { status, pretty, error, description, check }) => {
                let clause = check.as_deref().and_then(Check::from_code).map(|c| c.info().clause);
                view! {
                    <div id="registration-answer" class="error-block">
                        <p class="error" role="alert">
                            {format!("{status} refused: ")}<code id="registration-error">{error}</code>
                            {check.clone().map(|c| view! { " — check "<code id="registration-check">{c}</code> })}
                        </p>
                        {clause.map(|c| view! { <p>"Clause: "<cite id="registration-clause">{c}</cite></p> })}
                        <p id="registration-description">{description}</p>
                        {check.map(|c| view! { <LearnNote code=c/> })}
                        <pre class="code" tabindex="0" aria-label="Registration error JSON">{pretty.clone()}</pre>
                        <CopyButton text=Signal::stored(pretty) what="registration error" id="registration-copy"/>
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        <details class="registration" id="registration">
            <summary>"Register through the registration endpoint (RFC 7591)"</summary>
            <p>
                "Sends "<code>"POST /register"</code>" to the in-page server with the JSON below, as any client would: "
                "the server issues the client_id (and a secret for secret-based methods) and lists back what it ignored."
            </p>
            <div class="fields">
                <label for="registration-body">"Registration request (client metadata JSON)"</label>
                <textarea
                    id="registration-body"
                    rows="10"
                    spellcheck="false"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                <label for="registration-token">"Initial access token (when the server requires one)"</label>
                <input
                    id="registration-token"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || token.get()
                    on:input=move |ev| token.set(event_target_value(&ev))
                />
            </div>
            <div class="actions">
                <button type="button" id="registration-send" on:click=send>"POST to the registration endpoint"</button>
                <button type="button" id="registration-refill" on:click=refill>"Refill from this client"</button>
            </div>
            {shown}
        </details>
    }
}
