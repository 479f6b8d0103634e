use super::*;

const SEED: &str = include_str!("../../tests/fixtures/seed/article.txt");

fn options() -> DraftOptions {
    DraftOptions::new("syria-strike-2017", &DraftConfig::default())
}

fn seed() -> Draft {
    draft_text(Path::new("article.txt"), SEED, &options()).expect("seed drafts")
}

fn names(d: &Draft, speaks: bool) -> Vec<String> {
    d.analysis
        .actors
        .iter()
        .filter(|a| a.speaks == speaks)
        .map(|a| a.name.clone())
        .collect()
}

fn actor<'a>(d: &'a Draft, name: &str) -> &'a crate::prompt::Actor {
    d.prompt
        .actors
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("{name} not in {:?}", names(d, true)))
}

#[test]
fn draft_finds_the_seed_speakers_with_their_quotes() {
    let d = seed();
    assert_eq!(
        names(&d, true),
        vec![
            "Vladimir Putin",
            "Rex Tillerson",
            "G7 foreign ministers",
            "Boris Johnson"
        ]
    );
    let putin = actor(&d, "Vladimir Putin");
    assert_eq!(putin.quotes.len(), 1);
    assert!(putin.quotes[0].starts_with("We have information that a similar provocation"));
    let johnson = actor(&d, "Boris Johnson");
    assert_eq!(johnson.role, "Foreign Secretary");
    let opening: Vec<String> = johnson
        .quotes
        .iter()
        .map(|q| q.chars().take(12).collect())
        .collect();
    assert_eq!(
        opening,
        vec![
            "What we’re d",
            "And after th",
            "Did they kno",
            "It may very ",
            "The Russians",
            "Now they hav"
        ]
    );
    let tillerson = actor(&d, "Rex Tillerson");
    assert_eq!(tillerson.quotes.len(), 2);
    assert!(tillerson.quotes[0].starts_with("It is clear to all of us"));
    assert!(tillerson.quotes[1].starts_with("Russia has really aligned"));
    assert_eq!(
        actor(&d, "G7 foreign ministers").quotes,
        vec!["real and genuine"]
    );
}

#[test]
fn seed_quotes_in_the_draft_are_verbatim_and_match_the_hand_written_prompt() {
    let d = seed();
    let hand = crate::prompt::Prompt::from_str_at(
        Path::new("prompts/syria-strike-2017.toml"),
        include_str!("../../prompts/syria-strike-2017.toml"),
    )
    .expect("seed prompt");
    for a in &d.prompt.actors {
        for q in &a.quotes {
            assert!(SEED.contains(q.as_str()), "not verbatim: {q}");
        }
    }
    // every quote of the hand-written prompt is in the draft, with the same speaker (by surname)
    for h in &hand.actors {
        let surname = h.name.rsplit(' ').next().unwrap_or_default();
        for q in &h.quotes {
            let found = d
                .prompt
                .actors
                .iter()
                .find(|a| a.quotes.contains(q))
                .unwrap_or_else(|| panic!("quote missing: {q}"));
            assert!(
                found.name.ends_with(surname),
                "{q}: {} instead of {}",
                found.name,
                h.name
            );
        }
    }
}

#[test]
fn draft_lists_assad_as_mentioned_without_a_statement() {
    let d = seed();
    let mentioned = names(&d, false);
    let assad = mentioned
        .iter()
        .find(|n| n.contains("Assad"))
        .unwrap_or_else(|| panic!("no Assad in {mentioned:?}"));
    let a = actor(&d, assad);
    assert!(a.quotes.is_empty());
    assert!(
        a.digest.contains("carries no statement from"),
        "{}",
        a.digest
    );
}

#[test]
fn seed_summary_is_neutral_extractive_and_in_article_order() {
    let d = seed();
    let words = d.prompt.summary.split_whitespace().count();
    assert!((40..=120).contains(&words), "{words} words");
    assert!(
        crate::prompt::lint::scan(&d.prompt.summary).is_empty(),
        "{}",
        d.prompt.summary
    );
    // the judging lead ("despicable", "none other than") is left out
    assert!(!d.prompt.summary.contains("despicable"));
    assert!(!d.prompt.summary.contains("none other than"));
    // "Putin claimed that" is kept, in neutral words
    assert!(d
        .prompt
        .summary
        .contains("Putin said that the United States is planning"));
    let picked = &d.analysis.summary;
    assert!(picked.windows(2).all(|w| w[0] < w[1]), "{picked:?}");
}

