//! Profiles: the name, bio, links, dates and counts of a user, recomputed from
//! `(seed, index)` whenever a user is rendered, so a million users cost no memory for text.
//!
//! The text is meant to look real to a client and a reader: display names from several
//! scripts, sometimes with an emoji; bios with `t.co` links whose entity indices are counted
//! in code points as X counts them; creation dates that agree with the ids; a latest tweet
//! for accounts that tweeted.

use time::OffsetDateTime;
use twapi_model::ids::SNOWFLAKE_EPOCH_MS;

use crate::directory::{Directory, PRESENT_MS, tag};
use crate::rng::{ALPHANUMERIC, Rng};

const FIRST_NAMES: &[&str] = &[
    "Ana",
    "Björn",
    "Chloé",
    "Dmitri",
    "Émile",
    "Fatima",
    "Giulia",
    "Hiroshi",
    "Ingrid",
    "José",
    "Kwame",
    "Léa",
    "Mateo",
    "Nadia",
    "Oluwaseun",
    "Priya",
    "Quentin",
    "Rosa",
    "Søren",
    "Tomás",
    "Uma",
    "Viktor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoë",
    "Amara",
    "Bruno",
    "Chiara",
    "Diego",
];
const LAST_NAMES: &[&str] = &[
    "Silva",
    "Müller",
    "Nguyen",
    "Okafor",
    "García",
    "Kowalski",
    "Andersson",
    "Rossi",
    "Dubois",
    "Yılmaz",
    "Ivanova",
    "Haddad",
    "Tanaka",
    "O'Brien",
    "Fernández",
    "Novák",
    "Kim",
    "Singh",
    "Jensen",
    "Costa",
];
/// Whole names in scripts other than Latin.
const OTHER_SCRIPTS: &[&str] = &[
    "山田太郎",
    "佐藤花子",
    "김민준",
    "이서연",
    "Анна Петрова",
    "Иван Смирнов",
    "ليلى حداد",
    "Νίκος Παπαδόπουλος",
    "王小明",
    "प्रिया शर्मा",
    "דנה לוי",
    "Ngọc Trần",
];
const EMOJI: &[&str] = &[
    "🌻",
    "✨",
    "🐙",
    "📚",
    "🦀",
    "🌊",
    "🎧",
    "☕",
    "🇧🇷",
    "🏳️‍🌈",
    "🚀",
    "🌱",
];
const ORGS: &[&str] = &[
    "News", "Daily", "Official", "Labs", "HQ", "Radio", "Weekly", "Studio",
];
const ROLES: &[&str] = &[
    "Engineer",
    "Nurse",
    "Teacher",
    "Photographer",
    "Researcher",
    "Designer",
    "Chef",
    "Student",
    "Writer",
    "Farmer",
    "Librarian",
    "Pilot",
];
const THINGS: &[&str] = &[
    "Rust",
    "bread",
    "maps",
    "synths",
    "tiny robots",
    "open data",
    "ceramics",
    "bikes",
    "bird songs",
    "old films",
];
const PLACES: &[&str] = &[
    "Lisbon",
    "São Paulo",
    "Lagos",
    "Berlin",
    "Osaka",
    "Montréal",
    "Nairobi",
    "Kraków",
    "Seoul",
    "Oaxaca",
    "Reykjavík",
    "Melbourne",
    "Toronto",
    "Chennai",
    "everywhere",
];
const SITES: &[&str] = &["example.com", "example.org", "example.net"];
/// The tweets are written in English; X tags a few as undetermined.
const LANGS: &[&str] = &["en", "en", "en", "en", "und"];

/// A link as X stores it: the `t.co` form in the text and what it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// `https://t.co/` and ten characters (23 in all, as X's are).
    pub(crate) tco: String,
    /// The original URL.
    pub(crate) expanded: String,
    /// The URL without its scheme, as clients show it.
    pub(crate) display: String,
    /// `[start, end)` in the text, in code points.
    pub(crate) indices: [u32; 2],
}

/// The latest tweet of a user.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LatestTweet {
    pub(crate) id: u64,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) text: String,
    pub(crate) lang: &'static str,
    pub(crate) retweet_count: u64,
    pub(crate) favorite_count: u64,
    pub(crate) reply_count: u64,
}

