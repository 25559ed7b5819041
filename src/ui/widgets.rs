//! Small building blocks every panel uses: copyable code blocks, JSON, coloured compact JWTs,
//! downloads.

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::copy_button::CopyButton;
use crate::jose::jws::decode_unverified;

/// Pretty JSON text of `value`.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// A labelled, copyable block of text (a URL, a body, a curl command).
#[component]
pub fn CodeBlock(
    /// Names the block, for the heading and the copy button's label.
    what: &'static str,
    text: String,
    /// Optional `id` for tests and links.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let copy = Signal::stored(text.clone());
    view! {
        <div class="code-block">
            <div class="code-head">
                <span class="code-title">{what}</span>
                <CopyButton text=copy what=what/>
            </div>
            // A box that may scroll (long bodies): focusable, so the keyboard scrolls it (WCAG
            // 2.1.1), and a named region, since a plain <pre> may not carry a name (ARIA 1.2:
            // aria-label is prohibited on generic elements).
            <pre id=id tabindex="0" role="region" aria-label=what><code>{text}</code></pre>
        </div>
    }
}

/// A JSON value, formatted, with a copy button.
#[component]
pub fn JsonBlock(what: &'static str, value: Value, #[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    view! { <CodeBlock what=what text=pretty(&value) id=id.unwrap_or_default()/> }
}

/// The three parts of a compact JWS told apart by colour and by a text label under them, so
/// colour is never the only signal.
#[component]
pub fn CompactJwt(compact: String, #[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    let parts: Vec<String> = compact.splitn(3, '.').map(str::to_string).collect();
    let part = |i: usize| parts.get(i).cloned().unwrap_or_default();
    let (header, payload, signature) = (part(0), part(1), part(2));
    let copy = Signal::stored(compact.clone());
    let length = compact.len();
    view! {
        <div class="code-block">
            <div class="code-head">
                <span class="code-title">{format!("Compact JWT ({length} characters)")}</span>
                <CopyButton text=copy what="compact JWT"/>
            </div>
            <output id=id.unwrap_or_default() class="jws">
                <span class="jws-header" title="header">{header}</span>
                "."
                <span class="jws-payload" title="payload">{payload}</span>
                "."
                <span class="jws-signature" title="signature">{signature}</span>
            </output>
            <p class="legend">
                <span class="jws-header">"header"</span>
                " . "
                <span class="jws-payload">"payload"</span>
                " . "
                <span class="jws-signature">"signature"</span>
            </p>
        </div>
    }
}

/// The five parts of a compact JWE (RFC 7516 §7.1), told apart by colour, by a text label
/// under them and (in forced colours) by the underline's shape.
#[component]
pub fn CompactJwe(compact: String, #[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    let parts: Vec<String> = compact.splitn(5, '.').map(str::to_string).collect();
    let part = |i: usize| parts.get(i).cloned().unwrap_or_default();
    let copy = Signal::stored(compact.clone());
    let length = compact.len();
    let spans = JWE_PARTS
        .iter()
        .enumerate()
        .map(|(i, (class, label))| {
            view! {
                {(i > 0).then_some(".")}
                <span class=*class title=*label>{part(i)}</span>
            }
        })
        .collect_view();
    let legend = JWE_PARTS
        .iter()
        .enumerate()
        .map(|(i, (class, label))| {
            view! {
                {(i > 0).then_some(" . ")}
                <span class=*class>{*label}</span>
            }
        })
        .collect_view();
    view! {
        <div class="code-block">
            <div class="code-head">
                <span class="code-title">{format!("Compact JWE ({length} characters)")}</span>
                <CopyButton text=copy what="compact JWE"/>
            </div>
            <output id=id.unwrap_or_default() class="jws jwe">{spans}</output>
            <p class="legend">{legend}</p>
        </div>
    }
}

/// The parts of a compact JWE with the class that colours each.
const JWE_PARTS: [(&str, &str); 5] = [
    ("jws-header", "protected header"),
    ("jwe-key", "encrypted key"),
    ("jwe-iv", "IV"),
    ("jws-payload", "ciphertext"),
    ("jws-signature", "tag"),
];

