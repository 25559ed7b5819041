//! The learning notes in the page: a "Why?" disclosure wherever a check code or a flow step is
//! shown ([`LearnNote`]), and two pages for trainers, "Why JAR" and "Why PAR" ([`LearnPages`],
//! anchors `#learn-jar` and `#learn-par`). The notes themselves are data in [`crate::learn`].

use leptos::prelude::*;

use crate::learn;

/// "Why?" for a check code or a flow step: what is checked, why it matters, and the section.
/// Renders nothing for a key without a note. A `<details>`, so it opens with Enter or Space.
#[component]
pub fn LearnNote(code: &'static str) -> impl IntoView {
    learn::note(code).map(|note| {
        view! {
            <details class="learn-note" data-learn=note.key>
                <summary>"Why?"<span class="sr-only">{format!(" ({})", note.key)}</span></summary>
                <p class="learn-why">{note.why}</p>
                <p class="learn-section">"Section: "<cite>{note.section}</cite></p>
            </details>
        }
    })
}

/// Links to the two trainer pages, for the places that talk about deliveries.
#[component]
pub fn LearnLinks() -> impl IntoView {
    view! {
        <p class="learn-links">
            "New to this? Read "
            <a href="#learn-jar">"Why JAR"</a>
            " and "
            <a href="#learn-par">"Why PAR"</a>
            "."
        </p>
    }
}

/// The flow steps of a run, in order of first appearance, each with its note.
#[component]
pub fn StepNotes(steps: Vec<&'static str>) -> impl IntoView {
    let mut seen = Vec::new();
    let items = steps
        .into_iter()
        .filter(|s| {
            let key = learn::step_key(s);
            let new = !seen.contains(&key) && learn::note(s).is_some();
            if new {
                seen.push(key);
            }
            new
        })
        .map(|step| {
            view! {
                <li><code>{learn::step_key(step).to_string()}</code>" "<LearnNote code=step/></li>
            }
        })
        .collect_view();
    view! {
        <details class="step-notes">
            <summary>"What each step of this run is for"</summary>
            <ul>{items}</ul>
        </details>
    }
}

/// "Why JAR" and "Why PAR": what each solves, what it costs, how to show it here.
#[component]
pub fn LearnPages() -> impl IntoView {
    view! {
        <section class="panel learn" id="learn" aria-labelledby="learn-title">
            <h2 id="learn-title">"Learn: why JAR, why PAR"</h2>
            <p class="hint">"Two short pages for trainers and the curious. Each says what goes wrong with a plain authorization request, what the mechanism changes, what it costs, and which buttons in this playground show it. Section numbers point into the specifications."</p>
            <WhyJar/>
            <WhyPar/>
        </section>
    }
}

#[component]
fn WhyJar() -> impl IntoView {
    view! {
        <article class="learn-page" id="learn-jar" aria-labelledby="learn-jar-title" tabindex="-1">
            <h3 id="learn-jar-title">"Why JAR: signed authorization requests (RFC 9101)"</h3>

            <h4>"The problem: a plain request is a postcard"</h4>
            <p>"A plain authorization request is a URL the client hands to the browser. Every parameter sits in the query string in clear text, and the request passes through hands the server never sees: the user, browser extensions, malware on the device, a proxy that logs URLs, the browser history, the Referer header of the next page."</p>
            <ul>
                <li><strong>"Anyone on the way can read it."</strong>" scope, redirect_uri, login_hint, claims and authorization_details may say a lot about the user and the purpose (RFC 9101 §1; RFC 9700 §4.2 and §4.3 on leaks through Referer headers and history)."</li>
                <li><strong>"Anyone on the way can change it."</strong>" Nothing protects the parameters' integrity: an attacker can widen the scope, pick another registered redirect_uri, drop the PKCE challenge or switch the response_mode, and the server cannot tell the client never asked for that."</li>
                <li><strong>"Nobody can prove who wrote it."</strong>" The front channel carries no client authentication, so the server trusts that a client_id in a URL really speaks for that client."</li>
            </ul>

            <h4>"What JAR changes"</h4>
            <p>"The client writes the parameters into a JWT, the request object, and signs it with its own key (RFC 9101 §4). The URL then carries only client_id and request (§5.1). The server verifies the signature with the key it has on file for the client (§6.2), checks that iss is the client and aud is the server itself (§4), and acts only on the signed values; a query parameter that disagrees is refused or ignored, never merged in (§6.3, §10.7)."</p>
            <ul>
                <li><strong>"Integrity:"</strong>" changing one character of a signed object breaks its signature."</li>
                <li><strong>"Source authentication:"</strong>" only the holder of the client's key could have made it (§10.2)."</li>
                <li><strong>"Confidentiality only if encrypted:"</strong>" a signed object is base64url JSON that anyone can decode. JAR allows encrypting it as well (§6.1); this playground signs and does not encrypt, which is why the Compare view still lists every parameter as readable for JAR."</li>
            </ul>

            <h4>"What it does not do by itself"</h4>
            <ul>
                <li><strong>"Downgrade:"</strong>" if the server still accepts plain requests, an attacker simply sends one. The server has to require signed objects (require_signed_request_object, §10.5)."</li>
                <li><strong>"alg none:"</strong>" an unsigned request object protects nothing; servers must refuse it unless told otherwise (RFC 8725 §3.1)."</li>
                <li><strong>"Replay:"</strong>" a captured object stays valid until exp. Short lifetimes and a jti replay cache close the gap (RFC 7519 §4.1.4 and §4.1.7)."</li>
                <li><strong>"Confusion with other JWTs:"</strong>" the header typ oauth-authz-req+jwt keeps another JWT signed with the same key from passing as a request (§10.8)."</li>
            </ul>

            <h4>"What it costs"</h4>
            <ul>
                <li>"Key management: the server needs the client's public keys (a registered JWKS) or, for HS256, the client secret."</li>
                <li>"Clocks: iat, nbf and exp only work if client and server roughly agree on the time."</li>
                <li>"A longer URL: by value the request is two or three times the plain length, since base64url JSON plus a signature travels in it."</li>
                <li>"Server support: request_parameter_supported must be true, or the object has to be pushed with PAR."</li>
            </ul>

            <h4>"Show it in the playground"</h4>
            <ol>
                <li>"In Request, choose the plain delivery and look at the Compare view: the address bar shows every parameter, and the attacker rows say what can be read and changed."</li>
                <li>"Choose JAR. The URL shrinks to client_id and request; the Preview decodes the request object, showing that its claims are signed, not hidden."</li>
                <li>"Run it, then use the Tamper section to alter the request after signing, strip the signature or replay it. Each run fails at a named server check, such as jar.signature_invalid, jar.param_mismatch, jar.unsigned_not_allowed or jar.jti_replayed, and its Why? note says what was prevented."</li>
                <li>"Set the request-object algorithm to none with the Hardened profile: the pre-flight warns, and the server answers jar.unsigned_not_allowed."</li>
            </ol>
            <p class="learn-refs">"Sections: RFC 9101 §1, §4, §5.1, §6.1, §6.2, §6.3, §10.2, §10.5, §10.7, §10.8; RFC 8725 §3.1; RFC 9700 §4.2, §4.3."</p>
        </article>
    }
}

