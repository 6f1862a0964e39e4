//! The two date formats on the wire, parsed into [`time::OffsetDateTime`] and written back
//! in the same format.
//!
//! v1.1 writes `Wed Oct 10 20:19:24 +0000 2018`; v2 writes RFC 3339 with milliseconds,
//! `2013-12-14T04:35:55.000Z`. Both parsers are hand-written over fixed byte positions:
//! a 200-user page holds 400 dates, and a general format-description parser costs several
//! times more than the whole rest of the user.
//!
//! Fields use the serde adapters: `#[serde(with = "twapi_model::date::v1")]`,
//! `#[serde(with = "twapi_model::date::rfc3339")]`, and the `::option` variants.

use std::fmt;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// Why text is not a date in the expected format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    expected: &'static str,
    reason: &'static str,
}

impl DateError {
    const fn new(expected: &'static str, reason: &'static str) -> Self {
        Self { expected, reason }
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a date like {}: {}", self.expected, self.reason)
    }
}

impl std::error::Error for DateError {}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const WEEKDAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

/// Reads `N` ASCII digits starting at `at`.
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for &c in b.get(at..at + n)? {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u32::from(d);
    }
    Some(v)
}

fn two(b: &[u8], at: usize) -> Option<u8> {
    // Two digits are at most 99.
    digits(b, at, 2).and_then(|v| u8::try_from(v).ok())
}

fn time_of_day(b: &[u8], at: usize) -> Option<Time> {
    if b.get(at + 2) != Some(&b':') || b.get(at + 5) != Some(&b':') {
        return None;
    }
    Time::from_hms(two(b, at)?, two(b, at + 3)?, two(b, at + 6)?).ok()
}

fn weekday_name(w: Weekday) -> &'static [u8; 3] {
    WEEKDAYS[usize::from(w.number_days_from_monday())]
}

/// The serde adapters of a format module (`serialize`, `deserialize` and `option`), written
/// once over the module's own `parse` and `format`.
macro_rules! serde_adapters {
    ($what:literal) => {
        #[doc = concat!("Serde: writes ", $what, ".")]
        pub fn serialize<S: serde::Serializer>(
            t: &OffsetDateTime,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.serialize_str(&format(*t))
        }

        #[doc = concat!("Serde: reads ", $what, ".")]
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<OffsetDateTime, D::Error> {
            let s = <super::DateText<'de> as serde::Deserialize>::deserialize(d)?;
            parse(s.as_str()).map_err(serde::de::Error::custom)
        }

        #[doc = concat!("Serde adapters for a nullable or absent date in ", $what, ".")]
        pub mod option {
            use super::{format, parse};
            use time::OffsetDateTime;

            #[doc = concat!("Serde: writes ", $what, ", or `null`.")]
            pub fn serialize<S: serde::Serializer>(
                t: &Option<OffsetDateTime>,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                match t {
                    Some(t) => s.serialize_str(&format(*t)),
                    None => s.serialize_none(),
                }
            }

            #[doc = concat!("Serde: reads ", $what, " or `null`.")]
            pub fn deserialize<'de, D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Option<OffsetDateTime>, D::Error> {
                let s =
                    <Option<super::super::DateText<'de>> as serde::Deserialize>::deserialize(d)?;
                s.map(|s| parse(s.as_str()).map_err(serde::de::Error::custom))
                    .transpose()
            }
        }
    };
}

/// The v1.1 format: `Wed Oct 10 20:19:24 +0000 2018`.
pub mod v1 {
    use super::{
        Date, DateError, MONTHS, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset, WEEKDAYS,
        digits, time_of_day, two, weekday_name,
    };
    use std::fmt::Write as _;

    const EXPECTED: &str = "\"Wed Oct 10 20:19:24 +0000 2018\"";

