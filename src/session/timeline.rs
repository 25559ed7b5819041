//! The last run as JSON: a documented rendering of [`FlowRun`]'s timeline with owned values,
//! so it can be written to a session file and read back (the timeline's own types carry
//! `&'static str` check names and are made by the flow, never parsed).
//!
//! ```json
//! { "delivery": "par+jar", "succeeded": true, "error": null,
//!   "timeline": [
//!     { "kind": "exchange", "step": "par",
//!       "request": { "method": "POST", "url": "…", "headers": [["Content-Type", "…"]], "body": "…" },
//!       "response": { "status": 201, "headers": [], "body": "{…}" }, "transport_error": null },
//!     { "kind": "jwt", "step": "request_object", "compact": "eyJ…", "header": {…}, "payload": {…} },
//!     { "kind": "checks", "step": "authorization_response",
//!       "checks": [{ "check": "jarm.iss", "clause": "…", "outcome": "passed", "code": null, "detail": "…" }] },
//!     { "kind": "findings", "findings": [{ "code": "…", "severity": "warning", "message": "…", "reference": "…" }] },
//!     { "kind": "callback", "url": "…", "location": "query", "params": [["code", "…"]] } ],
//!   "server_events": [ { "seq": 1, "name": "par.accepted", … } ] }
//! ```
//!
//! Credentials are redacted unless the user included secrets. The client's own: the client
//! secret (in a `Basic` `Authorization` header or a `client_secret` form field),
//! `client_assertion` and `code_verifier`, wherever they appear in a request's URL or form
//! body. And what a server issued that works on its own: access and refresh tokens, which are
//! bearer credentials ("any party in possession of a bearer token can use it", RFC 6750 §1.2)
//! — a run against a real server would otherwise put live ones in a file that gets attached
//! to bug reports. They are replaced in token responses, callbacks, redirects, `Bearer`
//! headers and the payloads of JARM responses (whose signature then no longer holds, so it is
//! replaced too). Authorization codes and ID tokens stay: a code is single-use, short-lived and
//! needs the redacted verifier and client credentials; an ID token is what the run is about.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::http::{Headers, Method, Request, Response};
use crate::jose::base64url;
use crate::mock_as::Event;
use crate::oauth::{Delivery, FlowRun, Outcome, ResponseLocation, Step, TimelineEvent};
use crate::protocol::{form_decode, form_encode, param, UrlParts};

/// What replaces a redacted value: plain letters, so form encoding leaves it readable.
pub const REDACTED: &str = "REDACTED";

/// Form fields and query parameters that carry credentials: the client's own, and the bearer
/// tokens a server issued (see the module's comment).
const SECRET_PARAMETERS: [&str; 5] = [
    param::CLIENT_SECRET,
    param::CLIENT_ASSERTION,
    param::CODE_VERIFIER,
    ISSUED_TOKENS[0],
    ISSUED_TOKENS[1],
];

/// Members of token responses, callbacks and JARM payloads that are bearer credentials.
const ISSUED_TOKENS: [&str; 2] = ["access_token", "refresh_token"];

/// The last run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunExport {
    /// `plain`, `jar`, `par` or `par+jar`.
    pub delivery: String,
    pub succeeded: bool,
    pub error: Option<RunError>,
    pub timeline: Vec<TimelineEntry>,
    /// The in-page server's events during the run, as `mock.events()` gives them.
    #[serde(default)]
    pub server_events: Vec<Value>,
}

/// Where and why a run stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    pub code: String,
    pub message: String,
}

/// One timeline entry (`kind` tells which). `Debug` leaves out what may be credentials
/// (bodies, JWT payloads, query strings, callback values), as `TimelineEvent`'s does.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEntry {
    Exchange {
        step: String,
        request: HttpRequest,
        response: Option<HttpResponse>,
        transport_error: Option<String>,
    },
    Jwt {
        step: String,
        compact: String,
        header: Value,
        payload: Value,
    },
    Checks {
        step: String,
        checks: Vec<CheckEntry>,
    },
    Findings {
        findings: Vec<FindingEntry>,
    },
    Callback {
        url: String,
        /// `query`, `fragment` or `form_post`.
        location: String,
        params: Vec<(String, String)>,
    },
}