#[component]
fn WhyPar() -> impl IntoView {
    view! {
        <article class="learn-page" id="learn-par" aria-labelledby="learn-par-title" tabindex="-1">
            <h3 id="learn-par-title">"Why PAR: pushed authorization requests (RFC 9126)"</h3>

            <h4>"The problem"</h4>
            <p>"A request in the URL is exposed to everything between the client and the server (RFC 9126 §1): it can be read and changed in the browser, it leaks into logs, history and Referer headers, and long requests, with fine-grained authorization_details for instance, outgrow what URLs can carry. The server also learns which client is asking only from a client_id it cannot verify, after the user has already arrived."</p>

            <h4>"What PAR changes"</h4>
            <p>"The client first POSTs the whole request directly to the server's PAR endpoint, over TLS and with its client authentication (§2.1). The server validates it on the spot and answers 201 with a request_uri, an opaque reference, and expires_in, its short lifetime (§2.2). The browser is then sent to the authorization endpoint with only client_id and request_uri (§4)."</p>
            <ul>
                <li><strong>"Confidentiality from the browser:"</strong>" the parameters never enter the front channel, so extensions, logs and history see only the reference (§8)."</li>
                <li><strong>"Integrity:"</strong>" the browser carries a reference, not the request; change it and it points to nothing. Request URIs must be unguessable (§7.1)."</li>
                <li><strong>"The client is authenticated before the user sees anything,"</strong>" so the server can refuse an illegitimate request early (§1)."</li>
                <li><strong>"Replay is limited:"</strong>" a request_uri is short-lived, meant for one use (§4, §7.3) and bound to the client that pushed it. PKCE, state or nonce inside the pushed request keep one request_uri from being swapped for another (§7.5)."</li>
                <li><strong>"Size:"</strong>" the request travels in a POST body, so its length no longer matters to the browser."</li>
            </ul>

            <h4>"PAR and JAR together"</h4>
            <p>"PAR alone hides the request from the browser and authenticates the client. Pushing a signed request object as well (§3) adds what only a signature gives: the request is attributable to the client's key even after it has been stored, which is why high-security profiles such as FAPI 2.0 use the two together. A server may also insist on PAR for every request (require_pushed_authorization_requests, §5 and §6)."</p>

            <h4>"What it costs"</h4>
            <ul>
                <li>"One more round trip before the redirect, and the server has to store pushed requests until they are used or expire."</li>
                <li>"The client needs a back channel to the server. A single-page app must be allowed by CORS and has no secret to authenticate with, so it gains less than a confidential client."</li>
                <li>"The request_uri expires (60 seconds by default here), so the redirect has to follow promptly."</li>
            </ul>

            <h4>"Show it in the playground"</h4>
            <ol>
                <li>"Choose the PAR delivery and look at the Compare view: the address bar holds client_id and request_uri only, and its length drops well below the plain one."</li>
                <li>"Run the flow. The timeline shows POST to the PAR endpoint answered 201 with request_uri and expires_in; the sequence diagram draws it as a solid back-channel arrow, before the dashed front-channel redirect."</li>
                <li>"In the Tamper section, reuse a request_uri, let it expire or present it with another client: the server answers par.request_uri_used, par.request_uri_expired or par.request_uri_other_client."</li>
                <li>"In Server, set pushed authorization requests to required, then run a plain request: it fails with par.required, and the pre-flight predicts it as lint.par_required."</li>
                <li>"Choose PAR + JAR to push a signed request object and compare its back channel with plain PAR."</li>
            </ol>
            <p class="learn-refs">"Sections: RFC 9126 §1, §2.1, §2.2, §3, §4, §5, §6, §7.1, §7.3, §7.5, §8; RFC 9101 §6.2."</p>
        </article>
    }
}
