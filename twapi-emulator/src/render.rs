//! Users as the API shows them: a [`Profile`] plus the counts from the graph plus what the
//! viewer may see of their relationship, written as twapi-model's v1.1 and v2 types.

use twapi_core::fields::{Expansion, Fields, TweetField, UserField};
use twapi_model::v1::{self, UrlEntities as V1UrlEntities, UrlEntity as V1UrlEntity, UserEntities};
use twapi_model::v2::{
    self, ConnectionStatus, ConnectionStatuses, FullTextEntities, SubscriptionType,
    TweetPublicMetrics, UrlEntities as V2UrlEntities, UrlEntity as V2UrlEntity, UserPublicMetrics,
    UserSubscription, VerifiedType,
};
use twapi_model::{TweetId, UserId};

use crate::directory::Directory;
use crate::graph::Graph;
use crate::profile::{LatestTweet, Link, Profile};

/// The v1.1 user object of `index` as `viewer` (the calling user, `None` for app-only) sees it.
pub(crate) fn v1_user(
    dir: &Directory,
    graph: &Graph,
    index: u32,
    viewer: Option<u32>,
    with_status: bool,
) -> v1::User {
    let p = Profile::of(dir, index);
    let visible = may_see_tweets(dir, graph, index, viewer);
    let status = p
        .latest
        .as_ref()
        .filter(|_| with_status && visible)
        .map(|tweet| Box::new(v1_tweet(tweet)));
    let relation = |f: fn(&Graph, u32, u32) -> bool| viewer.map(|v| f(graph, v, index));
    let own = viewer.is_some();
    v1::User {
        id: UserId::new(p.id),
        name: Some(p.name.as_str().into()),
        screen_name: Some(p.screen_name.as_str().into()),
        location: Some(p.location.as_deref().unwrap_or_default().into()),
        profile_location: None,
        description: Some(p.description.as_str().into()),
        url: p.url.as_ref().map(|link| link.tco.as_str().into()),
        entities: Some(UserEntities {
            url: p.url.as_ref().map(|link| V1UrlEntities {
                urls: vec![v1_link(link)],
            }),
            description: V1UrlEntities {
                urls: p.description_links.iter().map(v1_link).collect(),
            },
        }),
        protected: Some(p.protected),
        followers_count: Some(graph.followers(index).len() as u64),
        friends_count: Some(graph.following(index).len() as u64),
        listed_count: Some(p.listed_count),
        created_at: Some(p.created_at),
        favourites_count: Some(p.favourites_count),
        utc_offset: None,
        time_zone: None,
        geo_enabled: Some(false),
        verified: Some(p.verified),
        statuses_count: Some(p.statuses_count),
        lang: None,
        status,
        contributors_enabled: Some(false),
        is_translator: Some(false),
        is_translation_enabled: Some(false),
        profile_background_color: Some("F5F8FA".into()),
        profile_background_image_url: None,
        profile_background_image_url_https: None,
        profile_background_tile: Some(false),
        profile_image_url: Some(p.avatar_http().into()),
        profile_image_url_https: Some(p.avatar_https.as_str().into()),
        profile_banner_url: p.banner.as_deref().map(Into::into),
        profile_link_color: Some("1DA1F2".into()),
        profile_sidebar_border_color: Some("C0DEED".into()),
        profile_sidebar_fill_color: Some("DDEEF6".into()),
        profile_text_color: Some("333333".into()),
        profile_use_background_image: Some(true),
        has_extended_profile: Some(true),
        default_profile: Some(p.default_theme),
        default_profile_image: Some(p.default_profile_image),
        following: relation(Graph::follows),
        live_following: own.then_some(false),
        follow_request_sent: relation(Graph::has_requested),
        notifications: relation(Graph::notifies),
        muting: relation(Graph::mutes),
        blocking: relation(Graph::blocks),
        blocked_by: viewer.map(|v| graph.blocks(index, v)),
        translator_type: Some("none".into()),
        withheld_in_countries: None,
        withheld_scope: None,
        suspended: None,
        needs_phone_verification: None,
    }
}

fn v1_link(link: &Link) -> V1UrlEntity {
    V1UrlEntity {
        url: link.tco.as_str().into(),
        expanded_url: Some(link.expanded.as_str().into()),
        display_url: Some(link.display.as_str().into()),
        indices: link.indices,
    }
}

