//! Property: every v1.1 value survives encode → decode unchanged, and encoding writes the
//! wire forms (twins as number + string, ids in the page's form).

use compact_str::CompactString;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::{OffsetDateTime, UtcOffset};
use twapi_model::v1::{
    Connection, Coordinates, CurrentUserRetweet, Cursor, ErrorBody, ErrorEntry, ExtendedEntities,
    Friendship, Hashtag, IdForm, IdPage, Media, MediaSize, MediaSizes, NoRetweetIds,
    QuotedStatusPermalink, Relationship, RelationshipResponse, RelationshipSource,
    RelationshipTarget, Tweet, TweetEntities, UrlEntities, UrlEntity, User, UserEntities,
    UserMention, UserPage,
};
use twapi_model::{TweetId, UserId, decode};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) -> Result<Value, TestCaseError> {
    let wire = serde_json::to_vec(value).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = decode(&wire).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, value);
    Ok(serde_json::from_slice(&wire).unwrap())
}

fn text() -> BoxedStrategy<CompactString> {
    prop_oneof![
        any::<String>().prop_map(CompactString::from),
        "[a-zA-Z0-9_ ]{0,30}".prop_map(CompactString::from),
        "\\PC{0,60}".prop_map(CompactString::from),
    ]
    .boxed()
}

/// Whole seconds, offsets in whole minutes, four-digit years: what the v1.1 format holds.
fn date() -> impl Strategy<Value = OffsetDateTime> {
    (
        0i64..253_400_000_000,
        prop_oneof![Just(0i32), -1439i32..1440],
    )
        .prop_map(|(t, minutes)| {
            let offset = UtcOffset::from_whole_seconds(minutes * 60).unwrap();
            OffsetDateTime::from_unix_timestamp(t)
                .unwrap()
                .to_offset(offset)
        })
}

fn user_id() -> impl Strategy<Value = UserId> {
    any::<u64>().prop_map(UserId::new)
}

fn tweet_id() -> impl Strategy<Value = TweetId> {
    any::<u64>().prop_map(TweetId::new)
}

fn cursor() -> impl Strategy<Value = Cursor> {
    prop_oneof![
        Just(Cursor::START),
        Just(Cursor::END),
        any::<i64>().prop_map(Cursor::new)
    ]
}

fn url_entity() -> impl Strategy<Value = UrlEntity> {
    (text(), of(text()), of(text()), any::<[u32; 2]>()).prop_map(
        |(url, expanded_url, display_url, indices)| UrlEntity {
            url,
            expanded_url,
            display_url,
            indices,
        },
    )
}

fn url_entities() -> impl Strategy<Value = UrlEntities> {
    vec(url_entity(), 0..3).prop_map(|urls| UrlEntities { urls })
}

fn user_entities() -> impl Strategy<Value = UserEntities> {
    (of(url_entities()), url_entities())
        .prop_map(|(url, description)| UserEntities { url, description })
}

fn hashtag() -> impl Strategy<Value = Hashtag> {
    (text(), any::<[u32; 2]>()).prop_map(|(text, indices)| Hashtag { text, indices })
}

fn mention() -> impl Strategy<Value = UserMention> {
    (user_id(), text(), text(), any::<[u32; 2]>()).prop_map(|(id, screen_name, name, indices)| {
        UserMention {
            id,
            screen_name,
            name,
            indices,
        }
    })
}

fn media_size() -> impl Strategy<Value = MediaSize> {
    (any::<u32>(), any::<u32>(), text()).prop_map(|(w, h, resize)| MediaSize { w, h, resize })
}

fn media() -> impl Strategy<Value = Media> {
    (
        (any::<u64>(), text(), text(), text(), text(), text(), text()).boxed(),
        (
            any::<[u32; 2]>(),
            (media_size(), media_size(), media_size(), media_size()),
            of(tweet_id()),
            of(user_id()),
        ),
    )
        .prop_map(
            |(
                (id, kind, url, display_url, expanded_url, media_url, media_url_https),
                (indices, (thumb, small, medium, large), source_status_id, source_user_id),
            )| Media {
                id,
                kind,
                url,
                display_url,
                expanded_url,
                media_url,
                media_url_https,
                indices,
                sizes: MediaSizes {
                    thumb,
                    small,
                    medium,
                    large,
                },
                source_status_id,
                source_user_id,
            },
        )
}

