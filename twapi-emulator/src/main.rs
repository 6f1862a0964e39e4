//! `twapi-emulator`: runs the local X API server and prints its facts as one JSON line.
//!
//! ```text
//! twapi-emulator --listen 127.0.0.1:0 --seed 42 --users 10000 \
//!     [--window-seconds S] [--day-seconds D] [--limits current-2026|classic-2021] \
//!     [--fault-rate F] [--fault-seed N] [--tls [--ca-file PATH]] [--explain-auth] [--quiet]
//! ```
//!
//! With `--tls` it serves https, and the facts line names the certificate authority to trust
//! (`"ca_file"`).
#![forbid(unsafe_code)]

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use twapi_emulator::{Config, Emulator, Faults, LimitsProfile};

const USAGE: &str = "usage: twapi-emulator [--listen ADDR] [--seed N] [--users N] \
[--window-seconds S] [--day-seconds D] [--limits current-2026|classic-2021] \
[--fault-rate F] [--fault-seed N] [--tls [--ca-file PATH]] [--explain-auth] [--quiet]";

fn parse(args: impl Iterator<Item = String>) -> Result<Config, String> {
    let mut config = Config {
        quiet: false,
        ..Config::default()
    };
    let mut fault_rate = 0.0_f64;
    let mut fault_seed = 0_u64;
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let bad = |name: &str, text: &str| format!("{name}: cannot read {text:?}\n{USAGE}");
        match flag.as_str() {
            "--listen" => {
                let text = value("--listen")?;
                config.listen = text.parse().map_err(|_| bad("--listen", &text))?;
            }
            "--seed" => {
                let text = value("--seed")?;
                config.seed = text.parse().map_err(|_| bad("--seed", &text))?;
            }
            "--users" => {
                let text = value("--users")?;
                config.users = text.parse().map_err(|_| bad("--users", &text))?;
            }
            "--window-seconds" => {
                let text = value("--window-seconds")?;
                config.window = seconds(&text).ok_or_else(|| bad("--window-seconds", &text))?;
            }
            "--day-seconds" => {
                let text = value("--day-seconds")?;
                config.day = seconds(&text).ok_or_else(|| bad("--day-seconds", &text))?;
            }
            "--limits" => {
                let text = value("--limits")?;
                config.limits =
                    LimitsProfile::from_name(&text).ok_or_else(|| bad("--limits", &text))?;
            }
            "--fault-rate" => {
                let text = value("--fault-rate")?;
                fault_rate = text
                    .parse()
                    .ok()
                    .filter(|rate: &f64| (0.0..=1.0).contains(rate))
                    .ok_or_else(|| bad("--fault-rate", &text))?;
            }
            "--fault-seed" => {
                let text = value("--fault-seed")?;
                fault_seed = text.parse().map_err(|_| bad("--fault-seed", &text))?;
            }
            "--quiet" => config.quiet = true,
            "--tls" => config.tls = true,
            "--ca-file" => config.ca_file = Some(value("--ca-file")?.into()),
            "--explain-auth" => config.explain_auth = true,
            "--help" | "-h" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    config.faults = Faults::uniform(fault_rate, fault_seed);
    if config.ca_file.is_some() && !config.tls {
        return Err(format!("--ca-file is only for --tls\n{USAGE}"));
    }
    Ok(config)
}

/// A positive number of seconds, fractions allowed.
fn seconds(text: &str) -> Option<Duration> {
    let value: f64 = text.parse().ok()?;
    (value.is_finite() && value > 0.0).then(|| Duration::from_secs_f64(value))
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("twapi-emulator: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let line = match serde_json::to_string(emulator.facts()) {
        Ok(line) => line,
        Err(error) => {
            eprintln!("twapi-emulator: cannot write the facts: {error}");
            return ExitCode::FAILURE;
        }
    };
    {
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::FAILURE;
        }
    }
    // Serve until Ctrl-C (SIGINT); other signals end the process as usual.
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> impl Iterator<Item = String> {
        text.split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn flags_are_read() {
        let config = parse(args(
            "--listen 127.0.0.1:8080 --seed 7 --users 500 --window-seconds 2 --day-seconds 10.5 --limits classic-2021 --fault-rate 0.5 --fault-seed 3 --quiet --tls --ca-file /tmp/ca.pem --explain-auth",
        ))
        .unwrap();
        assert_eq!(config.listen.port(), 8080);
        assert_eq!((config.seed, config.users), (7, 500));
        assert_eq!(config.window, Duration::from_secs(2));
        assert_eq!(config.day, Duration::from_millis(10_500));
        assert!((config.faults.slow - 0.1).abs() < 1e-9);
        assert_eq!(config.faults.seed, 3);
        assert!(config.quiet);
        assert_eq!(config.limits, LimitsProfile::Classic2021);
        assert!(config.tls && config.explain_auth);
        assert_eq!(
            config.ca_file.as_deref(),
            Some(std::path::Path::new("/tmp/ca.pem"))
        );
        let defaults = parse(args("")).unwrap();
        assert!(!defaults.quiet);
        assert!(!defaults.tls && !defaults.explain_auth && defaults.ca_file.is_none());
        assert_eq!(defaults.limits, LimitsProfile::Current2026);
    }

    #[test]
    fn bad_flags_are_refused() {
        for bad in [
            "--users",
            "--users many",
            "--fault-rate 2",
            "--window-seconds 0",
            "--limits 1999",
            "--listen nowhere",
            "--what",
            "--ca-file /tmp/ca.pem",
        ] {
            assert!(parse(args(bad)).is_err(), "{bad}");
        }
    }
}
