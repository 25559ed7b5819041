//! Step 5, the result: the authorization response (JARM decoded and verified step by step),
//! the code, the tokens, the ID token's claims with each validation step, and userinfo.

use leptos::prelude::*;
use serde_json::Value;

use super::context::state;
use super::run_panel::CheckList;
use super::token_calls::TokenActions;
use super::widgets::{CodeBlock, DecodedJwt, JsonBlock};
use crate::oauth::{FlowRun, TimelineEvent, UserInfo};

fn checks_of(flow: &FlowRun, prefix: &str) -> Vec<(&'static str, Vec<crate::oauth::Step>)> {
    flow.timeline
        .iter()
        .filter_map(|e| match e {
            TimelineEvent::Checks { step, steps } if step.starts_with(prefix) => Some((*step, steps.clone())),
            _ => None,
        })
        .collect()
}

#[component]
pub fn ResultPanel() -> impl IntoView {
    let app = state();
    view! {
        <section class="panel step" id="result" aria-labelledby="result-title">
            <h2 id="result-title"><span class="step-no">"5"</span>"Result"</h2>
            {move || match app.run.get() {
                None => view! { <p class="muted">"Run the flow to see the response, the tokens and every validation step here."</p> }.into_any(),
                Some(record) => view! { <ResultView flow=record.flow/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ResultView(flow: FlowRun) -> impl IntoView {
    let outcome = flow.outcome.clone();
    let response_checks = checks_of(&flow, "authorization_response");
    let id_checks = checks_of(&flow, "id_token");
    let jarm = flow.timeline.iter().find_map(|e| match e {
        // An encrypted response shows the signed JWT it held.
        TimelineEvent::Jwt {
            step: "jarm" | "jarm (decrypted)",
            compact,
            ..
        } => Some(compact.clone()),
        _ => None,
    });
    let response = outcome.authorization_response.clone().map(|r| {
        let text = r
            .params
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join("\n");
        view! { <CodeBlock what="Authorization response parameters" text=text id="result-params"/> }
    });
    let code = outcome
        .authorization_response
        .as_ref()
        .and_then(|r| r.code().map(str::to_string))
        .map(|c| view! { <CodeBlock what="Authorization code" text=c id="result-code"/> });
    let metadata = outcome.metadata.clone();
    let tokens = outcome.tokens.clone().map(|t| {
        let access_actions = view! {
            <TokenActions name="access_token" token=t.access_token.clone() metadata=metadata.clone()/>
        };
        let refresh_actions = t.refresh_token.clone().map(|r| {
            view! { <TokenActions name="refresh_token" token=r metadata=metadata.clone()/> }
        });
        let mut fields = vec![
            ("access_token".to_string(), t.access_token.expose().to_string()),
            ("token_type".to_string(), t.token_type.clone()),
        ];
        if let Some(e) = t.expires_in {
            fields.push(("expires_in".into(), e.to_string()));
        }
        if let Some(s) = &t.scope {
            fields.push(("scope".into(), s.clone()));
        }
        if let Some(r) = &t.refresh_token {
            fields.push(("refresh_token".into(), r.expose().to_string()));
        }
        let text = fields
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join("\n");
        let id_token = t.id_token.as_ref().map(|i| i.expose().to_string());
        view! {
            <h3>"Tokens"</h3>
            <CodeBlock what="Token response" text=text id="result-tokens"/>
            {access_actions}
            {refresh_actions}
            {id_token.map(|jwt| view! { <DecodedJwt what="ID token (token response)".to_string() compact=jwt/> })}
        }
    });
    let id_token = outcome.id_token.clone().map(|t| {
        view! {
            <h3>"ID token claims (verified)"</h3>
            <JsonBlock what="Claims" value=Value::Object(t.claims) id="result-id-claims"/>
        }
    });
    let userinfo = outcome.userinfo.clone().map(|u| match u {
        UserInfo::Claims(claims) => view! { <h3>"Userinfo"</h3><JsonBlock what="Userinfo claims" value=Value::Object(claims) id="result-userinfo"/> }.into_any(),
        UserInfo::Jwt(jwt) => view! { <h3>"Userinfo (signed JWT, verified: see the userinfo checks in the timeline)"</h3><DecodedJwt what="userinfo".to_string() compact=jwt/> }.into_any(),
    });
    let check_sections = |title: &'static str, sections: Vec<(&'static str, Vec<crate::oauth::Step>)>| {
        sections
            .into_iter()
            .map(|(step, steps)| {
                view! {
                    <h3>{format!("{title}: {step}")}</h3>
                    <CheckList steps/>
                }
            })
            .collect_view()
    };
    view! {
        <div id="result-body">
            {jarm.map(|jwt| view! { <DecodedJwt what="JARM response".to_string() compact=jwt/> })}
            {check_sections("Response validation", response_checks)}
            {response}
            {code}
            {tokens}
            {check_sections("ID token validation", id_checks)}
            {id_token}
            {userinfo}
        </div>
    }
}