fn tweet_entities() -> impl Strategy<Value = TweetEntities> {
    (
        vec(hashtag(), 0..3),
        of(vec(hashtag(), 0..2)),
        vec(mention(), 0..3),
        vec(url_entity(), 0..3),
        of(vec(media(), 0..2)),
    )
        .prop_map(
            |(hashtags, symbols, user_mentions, urls, media)| TweetEntities {
                hashtags,
                symbols,
                user_mentions,
                urls,
                media,
            },
        )
}

/// Micro-degrees: decimal values that JSON carries exactly.
fn coordinates() -> impl Strategy<Value = Coordinates> {
    (
        text(),
        -180_000_000i32..180_000_000,
        -90_000_000i32..90_000_000,
    )
        .prop_map(|(kind, a, b)| Coordinates {
            kind,
            coordinates: [f64::from(a) / 1e6, f64::from(b) / 1e6],
        })
}

fn place() -> impl Strategy<Value = Value> {
    ("[0-9a-f]{16}", text(), any::<i64>(), any::<bool>()).prop_map(|(id, name, n, b)| {
        json!({"id": id, "name": name, "n": n, "b": b, "contained_within": [], "attributes": {}})
    })
}

prop_compose! {
    /// A tweet without nested tweets or user.
    fn shallow_tweet()(
        (created_at, id, text, full_text, display_text_range, truncated, entities) in
            (date(), tweet_id(), of(text()), of(text()), of(any::<[u32; 2]>()), any::<bool>(),
             of(tweet_entities())).boxed(),
        (extended_entities, source, in_reply_to_status_id, in_reply_to_user_id,
         in_reply_to_screen_name) in
            (of(vec(media(), 0..2).prop_map(|media| ExtendedEntities { media })), text(),
             of(tweet_id()), of(user_id()), of(text())).boxed(),
        (geo, coordinates, place, is_quote_status, quoted_status_id) in
            (of(coordinates()), of(coordinates()), of(place()), opt_bool(), of(tweet_id())).boxed(),
        (quoted_status_permalink, quote_count, reply_count, retweet_count, favorite_count) in
            (of((text(), text(), text()).prop_map(|(url, expanded, display)| {
                QuotedStatusPermalink { url, expanded, display }
             })), of(any::<u64>()), of(any::<u64>()), of(any::<u64>()), of(any::<u64>())).boxed(),
        (favorited, retweeted, possibly_sensitive, possibly_sensitive_appealable, lang) in
            (opt_bool(), opt_bool(), opt_bool(), opt_bool(), of(text())).boxed(),
        (current_user_retweet, withheld_copyright, withheld_in_countries, withheld_scope) in
            (of(tweet_id().prop_map(|id| CurrentUserRetweet { id })), of(any::<bool>()),
             of(vec(text(), 0..3)), of(text())).boxed(),
    ) -> Tweet {
        Tweet {
            created_at, id, text, full_text, display_text_range, truncated, entities,
            extended_entities, source, in_reply_to_status_id, in_reply_to_user_id,
            in_reply_to_screen_name, user: None, geo, coordinates, place, is_quote_status,
            quoted_status_id, quoted_status_permalink, quoted_status: None,
            retweeted_status: None, quote_count, reply_count, retweet_count, favorite_count,
            favorited, retweeted, possibly_sensitive, possibly_sensitive_appealable, lang,
            current_user_retweet, withheld_copyright, withheld_in_countries, withheld_scope,
        }
    }
}

fn opt_bool() -> impl Strategy<Value = Option<bool>> {
    of(any::<bool>())
}

