//! Every check the playground can report, and every step of a flow, has a learning note: the
//! codes are gathered from their sources (the server's check table; a scan of the client and
//! pre-flight sources for code literals; the step names the flow driver records), so a new
//! check without a note fails here. The notes are held to their own rules too: one to three
//! sentences, a section number, no note for a code that no longer exists.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oauth_playground::learn::{self, Note};
use oauth_playground::mock_as::checks;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let entry = entry.unwrap().path();
        if entry.is_dir() {
            files.extend(rust_files(&entry));
        } else if entry.extension().is_some_and(|e| e == "rs") {
            files.push(entry);
        }
    }
    files
}

/// The string literals of `source`, as written (no escapes are expected in codes).
fn literals(source: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// `area.name`: lower-case words joined by one dot, like `jarm.iss_mismatch`. Response modes
/// (`query.jwt`) and file names are not codes.
fn is_code(text: &str) -> bool {
    let word = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    match text.split_once('.') {
        Some((area, name)) => {
            word(area)
                && word(name)
                && !matches!(name, "jwt" | "json" | "rs" | "js" | "html")
                // A PingOne region's domain suffix and PingOne's own response mode.
                && !matches!(text, "com.au" | "pi.flow")
        }
        None => false,
    }
}

/// Every code literal in the client (`src/oauth`) and the UI's pre-flight.
fn client_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let mut files = rust_files(&root().join("src/oauth"));
    files.push(root().join("src/ui/preflight.rs"));
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        codes.extend(literals(&source).into_iter().filter(|l| is_code(l)).map(str::to_string));
    }
    codes
}

/// The step names the flow driver records: `d.send("par", …)`, `d.token("token", …)`, `d.jwt("jarm", …)`,
/// `step: "authorization_response"`; plus `callback`, the browser's arrival the UI shows.
fn flow_steps() -> BTreeSet<String> {
    // The code flow's driver, and the grants and token calls that drive it too.
    let source: String = [
        "flow.rs",
        "client_credentials.rs",
        "introspection.rs",
        "revocation.rs",
        "token_reference.rs",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(root().join("src/oauth").join(f)).unwrap())
    .collect();
    let mut steps = BTreeSet::from(["callback".to_string()]);
    // The first argument may sit on the next line once rustfmt breaks a long call.
    for marker in [
        ".send(",
        ".send_proved(",
        ".send_with_dpop(",
        ".token(",
        ".jwt(",
        "step:",
    ] {
        for (at, _) in source.match_indices(marker) {
            let Some(rest) = source[at + marker.len()..].trim_start().strip_prefix('"') else {
                continue;
            };
            if let Some(end) = rest.find('"') {
                steps.insert(rest[..end].to_string());
            }
        }
    }
    steps
}

fn all_keys() -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = checks().iter().map(|c| c.code.to_string()).collect();
    keys.extend(client_codes());
    keys.extend(flow_steps().iter().map(|s| learn::step_key(s).to_string()));
    keys
}

#[test]
fn the_sources_are_found() {
    // Guards the scans themselves: if a refactor moved the codes, the lists would go empty and
    // every other test here would pass for nothing.
    let client = client_codes();
    for code in [
        "jarm.iss_mismatch",
        "id_token.nonce",
        "callback.state",
        "par.status",
        "lint.pkce_missing",
    ] {
        assert!(client.contains(code), "the scan missed {code}: {client:?}");
    }
    assert!(client.contains("keys.missing_for_alg"), "the pre-flight's own codes");
    assert!(
        !client.iter().any(|c| c.ends_with(".jwt")),
        "response modes are not codes"
    );
    let steps = flow_steps();
    for step in [
        "discovery",
        "jwks",
        "request_object",
        "par",
        "authorize",
        "jarm",
        "token",
        "refresh",
        "userinfo",
    ] {
        assert!(steps.contains(step), "the scan missed step {step}: {steps:?}");
    }
    assert!(steps.contains("id_token (token response)"), "{steps:?}");
    assert!(checks().len() > 70);
}

#[test]
fn every_server_check_has_a_note_with_a_section_number() {
    let missing: Vec<&str> = checks()
        .iter()
        .filter(|c| learn::note(c.code).is_none_or(|n| !n.section.contains('§')))
        .map(|c| c.code)
        .collect();
    assert!(
        missing.is_empty(),
        "server checks without a note (or without a section): {missing:?}"
    );
}

#[test]
fn every_client_and_preflight_code_has_a_note() {
    let missing: Vec<String> = client_codes()
        .into_iter()
        .filter(|c| learn::note(c).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a learning note (add one in src/learn): {missing:?}"
    );
}

#[test]
fn every_flow_step_has_a_note() {
    let missing: Vec<String> = flow_steps().into_iter().filter(|s| learn::note(s).is_none()).collect();
    assert!(missing.is_empty(), "flow steps without a learning note: {missing:?}");
}

/// Sentences end with `.`, `?` or `!` and a space or the end of the text.
fn sentences(text: &str) -> usize {
    let inner = [". ", "? ", "! "]
        .iter()
        .map(|end| text.matches(end).count())
        .sum::<usize>();
    inner + usize::from(text.ends_with(['.', '?', '!']))
}

#[test]
fn every_note_is_short_and_names_its_section() {
    let mut seen = BTreeSet::new();
    for Note { key, why, section } in learn::all() {
        assert!(seen.insert(key), "{key} has two notes");
        let n = sentences(why);
        assert!((1..=3).contains(&n), "{key}: {n} sentences, 1 to 3 wanted: {why}");
        assert!(
            why.len() <= 320,
            "{key}: {} characters, keep it short: {why}",
            why.len()
        );
        assert!(
            why.starts_with(|c: char| c.is_uppercase() || c.is_lowercase()),
            "{key}: {why}"
        );
        assert!(section.contains('§'), "{key}: the section has no number: {section}");
    }
    assert!(seen.len() > 200, "{} notes", seen.len());
}

#[test]
fn no_note_explains_a_code_that_no_longer_exists() {
    let known = all_keys();
    let stale: Vec<&str> = learn::all().map(|n| n.key).filter(|k| !known.contains(*k)).collect();
    assert!(stale.is_empty(), "notes for codes no source reports: {stale:?}");
}

#[test]
fn the_sentence_counter_counts() {
    assert_eq!(sentences("One. Two? Three!"), 3);
    assert_eq!(sentences("iss must be the client_id: the object says so."), 1);
    assert_eq!(sentences("Not a sentence end: v1.2 or /.well-known"), 0);
}
