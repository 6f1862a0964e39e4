//! What the tests share: a real redis-server of their own, and an emulator.
#![allow(dead_code, unreachable_pub)]

pub mod redis_server;

use std::time::Duration;

use twapi_emulator::{Config, Emulator};

/// An emulator of `users` accounts counting in windows of `window`.
pub async fn emulator(users: u32, window: Duration) -> Emulator {
    Emulator::start(Config {
        users,
        window,
        ..Config::default()
    })
    .await
    .expect("the emulator starts")
}