prop_compose! {
    fn user()(
        (id, name, screen_name, location, profile_location, description, url, entities) in
            (user_id(), of(text()), of(text()), of(text()), of(place()), of(text()), of(text()),
             of(user_entities())).boxed(),
        (protected, followers_count, friends_count, listed_count, created_at,
         favourites_count, utc_offset, time_zone) in
            (opt_bool(), of(any::<u64>()), of(any::<u64>()), of(any::<u64>()), of(date()),
             of(any::<u64>()), of(any::<i32>()), of(text())).boxed(),
        (geo_enabled, verified, statuses_count, lang, status, contributors_enabled,
         is_translator, is_translation_enabled) in
            (opt_bool(), opt_bool(), of(any::<u64>()), of(text()),
             of(shallow_tweet().prop_map(Box::new)), opt_bool(), opt_bool(), opt_bool()).boxed(),
        (profile_background_color, profile_background_image_url,
         profile_background_image_url_https, profile_background_tile, profile_image_url,
         profile_image_url_https, profile_banner_url) in
            (of(text()), of(text()), of(text()), opt_bool(), of(text()), of(text()), of(text())).boxed(),
        (profile_link_color, profile_sidebar_border_color, profile_sidebar_fill_color,
         profile_text_color, profile_use_background_image, has_extended_profile,
         default_profile, default_profile_image) in
            (of(text()), of(text()), of(text()), of(text()), opt_bool(), opt_bool(),
             opt_bool(), opt_bool()).boxed(),
        (following, live_following, follow_request_sent, notifications, muting, blocking,
         blocked_by, translator_type) in
            (opt_bool(), opt_bool(), opt_bool(), opt_bool(), opt_bool(), opt_bool(),
             opt_bool(), of(text())).boxed(),
        (withheld_in_countries, withheld_scope, suspended, needs_phone_verification) in
            (of(vec(text(), 0..3)), of(text()), opt_bool(), opt_bool()).boxed(),
    ) -> User {
        User {
            id, name, screen_name, location, profile_location, description, url, entities,
            protected, followers_count, friends_count, listed_count, created_at,
            favourites_count, utc_offset, time_zone, geo_enabled, verified, statuses_count,
            lang, status, contributors_enabled, is_translator, is_translation_enabled,
            profile_background_color, profile_background_image_url,
            profile_background_image_url_https, profile_background_tile, profile_image_url,
            profile_image_url_https, profile_banner_url, profile_link_color,
            profile_sidebar_border_color, profile_sidebar_fill_color, profile_text_color,
            profile_use_background_image, has_extended_profile, default_profile,
            default_profile_image, following, live_following, follow_request_sent,
            notifications, muting, blocking, blocked_by, translator_type,
            withheld_in_countries, withheld_scope, suspended, needs_phone_verification,
        }
    }
}

fn relationship() -> impl Strategy<Value = RelationshipResponse> {
    let source = (
        (
            user_id(),
            text(),
            opt_bool(),
            opt_bool(),
            opt_bool(),
            opt_bool(),
            opt_bool(),
        )
            .boxed(),
        (
            opt_bool(),
            opt_bool(),
            opt_bool(),
            opt_bool(),
            opt_bool(),
            opt_bool(),
            opt_bool(),
        ),
        opt_bool(),
    )
        .prop_map(
            |(
                (
                    id,
                    screen_name,
                    following,
                    followed_by,
                    live_following,
                    following_received,
                    following_requested,
                ),
                (
                    notifications_enabled,
                    can_dm,
                    blocking,
                    blocked_by,
                    muting,
                    want_retweets,
                    all_replies,
                ),
                marked_spam,
            )| RelationshipSource {
                id,
                screen_name,
                following,
                followed_by,
                live_following,
                following_received,
                following_requested,
                notifications_enabled,
                can_dm,
                blocking,
                blocked_by,
                muting,
                want_retweets,
                all_replies,
                marked_spam,
            },
        );
    let target = (
        user_id(),
        text(),
        opt_bool(),
        opt_bool(),
        opt_bool(),
        opt_bool(),
    )
        .prop_map(
            |(id, screen_name, following, followed_by, following_received, following_requested)| {
                RelationshipTarget {
                    id,
                    screen_name,
                    following,
                    followed_by,
                    following_received,
                    following_requested,
                }
            },
        );
    (source, target).prop_map(|(source, target)| RelationshipResponse {
        relationship: Relationship { source, target },
    })
}

/// Known names map to their variant, as decoding does, so `Unknown` never holds one.
fn connection() -> impl Strategy<Value = Connection> {
    prop_oneof![
        prop::sample::select(vec![
            "following",
            "following_requested",
            "followed_by",
            "none",
            "blocking",
            "muting",
        ])
        .prop_map(Connection::from_wire),
        "[a-z_]{0,20}".prop_map(|s| Connection::from_wire(&s)),
        any::<String>().prop_map(|s| Connection::from_wire(&s)),
    ]
}

fn friendship() -> impl Strategy<Value = Friendship> {
    (text(), text(), user_id(), vec(connection(), 0..4)).prop_map(
        |(name, screen_name, id, connections)| Friendship {
            name,
            screen_name,
            id,
            connections,
        },
    )
}

