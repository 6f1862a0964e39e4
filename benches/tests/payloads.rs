//! Every generated payload decodes with the project's own types (and through each of the paths
//! the benchmarks measure), has the size the issue asks for, and carries the realistic values
//! it claims; the peers' decodings succeed where they can, and the signatures agree.

#[path = "../benches/peers/mod.rs"]
mod peers;

use twapi_bench::payload::{self, Payloads};
use twapi_bench::signing::{Case, credentials, signature_of, twapi_header};
use twapi_core::Payload;
use twapi_model::v1::{IdForm, IdPage, UserPage};
use twapi_model::v2;

fn payloads() -> &'static Payloads {
    static PAYLOADS: std::sync::OnceLock<Payloads> = std::sync::OnceLock::new();
    PAYLOADS.get_or_init(Payloads::generate)
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(
        payloads().v1_user_page,
        payload::v1_user_page(payload::SEED, 200)
    );
    assert_eq!(
        payloads().v2_user_page,
        payload::v2_user_page(payload::SEED, 1_000)
    );
    assert_ne!(payloads().v1_user_page, payload::v1_user_page(1, 200));
}

#[test]
fn v1_user_page_decodes_and_is_realistic() {
    let body = &payloads().v1_user_page;
    let size = body.len();
    assert!((450_000..=560_000).contains(&size), "{size} bytes");
    let page = <UserPage as Payload>::decode(body).expect("decodes");
    assert_eq!(page.users.len(), 200);
    assert!(page.next_cursor.get() > 0 && page.previous_cursor.get() < 0);
    let big_ids = page.users.iter().filter(|u| u.id.get() > 1 << 53).count();
    assert!(big_ids > 100, "{big_ids} ids above 2^53");
    assert!(page.users.iter().any(|u| u.id.get() < 1 << 32));
    let with_status = page.users.iter().filter(|u| u.status.is_some()).count();
    assert!((150..200).contains(&with_status), "{with_status} statuses");
    assert!(page.users.iter().any(|u| {
        u.name
            .as_deref()
            .is_some_and(|n| n.chars().any(|c| c as u32 > 0xFFFF))
    }));
    assert!(
        page.users
            .iter()
            .any(|u| u.name.as_deref().is_some_and(|n| n.contains('"')))
    );
    assert!(
        page.users
            .iter()
            .any(|u| u.description.as_deref().is_some_and(|d| d.contains('\n')))
    );
    assert!(page.users.iter().any(|u| {
        u.entities
            .as_ref()
            .is_some_and(|e| !e.description.urls.is_empty())
    }));
    assert!(
        page.users
            .iter()
            .all(|u| u.lang.is_none() && u.utc_offset.is_none())
    );
    // The escapes X's v1.1 servers write.
    let text = std::str::from_utf8(body).unwrap();
    for escape in [r"\/", r"\u003c", r"\ud83", r#"\""#, r"\n", "&amp;"] {
        assert!(text.contains(escape), "no {escape}");
    }
    // Every status's user mentions and links sit where their indices say (code points).
    for tweet in page.users.iter().filter_map(|u| u.status.as_deref()) {
        let chars: Vec<char> = tweet.text().chars().collect();
        for m in tweet.entities.iter().flat_map(|e| &e.user_mentions) {
            let [start, end] = m.indices.map(|i| i as usize);
            let shown: String = chars[start..end].iter().collect();
            assert_eq!(shown, format!("@{}", m.screen_name));
        }
    }
    // serde's own reading agrees.
    assert_eq!(serde_json::from_slice::<UserPage>(body).unwrap(), page);
}

#[test]
fn id_pages_decode_in_both_forms() {
    let numbers = <IdPage as Payload>::decode(&payloads().v1_ids_numbers).expect("decodes");
    let strings = <IdPage as Payload>::decode(&payloads().v1_ids_strings).expect("decodes");
    assert_eq!(numbers.ids.len(), 5_000);
    assert_eq!(numbers.form, IdForm::Number);
    assert_eq!(strings.form, IdForm::String);
    assert_eq!(numbers.ids, strings.ids);
    assert!(numbers.ids.iter().filter(|id| id.get() > 1 << 53).count() > 3_000);
}

