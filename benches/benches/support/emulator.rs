//! The emulator in a process of its own, for the benches that measure against it
//! (`end_to_end`, `quota`): each bench re-executes itself as the emulator
//! (`TWAPI_BENCH_CHILD=emulator`), so that the emulator's CPU time and memory are its own and a
//! run gets a fresh world. Included by each of them (`#[path]`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use twapi_auth::oauth1::Credentials;
use twapi_emulator::{Config, Emulator, Faults, LimitsProfile};

/// The environment variable that tells a bench which child it is run as.
pub const CHILD: &str = "TWAPI_BENCH_CHILD";

/// The runtime of the benches' async sides and of the emulator: two workers, as the
/// machine has two cores.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A number from the environment, or `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------- the emulator, as a child

/// Starts an emulator, prints its facts and start time as one JSON line, serves until stdin
/// closes.
pub fn emulator_child() {
    let users = u32::try_from(env_u64("TWAPI_BENCH_USERS", 10_000)).expect("users fit u32");
    let window = Duration::from_millis(env_u64("TWAPI_BENCH_WINDOW_MS", 900_000));
    // `TWAPI_BENCH_LIMITS=classic_2021`: X's limits of 2021 (followers 15 a window).
    let limits = match std::env::var("TWAPI_BENCH_LIMITS").as_deref() {
        Ok("classic_2021") => LimitsProfile::Classic2021,
        _ => LimitsProfile::Current2026,
    };
    runtime().block_on(async move {
        let started = Instant::now();
        // `TWAPI_BENCH_SLOW_US`: every API request answered after this delay (the emulator's
        // "slow" fault at a rate of 1), standing in for a network's round trip.
        let delay = Duration::from_micros(env_u64("TWAPI_BENCH_SLOW_US", 0));
        let faults = Faults {
            slow: if delay.is_zero() { 0.0 } else { 1.0 },
            slow_delay: delay,
            ..Faults::default()
        };
        let emulator = Emulator::start(Config {
            users,
            window,
            limits,
            faults,
            ..Config::default()
        })
        .await
        .expect("the emulator starts");
        let start_ms = started.elapsed().as_secs_f64() * 1e3;
        let line = json!({ "facts": emulator.facts(), "start_ms": start_ms });
        println!("{line}");
        std::io::stdout().flush().expect("stdout");
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
        })
        .await;
        emulator.shutdown().await;
    });
}

/// An emulator running in a child process.
pub struct EmulatorProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    /// What the emulator said of itself: base URL, credentials, demo users.
    pub facts: Value,
    /// Building the world and binding, as the emulator measured it.
    pub start_ms: f64,
    /// From spawning the process to its first line (process start included).
    pub ready_ms: f64,
}

/// How to start an emulator process.
#[derive(Clone, Copy)]
pub struct Options {
    /// Accounts in its world.
    pub users: u32,
    /// The length of its 15-minute windows.
    pub window: Duration,
    /// How late it answers every API request (`None`: as this process's `TWAPI_BENCH_SLOW_US`
    /// says, which the child inherits).
    pub delay: Option<Duration>,
    /// X's limits of 2021 (followers 15 a window) instead of today's.
    pub classic_limits: bool,
}

impl Options {
    /// `users` accounts, 15-minute windows, today's limits, answering at once.
    pub fn users(users: u32) -> Self {
        Self {
            users,
            window: Duration::from_secs(900),
            delay: None,
            classic_limits: false,
        }
    }
}

impl EmulatorProcess {
    /// Starts one and waits for its facts.
    pub fn spawn(options: Options) -> Self {
        let spawned = Instant::now();
        let mut command = Command::new(std::env::current_exe().expect("own path"));
        command
            .env(CHILD, "emulator")
            .env("TWAPI_BENCH_USERS", options.users.to_string())
            .env(
                "TWAPI_BENCH_WINDOW_MS",
                options.window.as_millis().to_string(),
            );
        if let Some(delay) = options.delay {
            command.env("TWAPI_BENCH_SLOW_US", delay.as_micros().to_string());
        }
        if options.classic_limits {
            command.env("TWAPI_BENCH_LIMITS", "classic_2021");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator process starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the emulator's facts");
        let ready_ms = spawned.elapsed().as_secs_f64() * 1e3;
        let first: Value = serde_json::from_str(&line).expect("one JSON line");
        Self {
            stdin: child.stdin.take(),
            child,
            facts: first["facts"].clone(),
            start_ms: first["start_ms"].as_f64().unwrap_or(0.0),
            ready_ms,
        }
    }

    pub fn base_url(&self) -> String {
        self.facts["base_url"]
            .as_str()
            .expect("base_url")
            .to_owned()
    }

    /// The demo users who may call users/show and followers/ids (not the suspended one).
    pub fn users(&self) -> Vec<Value> {
        self.facts["users"]
            .as_array()
            .expect("users")
            .iter()
            .filter(|u| u["role"] != "suspended")
            .cloned()
            .collect()
    }

    pub fn user(&self, role: &str) -> Value {
        self.users()
            .into_iter()
            .find(|u| u["role"] == role)
            .expect("a demo user of that role")
    }

    pub fn credentials(&self, user: &Value) -> Credentials {
        let s = |v: &Value| v.as_str().expect("a string").to_owned();
        Credentials::new(
            s(&self.facts["consumer_key"]),
            s(&self.facts["consumer_secret"]),
        )
        .with_token(s(&user["access_token"]), s(&user["access_token_secret"]))
    }

    /// `VmHWM` (peak) and `VmRSS` of the process, in KiB.
    pub fn memory_kib(&self) -> (u64, u64) {
        memory_kib(&format!("/proc/{}/status", self.child.id()))
    }

    /// The process id, for its CPU time.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `GET` (or, with `post`, `POST`) one of the emulator's admin paths (`/_emulator/PATH`):
    /// its JSON answer.
    pub fn admin(&self, path: &str, post: bool) -> Value {
        let url = format!("{}/_emulator/{path}", self.base_url());
        let answer = if post {
            ureq::post(&url).send_empty()
        } else {
            ureq::get(&url).call()
        };
        let text = answer
            .expect("the admin API answers")
            .body_mut()
            .read_to_string()
            .expect("an answer");
        serde_json::from_str(&text).expect("a JSON answer")
    }

    /// Closes its stdin (it stops serving) and waits for it to end.
    pub fn stop(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// `VmHWM` (peak) and `VmRSS` of the process whose `/proc/PID/status` this is, in KiB.
pub fn memory_kib(status_path: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(status_path).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// A demo user's id, from its decimal string.
pub fn user_id(user: &Value) -> u64 {
    user["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a decimal id")
}
