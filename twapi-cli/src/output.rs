//! What goes to stdout and stderr: JSON pretty on a terminal and compact when piped, the
//! `-v` lines (request line, rate limits, cost; never a header that carries a secret).

use std::io::{IsTerminal as _, Write as _};

use twapi_core::rate_limit::{RateLimit, RateLimitSnapshot};

use crate::failure::Failure;

/// How to print.
#[derive(Debug, Clone)]
pub(crate) struct Printer {
    /// `-v`.
    pub(crate) verbose: bool,
    /// stdout is a terminal: pretty JSON.
    pub(crate) pretty: bool,
}

impl Printer {
    pub(crate) fn new(verbose: bool) -> Self {
        Self {
            verbose,
            pretty: std::io::stdout().is_terminal(),
        }
    }

    /// A JSON body on stdout: pretty on a terminal, else on one line as X sent it (as
    /// received when it is not JSON).
    pub(crate) fn body(&self, body: &[u8]) -> Result<(), Failure> {
        let mut out = std::io::stdout().lock();
        let written = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) if self.pretty => {
                serde_json::to_writer_pretty(&mut out, &value).map_err(std::io::Error::from)
            }
            Ok(_) => {
                let line = crate::jsonl::one_line(body)?;
                out.write_all(&line)
            }
            Err(_) => out.write_all(body),
        };
        written
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush())
            .map_err(|e| Failure::io("cannot write to stdout", e))
    }

    /// Any serializable value on stdout.
    pub(crate) fn value(&self, value: &impl serde::Serialize) -> Result<(), Failure> {
        let bytes = serde_json::to_vec(value).map_err(|e| Failure::internal(e.to_string()))?;
        self.body(&bytes)
    }
}

/// The rate-limit headers of an answer, on stderr.
pub(crate) fn print_rate_limits(snapshot: &RateLimitSnapshot) {
    let groups = [
        ("x-rate-limit", snapshot.window),
        ("x-app-limit-24hour", snapshot.app_day),
        ("x-user-limit-24hour", snapshot.user_day),
    ];
    for (name, limit) in groups {
        if let Some(limit) = limit {
            eprintln!("< {name}: {}", describe(&limit));
        }
    }
}

/// `12 of 15 left, resets in 14m 3s`.
pub(crate) fn describe(limit: &RateLimit) -> String {
    let left = limit
        .reset
        .duration_since(std::time::SystemTime::now())
        .map_or(0, |d| d.as_secs());
    format!(
        "{} of {} left, resets in {}",
        limit.remaining,
        limit.limit,
        duration(left)
    )
}

/// `1h 2m 3s`, `14m 3s`, `9s`.
pub(crate) fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s}s"),
        _ => format!("{h}h {m}m {s}s"),
    }
}
