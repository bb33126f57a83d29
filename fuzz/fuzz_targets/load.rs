//! Fuzz target `load`: see `privy::fuzzing::load`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| privy::fuzzing::load(data));
