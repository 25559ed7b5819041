//! The runner the JOSE vector harnesses share: every `*.json` file of a folder under
//! `tests/vectors/` is an array of cases; each case passes, is skipped with a reason, or
//! fails (a panic counts as a failure), and the counts are printed per file and in total.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// What one case did: `Ok(None)` passed, `Ok(Some(reason))` skipped, `Err(why)` failed.
pub type Outcome = Result<Option<String>, String>;

#[derive(Default)]
struct Tally {
    run: usize,
    passed: usize,
    skipped: Vec<String>,
    failed: Vec<String>,
}

/// The `*.json` files of `tests/vectors/<folder>`, sorted.
pub fn files(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The cases of `tests/vectors/<folder>/<file>`.
pub fn cases(folder: &str, file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(folder)
        .join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Runs every case of every file of `folder`; `describe` adds to a file's count line (e.g.
/// how many cases are valid). Fails listing every failed case, or when no case ran.
pub fn run_every_file(folder: &str, run_case: impl Fn(&Value) -> Outcome, describe: impl Fn(&[Value]) -> String) {
    let files = files(folder);
    assert!(!files.is_empty(), "no vector files found");
    let mut total = Tally::default();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).expect("read vector file");
        let cases: Vec<Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not a JSON array of cases: {e}"));
        let mut tally = Tally::default();
        for (i, case) in cases.iter().enumerate() {
            let id = case["id"].as_str().map_or_else(|| format!("#{i}"), str::to_string);
            match catch_unwind(AssertUnwindSafe(|| run_case(case))) {
                Ok(Ok(None)) => {
                    tally.run += 1;
                    tally.passed += 1;
                }
                Ok(Ok(Some(reason))) => tally.skipped.push(format!("{id}: {reason}")),
                Ok(Err(why)) => {
                    tally.run += 1;
                    tally.failed.push(format!("{id}: {why}"));
                }
                Err(_) => {
                    tally.run += 1;
                    tally.failed.push(format!("{id}: PANICKED"));
                }
            }
        }
        println!(
            "{name}: {} cases{}, {} run, {} passed, {} skipped, {} failed",
            cases.len(),
            describe(&cases),
            tally.run,
            tally.passed,
            tally.skipped.len(),
            tally.failed.len()
        );
        for skip in &tally.skipped {
            println!("  skipped {skip}");
        }
        for failure in &tally.failed {
            println!("  FAILED {failure}");
        }
        total.run += tally.run;
        total.passed += tally.passed;
        total.skipped.extend(tally.skipped);
        total
            .failed
            .extend(tally.failed.into_iter().map(|f| format!("{name}: {f}")));
    }
    println!(
        "all {folder} vector files: {} run, {} passed, {} skipped, {} failed",
        total.run,
        total.passed,
        total.skipped.len(),
        total.failed.len()
    );
    assert!(total.failed.is_empty(), "vector failures:\n{}", total.failed.join("\n"));
    assert!(total.run > 0, "no case ran");
}
