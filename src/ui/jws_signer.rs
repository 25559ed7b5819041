//! The first panel: sign a JWS from a JWK, a protected header and a payload. Prefilled with
//! RFC 7515 Appendix A.1, so the output can be checked against the RFC by eye.

use leptos::prelude::*;

use super::widgets::CompactJwt;
use crate::jose::{jws, Jwk};

/// The HMAC key of RFC 7515 Appendix A.1.
pub const RFC7515_A1_JWK: &str = r#"{
  "kty": "oct",
  "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
}"#;
/// The protected header of RFC 7515 Appendix A.1 (the RFC's bytes use CRLF line breaks).
pub const RFC7515_A1_HEADER: &str = "{\"typ\":\"JWT\",\n \"alg\":\"HS256\"}";
/// The payload of RFC 7515 Appendix A.1 (CRLF line breaks in the RFC, too).
pub const RFC7515_A1_PAYLOAD: &str = "{\"iss\":\"joe\",\n \"exp\":1300819380,\n \"http://example.com/is_root\":true}";

/// Text areas refuse more than this, so a stray paste cannot freeze the page.
pub const MAX_FIELD_BYTES: usize = 256 * 1024;

/// How line breaks typed in a text area reach the signed bytes. Browsers hand text areas'
/// contents over with LF line breaks, while the RFC's examples sign CRLF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineBreaks {
    Lf,
    Crlf,
}

impl LineBreaks {
    fn apply(self, text: &str) -> String {
        let lf = text.replace("\r\n", "\n");
        match self {
            LineBreaks::Lf => lf,
            LineBreaks::Crlf => lf.replace('\n', "\r\n"),
        }
    }
}

/// Signs what the panel holds; the error is the text the panel shows.
pub fn sign(jwk: &str, header: &str, payload: &str, line_breaks: LineBreaks) -> Result<String, String> {
    for (name, text) in [("JWK", jwk), ("Protected header", header), ("Payload", payload)] {
        if text.len() > MAX_FIELD_BYTES {
            return Err(format!(
                "{name} is {} bytes; this field takes at most {} KiB",
                text.len(),
                MAX_FIELD_BYTES / 1024
            ));
        }
    }
    let key = Jwk::from_json(jwk).map_err(|e| format!("Key: {e}"))?;
    let header = line_breaks.apply(header);
    let payload = line_breaks.apply(payload);
    jws::sign_compact(&header, payload.as_bytes(), &key, jws::ShortHmacKeys::Refuse).map_err(|e| e.to_string())
}

#[component]
pub fn JwsSigner() -> impl IntoView {
    let jwk = RwSignal::new(RFC7515_A1_JWK.to_string());
    let header = RwSignal::new(RFC7515_A1_HEADER.to_string());
    let payload = RwSignal::new(RFC7515_A1_PAYLOAD.to_string());
    let line_breaks = RwSignal::new(LineBreaks::Crlf);
    let signed = Memo::new(move |_| sign(&jwk.get(), &header.get(), &payload.get(), line_breaks.get()));

    view! {
        <section class="panel" aria-labelledby="jws-signer-title">
            <h2 id="jws-signer-title">"Sign a JWS"</h2>
            <p class="hint">
                "Prefilled with RFC 7515 Appendix A.1: the output below is the RFC's HS256 example, byte for byte."
            </p>
            <div class="fields">
                <label for="jws-jwk">"Key (JWK)"</label>
                <textarea
                    id="jws-jwk"
                    rows="5"
                    spellcheck="false"
                    prop:value=move || jwk.get()
                    on:input=move |ev| jwk.set(event_target_value(&ev))
                ></textarea>
                <label for="jws-header">"Protected header (JSON)"</label>
                <textarea
                    id="jws-header"
                    rows="2"
                    spellcheck="false"
                    prop:value=move || header.get()
                    on:input=move |ev| header.set(event_target_value(&ev))
                ></textarea>
                <label for="jws-payload">"Payload"</label>
                <textarea
                    id="jws-payload"
                    rows="3"
                    spellcheck="false"
                    prop:value=move || payload.get()
                    on:input=move |ev| payload.set(event_target_value(&ev))
                ></textarea>
                <label for="jws-line-breaks">"Line breaks in the signed bytes"</label>
                <select
                    id="jws-line-breaks"
                    on:change=move |ev| {
                        line_breaks.set(if event_target_value(&ev) == "lf" { LineBreaks::Lf } else { LineBreaks::Crlf })
                    }
                >
                    <option value="crlf" selected=move || line_breaks.get() == LineBreaks::Crlf>
                        "CRLF (as in the RFC examples)"
                    </option>
                    <option value="lf" selected=move || line_breaks.get() == LineBreaks::Lf>
                        "LF (as typed)"
                    </option>
                </select>
            </div>
            <h3>"Compact JWS"</h3>
            {move || match signed.get() {
                Ok(compact) => view! { <CompactJwt compact id="jws-output"/> }.into_any(),
                Err(message) => view! {
                    <p id="jws-error" class="error" role="alert">
                        <strong>"Cannot sign: "</strong>
                        {message}
                    </p>
                }
                    .into_any(),
            }}
        </section>
    }
}
