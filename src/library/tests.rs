use super::*;
use crate::store::{NewDiscussion, StoreConfig};

const G1: ServerId = ServerId::Guild(1);
const G2: ServerId = ServerId::Guild(2);

const SEED: &str = include_str!("../../prompts/syria-strike-2017.toml");

fn seed(id: &str) -> Prompt {
    let mut p = Prompt::from_str_at(Path::new("prompts/syria-strike-2017.toml"), SEED).unwrap();
    p.id = id.to_string();
    p
}

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn setup() -> (tempfile::TempDir, Store, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db"), &StoreConfig::default()).unwrap();
    let mut files = Catalog::default();
    files
        .prompts
        .insert("syria-strike-2017".into(), seed("syria-strike-2017"));
    (dir, store, files)
}

#[test]
fn a_draft_with_placeholders_is_refused_approval_naming_each_field() {
    let (_d, store, files) = setup();
    let mut p = seed("next");
    p.options[0].label = format!("{} stance 1", prompt::PLACEHOLDER);
    let review = save_draft(&store, G1, &p, "ana", at(0)).unwrap();
    assert!(!review.approvable());
    let err = approve(&files, &store, G1, "next", "ben", at(1)).unwrap_err();
    assert!(err.to_string().contains("options[0].label"), "{err}");
    // Not approved: the server's catalog does not have it.
    assert!(catalog_for(&files, &store, G1)
        .unwrap()
        .get("next")
        .is_none());
}

#[test]
fn an_approved_draft_joins_the_servers_catalog_with_the_files() {
    let (_d, store, files) = setup();
    save_draft(&store, G1, &seed("next"), "ana", at(0)).unwrap();
    assert_eq!(
        approve(&files, &store, G1, "next", "ben", at(1)).unwrap(),
        1
    );
    let c = catalog_for(&files, &store, G1).unwrap();
    assert!(c.get("next").is_some() && c.get("syria-strike-2017").is_some());
    // Another server sees the files only.
    let other = catalog_for(&files, &store, G2).unwrap();
    assert!(other.get("next").is_none() && other.get("syria-strike-2017").is_some());
    let e = find(&files, &store, G1, "next").unwrap().unwrap();
    assert_eq!(e.state(), "approved v1");
    let Entry::Stored(s) = e else { panic!() };
    assert_eq!(s.approved.unwrap().by, "ben");
}

#[test]
fn editing_an_approved_prompt_keeps_the_approved_version_until_approved_again() {
    let (_d, store, files) = setup();
    save_draft(&store, G1, &seed("next"), "ana", at(0)).unwrap();
    approve(&files, &store, G1, "next", "ben", at(1)).unwrap();
    let mut p = seed("next");
    p.title = "Changed".into();
    save_draft(&store, G1, &p, "ana", at(2)).unwrap();
    let e = find(&files, &store, G1, "next").unwrap().unwrap();
    assert_eq!(e.state(), "approved v1, edited since");
    assert_ne!(
        catalog_for(&files, &store, G1)
            .unwrap()
            .get("next")
            .unwrap()
            .title,
        "Changed"
    );
    assert_eq!(
        approve(&files, &store, G1, "next", "ben", at(3)).unwrap(),
        2
    );
    assert_eq!(
        catalog_for(&files, &store, G1)
            .unwrap()
            .get("next")
            .unwrap()
            .title,
        "Changed"
    );
}

#[test]
fn delete_is_refused_for_a_file_a_scheduled_prompt_and_one_in_a_running_discussion() {
    let (_d, store, files) = setup();
    let err = delete(&files, &store, G1, "syria-strike-2017", &[]).unwrap_err();
    assert!(matches!(err, LibraryError::IsFile(_)), "{err}");
    save_draft(&store, G1, &seed("next"), "ana", at(0)).unwrap();
    let err = delete(&files, &store, G1, "next", &["weekly".into()]).unwrap_err();
    assert!(err.to_string().contains("schedule `weekly`"), "{err}");
    let p = seed("next");
    store
        .insert_discussion(NewDiscussion {
            server: G1,
            prompt: &p,
            channel: "console",
            option_order: &[],
            opened_at: at(1),
            closes_at: None,
        })
        .unwrap();
    let err = delete(&files, &store, G1, "next", &[]).unwrap_err();
    assert!(err.to_string().contains("still open"), "{err}");
    assert!(matches!(
        delete(&files, &store, G1, "gone", &[]).unwrap_err(),
        LibraryError::NotFound(_)
    ));
    save_draft(&store, G1, &seed("spare"), "ana", at(0)).unwrap();
    delete(&files, &store, G1, "spare", &[]).unwrap();
    assert!(find(&files, &store, G1, "spare").unwrap().is_none());
}

#[test]
fn prompts_exported_to_files_import_back_unchanged() {
    let (dir, store, files) = setup();
    save_draft(&store, G1, &seed("next"), "ana", at(0)).unwrap();
    approve(&files, &store, G1, "next", "ben", at(1)).unwrap();
    let out = dir.path().join("out");
    let written = export_dir(&store, G1, &out).unwrap();
    assert_eq!(written, vec![out.join("next.toml")]);
    // Importing into another server gives the same prompt, approved there.
    let ids = import_dir(&store, G2, &out, "host", at(5)).unwrap();
    assert_eq!(ids, vec!["next".to_string()]);
    assert_eq!(
        store.approved_prompts(G2).unwrap(),
        store.approved_prompts(G1).unwrap()
    );
    // Importing again changes nothing (no new version).
    assert!(import_dir(&store, G2, &out, "host", at(6))
        .unwrap()
        .is_empty());
    let Entry::Stored(s) = find(&files, &store, G2, "next").unwrap().unwrap() else {
        panic!()
    };
    assert_eq!(s.approved.unwrap().version, 1);
}

#[test]
fn import_of_a_folder_with_a_bad_file_imports_nothing_and_names_the_file() {
    let (dir, store, _files) = setup();
    let src = dir.path().join("in");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("good.toml"), SEED).unwrap();
    std::fs::write(src.join("bad.toml"), "title = 3\n").unwrap();
    let err = import_dir(&store, G1, &src, "host", at(0)).unwrap_err();
    assert!(err.to_string().contains("bad.toml"), "{err}");
    assert!(store.stored_prompts(G1).unwrap().is_empty());
}
