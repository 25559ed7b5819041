//! Learning notes: for every check the playground can report (the server's check table, the
//! client's validation steps and errors, the pre-flight findings) and for every step of a flow,
//! a short explanation in our own words of what is checked and why it matters, with the section
//! of the specification behind it.
//!
//! The notes are plain `&'static str` tables, so the wasm carries them as data segments and
//! nothing else. Server checks already carry their clause in [`crate::mock_as::checks`]; their
//! notes add only the "why" and reuse that clause, unless it names no section (a server setting,
//! a vendor rule), in which case the note gives one. `tests/learn_notes.rs` enumerates every code
//! from its source and fails when one has no note, so no check ships unexplained.
//!
//! [`pages`] holds the two trainer pages, "Why JAR" and "Why PAR", as data too.
//!
//! Browser-free (`tests/architecture.rs`).

mod client;
mod lint;
pub mod pages;
mod server;
mod steps;

use crate::mock_as::Check;

/// What a check or a flow step is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Note {
    /// The check code (`jar.signature_invalid`) or flow step (`par`) it explains.
    pub key: &'static str,
    /// One to three sentences: what is checked and what it prevents.
    pub why: &'static str,
    /// Where the rule is written, with its section number (`RFC 9101 §6.2`).
    pub section: &'static str,
}

/// One row of a note table: key, section ("" to take the check table's clause), why.
type Row = (&'static str, &'static str, &'static str);

fn find(table: &'static [Row], key: &str) -> Option<&'static Row> {
    table.iter().find(|(k, _, _)| *k == key)
}

/// The flow step a timeline label names: `id_token (token response)` is the `id_token` step.
pub fn step_key(label: &str) -> &str {
    label.split(" (").next().unwrap_or(label).trim()
}

/// The note for a check code (`jar.alg_not_allowed`, `jarm.iss`, `lint.pkce_missing`) or a flow
/// step (`discovery`, `id_token (authorization response)`); `None` for anything unknown.
pub fn note(key: &str) -> Option<Note> {
    if let Some((key, own, why)) = find(server::NOTES, key) {
        let section = if own.is_empty() {
            Check::from_code(key).map_or("", |c| c.info().clause)
        } else {
            own
        };
        return Some(Note { key, why, section });
    }
    find(client::NOTES, key)
        .or_else(|| find(lint::NOTES, key))
        .or_else(|| find(steps::NOTES, step_key(key)))
        .map(|(key, section, why)| Note { key, why, section })
}

/// Every note there is, for the tests that hold the tables to their sources.
pub fn all() -> impl Iterator<Item = Note> {
    [server::NOTES, client::NOTES, lint::NOTES, steps::NOTES]
        .into_iter()
        .flatten()
        .filter_map(|(key, _, _)| note(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_note_takes_the_check_tables_clause_unless_it_names_its_own() {
        let note = note("jar.signature_invalid").expect("note");
        assert_eq!(note.section, Check::JarSignatureInvalid.info().clause);
        let own = super::note("jar.too_large").expect("note");
        assert_ne!(own.section, Check::JarTooLarge.info().clause);
        assert!(own.section.contains('§'), "{}", own.section);
    }

    #[test]
    fn timeline_labels_find_their_step() {
        assert_eq!(step_key("id_token (token response)"), "id_token");
        assert_eq!(
            note("id_token (authorization response)").map(|n| n.key),
            Some("id_token")
        );
        assert!(note("no.such_code").is_none());
    }
}