/// What the parts of a compact JWE say before anyone decrypts it: the protected header, and
/// the sizes of the rest (RFC 7516 §7.1). An empty encrypted key is explained (direct
/// encryption or direct key agreement, RFC 7516 §5.1 step 5).
#[component]
pub fn DecodedJwe(
    /// What it is ("request object", "JARM response").
    what: String,
    compact: String,
) -> impl IntoView {
    let body = match crate::jose::jwe::decode_header(&compact) {
        Ok(header) => {
            let sizes = jwe_part_sizes(&compact);
            view! {
                <div class="jwt-parts">
                    <JsonBlock what="Protected header" value=Value::Object(header)/>
                    <p class="jwe-sizes">{sizes}</p>
                </div>
            }
            .into_any()
        }
        Err(e) => view! { <p class="error" role="alert">{format!("Not a decodable JWE: {e}")}</p> }.into_any(),
    };
    view! {
        <div class="decoded-jwt decoded-jwe">
            <h4>{what}<span class="muted">" (encrypted: a JWE, RFC 7516; its contents need the recipient's key)"</span></h4>
            <CompactJwe compact=compact/>
            {body}
        </div>
    }
}

/// "encrypted key 256 bytes, IV 16 bytes, ciphertext 812 bytes, tag 16 bytes" of a compact JWE.
pub fn jwe_part_sizes(compact: &str) -> String {
    let bytes = |part: &str| part.len() * 3 / 4;
    let parts: Vec<&str> = compact.split('.').collect();
    let Some([_, key, iv, ciphertext, tag]) = parts.get(..5).and_then(|p| <&[&str; 5]>::try_from(p).ok()) else {
        return String::new();
    };
    let key = if key.is_empty() {
        "no encrypted key (direct encryption or key agreement)".to_string()
    } else {
        format!("encrypted key {} bytes", bytes(key))
    };
    format!(
        "{key}, IV {} bytes, ciphertext {} bytes, tag {} bytes",
        bytes(iv),
        bytes(ciphertext),
        bytes(tag)
    )
}

/// Whether `compact` has the shape of a compact JWE (five dot-separated parts) rather than a
/// JWS (three).
pub fn is_compact_jwe(compact: &str) -> bool {
    let compact = compact.trim();
    compact.split('.').count() == 5
        && compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A JWT decoded (without verification, and labelled so): coloured compact form, header and
/// payload as JSON. A JWE (five parts) is shown as one: its header and part sizes.
#[component]
pub fn DecodedJwt(
    /// What it is ("request object", "JARM response").
    what: String,
    compact: String,
) -> impl IntoView {
    if is_compact_jwe(&compact) {
        return view! { <DecodedJwe what=what compact=compact/> }.into_any();
    }
    let decoded = decode_unverified(&compact);
    let body = match decoded {
        Ok(d) => {
            let payload = serde_json::from_slice::<Value>(&d.payload)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&d.payload).into_owned()));
            view! {
                <div class="jwt-parts">
                    <JsonBlock what="Header" value=d.header/>
                    <JsonBlock what="Payload" value=payload/>
                </div>
            }
            .into_any()
        }
        Err(e) => view! { <p class="error" role="alert">{format!("Not a decodable JWT: {e}")}</p> }.into_any(),
    };
    view! {
        <div class="decoded-jwt">
            <h4>{what}<span class="muted">" (decoded, not verified here)"</span></h4>
            <CompactJwt compact=compact/>
            {body}
        </div>
    }
    .into_any()
}

/// Offers `text` as a file download.
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let anchor = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "not an anchor")?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A checkbox bound to a boolean inside the workspace.
#[component]
pub fn Toggle(
    id: &'static str,
    label: &'static str,
    checked: Signal<bool>,
    on_change: Callback<bool>,
    #[prop(optional)] help: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="toggle">
            <input
                type="checkbox"
                id=id
                prop:checked=move || checked.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
            {help.map(|h| view! { <span class="help">{h}</span> })}
        </div>
    }
}

/// The file chosen in the `<input type="file">` whose `change` event this is, with the input.
pub fn chosen_file(ev: &leptos::ev::Event) -> Option<(web_sys::HtmlInputElement, web_sys::File)> {
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    Some((input, file))
}

/// The text of a chosen file, or the browser's reason for not reading it.
pub async fn file_text(file: &web_sys::File) -> Result<String, String> {
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map(|text| text.as_string().unwrap_or_default())
        .map_err(|e| format!("{e:?}"))
}

/// Resolves in a later task (a zero-delay timer), so the browser can paint and handle input
/// between two pieces of work.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().is_some_and(|w| w.set_timeout_with_callback(&resolve).is_ok());
        if !scheduled {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
