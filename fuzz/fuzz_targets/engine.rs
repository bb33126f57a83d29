//! Fuzz target `engine`: see `privy::fuzzing::engine`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| privy::fuzzing::engine(data));