fn v1_tweet(tweet: &LatestTweet) -> v1::Tweet {
    v1::Tweet {
        created_at: tweet.created_at,
        id: TweetId::new(tweet.id),
        text: Some(tweet.text.as_str().into()),
        full_text: None,
        display_text_range: None,
        truncated: false,
        entities: Some(v1::TweetEntities {
            symbols: Some(Vec::new()),
            ..v1::TweetEntities::default()
        }),
        extended_entities: None,
        source: r#"<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>"#.into(),
        in_reply_to_status_id: None,
        in_reply_to_user_id: None,
        in_reply_to_screen_name: None,
        user: None,
        geo: None,
        coordinates: None,
        place: None,
        is_quote_status: Some(false),
        quoted_status_id: None,
        quoted_status_permalink: None,
        quoted_status: None,
        retweeted_status: None,
        quote_count: None,
        reply_count: None,
        retweet_count: Some(tweet.retweet_count),
        favorite_count: Some(tweet.favorite_count),
        favorited: Some(false),
        retweeted: Some(false),
        possibly_sensitive: None,
        possibly_sensitive_appealable: None,
        lang: Some(tweet.lang.into()),
        current_user_retweet: None,
        withheld_copyright: None,
        withheld_in_countries: None,
        withheld_scope: None,
    }
}

/// Whether `viewer` may see `index`'s tweets and lists: public accounts to anyone, protected
/// ones to themselves and their followers.
pub(crate) fn may_see_tweets(
    dir: &Directory,
    graph: &Graph,
    index: u32,
    viewer: Option<u32>,
) -> bool {
    !dir.is_protected(index) || viewer.is_some_and(|v| v == index || graph.follows(v, index))
}

/// What a v2 request asked to be returned, checked against X's vocabulary.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    user: Vec<UserField>,
    pinned: bool,
    most_recent: bool,
    tweet: Vec<TweetField>,
}

/// A selector value that X does not know: the parameter and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownSelector {
    /// `user.fields`, `expansions` or `tweet.fields`.
    pub(crate) param: &'static str,
    /// The value.
    pub(crate) value: String,
    /// The values X accepts, comma-joined.
    pub(crate) allowed: String,
}

impl Selection {
    /// Reads the selectors, refusing names X does not know (as X does, with a 400).
    pub(crate) fn from_fields(fields: &Fields) -> Result<Self, UnknownSelector> {
        fn unknown<T: std::fmt::Display>(
            param: &'static str,
            value: &str,
            all: &[T],
        ) -> UnknownSelector {
            UnknownSelector {
                param,
                value: value.to_owned(),
                allowed: all
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            }
        }
        for field in &fields.user_fields {
            if let UserField::Other(value) = field {
                return Err(unknown("user.fields", value, UserField::ALL));
            }
        }
        for field in &fields.tweet_fields {
            if let TweetField::Other(value) = field {
                return Err(unknown("tweet.fields", value, TweetField::ALL));
            }
        }
        let mut selection = Self {
            user: fields.user_fields.clone(),
            tweet: fields.tweet_fields.clone(),
            ..Self::default()
        };
        for expansion in &fields.expansions {
            match expansion {
                Expansion::PinnedTweetId => selection.pinned = true,
                Expansion::MostRecentTweetId => selection.most_recent = true,
                Expansion::Other(value) => {
                    return Err(unknown("expansions", value, Expansion::ALL));
                }
                // `affiliation.user_id`: no emulated user has an affiliation to expand.
                _ => {}
            }
        }
        Ok(selection)
    }

    fn has(&self, field: &UserField) -> bool {
        self.user.contains(field)
    }

    fn has_tweet(&self, field: &TweetField) -> bool {
        self.tweet.contains(field)
    }

    /// Whether the request expands tweets into `includes`.
    pub(crate) fn expands_tweets(&self) -> bool {
        self.pinned || self.most_recent
    }
}

