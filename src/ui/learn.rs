//! The learning notes in the page: a "Why?" disclosure wherever a check code or a flow step is
//! shown ([`LearnNote`]), and the pages for trainers, "Why JAR", "Why PAR" and "Why DPoP"
//! ([`LearnPages`], anchors `#learn-jar`, `#learn-par`, `#learn-dpop`). Notes and pages are data in [`crate::learn`].

use leptos::prelude::*;

use crate::learn;
use crate::learn::pages::{Block, Page, PAGES};

/// "Why?" for a check code or a flow step: what is checked, why it matters, and the section.
/// Renders nothing for a key without a note. A `<details>`, so it opens with Enter or Space.
#[component]
pub fn LearnNote(#[prop(into)] code: String) -> impl IntoView {
    learn::note(&code).map(|note| {
        view! {
            <details class="learn-note" data-learn=note.key>
                <summary>"Why?"<span class="sr-only">{format!(" ({})", note.key)}</span></summary>
                <p class="learn-why">{note.why}</p>
                <p class="learn-section">"Section: "<cite>{note.section}</cite></p>
            </details>
        }
    })
}

/// Links to the trainer pages, for the places that talk about deliveries and tokens.
#[component]
pub fn LearnLinks() -> impl IntoView {
    view! {
        <p class="learn-links">
            "New to this? Read "
            <a href="#learn-jar">"Why JAR"</a>
            ", "
            <a href="#learn-par">"Why PAR"</a>
            " and "
            <a href="#learn-dpop">"Why DPoP"</a>
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

/// "Why JAR", "Why PAR", "Why DPoP": what each solves, what it costs, how to show it here.
#[component]
pub fn LearnPages() -> impl IntoView {
    view! {
        <section class="panel learn" id="learn" aria-labelledby="learn-title">
            <h2 id="learn-title">"Learn: why JAR, why PAR, why DPoP"</h2>
            <p class="hint">"Short pages for trainers and the curious. Each says what goes wrong without the mechanism (a plain authorization request, a bearer token), what it changes, what it costs, and which controls of this playground show it. Section numbers point into the specifications."</p>
            {PAGES.into_iter().map(|page| view! { <LearnPage page/> }).collect_view()}
        </section>
    }
}

/// One page, rendered from its blocks. `tabindex=-1` lets the fragment link move focus to it.
#[component]
fn LearnPage(page: &'static Page) -> impl IntoView {
    let title_id = format!("{}-title", page.id);
    let labelled_by = title_id.clone();
    let blocks = page
        .blocks
        .iter()
        .map(|block| match block {
            Block::Heading(text) => view! { <h4>{*text}</h4> }.into_any(),
            Block::Paragraph(text) => view! { <p>{*text}</p> }.into_any(),
            Block::Points(points) => view! {
                <ul>
                    {points.iter().map(|p| view! {
                        <li>{(!p.lead.is_empty()).then(|| view! { <strong>{p.lead}</strong>" " })}{p.text}</li>
                    }).collect_view()}
                </ul>
            }
            .into_any(),
            Block::Steps(steps) => {
                view! { <ol>{steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}</ol> }.into_any()
            }
            Block::Sections(text) => view! { <p class="learn-refs">{*text}</p> }.into_any(),
        })
        .collect_view();
    view! {
        <article class="learn-page" id=page.id aria-labelledby=labelled_by tabindex="-1">
            <h3 id=title_id>{page.title}</h3>
            {blocks}
        </article>
    }
}