impl fmt::Debug for TimelineEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimelineEntry::Exchange {
                step,
                request,
                response,
                transport_error,
            } => write!(
                f,
                "Exchange({step}: {request:?} -> {response:?}, error {transport_error:?})"
            ),
            TimelineEntry::Jwt { step, header, .. } => write!(f, "Jwt({step}: header {header}, payload <redacted>)"),
            TimelineEntry::Checks { step, checks } => write!(f, "Checks({step}: {checks:?})"),
            TimelineEntry::Findings { findings } => write!(f, "Findings({findings:?})"),
            TimelineEntry::Callback { url, location, params } => {
                let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
                let url = url.split(['?', '#']).next().unwrap_or_default();
                write!(f, "Callback({url}, {location}, params {names:?})")
            }
        }
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Bodies and headers may hold credentials (when included), so `Debug` shows their sizes.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.url.split(['?', '#']).next().unwrap_or_default();
        write!(
            f,
            "HttpRequest({} {url}, {} headers, {} body bytes)",
            self.method,
            self.headers.len(),
            self.body.len()
        )
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HttpResponse({}, {} headers, {} body bytes)",
            self.status,
            self.headers.len(),
            self.body.len()
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckEntry {
    pub check: String,
    pub clause: String,
    /// `passed`, `failed` or `skipped`.
    pub outcome: String,
    /// The failure code, for a failed check.
    pub code: Option<String>,
    pub detail: String,
    /// What a decryption step decrypted (the JWE header and the nested JWT or claims).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decrypted: Option<crate::oauth::Decrypted>,
}

impl CheckEntry {
    pub fn passed(&self) -> bool {
        self.outcome != "failed"
    }
}

impl From<&Step> for CheckEntry {
    fn from(step: &Step) -> Self {
        let (outcome, code, detail) = match &step.outcome {
            Outcome::Passed { detail } => ("passed", None, detail),
            Outcome::Failed { code, detail } => ("failed", Some(code.to_string()), detail),
            Outcome::Skipped { detail } => ("skipped", None, detail),
        };
        CheckEntry {
            check: step.check.to_string(),
            clause: step.clause.to_string(),
            outcome: outcome.into(),
            code,
            detail: detail.clone(),
            decrypted: step.decrypted.clone(),
        }
    }
}

fn headers_from(pairs: &[(String, String)]) -> Headers {
    let mut headers = Headers::new();
    for (name, value) in pairs {
        headers.append(name.clone(), value.clone());
    }
    headers
}

impl HttpRequest {
    /// Back to the HTTP-shaped request (for display: its curl, its headers). A method other
    /// than GET/POST, which no run makes, reads as GET.
    pub fn to_request(&self) -> Request {
        Request {
            method: if self.method.eq_ignore_ascii_case("POST") {
                Method::Post
            } else {
                Method::Get
            },
            url: self.url.clone(),
            headers: headers_from(&self.headers),
            body: self.body.clone().into_bytes(),
        }
    }
}

