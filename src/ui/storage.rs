//! The saved state in the browser's localStorage, through gloo-storage's typed `LocalStorage`
//! (values go in and come out as JSON documents). Two things it cannot express go through
//! `LocalStorage::raw()`, the plain `web_sys::Storage`: reading a stored text that is not
//! JSON (its typed `get` then only returns the parse error, and the text is what we set aside
//! for the user), and writing that text back verbatim (its typed `set` would store it as a
//! JSON string, quoted and escaped). And one thing it does not do: every call throws a
//! JavaScript exception where the browser offers no localStorage (storage disabled, some
//! private modes, sandboxed frames), so each function here asks [`available`] first and the
//! page keeps working without saving.

use gloo_storage::errors::StorageError;
use gloo_storage::{LocalStorage, Storage};
use serde_json::Value;

use crate::workspace::{self, LoadReport, Workspace, SET_ASIDE_KEY, STORAGE_KEY};

const NO_STORAGE: &str = "this browser offers no localStorage";

/// Whether `LocalStorage` can be called without throwing.
pub fn available() -> bool {
    web_sys::window().is_some_and(|w| matches!(w.local_storage(), Ok(Some(_))))
}

/// What is stored under a key: a JSON document, or text that is not one.
pub enum Saved {
    Document(Value),
    Unreadable(String),
}

impl Saved {
    /// Reads `key`: `None` when nothing is stored (or the browser offers no localStorage).
    pub fn read(key: &str) -> Option<Saved> {
        if !available() {
            return None;
        }
        match LocalStorage::get::<Value>(key) {
            Ok(document) => Some(Saved::Document(document)),
            Err(StorageError::SerdeError(_)) => LocalStorage::raw().get_item(key).ok().flatten().map(Saved::Unreadable),
            Err(_) => None,
        }
    }

    /// The workspace it holds, section by section (see [`workspace::load`]).
    pub fn load(&self) -> (Workspace, LoadReport) {
        match self {
            Saved::Document(document) => workspace::load_document(document),
            Saved::Unreadable(text) => workspace::load(text),
        }
    }

    /// Stores the same thing under `key`.
    pub fn keep_under(&self, key: &str) -> Result<(), String> {
        if !available() {
            return Err(NO_STORAGE.into());
        }
        match self {
            Saved::Document(document) => LocalStorage::set(key, document).map_err(|e| e.to_string()),
            Saved::Unreadable(text) => set_verbatim(key, text),
        }
    }
}

/// Saves the workspace (secrets only with the user's opt-in, see [`Workspace::shareable`]).
pub fn save(key: &str, ws: &Workspace) -> Result<(), String> {
    if !available() {
        return Err(NO_STORAGE.into());
    }
    LocalStorage::set(key, ws.to_saved_document()).map_err(|e| e.to_string())
}

/// Keeps the text of a saved state that could not be read completely, as it was, for the
/// user to copy back.
pub fn set_aside(text: &str) -> Result<(), String> {
    set_verbatim(SET_ASIDE_KEY, text)
}

/// The saved state moved aside (the panic screen's reset): the next load starts fresh.
pub fn reset_saved_state() {
    if !available() {
        return;
    }
    if let Some(text) = LocalStorage::raw().get_item(STORAGE_KEY).ok().flatten() {
        let _ = set_aside(&text);
    }
    LocalStorage::delete(STORAGE_KEY);
}

pub fn forget(key: &str) {
    if !available() {
        return;
    }
    LocalStorage::delete(key);
}

fn set_verbatim(key: &str, text: &str) -> Result<(), String> {
    if !available() {
        return Err(NO_STORAGE.into());
    }
    LocalStorage::raw().set_item(key, text).map_err(|e| format!("{e:?}"))
}