/// The v2 user object of `index` with the selected fields, as `viewer` sees it.
pub(crate) fn v2_user(
    dir: &Directory,
    graph: &Graph,
    index: u32,
    viewer: Option<u32>,
    selection: &Selection,
) -> v2::User {
    let p = Profile::of(dir, index);
    let mut user = v2::User::new(UserId::new(p.id), &p.name, &p.screen_name);
    let s = selection;
    if s.has(&UserField::CreatedAt) {
        user.created_at = Some(p.created_at);
    }
    if s.has(&UserField::Description) {
        user.description = Some(p.description.as_str().into());
    }
    if s.has(&UserField::Entities) && (p.url.is_some() || !p.description_links.is_empty()) {
        user.entities = Some(v2::UserEntities {
            url: p.url.as_ref().map(|link| V2UrlEntities {
                urls: vec![v2_link(link)],
            }),
            description: (!p.description_links.is_empty()).then(|| FullTextEntities {
                urls: p.description_links.iter().map(v2_link).collect(),
                ..FullTextEntities::default()
            }),
        });
    }
    if s.has(&UserField::Location) {
        user.location = p.location.as_deref().map(Into::into);
    }
    if s.has(&UserField::PinnedTweetId) || s.pinned {
        user.pinned_tweet_id = p.pinned_tweet_id.map(TweetId::new);
    }
    if s.has(&UserField::MostRecentTweetId) || s.most_recent {
        user.most_recent_tweet_id = p.latest.as_ref().map(|t| TweetId::new(t.id));
    }
    if s.has(&UserField::ProfileImageUrl) {
        user.profile_image_url = Some(p.avatar_https.as_str().into());
    }
    if s.has(&UserField::ProfileBannerUrl) {
        user.profile_banner_url = p.banner.as_deref().map(Into::into);
    }
    if s.has(&UserField::Protected) {
        user.protected = Some(p.protected);
    }
    if s.has(&UserField::PublicMetrics) {
        user.public_metrics = Some(UserPublicMetrics {
            followers_count: graph.followers(index).len() as u64,
            following_count: graph.following(index).len() as u64,
            tweet_count: p.statuses_count,
            listed_count: p.listed_count,
            like_count: Some(p.favourites_count),
        });
    }
    if s.has(&UserField::Url) {
        user.url = Some(p.url.as_ref().map_or("", |link| link.tco.as_str()).into());
    }
    if s.has(&UserField::Verified) {
        user.verified = Some(p.verified);
    }
    if s.has(&UserField::VerifiedType) {
        user.verified_type = Some(match (p.verified, dir.rank(index) < 100) {
            (true, true) => VerifiedType::Business,
            (true, false) => VerifiedType::Blue,
            _ => VerifiedType::None,
        });
    }
    if s.has(&UserField::SubscriptionType) {
        user.subscription_type = Some(SubscriptionType::None);
    }
    if s.has(&UserField::ReceivesYourDm) {
        user.receives_your_dm = Some(!p.protected);
    }
    if s.has(&UserField::ConnectionStatus)
        && let Some(v) = viewer
    {
        user.connection_status = Some(connection_status(graph, v, index));
    }
    if s.has(&UserField::IsIdentityVerified) {
        user.is_identity_verified = Some(false);
    }
    if s.has(&UserField::Parody) {
        user.parody = Some(false);
    }
    if s.has(&UserField::Subscription) && viewer.is_some() {
        user.subscription = Some(UserSubscription {
            subscribes_to_you: false,
        });
    }
    if s.has(&UserField::VerifiedFollowersCount) {
        user.verified_followers_count = Some(graph.followers(index).len() as u64 / 50);
    }
    user
}

/// The tweets a v2 user list expands into `includes.tweets`.
pub(crate) fn v2_tweets(dir: &Directory, index: u32, selection: &Selection) -> Vec<v2::Tweet> {
    let p = Profile::of(dir, index);
    let Some(latest) = p.latest.as_ref() else {
        return Vec::new();
    };
    let wanted = (selection.most_recent) || (selection.pinned && p.pinned_tweet_id.is_some());
    if !wanted {
        return Vec::new();
    }
    let mut tweet = v2::Tweet::new(TweetId::new(latest.id), &latest.text);
    tweet.edit_history_tweet_ids = vec![TweetId::new(latest.id)];
    let s = selection;
    if s.has_tweet(&TweetField::CreatedAt) {
        tweet.created_at = Some(latest.created_at);
    }
    if s.has_tweet(&TweetField::AuthorId) {
        tweet.author_id = Some(UserId::new(p.id));
    }
    if s.has_tweet(&TweetField::Lang) {
        tweet.lang = Some(latest.lang.into());
    }
    if s.has_tweet(&TweetField::ConversationId) {
        tweet.conversation_id = Some(TweetId::new(latest.id));
    }
    if s.has_tweet(&TweetField::PossiblySensitive) {
        tweet.possibly_sensitive = Some(false);
    }
    if s.has_tweet(&TweetField::PublicMetrics) {
        tweet.public_metrics = Some(TweetPublicMetrics {
            retweet_count: latest.retweet_count,
            reply_count: latest.reply_count,
            like_count: latest.favorite_count,
            quote_count: Some(0),
            bookmark_count: Some(0),
            impression_count: Some(latest.favorite_count * 40),
        });
    }
    vec![tweet]
}