#[test]
fn v2_user_page_decodes_and_is_realistic() {
    let body = &payloads().v2_user_page;
    let size = body.len();
    assert!((600_000..=800_000).contains(&size), "{size} bytes");
    let fast = v2::UserPage::decode(body).expect("decodes");
    let generic: v2::UserPage = twapi_model::decode(body).expect("decodes");
    assert_eq!(fast, generic);
    let users = fast.items();
    assert_eq!(users.len(), 1_000);
    assert!(
        users
            .iter()
            .all(|u| u.created_at.is_some() && u.public_metrics.is_some())
    );
    assert!(
        users
            .iter()
            .any(|u| u.name.chars().any(|c| c as u32 > 0xFFFF))
    );
    assert!(users.iter().any(|u| u.withheld.is_some()));
    assert!(users.iter().any(|u| u.affiliation.is_some()));
    assert!(fast.next_token().is_some());
    let text = std::str::from_utf8(body).unwrap();
    assert!(
        text.contains(r"\uD83"),
        "astral characters escaped as v2 does"
    );
    assert!(!text.contains(r"\/"), "v2 does not escape slashes");
}

/// The independent harness's page (issue 27, 4a): every user has a bio (most longer than any
/// inline string), a link and entities. Its escape sequences (an astral character's
/// surrogate pair counts two) are a few more than the harness's 1,359, so it asks no less.
#[test]
fn talkative_v2_page_is_what_the_harness_measured() {
    let body = &payloads().v2_talkative_page;
    let fast = v2::UserPage::decode(body).expect("decodes");
    let generic: v2::UserPage = twapi_model::decode(body).expect("decodes");
    assert_eq!(fast, generic);
    let users = fast.items();
    assert_eq!(users.len(), 1_000);
    // Longer than the 24 bytes a `CompactString` keeps inline.
    let long_bio = |u: &&v2::User| u.description.as_deref().is_some_and(|d| d.len() > 24);
    assert!(
        users
            .iter()
            .all(|u| u.url.as_deref().is_some_and(|l| !l.is_empty()))
    );
    assert!(users.iter().all(|u| u.entities.is_some()));
    assert!(users.iter().filter(long_bio).count() > 900);
    // Escape sequences: a backslash starts one and the byte after it belongs to it.
    let (mut escapes, mut at) = (0, 0);
    while let Some(offset) = body
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\\'))
    {
        escapes += 1;
        at += offset + 2;
    }
    assert!((1_359..=2_000).contains(&escapes), "{escapes} escapes");
}

#[test]
fn peers_decode_what_they_can() {
    let users = peers::egg_mode_users(&payloads().v1_user_page).expect("egg-mode reads the users");
    assert_eq!(users.users.len(), 200);
    let ids = peers::egg_mode_ids(&payloads().v1_ids_numbers).expect("egg-mode reads number ids");
    assert_eq!(ids.ids.len(), 5_000);
    // egg-mode's ids are `u64`: a stringify_ids page is not something it can read.
    assert!(peers::egg_mode_ids(&payloads().v1_ids_strings).is_err());
    let v2 = peers::twitter_v2_users(&payloads().v2_user_page).expect("twitter-v2 reads it");
    assert_eq!(v2.data.map(|d| d.len()), Some(1_000));
}

#[test]
fn every_signer_produces_the_same_signature() {
    let signer = twapi_auth::oauth1::Signer::new(&credentials());
    let builder = peers::oauth1_builder();
    for case in Case::ALL {
        let ours = signature_of(&twapi_header(&signer, case));
        let theirs = signature_of(&peers::oauth1_header(&builder, case));
        assert!(ours.is_some());
        assert_eq!(ours, theirs, "{}", case.name());
    }
}
