use leptos::prelude::*;

/// A button that copies `text()` to the clipboard and says so for a moment.
#[component]
pub fn CopyButton(
    /// What is copied, read when the button is pressed.
    text: Signal<String>,
    /// Names what is copied, for the accessible label ("Copy compact JWS").
    what: &'static str,
    /// Optional `id` of the button, for tests and labels.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let status = RwSignal::new("");
    let copy = move |_| {
        let Some(window) = web_sys::window() else { return };
        let promise = window.navigator().clipboard().write_text(&text.get_untracked());
        leptos::task::spawn_local(async move {
            let outcome = wasm_bindgen_futures::JsFuture::from(promise).await;
            status.set(if outcome.is_ok() {
                "Copied"
            } else {
                "Copy refused by the browser"
            });
        });
    };
    view! {
        <button type="button" class="copy" id=id aria-label=format!("Copy {what}") on:click=copy>
            "Copy"
        </button>
        <span class="copy-status" role="status">{move || status.get()}</span>
    }
}
