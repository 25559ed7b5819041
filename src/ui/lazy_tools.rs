//! The tools below the five steps (tamper catalogue and runner, compare view, JWT tool, JWS
//! signer, learning pages), each behind a split point. The release build's split step
//! (`scripts/wasm-split.mjs`) moves their code into wasm chunks of their own, fetched right after
//! the first screen is up, so the first load carries only what the five steps need. Without the
//! split step (the wasm tests, clippy) the same functions are plain calls.
//!
//! Each tool is created once, when its chunk has arrived; nothing here re-runs on workspace
//! changes, so a tool's own state (drafts, open editors) lives as long as the page. A chunk that
//! cannot be fetched (offline before the service worker has the build, a build replaced on the
//! server) is an error with a retry button, never a panic: the split points are `fallible`.

use leptos::prelude::*;
use leptos::task::spawn_local_scoped;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use wasm_bindgen::JsCast;

use super::jws_signer::JwsSigner;
use super::jwt_tool::JwtTool;
use super::learn::LearnPages;
use super::preview::CompareView;
use super::tamper_panel::TamperPanel;

#[wasm_split(tamper, wasm_split_path = ::leptos::wasm_split, fallible)]
fn tamper_panel_view() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <TamperPanel/> }.into_any())
}

#[wasm_split(compare, wasm_split_path = ::leptos::wasm_split, fallible)]
fn compare_view() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <CompareView/> }.into_any())
}

#[wasm_split(jwt_tool, wasm_split_path = ::leptos::wasm_split, fallible)]
fn jwt_tool_view() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <JwtTool/> }.into_any())
}

#[wasm_split(jws_signer, wasm_split_path = ::leptos::wasm_split, fallible)]
fn jws_signer_view() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <JwsSigner/> }.into_any())
}

#[wasm_split(learn, wasm_split_path = ::leptos::wasm_split, fallible)]
fn learn_pages_view() -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <LearnPages/> }.into_any())
}

/// Which tool a [`LazyTool`] shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Tamper,
    Compare,
    Jwt,
    Signer,
    Learn,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Tamper => "tamper catalogue",
            Tool::Compare => "compare view",
            Tool::Jwt => "JWT tool",
            Tool::Signer => "JWS signer",
            Tool::Learn => "learning pages",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tool::Tamper => "tamper",
            Tool::Compare => "compare",
            Tool::Jwt => "jwt-tool",
            Tool::Signer => "jws-signer",
            Tool::Learn => "learn",
        }
    }

    /// What the page says when the tool's part could not be fetched.
    fn failure(self) -> String {
        format!(
            "The {} could not be loaded: its part of the app (a separate .wasm file) was not \
             fetched. The network may be off before this build was saved for offline use, or \
             the site was updated since this page was opened.",
            self.name()
        )
    }

    async fn load(self) -> Result<AnyView, SplitLoaderError> {
        match self {
            Tool::Tamper => tamper_panel_view().await,
            Tool::Compare => compare_view().await,
            Tool::Jwt => jwt_tool_view().await,
            Tool::Signer => jws_signer_view().await,
            Tool::Learn => learn_pages_view().await,
        }
    }
}

/// The element the address's fragment names (`#learn-par`), if the document has it.
fn fragment_target() -> Option<web_sys::Element> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let id = hash.strip_prefix('#').filter(|id| !id.is_empty())?;
    window.document()?.get_element_by_id(id)
}

/// A fragment that named an element of a tool before the tool was there (a link followed, or
/// a page opened with `#learn-par`, while its part was being fetched) is followed now, as the
/// browser would have: scrolled to, and focused when it is focusable (the learning pages are,
/// with `tabindex=-1`).
fn reveal_fragment_target() {
    if let Some(target) = fragment_target() {
        target.scroll_into_view();
        if let Ok(element) = target.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Loading,
    Ready,
    Failed,
}

/// A tool whose code arrives after the first screen: a short placeholder (marked busy) until its
/// chunk is loaded, then the tool, created once; if the chunk cannot be fetched, what failed and
/// a button that tries again.
#[component]
pub fn LazyTool(tool: Tool) -> impl IntoView {
    // The view is moved out of its slot once: `stage` becomes Ready once, so the closure below
    // shows the tool exactly once and never re-creates it.
    let slot = StoredValue::new_local(None::<AnyView>);
    let stage = RwSignal::new(Stage::Loading);
    // The tool is made in this component's reactive owner (its context: the app state), also
    // when a retry starts the load from a click handler, which runs outside any owner.
    let owner = StoredValue::new_local(Owner::current());
    let load = move || {
        stage.set(Stage::Loading);
        let task = async move {
            match tool.load().await {
                Ok(view) => {
                    let target_was_missing = fragment_target().is_none();
                    slot.set_value(Some(view));
                    stage.set(Stage::Ready);
                    if target_was_missing {
                        request_animation_frame(reveal_fragment_target);
                    }
                }
                Err(_) => stage.set(Stage::Failed),
            }
        };
        match owner.get_value() {
            Some(owner) => owner.with(|| spawn_local_scoped(task)),
            None => spawn_local_scoped(task),
        }
    };
    load();
    move || match stage.get() {
        // Taken once: `stage` is Ready once per successful load.
        Stage::Ready => slot
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_else(|| ().into_any()),
        Stage::Loading => view! {
            <p class="panel lazy-tool hint" id=format!("lazy-{}", tool.id()) aria-busy="true">
                {format!("Loading the {}…", tool.name())}
            </p>
        }
        .into_any(),
        Stage::Failed => view! {
            <div class="panel lazy-tool banner error" id=format!("lazy-{}", tool.id()) role="alert">
                <p>{tool.failure()}</p>
                <button type="button" on:click=move |_| load()>"Try again"</button>
            </div>
        }
        .into_any(),
    }
}
