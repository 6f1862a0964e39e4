//! OAuth 1.0a signing and verification, app-only bearer and OAuth 2.0 PKCE for the X API, sans-IO.
#![forbid(unsafe_code)]