/// Everything about a user that does not depend on the graph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Profile {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) screen_name: String,
    pub(crate) description: String,
    pub(crate) description_links: Vec<Link>,
    pub(crate) location: Option<String>,
    pub(crate) url: Option<Link>,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) statuses_count: u64,
    pub(crate) favourites_count: u64,
    pub(crate) listed_count: u64,
    pub(crate) protected: bool,
    pub(crate) verified: bool,
    pub(crate) default_theme: bool,
    pub(crate) default_profile_image: bool,
    pub(crate) avatar_https: String,
    pub(crate) banner: Option<String>,
    pub(crate) latest: Option<LatestTweet>,
    pub(crate) pinned_tweet_id: Option<u64>,
}

impl Profile {
    /// The profile of user `index`.
    pub(crate) fn of(dir: &Directory, index: u32) -> Self {
        let id = dir.id(index);
        let mut rng = Rng::keyed(&[dir.seed(), tag::PROFILE, u64::from(index)]);
        let rank = dir.rank(index);
        // Popularity scales the counts: log-ish of how many accounts rank below.
        let fame = f64::from(dir.len().saturating_sub(rank)) / f64::from(dir.len().max(1));
        let fame_boost = 1.0 + 40.0 * fame.powi(8);

        // The name must stay the first draw: `name_of` recomputes it alone.
        let name = display_name(&mut rng, rank);
        let (description, description_links) = description(&mut rng);
        let location = rng.chance(0.7).then(|| (*rng.pick(PLACES)).to_owned());
        let url = rng.chance(0.35).then(|| link(&mut rng, 0));
        let created_ms = dir.created_ms(index);
        let created_at = datetime(created_ms);
        let statuses_count = scaled(&mut rng, 800.0 * fame_boost);
        let favourites_count = scaled(&mut rng, 1_500.0 * fame_boost);
        let listed_count = scaled(&mut rng, 3.0 * fame_boost * fame_boost);
        let default_profile_image = rng.chance(0.08);
        let avatar_https = if default_profile_image {
            "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"
                .to_owned()
        } else {
            format!(
                "https://pbs.twimg.com/profile_images/{}/{}_normal.jpg",
                snowflake(&mut rng, created_ms + 60_000),
                rng.string(ALPHANUMERIC, 8)
            )
        };
        let banner = rng.chance(0.6).then(|| {
            // Uploaded some time after the account was created.
            let uploaded = created_ms / 1_000
                + i64::try_from(
                    rng.below(
                        u64::try_from((PRESENT_MS - created_ms) / 1_000)
                            .unwrap_or(1)
                            .max(1),
                    ),
                )
                .unwrap_or(0);
            format!("https://pbs.twimg.com/profile_banners/{id}/{uploaded}")
        });
        let latest = (statuses_count > 0).then(|| latest_tweet(&mut rng, created_ms));
        let pinned_tweet_id = match &latest {
            Some(tweet) if rng.chance(0.2) => Some(tweet.id),
            _ => None,
        };
        Self {
            id,
            name,
            screen_name: dir.screen_name(index),
            description,
            description_links,
            location,
            url,
            created_at,
            statuses_count,
            favourites_count,
            listed_count,
            protected: dir.is_protected(index),
            verified: dir.is_verified(index),
            default_theme: rng.chance(0.5),
            default_profile_image,
            avatar_https,
            banner,
            latest,
            pinned_tweet_id,
        }
    }

    /// The avatar over plain http (v1.1 sends both).
    pub(crate) fn avatar_http(&self) -> String {
        self.avatar_https.replacen("https://", "http://", 1)
    }
}

/// The display name alone, as [`Profile::of`] draws it (its first draw), for the search that
/// scans every user.
pub(crate) fn name_of(dir: &Directory, index: u32) -> String {
    let mut rng = Rng::keyed(&[dir.seed(), tag::PROFILE, u64::from(index)]);
    display_name(&mut rng, dir.rank(index))
}

fn display_name(rng: &mut Rng, rank: u32) -> String {
    let mut name = if rank < 100 {
        format!("{} {}", rng.pick(LAST_NAMES), rng.pick(ORGS))
    } else if rng.chance(0.15) {
        (*rng.pick(OTHER_SCRIPTS)).to_owned()
    } else if rng.chance(0.1) {
        rng.pick(FIRST_NAMES).to_lowercase()
    } else {
        format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
    };
    if rng.chance(0.12) {
        name.push(' ');
        let emoji = *rng.pick(EMOJI);
        name.push_str(emoji);
    }
    name
}

