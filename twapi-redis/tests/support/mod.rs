//! What the tests share: a real redis-server of their own.
#![allow(dead_code, unreachable_pub)]

pub mod redis_server;
