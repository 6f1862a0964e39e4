//! Retry decisions: backoff bounds, honouring the server's time, the rule for requests that
//! are not idempotent, and bounded attempts.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use twapi_core::retry::{RetryDecision, RetryHint, RetryPolicy, Retryability};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

const NOW: u64 = 1_700_000_000;
const ALMOST_ONE: f64 = 1.0 - f64::EPSILON;

#[test]
fn defaults_are_five_attempts_one_second_base_one_minute_cap() {
    let policy = RetryPolicy::default();
    assert_eq!(
        (policy.max_attempts, policy.base, policy.cap),
        (5, Duration::from_secs(1), Duration::from_secs(60))
    );
    assert_eq!(
        policy,
        RetryPolicy::new(5, Duration::from_secs(1), Duration::from_secs(60))
    );
}

#[test]
fn the_ceiling_doubles_per_attempt_up_to_the_cap() {
    let policy = RetryPolicy::new(100, Duration::from_secs(1), Duration::from_secs(60));
    let ceilings: Vec<_> = (1..=9)
        .map(|attempt| policy.backoff(attempt, 1.0).as_secs())
        .collect();
    assert_eq!(ceilings, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    assert_eq!(policy.backoff(3, 0.0), Duration::ZERO);
    assert_eq!(policy.backoff(3, 0.25), Duration::from_secs(1));
    assert!(policy.backoff(3, ALMOST_ONE) < Duration::from_secs(4));
    assert_eq!(
        policy.backoff(0, 1.0),
        Duration::from_secs(1),
        "attempt 0 counts as the first"
    );
    assert_eq!(policy.backoff(u32::MAX, 1.0), Duration::from_secs(60));
}

#[test]
fn out_of_range_jitter_is_clamped() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.backoff(2, f64::NAN), Duration::ZERO);
    assert_eq!(policy.backoff(2, -3.0), Duration::ZERO);
    assert_eq!(policy.backoff(2, f64::NEG_INFINITY), Duration::ZERO);
    assert_eq!(policy.backoff(2, 7.0), Duration::from_secs(2));
    assert_eq!(policy.backoff(2, f64::INFINITY), Duration::from_secs(2));
}

#[test]
fn decisions_follow_the_documented_rules() {
    let policy = RetryPolicy::default();
    let now = at(NOW);
    // Transient, idempotent: backoff.
    assert_eq!(
        policy.decide(2, Retryability::Now, true, 0.5, now),
        RetryDecision::RetryAt(now + Duration::from_secs(1))
    );
    // Transient, not idempotent: the first send may have acted; do not repeat it.
    assert_eq!(
        policy.decide(1, Retryability::Now, false, 0.5, now),
        RetryDecision::GiveUp
    );
    // The server said when and did nothing: honoured for any request.
    let later = at(NOW + 30);
    assert_eq!(
        policy.decide(1, Retryability::At(later), false, 0.5, now),
        RetryDecision::RetryAt(later)
    );
    assert_eq!(
        policy.decide(1, Retryability::At(at(NOW - 30)), true, 0.5, now),
        RetryDecision::RetryAt(now)
    );
    // Never, and exhausted attempts.
    assert_eq!(
        policy.decide(1, Retryability::Never, true, 0.5, now),
        RetryDecision::GiveUp
    );
    assert_eq!(
        policy.decide(5, Retryability::At(later), true, 0.5, now),
        RetryDecision::GiveUp
    );
    assert_eq!(
        RetryPolicy::new(1, Duration::from_secs(1), Duration::from_secs(1)).decide(
            1,
            Retryability::Now,
            true,
            0.5,
            now
        ),
        RetryDecision::GiveUp
    );
}

#[test]
fn hints_become_retryability_with_the_responses_reset() {
    let reset = at(NOW + 900);
    assert_eq!(
        Retryability::from_hint(RetryHint::No, Some(reset)),
        Retryability::Never
    );
    assert_eq!(
        Retryability::from_hint(RetryHint::Backoff, Some(reset)),
        Retryability::Now
    );
    assert_eq!(
        Retryability::from_hint(RetryHint::AtReset, Some(reset)),
        Retryability::At(reset)
    );
    assert_eq!(
        Retryability::from_hint(RetryHint::AtReset, None),
        Retryability::Now
    );
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        (0u64..=120_000).prop_map(Duration::from_millis),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(secs, nanos)| Duration::new(secs, nanos)),
        Just(Duration::MAX),
        Just(Duration::ZERO),
    ]
}

fn retryability() -> impl Strategy<Value = Retryability> {
    prop_oneof![
        Just(Retryability::Never),
        Just(Retryability::Now),
        (0u64..=4_000_000_000).prop_map(|secs| Retryability::At(at(secs))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn backoff_stays_within_zero_and_the_cap(
        attempt in any::<u32>(),
        base in duration(),
        cap in duration(),
        jitter in prop_oneof![0.0f64..1.0, any::<f64>()],
    ) {
        let policy = RetryPolicy::new(u32::MAX, base, cap);
        let backoff = policy.backoff(attempt, jitter);
        prop_assert!(backoff <= cap);
        let doublings = attempt.saturating_sub(1);
        if doublings < 32
            && let Some(ceiling) = base.checked_mul(1 << doublings)
        {
            prop_assert!(backoff <= ceiling);
        }
    }

    #[test]
    fn decisions_are_bounded_and_never_early(
        max_attempts in 0u32..8,
        attempt in prop_oneof![0u32..10, any::<u32>()],
        base in duration(),
        cap in duration(),
        retryability in retryability(),
        idempotent in any::<bool>(),
        jitter in 0.0f64..1.0,
        now_secs in 0u64..=4_000_000_000,
    ) {
        let policy = RetryPolicy::new(max_attempts, base, cap);
        let now = at(now_secs);
        let decision = policy.decide(attempt, retryability, idempotent, jitter, now);
        if attempt >= max_attempts {
            prop_assert_eq!(decision, RetryDecision::GiveUp);
        }
        match (retryability, decision) {
            (Retryability::Never, decision) => prop_assert_eq!(decision, RetryDecision::GiveUp),
            (Retryability::Now, RetryDecision::RetryAt(when)) => {
                prop_assert!(idempotent, "a non-idempotent request was retried after an unknown outcome");
                let waited = when.duration_since(now).unwrap();
                prop_assert!(waited <= cap);
            }
            (Retryability::At(server), RetryDecision::RetryAt(when)) => {
                prop_assert!(when >= server && when >= now);
                prop_assert_eq!(when, server.max(now));
            }
            (Retryability::At(_), RetryDecision::GiveUp) => prop_assert!(attempt >= max_attempts),
            _ => {}
        }
    }
}
