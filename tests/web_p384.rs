//! Issue 23: WebKitGTK 2.50.6 sometimes panicked with "attempt to multiply with overflow" in
//! p384 0.13.1's `fiat_p384_mulx_u32` (a `u32` × `u32` widened to `u64`, which cannot overflow)
//! while deriving a P-384 public key. This derives one public key from one fixed scalar 100
//! times in a page and compares every result with the known answer, so an engine that gets the
//! arithmetic (or only its overflow check) wrong shows it within one run. `make test` runs it
//! in every engine; in WebKit with p384's overflow checks off, where the product has always
//! been right (README, "Browsers"), so this is the check that it still is.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use p384::elliptic_curve::sec1::ToEncodedPoint;
use p384::SecretKey;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::*;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// d = 0x0102…30, below the group order.
fn scalar() -> SecretKey {
    let bytes: Vec<u8> = (1..=48).collect();
    SecretKey::from_slice(&bytes).unwrap()
}

/// The uncompressed SEC1 point d·G, hex: what the native (x86-64) build computes, and what
/// plain affine double-and-add in Python integers gives too.
const PUBLIC_POINT: &str = concat!(
    "04",
    "c76f2283dda95cd49b0ed9e733d2904474e37216f124e13d2c9ab4cf01021c49ad9cabb3d0b97499aef2f0ab313fa028",
    "26bc1f83451b5c8962a75caff73588d4400a6296436154fb343c393e91048a6c7bcbadc83cd8a5f26feae883156f92a1",
);

#[cfg(target_arch = "wasm32")]
const ROUNDS: u32 = 100;
#[cfg(not(target_arch = "wasm32"))]
const ROUNDS: u32 = 3;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_p384_public_key_derived_many_times_is_always_the_same_point() {
    let key = scalar();
    #[cfg(target_arch = "wasm32")]
    let started = js_sys::Date::now();
    let mut wrong = Vec::new();
    for round in 0..ROUNDS {
        let point = hex(key.public_key().to_encoded_point(false).as_bytes());
        if point != PUBLIC_POINT {
            wrong.push((round, point));
        }
    }
    #[cfg(target_arch = "wasm32")]
    console_log!(
        "p384 d·G: {} rounds in {:.0} ms, {} wrong",
        ROUNDS,
        js_sys::Date::now() - started,
        wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "{} of {ROUNDS} wrong, first {:?}",
        wrong.len(),
        wrong.first()
    );
}
