//! The wire data model of the X API follow, search and users family.
#![forbid(unsafe_code)]
