use super::*;
use std::path::Path;

const SEED: &str = include_str!("../../prompts/syria-strike-2017.toml");
const ARTICLE: &str = include_str!("../../tests/fixtures/seed/article.txt");

fn seed() -> Prompt {
    Prompt::from_str_at(Path::new("prompts/syria-strike-2017.toml"), SEED).expect("seed loads")
}

fn problems(text: &str) -> Vec<String> {
    Prompt::from_str_at(Path::new("p/bad.toml"), text)
        .expect_err("must be refused")
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The seed with its text changed: `edit(seed_text)`.
fn seed_with(edit: impl FnOnce(String) -> String) -> String {
    edit(SEED.to_string())
}

#[test]
fn seed_prompt_loads_with_the_articles_question_verbatim() {
    let p = seed();
    assert_eq!(p.id, "syria-strike-2017");
    assert_eq!(
        p.question,
        "How do you think the United States should move forward?"
    );
    assert!(ARTICLE.contains(&p.question));
}

#[test]
fn seed_summary_is_at_most_about_120_words() {
    let words = seed().summary.split_whitespace().count();
    assert!(words <= 125, "{words} words");
}

#[test]
fn seed_names_the_actors_the_article_reports() {
    let p = seed();
    let names: Vec<&str> = p.actors.iter().map(|a| a.name.as_str()).collect();
    for who in [
        "Vladimir Putin",
        "Boris Johnson",
        "Rex Tillerson",
        "G7 foreign ministers",
        "United States government",
        "Syrian government",
    ] {
        assert!(names.contains(&who), "{who} missing from {names:?}");
    }
    let us = &p.actors[names
        .iter()
        .position(|n| *n == "United States government")
        .unwrap()];
    assert!(us.role.contains("Donald Trump"));
    assert!(us.digest.contains("strike") && us.digest.contains("Russia knew"));
    let syria = &p.actors[names
        .iter()
        .position(|n| *n == "Syrian government")
        .unwrap()];
    assert!(syria
        .digest
        .contains("no statement from the Syrian government"));
    assert!(p
        .summary
        .contains("no statement from the Syrian government"));
}

#[test]
fn seed_quotes_are_verbatim_from_the_article() {
    for a in seed().actors {
        for q in &a.quotes {
            assert!(
                ARTICLE.contains(q.as_str()),
                "not verbatim ({}): {q}",
                a.name
            );
        }
    }
}

#[test]
fn seed_never_uses_the_articles_loaded_words_in_its_own_voice() {
    let p = seed();
    assert_eq!(lint::lint(&p), vec![], "lint findings on the seed");
    for (field, text) in lint::voiced_fields(&p) {
        let voice = lint::outside_quotes(text).to_lowercase();
        for loaded in [
            "despicable",
            "atrocities",
            "gin up",
            "none other than",
            "claimed",
            "tyrant",
        ] {
            assert!(!voice.contains(loaded), "{field} says {loaded:?}");
        }
    }
}

#[test]
fn seed_options_span_the_courses_and_non_intervention() {
    let p = seed();
    assert!((3..=8).contains(&p.options.len()));
    let keys: Vec<&str> = p.options.iter().map(|o| o.key.as_str()).collect();
    for k in [
        "military-pressure",
        "sanctions-after-inquiry",
        "transition-with-russia",
        "stay-out",
    ] {
        assert!(keys.contains(&k), "{k}");
    }
    assert!(p.options.iter().all(|o| o.label.chars().count() <= 80));
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    let text = seed_with(|s| s.replacen("[source]", "[source", 1));
    let line = text.lines().position(|l| l == "[source").unwrap() + 1;
    let ps = problems(&text);
    assert_eq!(ps.len(), 1);
    assert!(ps[0].starts_with(&format!("p/bad.toml:{line}:")), "{ps:?}");
}

#[test]
fn unknown_field_is_refused_with_its_line_and_name() {
    let text = seed_with(|s| s.replacen("[source]\n", "[source]\npublisher = \"x\"\n", 1));
    let line = text
        .lines()
        .position(|l| l.starts_with("publisher"))
        .unwrap()
        + 1;
    let ps = problems(&text);
    assert!(ps[0].starts_with(&format!("p/bad.toml:{line}:")), "{ps:?}");
    assert!(ps[0].contains("publisher"), "{ps:?}");
}

#[test]
fn missing_question_is_refused_naming_the_field() {
    let text = seed_with(|s| {
        s.lines()
            .filter(|l| !l.starts_with("question ="))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let ps = problems(&text);
    assert!(ps[0].starts_with("p/bad.toml:"), "{ps:?}");
    assert!(
        ps[0].contains("question") && ps[0].contains("missing"),
        "{ps:?}"
    );
}

#[test]
fn duplicate_option_key_is_refused_at_its_line() {
    let text = seed_with(|s| s.replacen("key = \"stay-out\"", "key = \"other\"", 1));
    // the second use of the key is the duplicate
    let line = text
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| *l == "key = \"other\"")
        .unwrap()
        + 1;
    let ps = problems(&text);
    assert_eq!(ps.len(), 1, "{ps:?}");
    assert!(
        ps[0].starts_with(&format!("p/bad.toml:{line}:")) && ps[0].contains("options[5].key"),
        "{ps:?}"
    );
    assert!(ps[0].contains("duplicate option key `other`"), "{ps:?}");
}

#[test]
fn over_long_option_label_is_refused_naming_the_limit() {
    let long = "x".repeat(81);
    let text = seed_with(|s| {
        s.replacen(
            "label = \"Other (explain in the thread)\"",
            &format!("label = \"{long}\""),
            1,
        )
    });
    let line = text.lines().position(|l| l.contains(&long)).unwrap() + 1;
    let ps = problems(&text);
    assert!(ps[0].starts_with(&format!("p/bad.toml:{line}:")), "{ps:?}");
    assert!(
        ps[0].contains("options[5].label")
            && ps[0].contains("81 characters")
            && ps[0].contains("80"),
        "{ps:?}"
    );
}

#[test]
fn too_many_options_are_refused() {
    let mut text = SEED.to_string();
    for i in 0..3 {
        text.push_str(&format!(
            "\n[[options]]\nkey = \"extra{i}\"\nlabel = \"Extra {i}\"\n"
        ));
    }
    let ps = problems(&text);
    assert!(
        ps.iter().any(|p| p.contains("options: 9 options")),
        "{ps:?}"
    );
}

#[test]
fn empty_text_is_refused_at_its_line() {
    let text = seed_with(|s| s.replacen("name = \"Rex Tillerson\"", "name = \"  \"", 1));
    let line = text.lines().position(|l| l == "name = \"  \"").unwrap() + 1;
    let ps = problems(&text);
    assert_eq!(
        ps,
        vec![format!(
            "p/bad.toml:{line}:8: actors[2].name: must not be empty"
        )]
    );
}

#[test]
fn one_bad_file_never_hides_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-good.toml"), SEED).unwrap();
    std::fs::write(dir.path().join("b-bad.toml"), "title = ").unwrap();
    std::fs::write(
        dir.path().join("c-bad.toml"),
        SEED.replace("question =", "questoin ="),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.md"), "not a prompt").unwrap();
    let c = Catalog::load_dir(dir.path());
    assert_eq!(c.prompts.keys().collect::<Vec<_>>(), vec!["a-good"]);
    assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
    assert!(c.problems[0].file.ends_with("b-bad.toml"));
    assert!(c.problems[1].file.ends_with("c-bad.toml"));
}

#[test]
fn file_name_must_make_a_valid_id() {
    let ps: Vec<String> = Prompt::from_str_at(Path::new("p/Bad Name.toml"), SEED)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(ps[0].contains("`Bad Name`"), "{ps:?}");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_to_dev_zero_named_like_a_prompt_is_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.toml"), SEED).unwrap();
    let fifo = dir.path().join("fifo.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.toml")).unwrap();
    std::fs::create_dir(dir.path().join("folder.toml")).unwrap();
    std::fs::write(dir.path().join("huge.toml"), vec![b'#'; 2 << 20]).unwrap();
    let path = dir.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(Catalog::load_dir(&path));
    });
    let catalog = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("loading the folder never hangs");
    assert_eq!(catalog.prompts.len(), 1);
    let problems: Vec<String> = catalog.problems.iter().map(|p| p.to_string()).collect();
    let of = |name: &str| dir.path().join(name).display().to_string();
    assert_eq!(
        problems,
        [
            format!(
                "{}: not a regular file but a FIFO; skipped",
                of("fifo.toml")
            ),
            format!(
                "{}: not a regular file but a directory; skipped",
                of("folder.toml")
            ),
            format!(
                "{}: 2097152 bytes, more than the 1048576 a file may have here; skipped",
                of("huge.toml")
            ),
            format!(
                "{}: not a regular file but a character device; skipped",
                of("zero.toml")
            ),
        ]
    );
}
