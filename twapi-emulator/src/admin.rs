//! The emulator's own HTTP API, outside `/1.1` and `/2`, for tests written in any language:
//! what [`crate::Emulator`]'s methods do for a Rust test, over HTTP with JSON bodies.
//!
//! | route | does |
//! |---|---|
//! | `GET /_emulator/usage` | the UTC day's metered cost (`{"day","resources","returned","requests","cost_micros","cost"}`) |
//! | `POST /_emulator/reset` | the world as it was at start: the graph, the daily caps, the windows, the tokens, the meter, the fault sequence |
//! | `GET`, `PUT /_emulator/faults` | the fault fractions (`over_capacity`, `internal_error`, `slow`, `close_mid_body`, `truncated_body`, `slow_delay_ms`, `seed`), or `{"rate": F, "seed": N}` spread evenly |
//! | `GET`, `PUT /_emulator/windows` | the window and day lengths and the limits profile (`window_seconds`, `day_seconds`, `limits`); a change restarts every count |
//! | `GET /_emulator/users/:id/followers` (`following`, `affiliates`) | the ground truth, in the order the API lists it: `{"ids": ["…"], "count": N}` |
//!
//! No credentials are asked: the emulator is a local test server. Errors are
//! `{"error": "…"}` with 400, 404 or 405.

use std::time::Duration;

use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use twapi_core::cost::Usage;
use twapi_core::endpoint::LimitsProfile;

use crate::answer::Answer;
use crate::faults::Faults;
use crate::service::{GroundTruth, Service, Timing};

/// Where the admin routes live.
pub(crate) const PREFIX: &str = "/_emulator/";

/// The body of `GET /_emulator/usage`: the UTC day's metered usage.
#[derive(Debug, Serialize)]
struct UsageReport {
    /// The UTC day (days since 1970-01-01), `null` before anything was billed.
    day: Option<u64>,
    /// Resources billed today: each user once, plus one per write.
    resources: u64,
    /// Resources returned, repeats included.
    returned: u64,
    /// Billed writes.
    requests: u64,
    /// The day's cost in micro-dollars, exact.
    cost_micros: u64,
    /// The day's cost as dollars (`$0.010`).
    cost: String,
}

impl From<Usage> for UsageReport {
    fn from(usage: Usage) -> Self {
        Self {
            day: usage.day,
            resources: usage.resources,
            returned: usage.returned,
            requests: usage.requests,
            cost_micros: usage.cost.micros(),
            cost: usage.cost.to_string(),
        }
    }
}

/// [`Faults`] as JSON: each field optional (absent is 0, the delay 2 s); `rate` spreads a total
/// evenly over the five kinds, as `--fault-rate` does.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsBody {
    #[serde(default, skip_serializing)]
    rate: Option<f64>,
    #[serde(default)]
    over_capacity: f64,
    #[serde(default)]
    internal_error: f64,
    #[serde(default)]
    slow: f64,
    #[serde(default)]
    close_mid_body: f64,
    #[serde(default)]
    truncated_body: f64,
    #[serde(default)]
    slow_delay_ms: Option<u64>,
    #[serde(default)]
    seed: u64,
}

impl FaultsBody {
    fn of(faults: &Faults) -> Self {
        Self {
            rate: None,
            over_capacity: faults.over_capacity,
            internal_error: faults.internal_error,
            slow: faults.slow,
            close_mid_body: faults.close_mid_body,
            truncated_body: faults.truncated_body,
            slow_delay_ms: Some(u64::try_from(faults.slow_delay.as_millis()).unwrap_or(u64::MAX)),
            seed: faults.seed,
        }
    }

    fn faults(&self) -> Result<Faults, String> {
        let shares = [
            ("rate", self.rate.unwrap_or(0.0)),
            ("over_capacity", self.over_capacity),
            ("internal_error", self.internal_error),
            ("slow", self.slow),
            ("close_mid_body", self.close_mid_body),
            ("truncated_body", self.truncated_body),
        ];
        if let Some((name, value)) = shares
            .iter()
            .find(|(_, value)| !(0.0..=1.0).contains(value))
        {
            return Err(format!("{name} must be from 0 to 1, not {value}"));
        }
        let mut faults = match self.rate {
            Some(rate) => Faults::uniform(rate, self.seed),
            None => Faults {
                over_capacity: self.over_capacity,
                internal_error: self.internal_error,
                slow: self.slow,
                close_mid_body: self.close_mid_body,
                truncated_body: self.truncated_body,
                seed: self.seed,
                ..Faults::default()
            },
        };
        if let Some(ms) = self.slow_delay_ms {
            faults.slow_delay = Duration::from_millis(ms);
        }
        Ok(faults)
    }
}

/// [`Timing`] as JSON; an absent field keeps its value.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowsBody {
    #[serde(default)]
    window_seconds: Option<f64>,
    #[serde(default)]
    day_seconds: Option<f64>,
    #[serde(default)]
    limits: Option<String>,
}

impl WindowsBody {
    fn of(timing: &Timing) -> Self {
        Self {
            window_seconds: Some(timing.window.as_secs_f64()),
            day_seconds: Some(timing.day.as_secs_f64()),
            limits: Some(timing.limits.name().to_owned()),
        }
    }

