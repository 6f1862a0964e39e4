//! The one place the emulator reads the time.
//!
//! The emulator is a driver, so it may read the real clock; keeping every read behind
//! [`now`] lets the rest of the code take "now" as a value (rate-limit windows, OAuth 1.0a
//! timestamps, token expiry) and lets a reader find every clock dependency at once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The current wall-clock time.
pub(crate) fn now() -> SystemTime {
    SystemTime::now()
}

/// Whole seconds since the Unix epoch (0 before 1970).
pub(crate) fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// `at` rounded up to a whole second, so that the reset X announces in whole epoch seconds
/// is never earlier than the real one.
pub(crate) fn ceil_to_second(at: SystemTime) -> SystemTime {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let whole = if since.subsec_nanos() == 0 {
        since.as_secs()
    } else {
        since.as_secs() + 1
    };
    UNIX_EPOCH + Duration::from_secs(whole)
}

/// `at` rounded down to a whole second: where a rate-limit window that opens at `at` starts
/// counting (see `limits`).
pub(crate) fn floor_to_second(at: SystemTime) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_seconds(at))
}

/// An HTTP `Date` header value (IMF-fixdate, RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(at: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = i64::try_from(unix_seconds(at)).unwrap_or(0);
    let moment = time::OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let day = DAYS[usize::from(moment.weekday().number_days_from_monday())];
    let month = MONTHS[usize::from(u8::from(moment.month()) - 1)];
    format!(
        "{day}, {:02} {month} {} {:02}:{:02}:{:02} GMT",
        moment.day(),
        moment.year(),
        moment.hour(),
        moment.minute(),
        moment.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_imf_fixdate() {
        let at = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn resets_round_up() {
        let at = UNIX_EPOCH + Duration::from_millis(1_500);
        assert_eq!(ceil_to_second(at), UNIX_EPOCH + Duration::from_secs(2));
        let exact = UNIX_EPOCH + Duration::from_secs(3);
        assert_eq!(ceil_to_second(exact), exact);
        assert_eq!(floor_to_second(at), UNIX_EPOCH + Duration::from_secs(1));
        assert_eq!(floor_to_second(exact), exact);
    }
}
