//! The two vocabularies: the emulator reads requests in either and answers in the one the
//! request used (the classic names when it used neither), and writes problem types on
//! `https://api.x.com/2/problems/` as production does; the model reads both hosts alike.

mod harness;

use bytes::Bytes;
use harness::{id, oauth1, send, user};
use twapi_core::fields::{Expansion, Fields, TweetField, UserField, Vocabulary};
use twapi_core::request::{ApiRequest, v2 as rq2};
use twapi_core::{Api, Auth, Stamp, decode_reply};
use twapi_model::UserId;
use twapi_model::v2::vocabulary::{self, NAME_PAIRS, Place};
use twapi_model::v2::{ProblemKind, ProblemType};

/// The raw answer to `request` written in `vocabulary`.
async fn answer<R: ApiRequest>(
    base: &str,
    request: &R,
    auth: &Auth,
    vocabulary: Vocabulary,
) -> http::Response<Bytes> {
    let nonce = twapi_auth::system::nonce().expect("the OS has randomness");
    let stamp = Stamp {
        timestamp: twapi_auth::system::unix_now(),
        nonce: &nonce,
    };
    let http = Api::new(base)
        .expect("a valid base URL")
        .with_vocabulary(vocabulary)
        .prepare(request, auth, stamp)
        .expect("a valid request");
    send(http).await
}

fn has_key(body: &[u8], key: &str) -> bool {
    String::from_utf8_lossy(body).contains(&format!("\"{key}\":"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_in_the_vocabulary_of_the_request() {
    let emulator = harness::start(2_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let top = user(&facts, "most_followed", 0);
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let request = rq2::UserById {
        id: UserId::new(id(top)),
        fields: Fields {
            user_fields: vec![UserField::PublicMetrics, UserField::MostRecentTweetId],
            expansions: vec![Expansion::MostRecentTweetId],
            tweet_fields: vec![TweetField::CreatedAt, TweetField::PublicMetrics],
        },
    };

    let classic = answer(base, &request, &auth, Vocabulary::Tweet).await;
    let post = answer(base, &request, &auth, Vocabulary::Post).await;
    assert_eq!(classic.status(), 200);
    assert_eq!(post.status(), 200);
    for key in [
        "tweet_count",
        "most_recent_tweet_id",
        "tweets",
        "retweet_count",
    ] {
        assert!(has_key(classic.body(), key), "{key} in the classic answer");
    }
    // The 2.167 answer is the classic one with every paired key in its 2.167 name.
    let pairs = NAME_PAIRS.iter().filter(|p| p.place == Place::Field);
    for pair in pairs {
        assert!(
            !has_key(post.body(), pair.tweet),
            "{} in the 2.167 answer",
            pair.tweet
        );
        assert!(
            !has_key(classic.body(), pair.post),
            "{} in the classic answer",
            pair.post
        );
    }
    for key in ["post_count", "most_recent_post_id", "posts", "repost_count"] {
        assert!(has_key(post.body(), key), "{key} in the 2.167 answer");
    }
    assert_eq!(
        vocabulary::translate(classic.body(), Vocabulary::Post),
        post.body().as_ref()
    );
    // Both decode to the same value.
    let classic = decode_reply::<rq2::UserById>(classic)
        .expect("decodes")
        .value;
    let post = decode_reply::<rq2::UserById>(post).expect("decodes").value;
    assert_eq!(classic, post);
    assert!(classic.includes.is_some_and(|i| !i.tweets.is_empty()));

    // A request whose names are the same in both vocabularies gets the classic names, as
    // every response recorded from production has them.
    let neutral = rq2::UserById {
        id: UserId::new(id(top)),
        fields: Fields::users([UserField::PublicMetrics]),
    };
    for vocabulary in Vocabulary::ALL {
        let neither = answer(base, &neutral, &auth, vocabulary).await;
        assert!(has_key(neither.body(), "tweet_count"));
        assert!(!has_key(neither.body(), "post_count"));
    }

    // Only `post.fields`, or only a 2.167 expansion, is enough to be answered in 2.167.
    for query in [
        "user.fields=public_metrics&post.fields=created_at",
        "user.fields=public_metrics&expansions=most_recent_post_id",
    ] {
        let url = format!("{base}/2/users/{}?{query}", top.id);
        let mut http = http::Request::get(url).body(Bytes::new()).unwrap();
        let bearer = format!("Bearer {}", facts.bearer_token);
        http.headers_mut()
            .insert(http::header::AUTHORIZATION, bearer.parse().unwrap());
        let response = send(http).await;
        assert_eq!(response.status(), 200, "{query}");
        assert!(has_key(response.body(), "post_count"), "{query}");
        assert!(!has_key(response.body(), "tweet_count"), "{query}");
    }
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn problem_types_are_on_api_x_com() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let auth = harness::app(&facts);
    let missing = rq2::UsersByIds {
        ids: vec![UserId::new(id(user(&facts, "plain", 0))), UserId::new(1)],
        fields: Fields::default(),
    };
    for vocabulary in Vocabulary::ALL {
        let response = answer(base, &missing, &auth, vocabulary).await;
        let body = harness::json(&response);
        assert_eq!(
            body["errors"][0]["type"],
            "https://api.x.com/2/problems/resource-not-found"
        );
        let page = decode_reply::<rq2::UsersByIds>(response)
            .expect("a partial error is a success")
            .value;
        assert_eq!(page.errors[0].kind(), &ProblemKind::ResourceNotFound);
        // The same problem on the classic host is of the same kind.
        let classic = ProblemType::parse(
            &page.errors[0]
                .r#type
                .as_str()
                .replace(ProblemType::X_PREFIX, ProblemType::TWITTER_PREFIX),
        );
        assert_eq!(
            classic.as_str(),
            "https://api.twitter.com/2/problems/resource-not-found"
        );
        assert_eq!(classic.kind(), page.errors[0].kind());
    }
    // A top-level problem too.
    let url = format!("{base}/2/users?ids=x");
    let mut http = http::Request::get(url).body(Bytes::new()).unwrap();
    let bearer = format!("Bearer {}", facts.bearer_token);
    http.headers_mut()
        .insert(http::header::AUTHORIZATION, bearer.parse().unwrap());
    let response = send(http).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        harness::json(&response)["type"],
        "https://api.x.com/2/problems/invalid-request"
    );
    emulator.shutdown().await;
}
