//! Fault injection: a reproducible share of API requests answered badly, so that clients can
//! prove their retries, timeouts and body checks.
//!
//! Each request to an API endpoint draws one number from a PRNG seeded by
//! [`Faults::seed`]; the fractions of the five kinds are laid end to end on `[0, 1)` and the
//! number picks one kind or none. The sequence of draws is the same for the same seed, so a
//! sequential client sees the same faults at the same requests on every run.
//!
//! - over capacity: 503 `{"errors":[{"code":130,"message":"Over capacity"}]}`, nothing done;
//! - internal error: 500 code 131, nothing done;
//! - slow: the request is served after [`Faults::slow_delay`];
//! - closed mid-body: the request is served (a follow is applied), the headers and half the
//!   body are sent, then the connection is closed (HTTP/1.1) or the stream reset (HTTP/2);
//! - truncated body: the request is served and the answer is complete HTTP, but its JSON
//!   body is cut in half (and `Content-Length` matches the cut body).

use std::time::Duration;

use crate::rng::Rng;

/// Which faults to inject, as fractions of API requests in `[0, 1]`.
///
/// ```
/// let faults = twapi_emulator::Faults::uniform(0.25, 7);
/// assert_eq!(faults.over_capacity, 0.05);
/// assert_eq!(faults.seed, 7);
/// assert_eq!(twapi_emulator::Faults::default().over_capacity, 0.0);
/// ```
#[derive(Clone, Debug)]
pub struct Faults {
    /// 503 with code 130 "Over capacity".
    pub over_capacity: f64,
    /// 500 with code 131 "Internal error".
    pub internal_error: f64,
    /// Answered after `slow_delay`.
    pub slow: f64,
    /// How long a slow answer waits (2 s by default).
    pub slow_delay: Duration,
    /// Headers and part of the body are sent, then the connection is closed.
    pub close_mid_body: f64,
    /// A complete HTTP answer whose JSON body is cut short.
    pub truncated_body: f64,
    /// Seeds the draws, so the sequence of faults is reproducible.
    pub seed: u64,
}

impl Default for Faults {
    /// No faults.
    fn default() -> Self {
        Self {
            over_capacity: 0.0,
            internal_error: 0.0,
            slow: 0.0,
            slow_delay: Duration::from_secs(2),
            close_mid_body: 0.0,
            truncated_body: 0.0,
            seed: 0,
        }
    }
}

impl Faults {
    /// `total` split evenly over the five kinds (what `--fault-rate` does).
    pub fn uniform(total: f64, seed: u64) -> Self {
        let each = total.clamp(0.0, 1.0) / 5.0;
        Self {
            over_capacity: each,
            internal_error: each,
            slow: each,
            close_mid_body: each,
            truncated_body: each,
            seed,
            ..Self::default()
        }
    }

    /// Whether any fault can happen.
    pub fn any(&self) -> bool {
        self.kinds().iter().any(|(share, _)| *share > 0.0)
    }

    fn kinds(&self) -> [(f64, Fault); 5] {
        [
            (self.over_capacity, Fault::OverCapacity),
            (self.internal_error, Fault::InternalError),
            (self.slow, Fault::Slow(self.slow_delay)),
            (self.close_mid_body, Fault::CloseMidBody),
            (self.truncated_body, Fault::TruncatedBody),
        ]
    }
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// 503 code 130.
    OverCapacity,
    /// 500 code 131.
    InternalError,
    /// Serve after a delay.
    Slow(Duration),
    /// Close the connection halfway through the body.
    CloseMidBody,
    /// Cut the body short.
    TruncatedBody,
}

/// How an answer is put on the wire (see [`crate::server`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Whole.
    Whole,
    /// Headers announcing the whole body, half of it, then the connection is closed (HTTP/1.1)
    /// or the stream reset (HTTP/2).
    CloseMidBody,
    /// A complete answer whose body is the first half of the real one.
    Truncated,
}

/// The configured faults and the PRNG that draws them.
#[derive(Debug)]
pub(crate) struct Dice {
    faults: Faults,
    rng: Rng,
}

impl Dice {
    /// Dice for `faults`, seeded by `faults.seed`.
    pub(crate) fn new(faults: Faults) -> Self {
        let rng = Rng::keyed(&[faults.seed, 0xFA17]);
        Self { faults, rng }
    }

    /// The configuration the dice draw for.
    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The fault for the next request, if any.
    pub(crate) fn draw(&mut self) -> Option<Fault> {
        if !self.faults.any() {
            return None;
        }
        let mut roll = self.rng.next_f64();
        for (share, fault) in self.faults.kinds() {
            let share = if share.is_finite() {
                share.max(0.0)
            } else {
                0.0
            };
            if roll < share {
                return Some(fault);
            }
            roll -= share;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_by_default() {
        let mut dice = Dice::new(Faults::default());
        assert!((0..1_000).all(|_| dice.draw().is_none()));
    }

    #[test]
    fn the_sequence_is_reproducible_and_proportionate() {
        let draws = |seed| {
            let mut dice = Dice::new(Faults::uniform(0.5, seed));
            (0..10_000).map(|_| dice.draw()).collect::<Vec<_>>()
        };
        let a = draws(3);
        assert_eq!(a, draws(3));
        assert_ne!(a, draws(4));
        let faulty = a.iter().filter(|f| f.is_some()).count();
        assert!((4_700..5_300).contains(&faulty), "{faulty}");
        let over = a
            .iter()
            .filter(|f| **f == Some(Fault::OverCapacity))
            .count();
        assert!((850..1_150).contains(&over), "{over}");
    }

    #[test]
    fn a_certain_fault_always_happens() {
        let mut dice = Dice::new(Faults {
            truncated_body: 1.0,
            ..Faults::default()
        });
        assert!((0..100).all(|_| dice.draw() == Some(Fault::TruncatedBody)));
    }
}
