//! Notes for the steps of a flow, as the timeline and the sequence diagram name them
//! (`crate::oauth::flow`), plus the browser's arrival at the redirect URI.

use super::Row;

pub(super) const NOTES: &[Row] = &[
    ("discovery", "OIDC Discovery §4; RFC 8414 §3",
     "The client fetches the server's metadata: its endpoints, the features it supports and where its keys are. Everything after is configured from this document, whose issuer must match the one asked for."),
    ("jwks", "RFC 7517 §5; OIDC Discovery §3 (jwks_uri)",
     "The client downloads the server's public keys, which it needs to verify the signed responses and ID tokens to come."),
    ("request_object", "RFC 9101 §4, §6.2",
     "The client puts the authorization parameters into a JWT and signs it. The server can then check that the request came from this client, unchanged."),
    ("par", "RFC 9126 §2",
     "The client posts the authorization request straight to the server on the back channel, authenticating itself, and gets a short-lived request_uri in return."),
    ("authorize", "RFC 6749 §3.1, §4.1.1",
     "The browser goes to the authorization endpoint carrying the request, or only a reference to it. The server checks it, authenticates the user and sends the browser back to the client."),
    ("callback", "RFC 6749 §3.1.2, §4.1.2",
     "The browser lands on the client's redirect URI with the response in the query, in the fragment or in a posted form."),
    ("authorization_response", "RFC 6749 §4.1.2; RFC 9207 §2.4",
     "The client validates what arrived at its redirect URI: the JARM signature when there is one, then state, error and iss."),
    ("jarm", "JARM §2.1, §2.4",
     "The response parameters arrive inside a JWT the server signed, so the client can tell they came from the server and were not altered in the browser."),
    ("token", "RFC 6749 §4.1.3, §5.1",
     "The client exchanges the code for tokens on the back channel, proving who it is (client authentication) and that it started the flow (the PKCE verifier)."),
    ("id_token", "OIDC Core §3.1.3.7",
     "The client checks the ID token's signature, issuer, audience, times and nonce. Only then does it believe who the user is."),
    ("userinfo", "OIDC Core §5.3",
     "The client presents the access token at the userinfo endpoint and receives claims about the user."),
    ("refresh", "RFC 6749 §6",
     "The client redeems its refresh token for fresh tokens without involving the user again."),
    ("client_credentials", "RFC 6749 §4.4.2, §4.4.3",
     "The client asks for a token on its own behalf, with no user and no browser: it authenticates and names the scope and resources it wants. No refresh token comes back, since the client can simply ask again."),
    ("introspection", "RFC 7662 §2.1, §2.2",
     "The client asks the server whether a token is still active and what it stands for. An opaque token can only be read this way; a revoked or expired one answers active false and nothing more."),
    ("revocation", "RFC 7009 §2.1, §2.2",
     "The client tells the server it no longer needs a token. The server answers 200 even for a token it does not know, and revoking a refresh token takes the access tokens of its grant along."),
];
