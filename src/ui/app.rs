use leptos::prelude::*;

use super::jws_signer::JwsSigner;

/// The page frame: a header naming the tool, then the panels.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="masthead">
            <h1>"OAuth Playground"</h1>
            <p class="tagline">
                "Build, sign and inspect OAuth 2.0 and OpenID Connect messages, entirely in your browser."
            </p>
        </header>
        <main id="main">
            <JwsSigner/>
        </main>
    }
}