fn v2_link(link: &Link) -> V2UrlEntity {
    V2UrlEntity {
        start: link.indices[0],
        end: link.indices[1],
        url: link.tco.as_str().into(),
        expanded_url: Some(link.expanded.as_str().into()),
        display_url: Some(link.display.as_str().into()),
        status: None,
        title: None,
        description: None,
        unwound_url: None,
        images: Vec::new(),
        media_key: None,
    }
}

fn connection_status(graph: &Graph, viewer: u32, index: u32) -> ConnectionStatuses {
    let mut status = ConnectionStatuses::new();
    if graph.has_requested(index, viewer) {
        status.insert(ConnectionStatus::FollowRequestReceived);
    }
    if graph.has_requested(viewer, index) {
        status.insert(ConnectionStatus::FollowRequestSent);
    }
    if graph.blocks(viewer, index) {
        status.insert(ConnectionStatus::Blocking);
    }
    if graph.follows(index, viewer) {
        status.insert(ConnectionStatus::FollowedBy);
    }
    if graph.follows(viewer, index) {
        status.insert(ConnectionStatus::Following);
    }
    if graph.mutes(viewer, index) {
        status.insert(ConnectionStatus::Muting);
    }
    status
}

/// friendships/lookup's connections of `viewer` to `index` (`["none"]` when there are none).
pub(crate) fn connections(graph: &Graph, viewer: u32, index: u32) -> Vec<v1::Connection> {
    let mut found = Vec::new();
    if graph.follows(viewer, index) {
        found.push(v1::Connection::Following);
    }
    if graph.has_requested(viewer, index) {
        found.push(v1::Connection::FollowingRequested);
    }
    if graph.follows(index, viewer) {
        found.push(v1::Connection::FollowedBy);
    }
    if graph.blocks(viewer, index) {
        found.push(v1::Connection::Blocking);
    }
    if graph.mutes(viewer, index) {
        found.push(v1::Connection::Muting);
    }
    if found.is_empty() {
        found.push(v1::Connection::None);
    }
    found
}

/// The relationship between `source` and `target`. The source's private flags are shown only
/// to the source itself (`null` otherwise, as X does for app-only and third parties).
pub(crate) fn relationship(
    dir: &Directory,
    graph: &Graph,
    source: u32,
    target: u32,
    viewer: Option<u32>,
) -> v1::RelationshipResponse {
    let own = viewer == Some(source);
    let private = |value: bool| own.then_some(value);
    v1::RelationshipResponse {
        relationship: v1::Relationship {
            source: v1::RelationshipSource {
                id: UserId::new(dir.id(source)),
                screen_name: dir.screen_name(source).into(),
                following: Some(graph.follows(source, target)),
                followed_by: Some(graph.follows(target, source)),
                live_following: private(false),
                following_received: private(graph.has_requested(target, source)),
                following_requested: private(graph.has_requested(source, target)),
                notifications_enabled: private(graph.notifies(source, target)),
                can_dm: private(graph.follows(target, source)),
                blocking: private(graph.blocks(source, target)),
                blocked_by: private(graph.blocks(target, source)),
                muting: private(graph.mutes(source, target)),
                want_retweets: private(!graph.hides_retweets(source, target)),
                all_replies: private(false),
                marked_spam: private(false),
            },
            target: v1::RelationshipTarget {
                id: UserId::new(dir.id(target)),
                screen_name: dir.screen_name(target).into(),
                following: Some(graph.follows(target, source)),
                followed_by: Some(graph.follows(source, target)),
                following_received: private(graph.has_requested(source, target)),
                following_requested: private(graph.has_requested(target, source)),
            },
        },
    }
}
