//! A local X API server for tests, examples and offline development (filled by the emulator issue).
#![forbid(unsafe_code)]
