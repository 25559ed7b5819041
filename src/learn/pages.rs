//! The pages for trainers, "Why JAR", "Why PAR" and "Why DPoP", as data: what goes wrong
//! without each mechanism, what it changes, what it costs, and which controls of the
//! playground show it. The UI renders them with one component (`ui::learn`), so their text
//! is a data segment rather than code, and their section numbers are tested natively.

/// A page: an anchor, a title and its blocks in order.
#[derive(Debug)]
pub struct Page {
    /// The element id, and the URL fragment that opens the page (`learn-jar`).
    pub id: &'static str,
    pub title: &'static str,
    pub blocks: &'static [Block],
}

/// One block of a page.
#[derive(Debug)]
pub enum Block {
    Heading(&'static str),
    Paragraph(&'static str),
    /// A bulleted list; each point may open with a few words in bold.
    Points(&'static [Point]),
    /// A numbered list of things to try.
    Steps(&'static [&'static str]),
    /// The sections the page cites, in one line.
    Sections(&'static str),
}

#[derive(Debug)]
pub struct Point {
    /// Bold opening words, or "".
    pub lead: &'static str,
    pub text: &'static str,
}

const fn point(lead: &'static str, text: &'static str) -> Point {
    Point { lead, text }
}

pub const WHY_JAR: Page = Page {
    id: "learn-jar",
    title: "Why JAR: signed authorization requests (RFC 9101)",
    blocks: &[
        Block::Heading("The problem: a plain request is a postcard"),
        Block::Paragraph("A plain authorization request is a URL the client hands to the browser. Every parameter sits in the query string in clear text, and the request passes through hands the server never sees: the user, browser extensions, malware on the device, a proxy that logs URLs, the browser history, the Referer header of the next page."),
        Block::Points(&[
            point("Anyone on the way can read it.", "scope, redirect_uri, login_hint, claims and authorization_details may say a lot about the user and the purpose (RFC 9101 §1; RFC 9700 §4.2 and §4.3 on leaks through Referer headers and history)."),
            point("Anyone on the way can change it.", "Nothing protects the parameters' integrity: an attacker can widen the scope, pick another registered redirect_uri, drop the PKCE challenge or switch the response_mode, and the server cannot tell the client never asked for that."),
            point("Nobody can prove who wrote it.", "The front channel carries no client authentication, so the server trusts that a client_id in a URL really speaks for that client."),
        ]),
        Block::Heading("What JAR changes"),
        Block::Paragraph("The client writes the parameters into a JWT, the request object, and signs it with its own key (RFC 9101 §4). The URL then carries only client_id and request (§5.1). The server verifies the signature with the key it has on file for the client (§6.2), checks that aud is the server itself (§4) and, as OpenID Connect asks, that iss is the client (OIDC Core §6.1), and acts only on the signed values; a query parameter that disagrees is refused or ignored, never merged in (§6.3, §10.7)."),
        Block::Points(&[
            point("Integrity:", "changing one character of a signed object breaks its signature."),
            point("Source authentication:", "only the holder of the client's key could have made it (§10.2)."),
            point("Confidentiality only if encrypted:", "a signed object is base64url JSON that anyone can decode. JAR allows encrypting it as well (§6.1); this playground signs and does not encrypt, which is why the Compare view still lists every parameter as readable for JAR."),
        ]),
        Block::Heading("What it does not do by itself"),
        Block::Points(&[
            point("Downgrade:", "if the server still accepts plain requests, an attacker simply sends one. The server has to require signed objects (require_signed_request_object, §10.5)."),
            point("alg none:", "an unsigned request object protects nothing; servers must refuse it unless told otherwise (RFC 8725 §3.1)."),
            point("Replay:", "a captured object stays valid until exp. Short lifetimes and a jti replay cache close the gap (RFC 7519 §4.1.4 and §4.1.7)."),
            point("Confusion with other JWTs:", "the header typ oauth-authz-req+jwt keeps another JWT signed with the same key from passing as a request (§10.8)."),
        ]),
        Block::Heading("What it costs"),
        Block::Points(&[
            point("", "Key management: the server needs the client's public keys (a registered JWKS) or, for HS256, the client secret."),
            point("", "Clocks: iat, nbf and exp only work if client and server roughly agree on the time."),
            point("", "A longer URL: by value the request is two or three times the plain length, since base64url JSON plus a signature travels in it."),
            point("", "Server support: request_parameter_supported must be true, or the object has to be pushed with PAR."),
        ]),
        Block::Heading("Show it in the playground"),
        Block::Steps(&[
            "In Request, choose the plain delivery and look at the Compare view: the address bar shows every parameter, and the attacker rows say what can be read and changed.",
            "Choose JAR. The URL shrinks to client_id and request; the Preview decodes the request object, showing that its claims are signed, not hidden.",
            "Run it, then use the Tamper section to alter the request after signing, strip the signature or replay it. Each run fails at a named server check, such as jar.signature_invalid, jar.param_mismatch, jar.unsigned_not_allowed or jar.jti_replayed, and its Why? note says what was prevented.",
            "Set the request-object algorithm to none with the Hardened profile: the pre-flight warns, and the server answers jar.unsigned_not_allowed.",
        ]),
        Block::Sections("Sections: RFC 9101 §1, §4, §5.1, §6.1, §6.2, §6.3, §10.2, §10.5, §10.7, §10.8; OIDC Core §6.1; RFC 8725 §3.1; RFC 7519 §4.1.4, §4.1.7; RFC 9700 §4.2, §4.3."),
    ],
};

pub const WHY_PAR: Page = Page {
    id: "learn-par",
    title: "Why PAR: pushed authorization requests (RFC 9126)",
    blocks: &[
        Block::Heading("The problem"),
        Block::Paragraph("A request in the URL is exposed to everything between the client and the server (RFC 9126 §1): it can be read and changed in the browser, it leaks into logs, history and Referer headers, and long requests, with fine-grained authorization_details for instance, outgrow what URLs can carry. The server also learns which client is asking only from a client_id it cannot verify, after the user has already arrived."),
        Block::Heading("What PAR changes"),
        Block::Paragraph("The client first POSTs the whole request directly to the server's PAR endpoint, over TLS and with its client authentication (§2.1). The server validates it on the spot and answers 201 with a request_uri, an opaque reference, and expires_in, its short lifetime (§2.2). The browser is then sent to the authorization endpoint with only client_id and request_uri (§4)."),
        Block::Points(&[
            point("Confidentiality from the browser:", "the parameters never enter the front channel, so extensions, logs and history see only the reference (§8)."),
            point("Integrity:", "the browser carries a reference, not the request; change it and it points to nothing. Request URIs must be unguessable (§7.1)."),
            point("The client is authenticated before the user sees anything,", "so the server can refuse an illegitimate request early (§1)."),
            point("Replay is limited:", "a request_uri is short-lived, meant for one use (§4, §7.3) and bound to the client that pushed it (§2.2). PKCE, state or nonce inside the pushed request keep one request_uri from being swapped for another (§7.5)."),
            point("Size:", "the request travels in a POST body, so its length no longer matters to the browser."),
        ]),
        Block::Heading("PAR and JAR together"),
        Block::Paragraph("PAR alone hides the request from the browser and authenticates the client. Pushing a signed request object as well (§3) adds what only a signature gives: the request is attributable to the client's key even after it has been stored, which is why high-security profiles such as FAPI 2.0 Message Signing use the two together. A server may also insist on PAR for every request (require_pushed_authorization_requests, §5 and §6)."),
        Block::Heading("What it costs"),
        Block::Points(&[
            point("", "One more round trip before the redirect, and the server has to store pushed requests until they are used or expire."),
            point("", "The client needs a back channel to the server. A single-page app must be allowed by CORS and has no secret to authenticate with, so it gains less than a confidential client."),
            point("", "The request_uri expires (60 seconds by default here), so the redirect has to follow promptly."),
        ]),
        Block::Heading("Show it in the playground"),
        Block::Steps(&[
            "Choose the PAR delivery and look at the Compare view: the address bar holds client_id and request_uri only, and its length drops well below the plain one.",
            "Run the flow. The timeline shows POST to the PAR endpoint answered 201 with request_uri and expires_in; the sequence diagram draws it as a solid back-channel arrow, before the dashed front-channel redirect.",
            "In the Tamper section, reuse a request_uri, let it expire or present it with another client: the server answers par.request_uri_used, par.request_uri_expired or par.request_uri_other_client.",
            "In Server, set pushed authorization requests to required, then run a plain request: it fails with par.required, and the pre-flight predicts it as lint.par_required.",
            "Choose PAR + JAR to push a signed request object and compare its back channel with plain PAR.",
        ]),
        Block::Sections("Sections: RFC 9126 §1, §2.1, §2.2, §3, §4, §5, §6, §7.1, §7.3, §7.5, §8; RFC 9101 §6.2."),
    ],
};

pub const WHY_DPOP: Page = Page {
    id: "learn-dpop",
    title: "Why DPoP: sender-constrained tokens (RFC 9449)",
    blocks: &[
        Block::Heading("The problem: a bearer token works for whoever holds it"),
        Block::Paragraph("An ordinary access token is a bearer token (RFC 6750 §1.2): the resource server serves anyone who presents it, and asks nothing else. JAR and PAR protect the request on its way to the server; once tokens are issued, they are back to being strings that can be copied. Tokens leak: through logs and proxies, a compromised or misconfigured resource server that was handed one, cross-site scripting in a single-page app, or browser storage read by an extension (RFC 9700 §4.10 and RFC 9449 §2)."),
        Block::Points(&[
            point("A stolen bearer access token", "can be used from the attacker's machine, against every resource that accepts it, until it expires."),
            point("A stolen bearer refresh token", "of a public client is worse: it mints new access tokens for as long as it lives, since a public client has no secret that would also be needed."),
            point("A stolen authorization code", "can be redeemed by anyone who also has the PKCE verifier, or by anyone at all when the client used no PKCE."),
        ]),
        Block::Heading("What DPoP changes"),
        Block::Paragraph("The client makes a key pair of its own, ideally non-extractable so that script cannot read the private half. With every token request and every resource call it sends a DPoP header: a short JWT, the proof, with typ dpop+jwt and its public key in the jwk header, signed with the private key (RFC 9449 §4.2). Its claims tie it to one request: htm, the method; htu, the URL without query or fragment; iat, when it was made; jti, a unique identifier; at a resource also ath, the hash of the access token it accompanies (§4.2, §7.1)."),
        Block::Points(&[
            point("Tokens are bound to the key.", "The server puts the key's RFC 7638 thumbprint into the access token as cnf.jkt (or into its introspection answer) and returns token_type DPoP (§5, §6). A resource accepts the token only with a fresh proof from that key, under the DPoP scheme; the same token presented as Bearer is refused (§7.1, §7.2)."),
            point("Refresh tokens of public clients are bound too,", "so refreshing also needs the key (§5)."),
            point("The code can be bound from the start:", "dpop_jkt in the authorization request, or a proof sent with the pushed request, names the key that must redeem the code (§10, §10.1)."),
            point("Replay of a proof is limited:", "the server refuses a proof outside its short iat window and a jti it has seen (§11.1), and can demand a nonce it issued, so that proofs cannot be made in advance (§8, §11.2)."),
        ]),
        Block::Heading("What a thief can and cannot do"),
        Block::Points(&[
            point("With a copied DPoP-bound token alone:", "nothing. Every call needs a proof signed by the private key, and the proof names the token's hash, the method and the URL."),
            point("With a copied token and a captured proof:", "little. The proof fits one method and URL, expires within minutes, and its jti is refused the second time; with server nonces it goes stale even sooner."),
            point("With code running in the client itself:", "a lot. Script that can call the page's signing function can make fresh proofs while it runs, even if the key cannot be exported (§11.4). DPoP limits the damage to the time the attacker is in the page; it does not replace keeping script injection out."),
        ]),
        Block::Heading("What it does not do"),
        Block::Points(&[
            point("It does not hide anything:", "tokens and proofs are sent as before, and TLS still does the confidentiality."),
            point("It does not protect the request's body:", "the proof covers method, URL, time and token only, not the rest of the HTTP message (§11.7)."),
            point("It does not authenticate the client:", "any party can make a key pair, so the key says who holds the token, not which client was registered (§11.11). Client authentication (private_key_jwt) still does that."),
            point("It is only as strong as the resource's checks:", "a resource that still takes the token as Bearer, or ignores ath and htu, undoes the binding (§7.2)."),
        ]),
        Block::Heading("What it costs"),
        Block::Points(&[
            point("", "One signature per request: a key operation for every token request and every API call, plus one more round trip whenever the server asks for a fresh nonce."),
            point("", "Key handling in the client: a key per client instance that lives as long as its tokens, kept where script cannot export it (a non-extractable WebCrypto key here)."),
            point("", "State on the server: a jti cache bounded by the proof window, and nonces to issue and rotate."),
            point("", "Every resource server has to check proofs, not only the authorization server."),
        ]),
        Block::Heading("Show it in the playground"),
        Block::Steps(&[
            "In Request, turn on DPoP and pick a proof key. Run the flow: the timeline shows the DPoP header of each exchange decoded, the token response says token_type DPoP, and the access token's cnf.jkt is the key's thumbprint.",
            "In Server, set DPoP nonces to required and run again: the first token request is answered use_dpop_nonce with a DPoP-Nonce header, and the timeline shows the client's one retry with that nonce.",
            "Open the Compare view: the bearer-versus-DPoP row says what a token thief can do with each.",
            "In the Tamper section, replay a proof, point its htu elsewhere, leave out ath, sign it with another key or downgrade the token to Bearer: the server answers dpop.jti_replayed, dpop.htu_mismatch, dpop.ath_missing, dpop.signature_invalid or dpop.bound_token_as_bearer, each with its Why? note.",
            "Choose a FAPI 2.0 profile in Server: it requires DPoP (or another sender constraint), and the pre-flight offers the fixes one click at a time.",
        ]),
        Block::Sections("Sections: RFC 9449 §2, §4.2, §5, §6, §7.1, §7.2, §8, §10, §10.1, §11.1, §11.2, §11.4, §11.7, §11.11; RFC 6750 §1.2; RFC 7638; RFC 9700 §4.10."),
    ],
};

/// The pages, in the order the page shows them.
pub const PAGES: [&Page; 3] = [&WHY_JAR, &WHY_PAR, &WHY_DPOP];

/// The whole text of a page, for search and for tests.
pub fn text(page: &Page) -> String {
    let mut out = String::from(page.title);
    for block in page.blocks {
        match block {
            Block::Heading(t) | Block::Paragraph(t) | Block::Sections(t) => {
                out.push('\n');
                out.push_str(t);
            }
            Block::Points(points) => points.iter().for_each(|p| {
                out.push('\n');
                out.push_str(p.lead);
                out.push(' ');
                out.push_str(p.text);
            }),
            Block::Steps(steps) => steps.iter().for_each(|s| {
                out.push('\n');
                out.push_str(s);
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_says_what_it_solves_costs_and_how_to_show_it_with_its_sections() {
        let jar = text(&WHY_JAR);
        for needed in [
            "What it costs",
            "Tamper section",
            "RFC 9101 §4",
            "§6.2",
            "§10.5",
            "RFC 9700 §4.2",
        ] {
            assert!(jar.contains(needed), "Why JAR lacks {needed}");
        }
        let par = text(&WHY_PAR);
        for needed in [
            "What it costs",
            "Tamper section",
            "RFC 9126 §1",
            "§2.1",
            "§2.2",
            "§7.1",
            "§7.3",
        ] {
            assert!(par.contains(needed), "Why PAR lacks {needed}");
        }
        let dpop = text(&WHY_DPOP);
        for needed in [
            "What it costs",
            "Tamper section",
            "What a thief can and cannot do",
            "RFC 9449 §4.2",
            "§7.2",
            "§10.1",
            "§11.4",
        ] {
            assert!(dpop.contains(needed), "Why DPoP lacks {needed}");
        }
    }

    #[test]
    fn every_check_code_a_page_names_exists_and_has_a_note() {
        for page in PAGES {
            let text = text(page);
            let codes = text
                .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .map(|w| w.trim_end_matches(['.', ':']))
                .filter(|w| ["jar.", "par.", "dpop.", "lint."].iter().any(|p| w.starts_with(p)));
            for code in codes {
                assert!(
                    super::super::note(code).is_some(),
                    "{} names {code}, which has no note",
                    page.id
                );
            }
        }
    }
}
