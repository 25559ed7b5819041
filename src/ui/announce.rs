//! What a screen reader should hear when something finishes out of sight: a run's outcome, a
//! key generated, an import done. One polite live region, in the page from the first render:
//! a region inserted together with its text is not reliably announced (WAI-ARIA 1.2, "Live
//! Region Attributes": assistive technologies watch regions that already exist), so panels
//! write into this one instead of adding a `role="status"` element of their own. Errors keep
//! their `role="alert"` in place, which is announced when inserted.

use leptos::prelude::*;

/// The text of the page's polite live region.
#[derive(Clone, Copy)]
pub struct Announcer(RwSignal<String>);

/// Creates the announcer for the page; [`LiveRegion`] renders it.
pub fn provide_announcer() {
    provide_context(Announcer(RwSignal::new(String::new())));
}

/// The page's announcer, taken while a component is created (a task spawned later has no
/// context to find it in); `None` outside the app, where announcing does nothing.
pub fn announcer() -> Option<Announcer> {
    use_context::<Announcer>()
}

impl Announcer {
    /// Says `text` through the live region. The same text twice in a row is made to differ
    /// by a trailing no-break space, or the region would not change and nothing would be said.
    pub fn say(self, text: impl Into<String>) {
        let text = text.into();
        self.0.update(|current| {
            *current = if *current == text {
                format!("{text}\u{a0}")
            } else {
                text
            };
        });
    }
}

/// The region itself: visually hidden, read by assistive technology.
#[component]
pub fn LiveRegion() -> impl IntoView {
    let region = use_context::<Announcer>().map(|Announcer(r)| r);
    view! {
        <div class="sr-only" id="live-status" role="status" aria-live="polite" aria-atomic="true">
            {move || region.map(|r| r.get()).unwrap_or_default()}
        </div>
    }
}

/// Moves keyboard focus to the element `id` once the current render has reached the page (a
/// view set from a signal is in the DOM a task later). The element needs `tabindex="-1"`.
pub async fn focus_when_shown(id: &'static str) {
    super::widgets::next_task().await;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Gives focus back to the button `id` once the work it started is done, if the browser
/// dropped it meanwhile: a focused button that turns `disabled` while busy loses focus to the
/// page, and a keyboard user would start again from the top (WCAG 2.4.3). Leaves focus alone
/// when the user has moved on.
pub async fn refocus_if_lost(id: impl AsRef<str>) {
    let id = id.as_ref();
    super::widgets::next_task().await;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lost = match document.active_element() {
        None => true,
        Some(active) => document.body().is_some_and(|b| *b == active) || active.id() == id,
    };
    if lost {
        if let Some(button) = document
            .get_element_by_id(id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = button.focus();
        }
    }
}