    fn apply(&self, mut timing: Timing) -> Result<Timing, String> {
        let seconds = |name: &str, value: f64| {
            (value.is_finite() && value > 0.0 && value < 1e12)
                .then(|| Duration::from_secs_f64(value))
                .ok_or_else(|| format!("{name} must be a positive number of seconds, not {value}"))
        };
        if let Some(value) = self.window_seconds {
            timing.window = seconds("window_seconds", value)?;
        }
        if let Some(value) = self.day_seconds {
            timing.day = seconds("day_seconds", value)?;
        }
        if let Some(name) = &self.limits {
            timing.limits = LimitsProfile::from_name(name).ok_or_else(|| {
                format!("limits must be current_2026 or classic_2021, not {name:?}")
            })?;
        }
        Ok(timing)
    }
}

#[derive(Serialize)]
struct Ids {
    ids: Vec<String>,
    count: usize,
}

#[derive(Serialize)]
struct Error<'a> {
    error: &'a str,
}

fn error(status: StatusCode, message: &str) -> Answer {
    Answer::json(status, &Error { error: message })
}

fn read<'de, T: Deserialize<'de> + Default>(body: &'de [u8]) -> Result<T, Answer> {
    if body.trim_ascii().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            &format!("a JSON object was expected: {e}"),
        )
    })
}

/// Answers a request under [`PREFIX`].
pub(crate) fn serve(service: &Service, method: &Method, path: &str, body: &[u8]) -> Answer {
    let route = path.strip_prefix(PREFIX).unwrap_or_default();
    let segments: Vec<&str> = route.split('/').collect();
    let wrong_method = || error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed here");
    match segments.as_slice() {
        ["usage"] => match *method {
            Method::GET => Answer::ok(&UsageReport::from(service.usage())),
            _ => wrong_method(),
        },
        ["reset"] => match *method {
            Method::POST => {
                service.reset();
                Answer::ok(&serde_json::json!({ "reset": true }))
            }
            _ => wrong_method(),
        },
        ["faults"] => match *method {
            Method::GET => Answer::ok(&FaultsBody::of(&service.faults())),
            Method::PUT | Method::POST => {
                let faults = match read::<FaultsBody>(body).map(|b| b.faults()) {
                    Ok(Ok(faults)) => faults,
                    Ok(Err(message)) => return error(StatusCode::BAD_REQUEST, &message),
                    Err(answer) => return answer,
                };
                service.set_faults(faults.clone());
                Answer::ok(&FaultsBody::of(&faults))
            }
            _ => wrong_method(),
        },
        ["windows"] => match *method {
            Method::GET => Answer::ok(&WindowsBody::of(&service.timing())),
            Method::PUT | Method::POST => {
                let timing = match read::<WindowsBody>(body).map(|b| b.apply(service.timing())) {
                    Ok(Ok(timing)) => timing,
                    Ok(Err(message)) => return error(StatusCode::BAD_REQUEST, &message),
                    Err(answer) => return answer,
                };
                service.set_timing(timing);
                Answer::ok(&WindowsBody::of(&timing))
            }
            _ => wrong_method(),
        },
        ["users", id, list] => {
            if *method != Method::GET {
                return wrong_method();
            }
            let truth = match *list {
                "followers" => GroundTruth::Followers,
                "following" => GroundTruth::Following,
                "affiliates" => GroundTruth::Affiliates,
                _ => return error(StatusCode::NOT_FOUND, "no such admin route"),
            };
            let Some(ids) = id
                .parse()
                .ok()
                .and_then(|id| service.ground_truth(id, truth))
            else {
                return error(StatusCode::NOT_FOUND, "no user with this id");
            };
            Answer::ok(&Ids {
                count: ids.len(),
                ids: ids.iter().map(u64::to_string).collect(),
            })
        }
        _ => error(StatusCode::NOT_FOUND, "no such admin route"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_bodies_are_checked() {
        let body: FaultsBody = serde_json::from_str(r#"{"rate":0.5,"seed":3}"#).unwrap();
        let faults = body.faults().unwrap();
        assert!((faults.slow - 0.1).abs() < 1e-12);
        assert_eq!(faults.seed, 3);
        let body: FaultsBody = serde_json::from_str(r#"{"slow":1,"slow_delay_ms":5}"#).unwrap();
        assert_eq!(body.faults().unwrap().slow_delay, Duration::from_millis(5));
        let body: FaultsBody = serde_json::from_str(r#"{"slow":1.5}"#).unwrap();
        assert!(body.faults().unwrap_err().contains("slow"));
        assert!(serde_json::from_str::<FaultsBody>(r#"{"sloww":1}"#).is_err());
    }

    #[test]
    fn window_bodies_keep_what_they_do_not_name() {
        let start = Timing {
            window: Duration::from_secs(900),
            day: Duration::from_secs(86_400),
            limits: LimitsProfile::Current2026,
        };
        let body: WindowsBody =
            serde_json::from_str(r#"{"window_seconds":2,"limits":"classic-2021"}"#).unwrap();
        let timing = body.apply(start).unwrap();
        assert_eq!(timing.window, Duration::from_secs(2));
        assert_eq!(timing.day, Duration::from_secs(86_400));
        assert_eq!(timing.limits, LimitsProfile::Classic2021);
        let body: WindowsBody = serde_json::from_str(r#"{"day_seconds":-1}"#).unwrap();
        assert!(body.apply(start).is_err());
        let body: WindowsBody = serde_json::from_str(r#"{"limits":"1999"}"#).unwrap();
        assert!(body.apply(start).is_err());
    }
}
