//! One function per fuzz target. Included by path from twapi-core's corpus replay test, so it
//! depends only on twapi-model, twapi-auth and twapi-core.

use twapi_model::{decode, v1, v2};

/// Every v1.1 and v2 body type of the model, decoded from the same bytes; a value that decodes
/// must survive encode → decode unchanged.
pub fn model_decode(data: &[u8]) {
    round_trip::<v1::User>(data);
    round_trip::<Vec<v1::User>>(data);
    round_trip::<v1::UserPage>(data);
    round_trip::<v1::IdPage>(data);
    round_trip::<v1::NoRetweetIds>(data);
    round_trip::<v1::RelationshipResponse>(data);
    round_trip::<Vec<v1::Friendship>>(data);
    round_trip::<v1::ErrorBody>(data);
    round_trip::<v2::UserPage>(data);
    round_trip::<v2::UserResponse>(data);
    round_trip::<v2::FollowResponse>(data);
    round_trip::<v2::UnfollowResponse>(data);
    round_trip::<v2::ErrorBody>(data);
}

fn round_trip<T>(data: &[u8])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    if let Ok(value) = decode::<T>(data) {
        let encoded = serde_json::to_vec(&value).expect("a decoded value encodes");
        let again: T = decode(&encoded).expect("an encoded value decodes");
        assert_eq!(again, value, "decode → encode → decode changed the value");
    }
}

/// The fast v2 page reader against serde: whenever it accepts a body, serde must read the
/// same page; when it refuses, serde decides, so both paths must agree on success.
pub fn v2_page_reader(data: &[u8]) {
    let fast = v2::UserPage::decode(data);
    let serde = decode::<v2::UserPage>(data);
    match (fast, serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the fast reader and serde read different pages"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("the fast reader and serde disagree: {a:?} vs {b:?}"),
    }
}
