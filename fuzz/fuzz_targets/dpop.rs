#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oauth_playground::fuzzing::dpop(data));
