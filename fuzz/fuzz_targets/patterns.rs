//! Fuzz target `patterns`: see `privy::fuzzing::patterns`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| privy::fuzzing::patterns(data));
