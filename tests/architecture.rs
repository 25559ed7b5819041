//! The layering rule of the design brief, enforced: the protocol core (`jose`, `oauth`,
//! `mock_as`, `http`) must not reach for the browser, so it keeps running under plain
//! `cargo test`. Only `src/ui` may.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

const CORE: [&str; 13] = [
    "src/jose",
    "src/learn",
    "src/oauth",
    "src/mock_as",
    "src/http.rs",
    "src/clock.rs",
    "src/protocol.rs",
    "src/workspace.rs",
    "src/tamper",
    "src/reproducible.rs",
    "src/session",
    "src/site.rs",
    "src/fuzzing.rs",
];
const BROWSER_CRATES: [&str; 6] = [
    "leptos",
    "web_sys",
    "js_sys",
    "gloo",
    "wasm_bindgen",
    "wasm_bindgen_futures",
];

/// Each line of `source` that names a browser crate as a path (`web_sys::…`, `use leptos…`,
/// `extern crate js_sys`), with its line number. Comments are skipped.
fn browser_uses(source: &str) -> Vec<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| {
            BROWSER_CRATES.iter().any(|krate| {
                let mut rest = *line;
                while let Some(at) = rest.find(krate) {
                    let before = rest[..at].chars().next_back();
                    let after = &rest[at + krate.len()..];
                    let starts_word = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                    // `gloo` is a family of crates: gloo_storage, gloo_net, …
                    let after_name = if *krate == "gloo" {
                        after.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_')
                    } else {
                        after
                    };
                    let used = after_name.starts_with("::")
                        || (after_name.starts_with([';', ' ', ',', '}'])
                            && (line.contains("use ") || line.contains("extern crate")));
                    if starts_word && used {
                        return true;
                    }
                    rest = &rest[at + krate.len()..];
                }
                false
            })
        })
        .map(|(n, line)| (n + 1, line.trim().to_string()))
        .collect()
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).expect("read layer folder") {
        let entry = entry.expect("dir entry").path();
        if entry.is_dir() {
            files.extend(rust_files(&entry));
        } else if entry.extension().is_some_and(|e| e == "rs") {
            files.push(entry);
        }
    }
    files
}

#[test]
fn protocol_core_never_imports_browser_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut violations = Vec::new();
    let mut scanned = 0;
    for layer in CORE {
        let path = root.join(layer);
        assert!(path.exists(), "{layer} is missing: the layout names it");
        for file in rust_files(&path) {
            scanned += 1;
            let source = std::fs::read_to_string(&file).expect("read source");
            for (line, text) in browser_uses(&source) {
                violations.push(format!("{}:{line}: {text}", file.strip_prefix(root).unwrap().display()));
            }
        }
    }
    assert!(scanned >= 4, "scanned only {scanned} files");
    assert!(
        violations.is_empty(),
        "the protocol core must run natively, but these lines use browser crates:\n{}",
        violations.join("\n")
    );
}

#[test]
fn browser_crates_are_only_dependencies_of_the_wasm_target() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut section = String::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let name = line.split(['=', ' ']).next().unwrap_or_default().replace('-', "_");
        if BROWSER_CRATES
            .iter()
            .any(|k| name == *k || (k == &"gloo" && name.starts_with("gloo")))
        {
            assert!(
                section.contains("cfg(target_arch = \"wasm32\")"),
                "{name} is declared under {section}; browser crates belong in the wasm32 target tables"
            );
        }
    }
}

#[test]
fn the_guard_itself_catches_what_it_must() {
    assert_eq!(browser_uses("use leptos::prelude::*;").len(), 1);
    assert_eq!(browser_uses("let w = web_sys::window();").len(), 1);
    assert_eq!(browser_uses("    js_sys::Date::now()").len(), 1);
    assert_eq!(browser_uses("use gloo_storage::LocalStorage;").len(), 1);
    assert_eq!(browser_uses("use wasm_bindgen::prelude::*;").len(), 1);
    assert_eq!(browser_uses("extern crate js_sys;").len(), 1);
    assert_eq!(browser_uses("use {leptos, serde};").len(), 1);
    // Words that merely contain a crate name, and comments, are not uses.
    assert!(browser_uses("let not_leptos::x = 1;").is_empty());
    assert!(browser_uses("// web_sys::window() is only for the UI").is_empty());
    assert!(browser_uses("let my_leptos_note = \"leptos\";").is_empty());
}