    /// Parses `Wed Oct 10 20:19:24 +0000 2018`; the weekday must agree with the date.
    ///
    /// ```
    /// let t = twapi_model::date::v1::parse("Wed Oct 10 20:19:24 +0000 2018").unwrap();
    /// assert_eq!(t.unix_timestamp(), 1_539_202_764);
    /// assert_eq!(twapi_model::date::v1::format(t), "Wed Oct 10 20:19:24 +0000 2018");
    /// ```
    pub fn parse(s: &str) -> Result<OffsetDateTime, DateError> {
        let err = |reason| DateError::new(EXPECTED, reason);
        let b = s.as_bytes();
        if b.len() != 30 {
            return Err(err("it is not 30 characters long"));
        }
        let sep_ok = [3, 7, 10, 19, 25].iter().all(|&i| b[i] == b' ');
        if !sep_ok {
            return Err(err("the fields are not separated by single spaces"));
        }
        let weekday = WEEKDAYS
            .iter()
            .position(|w| &b[0..3] == w.as_slice())
            .ok_or_else(|| err("unknown weekday"))?;
        let month = MONTHS
            .iter()
            .position(|m| &b[4..7] == m.as_slice())
            .and_then(|i| Month::try_from(u8::try_from(i + 1).ok()?).ok())
            .ok_or_else(|| err("unknown month"))?;
        let day = two(b, 8).ok_or_else(|| err("bad day"))?;
        let year = digits(b, 26, 4)
            .and_then(|y| i32::try_from(y).ok())
            .ok_or_else(|| err("bad year"))?;
        let date = Date::from_calendar_date(year, month, day).map_err(|_| err("no such day"))?;
        if usize::from(date.weekday().number_days_from_monday()) != weekday {
            return Err(err("the weekday does not match the date"));
        }
        let time = time_of_day(b, 11).ok_or_else(|| err("bad time of day"))?;
        let sign: i8 = match b[20] {
            b'+' => 1,
            b'-' => -1,
            _ => return Err(err("bad offset sign")),
        };
        let (oh, om) = (two(b, 21), two(b, 23));
        let offset = oh
            .zip(om)
            .and_then(|(h, m)| {
                let h = i8::try_from(h).ok()?;
                let m = i8::try_from(m).ok()?;
                UtcOffset::from_hms(sign * h, sign * m, 0).ok()
            })
            .ok_or_else(|| err("bad offset"))?;
        Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
    }

    /// Writes the v1.1 format, in the value's own offset.
    pub fn format(t: OffsetDateTime) -> String {
        let mut out = String::with_capacity(30);
        let (oh, om, _) = t.offset().as_hms();
        let sign = if oh < 0 || om < 0 { '-' } else { '+' };
        let wd = weekday_name(t.weekday());
        let mon = MONTHS[usize::from(u8::from(t.month()) - 1)];
        // `wd` and `mon` are ASCII names from the tables above.
        out.push_str(std::str::from_utf8(wd).unwrap_or_default());
        out.push(' ');
        out.push_str(std::str::from_utf8(mon).unwrap_or_default());
        let _ = write!(
            out,
            " {:02} {:02}:{:02}:{:02} {sign}{:02}{:02} {:04}",
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            oh.unsigned_abs(),
            om.unsigned_abs(),
            t.year()
        );
        out
    }

    serde_adapters!("the v1.1 format");
}

/// RFC 3339 as v2 writes it: `2013-12-14T04:35:55.000Z`.
pub mod rfc3339 {
    use super::{
        Date, DateError, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, digits,
        time_of_day, two,
    };

    const EXPECTED: &str = "\"2013-12-14T04:35:55.000Z\" (RFC 3339)";

