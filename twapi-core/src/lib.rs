//! The sans-IO core: endpoints as data, request building, response decoding, pagination, rate limits.
#![forbid(unsafe_code)]