fn description(rng: &mut Rng) -> (String, Vec<Link>) {
    let mut text = match rng.below(6) {
        0 => String::new(),
        1 => format!(
            "{} in {}. Opinions my own.",
            rng.pick(ROLES),
            rng.pick(PLACES)
        ),
        2 => format!(
            "Building things with {} {}",
            rng.pick(THINGS),
            rng.pick(EMOJI)
        ),
        3 => format!(
            "{} • {} • {}",
            rng.pick(THINGS),
            rng.pick(THINGS),
            rng.pick(PLACES)
        ),
        4 => format!("{} / {} lover / she/her", rng.pick(ROLES), rng.pick(THINGS)),
        _ => format!("Posting about {} since forever.", rng.pick(THINGS)),
    };
    let mut links = Vec::new();
    if !text.is_empty() && rng.chance(0.3) {
        text.push(' ');
        let start = u32::try_from(text.chars().count()).unwrap_or(0);
        let found = link(rng, start);
        text.push_str(&found.tco);
        links.push(found);
    }
    (text, links)
}

fn link(rng: &mut Rng, start: u32) -> Link {
    let tco = format!("https://t.co/{}", rng.string(ALPHANUMERIC, 10));
    let display = format!(
        "{}/{}",
        rng.pick(SITES),
        rng.string(b"abcdefghijklmnopqrstuvwxyz", 6)
    );
    Link {
        indices: [start, start + 23],
        tco,
        expanded: format!("https://{display}"),
        display,
    }
}

fn latest_tweet(rng: &mut Rng, created_ms: i64) -> LatestTweet {
    // Somewhere in the last tenth of the account's life.
    let since = i128::from(PRESENT_MS - created_ms);
    let share = i128::from(900 + rng.below(100));
    let ms = created_ms + i64::try_from(since * share / 1_000).unwrap_or(0);
    let text = match rng.below(5) {
        0 => format!("Good morning from {} {}", rng.pick(PLACES), rng.pick(EMOJI)),
        1 => format!("Thinking about {} again.", rng.pick(THINGS)),
        2 => format!("New post about {} is up!", rng.pick(THINGS)),
        3 => "just setting up my twttr".to_owned(),
        _ => format!("{} is underrated. Change my mind.", rng.pick(THINGS)),
    };
    let lang = *rng.pick(LANGS);
    LatestTweet {
        id: snowflake(rng, ms),
        created_at: datetime(ms),
        text,
        lang,
        retweet_count: scaled(rng, 4.0),
        favorite_count: scaled(rng, 25.0),
        reply_count: scaled(rng, 3.0),
    }
}

/// A heavy-tailed count with mean about `mean` (exponential of an exponential, capped).
fn scaled(rng: &mut Rng, mean: f64) -> u64 {
    let u = 1.0 - rng.next_f64();
    let value = -u.ln() * mean * if rng.chance(0.05) { 8.0 } else { 1.0 };
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a non-negative count, clamped below 10^12"
    )]
    let count = value.clamp(0.0, 1e12) as u64;
    count
}

/// A snowflake id for the millisecond `ms` (Unix), with random low bits.
fn snowflake(rng: &mut Rng, ms: i64) -> u64 {
    let since_epoch = u64::try_from(ms - SNOWFLAKE_EPOCH_MS).unwrap_or(0);
    (since_epoch << 22) | (rng.next_u64() & 0x3F_FFFF)
}

/// A UTC date-time from Unix milliseconds.
pub(crate) fn datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_deterministic_and_plausible() {
        let dir = Directory::generate(42, 3_000);
        for index in [0, 1, 750, 2_999] {
            let a = Profile::of(&dir, index);
            assert_eq!(a, Profile::of(&dir, index));
            assert!(!a.name.is_empty());
            for link in a.description_links.iter().chain(a.url.iter()) {
                assert_eq!(link.tco.len(), 23);
            }
            if let Some(tweet) = &a.latest {
                assert!(tweet.created_at >= a.created_at);
            }
        }
    }

    #[test]
    fn link_indices_point_at_the_link() {
        let dir = Directory::generate(9, 2_000);
        let mut checked = 0;
        for index in 0..dir.len() {
            let p = Profile::of(&dir, index);
            for link in &p.description_links {
                let [start, end] = link.indices;
                let cut: String = p
                    .description
                    .chars()
                    .skip(start as usize)
                    .take((end - start) as usize)
                    .collect();
                assert_eq!(cut, link.tco);
                checked += 1;
            }
        }
        assert!(checked > 50);
    }
}