impl HttpResponse {
    pub fn to_response(&self) -> Response {
        Response {
            status: self.status,
            headers: headers_from(&self.headers),
            body: self.body.clone().into_bytes(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingEntry {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub reference: String,
}

fn pairs(headers: &Headers) -> Vec<(String, String)> {
    headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

impl RunExport {
    /// The JSON rendering of `flow` (and the server's `events` during it); credentials
    /// redacted unless `include_secrets`.
    pub fn from_run(flow: &FlowRun, events: &[Event], delivery: Delivery, include_secrets: bool) -> Self {
        let timeline = flow
            .timeline
            .iter()
            .map(|event| TimelineEntry::from_event(event, include_secrets))
            .collect();
        Self {
            delivery: delivery.name().to_string(),
            succeeded: flow.succeeded(),
            error: flow.error.as_ref().map(|e| RunError {
                code: e.code().to_string(),
                message: e.to_string(),
            }),
            timeline,
            server_events: events.iter().filter_map(|e| serde_json::to_value(e).ok()).collect(),
        }
    }

    /// The same run with its credentials redacted (for exporting an imported run without
    /// secrets).
    pub fn without_secrets(&self) -> Self {
        let mut run = self.clone();
        run.timeline.iter_mut().for_each(TimelineEntry::redact);
        run
    }

    /// Every JWT of the run in order (`step`, compact form).
    pub fn jwts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.timeline.iter().filter_map(|e| match e {
            TimelineEntry::Jwt { step, compact, .. } => Some((step.as_str(), compact.as_str())),
            _ => None,
        })
    }
}

impl TimelineEntry {
    /// The JSON rendering of one timeline event; credentials redacted unless
    /// `include_secrets`.
    pub fn from_event(event: &TimelineEvent, include_secrets: bool) -> Self {
        let mut entry = entry(event);
        if !include_secrets {
            entry.redact();
        }
        entry
    }

    /// Replaces every credential in the entry (module comment), leaving everything else as
    /// it was, byte for byte.
    fn redact(&mut self) {
        match self {
            TimelineEntry::Exchange { request, response, .. } => {
                redact(request);
                if let Some(response) = response {
                    redact_response(response);
                }
            }
            TimelineEntry::Jwt { compact, payload, .. } => {
                if let Some(redacted) = redact_jwt(compact) {
                    *compact = redacted;
                    redact_members(payload);
                }
            }
            TimelineEntry::Callback { url, params, .. } => {
                *url = redact_url(url);
                for (name, value) in params {
                    if SECRET_PARAMETERS.contains(&name.as_str()) {
                        *value = REDACTED.to_string();
                    } else if let Some(redacted) = redact_jwt(value) {
                        *value = redacted; // a JARM `response`
                    }
                }
            }
            TimelineEntry::Checks { .. } | TimelineEntry::Findings { .. } => {}
        }
    }
}

fn entry(event: &TimelineEvent) -> TimelineEntry {
    match event {
        TimelineEvent::Exchange {
            step,
            request,
            response,
            transport_error,
        } => TimelineEntry::Exchange {
            step: step.to_string(),
            request: http_request(request),
            response: response.as_ref().map(http_response),
            transport_error: transport_error.clone(),
        },
        TimelineEvent::Jwt {
            step,
            compact,
            header,
            payload,
        } => TimelineEntry::Jwt {
            step: step.to_string(),
            compact: compact.clone(),
            header: header.clone(),
            payload: payload.clone(),
        },
        TimelineEvent::Checks { step, steps } => TimelineEntry::Checks {
            step: step.to_string(),
            checks: steps.iter().map(CheckEntry::from).collect(),
        },
        TimelineEvent::Findings(findings) => TimelineEntry::Findings {
            findings: findings
                .iter()
                .map(|f| FindingEntry {
                    code: f.code.to_string(),
                    severity: format!("{:?}", f.severity).to_lowercase(),
                    message: f.message.clone(),
                    reference: f.reference.to_string(),
                })
                .collect(),
        },
        TimelineEvent::Callback { url, params } => TimelineEntry::Callback {
            url: url.clone(),
            location: location_name(params.location).into(),
            params: params.params.clone(),
        },
    }
}

/// Where a response arrived, in the response modes' own words (OAuth 2.0 Multiple Response
/// Types §2.1, Form Post Response Mode §2).
pub fn location_name(location: ResponseLocation) -> &'static str {
    match location {
        ResponseLocation::Query => "query",
        ResponseLocation::Fragment => "fragment",
        ResponseLocation::FormPost => "form_post",
    }
}

fn http_request(request: &Request) -> HttpRequest {
    HttpRequest {
        method: request.method.to_string(),
        url: request.url.clone(),
        headers: pairs(&request.headers),
        body: String::from_utf8_lossy(&request.body).into_owned(),
    }
}

fn http_response(response: &Response) -> HttpResponse {
    HttpResponse {
        status: response.status,
        headers: pairs(&response.headers),
        body: response.body_text(),
    }
}

/// Removes the credentials from a request: the secret of `client_secret_basic` (RFC 6749
/// §2.3.1: `Basic base64(id:secret)`, the client id kept readable), a `Bearer` access token
/// (RFC 6750 §2.1), and [`SECRET_PARAMETERS`] in the query and the form body.
fn redact(request: &mut HttpRequest) {
    for (name, value) in &mut request.headers {
        if name.eq_ignore_ascii_case("authorization") {
            if let Some(credentials) = value.strip_prefix("Basic ") {
                let client_id = base64url_or_standard(credentials)
                    .and_then(|decoded| decoded.split_once(':').map(|(id, _)| id.to_string()))
                    .unwrap_or_default();
                *value = format!("Basic {REDACTED} (client_id {client_id:?}, secret redacted)");
            } else if value
                .get(..7)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("Bearer "))
            {
                *value = format!("Bearer {REDACTED} (access token redacted)");
            }
        }
    }
    if let Some(redacted) = redact_form(&request.body) {
        request.body = redacted;
    }
    request.url = redact_url(&request.url);
}

/// Removes issued tokens from a response: the members of a JSON body (a token response), and
/// the parameters of a redirect's `Location` (an implicit or hybrid response).
fn redact_response(response: &mut HttpResponse) {
    if let Ok(mut body) = serde_json::from_str::<Value>(&response.body) {
        if redact_members(&mut body) {
            response.body = body.to_string();
        }
    }
    for (name, value) in &mut response.headers {
        if name.eq_ignore_ascii_case("location") {
            *value = redact_url(value);
        }
    }
}

/// `url` with [`SECRET_PARAMETERS`] replaced in its query and its fragment (a fragment is
/// where an implicit or hybrid response puts its tokens); unchanged when it has none.
fn redact_url(url: &str) -> String {
    let Some(parts) = UrlParts::split(url) else {
        return url.to_string();
    };
    let query = parts.query.map(|q| redact_form(q).unwrap_or_else(|| q.to_string()));
    let fragment = parts.fragment.map(|f| redact_form(f).unwrap_or_else(|| f.to_string()));
    if query.as_deref() == parts.query && fragment.as_deref() == parts.fragment {
        return url.to_string();
    }
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let mut out = url[..end].to_string();
    if let Some(query) = query {
        out.push('?');
        out.push_str(&query);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(&fragment);
    }
    out
}

/// Replaces the [`ISSUED_TOKENS`] members of a JSON object; whether there were any.
fn redact_members(value: &mut Value) -> bool {
    let Some(object) = value.as_object_mut() else {
        return false;
    };
    let mut changed = false;
    for name in ISSUED_TOKENS {
        if let Some(member) = object.get_mut(name) {
            *member = Value::String(REDACTED.to_string());
            changed = true;
        }
    }
    changed
}

/// A compact JWT whose payload carries issued tokens (a JARM response for an implicit or
/// hybrid flow), with them replaced and its signature replaced too, since it no longer holds;
/// `None` for anything else.
fn redact_jwt(compact: &str) -> Option<String> {
    let mut segments = compact.split('.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (segments.next(), segments.next(), segments.next(), segments.next())
    else {
        return None;
    };
    let bytes = base64url::decode(payload, "payload").ok()?;
    let mut claims = serde_json::from_slice::<Value>(&bytes).ok()?;
    if !redact_members(&mut claims) {
        return None;
    }
    let payload = base64url::encode(claims.to_string().as_bytes());
    Some(format!("{header}.{payload}.{REDACTED}"))
}

/// The form with its secret fields' values replaced, or `None` when it has none (so a body
/// without secrets keeps its exact bytes).
fn redact_form(form: &str) -> Option<String> {
    let fields = form_decode(form.as_bytes());
    if !fields.iter().any(|(k, _)| SECRET_PARAMETERS.contains(&k.as_str())) {
        return None;
    }
    Some(form_encode(fields.iter().map(|(k, v)| {
        let value = if SECRET_PARAMETERS.contains(&k.as_str()) {
            REDACTED
        } else {
            v.as_str()
        };
        (k.as_str(), value)
    })))
}

/// Basic credentials are standard base64 (RFC 7617 §2); decoded only to show the client id.
fn base64url_or_standard(text: &str) -> Option<String> {
    let translated: String = text
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let bytes = base64url::decode(&translated, "Basic credentials").ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_keep_the_client_id_only() {
        let mut request = HttpRequest {
            method: "POST".into(),
            url: "https://as.example/token".into(),
            // base64("client-1:s3cret+/value") in the standard alphabet, padded.
            headers: vec![("Authorization".into(), "Basic Y2xpZW50LTE6czNjcmV0Ky92YWx1ZQ==".into())],
            body: "grant_type=authorization_code&code=abc&code_verifier=v3rifier".into(),
        };
        redact(&mut request);
        let text = serde_json::to_string(&request).unwrap();
        assert!(!text.contains("Y2xpZW50LTE6czNjcmV0"), "{text}");
        assert!(!text.contains("v3rifier"), "{text}");
        assert!(text.contains("client-1"), "{text}");
        assert!(request.body.contains("code=abc"), "{}", request.body);
    }

    #[test]
    fn debug_shows_no_values() {
        let entries = [
            TimelineEntry::Callback {
                url: "https://rp.example/cb?code=c0de-value#x".into(),
                location: "query".into(),
                params: vec![("code".into(), "c0de-value".into())],
            },
            TimelineEntry::Exchange {
                step: "token".into(),
                request: HttpRequest {
                    method: "POST".into(),
                    url: "https://as.example/token?client_secret=s3cret-value".into(),
                    headers: vec![("Authorization".into(), "Basic s3cret-value".into())],
                    body: "code_verifier=s3cret-value".into(),
                },
                response: None,
                transport_error: None,
            },
        ];
        for entry in entries {
            let text = format!("{entry:?}");
            assert!(!text.contains("c0de-value") && !text.contains("s3cret-value"), "{text}");
        }
    }

    #[test]
    fn a_body_without_secrets_keeps_its_bytes() {
        let body = "b=2&a=1%20x&request=eyJ.x.y";
        assert_eq!(redact_form(body), None);
        let mut request = HttpRequest {
            method: "GET".into(),
            url: "https://as.example/authorize?client_id=c&client_secret=leak#frag".into(),
            headers: Vec::new(),
            body: String::new(),
        };
        redact(&mut request);
        assert_eq!(
            request.url,
            "https://as.example/authorize?client_id=c&client_secret=REDACTED#frag"
        );
    }
}
