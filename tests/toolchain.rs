//! The tool versions are pinned in four files; a disagreement builds a broken module or
//! makes Trunk try a download, so it fails here first, with the two values side by side.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;

fn read(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).expect(file)
}

/// The quoted value on the first line of `text` that starts with `key` (TOML-ish, enough here).
fn quoted_after(text: &str, key: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(key))
        .unwrap_or_else(|| panic!("no line starting with {key}"));
    line.split('"').nth(1).expect("a quoted value").to_string()
}

/// The version Cargo.lock holds of the package `name` (the first entry of that name).
fn locked_version(name: &str) -> String {
    read("Cargo.lock")
        .split("[[package]]")
        .find(|p| p.contains(&format!("name = \"{name}\"\n")))
        .map(|p| quoted_after(p, "version ="))
        .unwrap_or_else(|| panic!("{name} in Cargo.lock"))
}

#[test]
fn trunk_runs_the_wasm_bindgen_the_crate_is_pinned_to() {
    let cargo_pin = quoted_after(&read("Cargo.toml"), "wasm-bindgen =");
    assert!(
        cargo_pin.starts_with('='),
        "wasm-bindgen must be pinned with '=', found {cargo_pin}"
    );
    let trunk_pin = quoted_after(&read("Trunk.toml"), "wasm_bindgen =");
    assert_eq!(cargo_pin.trim_start_matches('='), trunk_pin);

    assert_eq!(locked_version("wasm-bindgen"), trunk_pin);
}

#[test]
fn trunk_runs_the_wasm_opt_npm_installs() {
    let trunk_pin = quoted_after(&read("Trunk.toml"), "wasm_opt =");
    let package: serde_json::Value = serde_json::from_str(&read("package.json")).unwrap();
    let binaryen = package["devDependencies"]["binaryen"]
        .as_str()
        .expect("binaryen in package.json");
    let major = binaryen.split('.').next().unwrap();
    assert_eq!(trunk_pin, format!("version_{major}"));
    // binaryen before 130 here produced "WebAssembly.Table.set(): Argument 1 is invalid for table".
    assert!(
        major.parse::<u32>().unwrap() >= 130,
        "binaryen {binaryen} is known to break the module"
    );
}

#[test]
fn npm_tools_are_pinned_exactly() {
    let package: serde_json::Value = serde_json::from_str(&read("package.json")).unwrap();
    for (name, version) in package["devDependencies"].as_object().unwrap() {
        let version = version.as_str().unwrap();
        assert!(
            version.chars().all(|c| c.is_ascii_digit() || c == '.'),
            "{name} is pinned as {version}; use an exact version"
        );
    }
}

#[test]
fn every_browser_launch_uses_the_same_chromium_flags() {
    let e2e = read("tests/e2e/chromium.mjs");
    let webdriver = read("webdriver.json");
    for flag in [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-quic",
    ] {
        assert!(e2e.contains(flag), "tests/e2e/chromium.mjs lacks {flag}");
        assert!(webdriver.contains(flag), "webdriver.json lacks {flag}");
    }
}

/// `scripts/tools.sh`'s `NAME=value` line, e.g. `GECKODRIVER_VERSION=0.37.1`.
fn shell_assignment(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name}= line"))
        .trim_matches('"')
        .to_string()
}

#[test]
fn geckodriver_is_pinned_exactly_installed_locked_and_documented() {
    let tools = read("scripts/tools.sh");
    let pin = shell_assignment(&tools, "GECKODRIVER_VERSION");
    assert!(
        pin.split('.').count() == 3
            && pin
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
        "geckodriver is pinned as {pin}; use an exact x.y.z version"
    );
    // Without --locked, cargo resolves geckodriver's dependencies afresh on every machine.
    assert!(
        tools.contains(r#"cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked"#),
        "tools.sh must install geckodriver at the pinned version with --locked"
    );
    // The installed one is compared with the pin, so a stale geckodriver is replaced.
    assert!(tools.contains(r#"= "geckodriver $GECKODRIVER_VERSION" ] && return"#));
    assert!(
        read("README.md").contains(&format!("| geckodriver | {pin} |")),
        "README's tool table names another geckodriver than {pin}"
    );
}

#[test]
fn every_firefox_launch_uses_the_same_binary() {
    let webdriver: serde_json::Value = serde_json::from_str(&read("webdriver.json")).unwrap();
    let binary = webdriver["moz:firefoxOptions"]["binary"]
        .as_str()
        .expect("moz:firefoxOptions.binary in webdriver.json");
    let smoke = read("tests/webdriver/smoke.mjs");
    assert!(
        smoke.contains(&format!("'{binary}'")),
        "tests/webdriver/smoke.mjs starts another Firefox than webdriver.json's {binary}"
    );
}

#[test]
fn the_splitter_matches_the_split_runtime_leptos_brings() {
    // wasm_split_cli_support rewrites the imports wasm_split_macros/_helpers emit (a custom
    // section with a format version, placeholder import modules); the two are released in
    // step, so the splitter's minor version must be the runtime's.
    let tools = read("scripts/tools.sh");
    let pin = shell_assignment(&tools, "WASM_SPLIT_VERSION");
    let runtime = locked_version("wasm_split_helpers");
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    assert_eq!(
        minor(&pin),
        minor(&runtime),
        "wasm-split-cli {pin} and wasm_split_helpers {runtime} are different releases"
    );
    assert!(tools.contains(
        r#"cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked"#
    ));
    assert!(
        read("README.md").contains(&format!("| wasm-split-cli | {pin} |")),
        "README's tool table names another wasm-split-cli than {pin}"
    );
}
