//! Offline-first: registers the service worker the build ships (`sw.js` under the public URL,
//! written by scripts/service-worker.mjs), which keeps every file of the build so the app
//! opens and runs its in-page flows with no network after one visit; and says "Reload to
//! update" when a newer build has been installed in the background and is waiting.

use std::cell::Cell;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RegistrationOptions, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
    ServiceWorkerUpdateViaCache,
};

use super::site::base_path;

/// The message scripts/service-worker.js takes as the user's go-ahead.
const SKIP_WAITING: &str = "skip-waiting";
/// How often an open page asks for a newer build (the browser also checks on each visit).
const UPDATE_CHECK: std::time::Duration = std::time::Duration::from_secs(60 * 60);

thread_local! {
    /// Set once the user chose to update: the next change of controller reloads the page.
    static RELOAD_ON_CONTROLLER_CHANGE: Cell<bool> = const { Cell::new(false) };
}

/// The page's service worker container; `None` where the browser has none (an insecure
/// context, or service workers turned off).
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
        .ok()
        .filter(|has| *has)?;
    Some(navigator.service_worker())
}

/// Whether a new worker that reached `installed` is an update: the page is already
/// controlled by the previous one (a first install has no controller yet).
fn is_update(container: &ServiceWorkerContainer) -> bool {
    container.controller().is_some()
}

/// Registers the service worker and sets `ready` when an update is waiting.
fn register(ready: RwSignal<bool>) -> Option<()> {
    let container = container()?;
    let base = base_path();
    let options = RegistrationOptions::new();
    options.set_scope(&base);
    // sw.js itself never comes from the HTTP cache, so a new build is seen at once.
    options.set_update_via_cache(ServiceWorkerUpdateViaCache::None);
    let on_controller_change = Closure::<dyn Fn()>::new(|| {
        if RELOAD_ON_CONTROLLER_CHANGE.with(Cell::get) {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();
    let promise = container.register_with_options(&format!("{base}sw.js"), &options);
    leptos::task::spawn_local(async move {
        // No sw.js (a build without the post-build step, a test page): the app works online.
        let Ok(registration) = JsFuture::from(promise).await else {
            return;
        };
        // Anything but a registration (an automation tool that blocks service workers resolves
        // with undefined) is treated like no sw.js.
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        if registration.waiting().is_some() && is_update(&container) {
            ready.set(true);
        }
        // The browser may have found the new build while this page was loading, before this
        // code ran: a worker already installing is watched as one found later would be.
        if let Some(installing) = registration.installing() {
            watch_installing(installing, container.clone(), ready);
        }
        let watched = registration.clone();
        let on_update_found = Closure::<dyn Fn()>::new(move || {
            if let Some(installing) = watched.installing() {
                watch_installing(installing, container.clone(), ready);
            }
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
        let _ = set_interval_with_handle(
            move || {
                if let Ok(promise) = registration.update() {
                    // A failed check (offline) is retried at the next interval.
                    leptos::task::spawn_local(async move {
                        let _ = JsFuture::from(promise).await;
                    });
                }
            },
            UPDATE_CHECK,
        );
    });
    Some(())
}

/// Sets `ready` when `worker`, a new build being installed, is installed and waiting.
fn watch_installing(worker: web_sys::ServiceWorker, container: ServiceWorkerContainer, ready: RwSignal<bool>) {
    let watched = worker.clone();
    let on_state_change = Closure::<dyn Fn()>::new(move || {
        if watched.state() == ServiceWorkerState::Installed && is_update(&container) {
            ready.set(true);
        }
    });
    worker.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
    on_state_change.forget();
}

/// Tells the waiting worker to take over; the page reloads when it has.
fn update_now() {
    let Some(container) = container() else { return };
    RELOAD_ON_CONTROLLER_CHANGE.with(|r| r.set(true));
    let promise = container.get_registration();
    leptos::task::spawn_local(async move {
        let Ok(registration) = JsFuture::from(promise).await else {
            return;
        };
        // Anything but a registration (an automation tool that blocks service workers resolves
        // with undefined) is treated like no sw.js.
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        match registration.waiting() {
            Some(waiting) => {
                let _ = waiting.post_message(&JsValue::from_str(SKIP_WAITING));
            }
            // Already taken over (another tab chose first): this page only needs the reload.
            None => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            }
        }
    });
}

/// "Reload to update", shown once a newer build is installed and waiting.
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let ready = RwSignal::new(false);
    register(ready);
    view! {
        <Show when=move || ready.get()>
            <div class="banner info" role="status" id="update-prompt">
                <p>
                    <strong>"A new version of the playground is ready."</strong>
                    " Reloading keeps your saved configuration (secrets only if Remember secrets is on)."
                </p>
                <button type="button" id="update-reload" on:click=move |_| update_now()>"Reload to update"</button>
            </div>
        </Show>
    }
}