#[test]
fn seed_question_is_the_articles_closing_question() {
    let d = seed();
    assert_eq!(
        d.prompt.question,
        "How do you think the United States should move forward?"
    );
    assert!(d.analysis.question_from_article);
}

#[test]
fn a_draft_has_no_neutrality_findings_in_its_own_words_on_the_seed() {
    assert_eq!(seed().findings, vec![]);
}

#[test]
fn an_article_without_a_question_gets_the_configured_one() {
    let text =
        "The council met on Monday. The mayor said the bridge would close. Residents asked why.\n";
    let mut options = options();
    options.default_question = "Where do you stand?".into();
    let d = draft_text(Path::new("a.txt"), text, &options).unwrap();
    assert_eq!(d.prompt.question, "Where do you stand?");
    assert!(!d.analysis.question_from_article);
}

#[test]
fn the_seed_draft_loads_except_for_its_placeholder_options() {
    let d = seed();
    let text = to_toml(&d);
    let problems =
        crate::prompt::Prompt::from_str_at(Path::new("prompts/syria-strike-2017.toml"), &text)
            .expect_err("placeholders are refused");
    assert_eq!(problems.len(), 4, "{problems:?}");
    for (i, p) in problems.iter().enumerate() {
        assert_eq!(p.field, format!("options[{i}].label"), "{p}");
        assert!(p.message.contains("placeholder"), "{p}");
        assert!(p.line > 0);
    }
    // once the stances are written, it loads, with the same content as drafted
    let written = text.replace("TODO: stance", "Stance");
    let loaded =
        crate::prompt::Prompt::from_str_at(Path::new("prompts/syria-strike-2017.toml"), &written)
            .expect("loads once written");
    assert_eq!(loaded.summary, d.prompt.summary);
    assert_eq!(loaded.actors, d.prompt.actors);
    assert_eq!(loaded.title, d.prompt.title);
    assert_eq!(loaded.source, d.prompt.source);
}

#[test]
fn empty_and_header_only_articles_are_refused_naming_the_file() {
    for text in [
        "",
        "   \n\n",
        "# Title: Only a header\n# Outlet: Somewhere\n",
    ] {
        let err = draft_text(Path::new("news/empty.txt"), text, &options()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "news/empty.txt has no article text to draft from"
        );
    }
}

#[test]
fn a_non_utf8_file_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"Caf\xe9 owners said prices rose.").unwrap();
    let err = draft_file(&path, &options()).unwrap_err().to_string();
    assert!(
        err.contains("latin1.txt") && err.contains("not UTF-8") && err.contains("offset 3"),
        "{err}"
    );
}

#[test]
fn write_new_keeps_an_existing_file_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    write_new(&path, "one", false).unwrap();
    let err = write_new(&path, "two", false).unwrap_err();
    assert!(matches!(err, DraftError::Exists { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
    write_new(&path, "three", true).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "three");
}

#[test]
fn ids_come_from_file_names() {
    assert_eq!(
        id_from(Path::new("news/Syria Strike (2017).txt")),
        "syria-strike-2017"
    );
    assert_eq!(id_from(Path::new("prompts/my_prompt.toml")), "my_prompt");
    assert_eq!(id_from(Path::new("???.txt")), "draft");
}

#[test]
fn doubt_casting_verbs_are_neutralised_outside_quotes_only() {
    assert_eq!(neutralise("Putin claimed it."), "Putin said it.");
    assert_eq!(neutralise("Claimed, he left."), "Said, he left.");
    assert_eq!(
        neutralise("He said “they claimed it”."),
        "He said “they claimed it”."
    );
    assert_eq!(
        neutralise("Support for Assad’s regime."),
        "Support for Assad’s government."
    );
}

#[test]
fn a_missing_outlet_is_a_placeholder_that_check_refuses() {
    let d = draft_text(
        Path::new("a.txt"),
        "The mayor said the bridge would close on Monday.\n",
        &options(),
    )
    .unwrap();
    assert!(d.prompt.source.outlet.starts_with(PLACEHOLDER));
    let problems = crate::prompt::validate(&d.prompt);
    assert!(
        problems.iter().any(|(f, _)| f == "source.outlet"),
        "{problems:?}"
    );
}

#[test]
fn drafting_is_deterministic() {
    assert_eq!(to_toml(&seed()), to_toml(&seed()));
}