/// An empty list shows no form on the wire; it is [`IdForm::Number`], as decoding reads it.
fn ids_and_form() -> impl Strategy<Value = (Vec<UserId>, IdForm)> {
    (vec(user_id(), 0..40), prop::bool::ANY).prop_map(|(ids, strings)| {
        let form = if strings && !ids.is_empty() {
            IdForm::String
        } else {
            IdForm::Number
        };
        (ids, form)
    })
}

fn error_body() -> impl Strategy<Value = ErrorBody> {
    let api_error =
        (any::<u32>(), text(), of(text())).prop_map(|(code, message, label)| ErrorEntry {
            code,
            message,
            label,
        });
    prop_oneof![
        vec(api_error, 0..4).prop_map(ErrorBody::Errors),
        (text(), of(text())).prop_map(|(error, request)| ErrorBody::Error { error, request }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn user_round_trips(user in user()) {
        let wire = round_trip(&user)?;
        prop_assert_eq!(&wire["id"], &json!(user.id.get()));
        prop_assert_eq!(&wire["id_str"], &json!(user.id.to_string()));
        prop_assert!(wire.get("status").is_some() == user.status.is_some());
        prop_assert!(wire.get("lang").is_some());
    }

    #[test]
    fn tweet_round_trips(tweet in shallow_tweet()) {
        let wire = round_trip(&tweet)?;
        prop_assert_eq!(
            &wire["in_reply_to_status_id_str"],
            &json!(tweet.in_reply_to_status_id.map(|id| id.to_string()))
        );
    }

    #[test]
    fn relationship_round_trips(r in relationship()) {
        round_trip(&r)?;
    }

    #[test]
    fn friendship_round_trips(f in vec(friendship(), 0..4)) {
        round_trip(&f)?;
    }

    #[test]
    fn id_page_round_trips_in_its_form(
        (ids, form) in ids_and_form(),
        next_cursor in cursor(),
        previous_cursor in cursor(),
    ) {
        let page = IdPage { ids, form, next_cursor, previous_cursor };
        let wire = round_trip(&page)?;
        let strings = wire["ids"].as_array().unwrap().iter().all(Value::is_string);
        let numbers = wire["ids"].as_array().unwrap().iter().all(Value::is_u64);
        let in_form = if form == IdForm::String { strings } else { numbers };
        prop_assert!(in_form, "ids not in {:?} form: {}", form, wire["ids"]);
        prop_assert_eq!(&wire["next_cursor"], &json!(next_cursor.get()));
        prop_assert_eq!(&wire["next_cursor_str"], &json!(next_cursor.get().to_string()));
    }

    #[test]
    fn no_retweet_ids_round_trip((ids, form) in ids_and_form()) {
        round_trip(&NoRetweetIds { ids, form })?;
    }

    #[test]
    fn user_page_round_trips(
        users in vec(user(), 0..3),
        next_cursor in cursor(),
        previous_cursor in cursor(),
    ) {
        round_trip(&UserPage { users, next_cursor, previous_cursor })?;
    }

    #[test]
    fn error_body_round_trips(body in error_body()) {
        round_trip(&body)?;
    }

    #[test]
    fn either_half_of_a_twin_is_enough_and_disagreement_is_caught(a in any::<u64>(), b in any::<u64>()) {
        let number: CurrentUserRetweet = decode(format!(r#"{{"id":{a}}}"#).as_bytes()).unwrap();
        let string: CurrentUserRetweet = decode(format!(r#"{{"id_str":"{a}"}}"#).as_bytes()).unwrap();
        prop_assert_eq!(number, string);
        prop_assert_eq!(number.id.get(), a);
        let both = decode::<CurrentUserRetweet>(format!(r#"{{"id_str":"{a}","id":{b}}}"#).as_bytes());
        if a == b {
            prop_assert_eq!(both.unwrap(), number);
        } else {
            let err = both.unwrap_err();
            prop_assert_eq!(err.path(), "id");
        }
    }
}

proptest! {
    // Three tweets and a user per case: fewer cases keep it quick.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn nested_tweet_round_trips(
        outer in shallow_tweet(),
        inner in shallow_tweet(),
        author in user(),
    ) {
        let mut inner = inner;
        inner.user = Some(Box::new(author));
        let mut outer = outer;
        outer.quoted_status = Some(Box::new(inner.clone()));
        outer.retweeted_status = Some(Box::new(inner));
        round_trip(&outer)?;
    }
}