    /// Parses RFC 3339: a date, `T` (or `t`/space), a time with optional fraction, and `Z` or
    /// an offset `±hh:mm`.
    ///
    /// ```
    /// let t = twapi_model::date::rfc3339::parse("2013-12-14T04:35:55.000Z").unwrap();
    /// assert_eq!(t.unix_timestamp(), 1_386_995_755);
    /// assert_eq!(twapi_model::date::rfc3339::format(t), "2013-12-14T04:35:55.000Z");
    /// ```
    pub fn parse(s: &str) -> Result<OffsetDateTime, DateError> {
        let err = |reason| DateError::new(EXPECTED, reason);
        let b = s.as_bytes();
        if b.len() < 20 {
            return Err(err("it is too short"));
        }
        if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return Err(err("the date is not yyyy-mm-ddThh:mm:ss"));
        }
        let year = digits(b, 0, 4)
            .and_then(|y| i32::try_from(y).ok())
            .ok_or_else(|| err("bad year"))?;
        let month = two(b, 5)
            .and_then(|m| Month::try_from(m).ok())
            .ok_or_else(|| err("bad month"))?;
        let day = two(b, 8).ok_or_else(|| err("bad day"))?;
        let date = Date::from_calendar_date(year, month, day).map_err(|_| err("no such day"))?;
        let hms = time_of_day(b, 11).ok_or_else(|| err("bad time of day"))?;
        let mut at = 19;
        let mut nanos = 0u32;
        if b.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while let Some(d) = b.get(at).map(|c| c.wrapping_sub(b'0')).filter(|d| *d <= 9) {
                if at - start < 9 {
                    nanos = nanos * 10 + u32::from(d);
                }
                at += 1;
            }
            let n = at - start;
            if n == 0 {
                return Err(err("empty fraction of a second"));
            }
            for _ in n..9 {
                nanos *= 10;
            }
        }
        let offset = match &b[at..] {
            b"Z" | b"z" => UtcOffset::UTC,
            [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 5 && rest[2] == b':' => {
                let s: i8 = if *sign == b'+' { 1 } else { -1 };
                let h = two(rest, 0).and_then(|h| i8::try_from(h).ok());
                let m = two(rest, 3).and_then(|m| i8::try_from(m).ok());
                h.zip(m)
                    .and_then(|(h, m)| UtcOffset::from_hms(s * h, s * m, 0).ok())
                    .ok_or_else(|| err("bad offset"))?
            }
            _ => return Err(err("no offset (Z or ±hh:mm) after the time")),
        };
        let time = Time::from_hms_nano(hms.hour(), hms.minute(), hms.second(), nanos)
            .map_err(|_| err("bad fraction"))?;
        Ok(PrimitiveDateTime::new(date, time).assume_offset(offset))
    }

    /// Writes `yyyy-mm-ddThh:mm:ss.mmmZ` in UTC, as X does.
    pub fn format(t: OffsetDateTime) -> String {
        let t = t.to_offset(UtcOffset::UTC);
        let frac = t.nanosecond();
        let fraction = if frac.is_multiple_of(1_000_000) {
            format!("{:03}", frac / 1_000_000)
        } else {
            // Precision finer than X's milliseconds survives a round trip.
            let s = format!("{frac:09}");
            s.trim_end_matches('0').to_owned()
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{fraction}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    serde_adapters!("RFC 3339 with milliseconds");
}

/// A date's text, borrowed from the input when it holds no escapes (it never does on the wire).
enum DateText<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl DateText<'_> {
    fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for DateText<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DateText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(DateText::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(DateText::Owned(v.to_owned()))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_round_trips_and_checks() {
        for s in [
            "Wed Oct 10 20:19:24 +0000 2018",
            "Mon Nov 29 21:18:15 +0000 2010",
            "Sun Feb 29 00:00:00 -0530 2004",
        ] {
            let t = v1::parse(s).unwrap();
            assert_eq!(v1::format(t), s);
        }
        for bad in [
            "",
            "Thu Oct 10 20:19:24 +0000 2018",
            "Wed Oct 32 20:19:24 +0000 2018",
            "Wed Oct 10 24:19:24 +0000 2018",
            "Wed Foo 10 20:19:24 +0000 2018",
            "Wed Oct 10 20:19:24 *0000 2018",
            "Wed Oct 10 20:19:24 +0000 2018 ",
            "Wed Oct 10 20:19:24 +0000 20é",
        ] {
            assert!(v1::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rfc3339_forms() {
        let a = rfc3339::parse("2013-12-14T04:35:55Z").unwrap();
        let b = rfc3339::parse("2013-12-14T04:35:55.000Z").unwrap();
        let c = rfc3339::parse("2013-12-14T05:35:55+01:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(rfc3339::format(c), "2013-12-14T04:35:55.000Z");
        let fine = rfc3339::parse("2013-12-14T04:35:55.123456789Z").unwrap();
        assert_eq!(rfc3339::format(fine), "2013-12-14T04:35:55.123456789Z");
        for bad in [
            "2013-12-14",
            "2013-12-14T04:35:55",
            "2013-13-14T04:35:55Z",
            "2013-12-14T04:35:55.Z",
            "2013-12-14T04:35:55+0100",
        ] {
            assert!(rfc3339::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
