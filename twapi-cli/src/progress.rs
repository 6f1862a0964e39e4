//! The crawl's progress bar on stderr (hidden when stderr is not a terminal), sized from the
//! account's count, and its countdown while the session waits on a rate limit.
//!
//! The session decides the waits (its `Action::Wait { until, reason }`); the driver reports
//! each one as a `tracing` event with its `wait_ms`, which the [`Waits`] layer turns into the
//! instant the countdown runs to.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer};

/// The wait in progress, if any: until when, and why (the driver's message).
type Pending = Arc<Mutex<Option<(Instant, String)>>>;

/// A `tracing` layer that notes the session's waits for the progress bar.
#[derive(Clone, Default)]
pub(crate) struct Waits {
    pending: Pending,
}

impl<S: tracing::Subscriber> Layer<S> for Waits {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = WaitFields::default();
        event.record(&mut fields);
        if let Some(ms) = fields.wait_ms {
            let until = Instant::now() + Duration::from_millis(ms);
            *self.pending.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((until, fields.message));
        }
    }
}

#[derive(Default)]
struct WaitFields {
    wait_ms: Option<u64>,
    message: String,
}

impl Visit for WaitFields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "wait_ms" {
            self.wait_ms = Some(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }
}

impl Waits {
    /// Whether the session is waiting now (nothing is in flight).
    pub(crate) fn is_waiting(&self) -> bool {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|(until, _)| *until > Instant::now())
    }
}

/// The bar of one crawl.
pub(crate) struct Progress {
    bar: ProgressBar,
    waits: Waits,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// A bar of `total` items (a spinner without one), starting at `done`, that shows
    /// `waits`' countdowns. Hidden when stderr is not a terminal.
    pub(crate) fn new(total: Option<u64>, done: u64, unit: &str, waits: &Waits) -> Progress {
        let bar = match total {
            Some(total) => {
                ProgressBar::with_draw_target(Some(total.max(done)), ProgressDrawTarget::stderr())
                    .with_style(
                        ProgressStyle::with_template(&format!(
                            "{{bar:40}} {{pos}}/{{len}} {unit} {{msg}} (eta {{eta}})"
                        ))
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    )
            }
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {unit} {{msg}}"))
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.set_position(done);
        let pending = Arc::clone(&waits.pending);
        let ticking = bar.clone();
        // Four times a second: the countdown while a wait runs, nothing otherwise.
        let ticker = tokio::spawn(async move {
            let mut shown = false;
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let wait = pending
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                match wait {
                    Some((until, why)) if until > Instant::now() => {
                        let left = until.saturating_duration_since(Instant::now());
                        ticking.set_message(format!("— {why}: {}s left", left.as_secs() + 1));
                        shown = true;
                    }
                    _ if shown => {
                        ticking.set_message("");
                        shown = false;
                    }
                    _ => {}
                }
                ticking.tick();
            }
        });
        Progress {
            bar,
            waits: waits.clone(),
            ticker: Some(ticker),
        }
    }

    /// The session's waits the bar counts down.
    pub(crate) fn waits(&self) -> &Waits {
        &self.waits
    }

    /// `n` more items.
    pub(crate) fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Clears the bar.
    pub(crate) fn finish(mut self) {
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
        }
        self.bar.finish_and_clear();
    }

    /// Prints a line above the bar.
    pub(crate) fn println(&self, line: impl AsRef<str>) {
        if self.bar.is_hidden() {
            eprintln!("{}", line.as_ref());
        } else {
            self.bar.println(line);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(ticker) = self.ticker.take() {
            ticker.abort();
        }
    }
}
