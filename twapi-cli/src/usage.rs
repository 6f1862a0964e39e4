//! `twapi usage`: the UTC day's cost meter and the limiter's budgets for the current account,
//! as the session keeps them (saved between runs in the config directory).

use std::time::{Duration, SystemTime};

use serde::Deserialize;
use twapi_core::rate_limit::Bucket;

use crate::connection::Connection;
use crate::failure::Failure;
use crate::output::{Printer, duration};

/// One budget of the limiter as its state serializes.
#[derive(Debug, Deserialize)]
pub(crate) struct Budget {
    pub(crate) bucket: Bucket,
    pub(crate) user: Option<u64>,
    #[serde(default)]
    pub(crate) learned_limit: Option<u32>,
    #[serde(default)]
    window: Option<Window>,
}

#[derive(Debug, Deserialize)]
struct Window {
    reset: SystemTime,
    remaining: u32,
}

#[derive(Debug, Deserialize)]
struct LimiterState {
    buckets: Vec<Budget>,
}

impl Budget {
    /// What is left and when it resets, while the window is open.
    pub(crate) fn open_window(&self, now: SystemTime) -> Option<(u32, Duration)> {
        let window = self.window.as_ref()?;
        let left = window.reset.duration_since(now).ok()?;
        Some((window.remaining, left))
    }
}

/// The limiter's budgets, read from its serialized state (the one view of them it offers).
pub(crate) fn budgets(connection: &Connection) -> Vec<Budget> {
    connection
        .client
        .limiter()
        .map(twapi_hyper::LimiterHandle::snapshot)
        .and_then(|limiter| serde_json::to_value(limiter).ok())
        .and_then(|value| serde_json::from_value::<LimiterState>(value).ok())
        .map(|state| state.buckets)
        .unwrap_or_default()
}

/// `GET /2/users/:id/followers window` and the like.
fn bucket_name(bucket: Bucket) -> String {
    match bucket {
        Bucket::Window(endpoint) => format!("{endpoint} (15-minute window)"),
        Bucket::Daily(daily) => format!("{daily:?} (24-hour cap)").to_lowercase(),
        Bucket::EndpointDaily(endpoint) => format!("{endpoint} (24-hour cap)"),
        other => format!("{other:?}"),
    }
}

/// `twapi usage`.
pub(crate) fn show(connection: &Connection, printer: &Printer) -> Result<(), Failure> {
    let now = SystemTime::now();
    let usage = connection.usage();
    let mut out = serde_json::Map::new();
    out.insert("account".into(), connection.label.clone().into());
    out.insert(
        "today".into(),
        serde_json::to_value(usage).map_err(|e| Failure::internal(e.to_string()))?,
    );
    out.insert("cost".into(), usage.cost.to_string().into());
    let mut windows = Vec::new();
    for budget in budgets(connection) {
        let Some((remaining, left)) = budget.open_window(now) else {
            continue;
        };
        windows.push(serde_json::json!({
            "budget": bucket_name(budget.bucket),
            "user": budget.user.map(|u| u.to_string()),
            "remaining": remaining,
            "limit": budget.learned_limit,
            "resets_in": duration(left.as_secs()),
        }));
    }
    out.insert("rate_limits".into(), windows.into());
    if !printer.pretty {
        return printer.value(&out);
    }
    println!("{} today (UTC): {} spent", connection.label, usage.cost);
    println!(
        "  {} users billed (each once a day), {} returned, {} billed writes",
        usage.resources, usage.returned, usage.requests
    );
    let windows = out["rate_limits"].as_array().cloned().unwrap_or_default();
    if windows.is_empty() {
        println!("  no rate-limit window open");
    }
    for window in windows {
        let limit = window["limit"]
            .as_u64()
            .map_or_else(String::new, |l| format!(" of {l}"));
        println!(
            "  {}: {}{limit} left, resets in {}",
            window["budget"].as_str().unwrap_or_default(),
            window["remaining"],
            window["resets_in"].as_str().unwrap_or_default()
        );
    }
    Ok(())
}
