//! `roundtable draft` and `roundtable check` on drafts, through the real binary.

use std::path::Path;
use std::process::{Command, Output};

const SEED_ARTICLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/seed/article.txt"
);
const SEED_PROMPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts");

fn roundtable(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(args)
        .current_dir(dir)
        .env_remove("ROUNDTABLE_LOG")
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn draft_prints_a_prompt_and_reports_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = roundtable(dir.path(), &["draft", SEED_ARTICLE, "--id", "syria-draft"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let toml = text(&out.stdout);
    assert!(
        toml.starts_with("# DRAFT made by `roundtable draft`"),
        "{toml}"
    );
    assert!(toml.contains("prompts/syria-draft.toml"));
    assert!(toml.contains("name = \"Boris Johnson\""));
    assert!(toml.contains("label = \"TODO: stance 1\""));
    let err = text(&out.stderr);
    assert!(err.contains("drafted 4 speaker(s)"), "{err}");
    assert!(err.contains("0 neutrality finding(s)"), "{err}");
}

#[test]
fn draft_writes_a_file_and_refuses_to_overwrite_it_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("prompts")).unwrap();
    let out = roundtable(
        dir.path(),
        &["draft", SEED_ARTICLE, "--out", "prompts/syria.toml"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(dir.path().join("prompts/syria.toml")).unwrap();
    assert!(
        written.contains("prompts/syria.toml"),
        "the id comes from --out"
    );

    std::fs::write(dir.path().join("prompts/syria.toml"), "kept").unwrap();
    let again = roundtable(
        dir.path(),
        &["draft", SEED_ARTICLE, "--out", "prompts/syria.toml"],
    );
    assert_eq!(again.status.code(), Some(1));
    let err = text(&again.stderr);
    assert!(
        err.contains("prompts/syria.toml already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("prompts/syria.toml")).unwrap(),
        "kept"
    );

    let forced = roundtable(
        dir.path(),
        &[
            "draft",
            SEED_ARTICLE,
            "--out",
            "prompts/syria.toml",
            "--force",
        ],
    );
    assert!(forced.status.success());
    assert_ne!(
        std::fs::read_to_string(dir.path().join("prompts/syria.toml")).unwrap(),
        "kept"
    );
}

#[test]
fn check_refuses_a_draft_with_placeholder_options() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("prompts")).unwrap();
    let out = roundtable(
        dir.path(),
        &["draft", SEED_ARTICLE, "--out", "prompts/syria.toml"],
    );
    assert!(out.status.success());
    let check = roundtable(dir.path(), &["check", "--prompts", "prompts"]);
    assert_eq!(check.status.code(), Some(1));
    let report = text(&check.stdout);
    for i in 0..4 {
        assert!(
            report.contains(&format!("options[{i}].label: is a draft placeholder")),
            "{report}"
        );
    }
    assert!(
        report.contains("prompts/syria.toml:"),
        "problems name the file and line: {report}"
    );

    // with the stances written, the draft passes check --strict
    let path = dir.path().join("prompts/syria.toml");
    let written = std::fs::read_to_string(&path)
        .unwrap()
        .replace("TODO: stance", "Stance");
    std::fs::write(&path, written).unwrap();
    let check = roundtable(dir.path(), &["check", "--prompts", "prompts", "--strict"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
}

#[test]
fn check_strict_passes_on_the_seed_prompts() {
    let dir = tempfile::tempdir().unwrap();
    let out = roundtable(
        dir.path(),
        &["check", "--prompts", SEED_PROMPTS, "--strict"],
    );
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("0 error(s), 0 neutrality finding(s)"));
}

#[test]
fn check_reports_neutrality_findings_as_warnings_or_strict_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("prompts")).unwrap();
    let seed =
        std::fs::read_to_string(Path::new(SEED_PROMPTS).join("syria-strike-2017.toml")).unwrap();
    let loaded = seed.replacen(
        "Putin said the United States was planning",
        "Putin claimed the United States was clearly planning",
        1,
    );
    assert_ne!(seed, loaded);
    std::fs::write(dir.path().join("prompts/loaded.toml"), loaded).unwrap();
    let lenient = roundtable(dir.path(), &["check", "--prompts", "prompts"]);
    assert!(lenient.status.success());
    let report = text(&lenient.stdout);
    assert!(
        report.contains("warning: prompts/loaded.toml: summary: \"claimed\""),
        "{report}"
    );
    assert!(report.contains("suggestion: said"), "{report}");
    assert!(report.contains("summary: \"clearly\""), "{report}");
    let strict = roundtable(dir.path(), &["check", "--prompts", "prompts", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(text(&strict.stdout).contains("error: prompts/loaded.toml: summary: \"claimed\""));
}

#[test]
fn draft_refuses_an_empty_or_missing_article_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "\n\n").unwrap();
    let out = roundtable(dir.path(), &["draft", "empty.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("empty.txt has no article text to draft from"),
        "{}",
        text(&out.stderr)
    );
    let out = roundtable(dir.path(), &["draft", "missing.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot read missing.txt"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn draft_uses_the_configured_default_question() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "# Outlet: Example News\n\nThe council met on Monday. The mayor said the bridge would close.\n").unwrap();
    std::fs::write(
        dir.path().join("rt.toml"),
        "[draft]\ndefault_question = \"Should the bridge close?\"\n",
    )
    .unwrap();
    let out = roundtable(dir.path(), &["--config", "rt.toml", "draft", "a.txt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("question = \"Should the bridge close?\""));
}

const ARTICLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/articles");

/// The chrome words a summary of a pasted or saved page must not carry.
const CHROME: [&str; 12] = [
    "Accessibility links",
    "Breaking News",
    "please wait",
    "No media source",
    "0:00",
    "Share",
    "Advertisement",
    "cookies",
    "Related stories",
    "Photo by",
    "Skip to main content",
    "All rights reserved",
];

fn summary_of(toml: &str) -> String {
    let v: toml::Value = toml::from_str(toml).expect("the draft is TOML");
    v["summary"].as_str().unwrap_or_default().to_string()
}

fn title_of(toml: &str) -> String {
    let v: toml::Value = toml::from_str(toml).expect("the draft is TOML");
    v["title"].as_str().unwrap_or_default().to_string()
}

#[test]
fn draft_of_text_pasted_from_a_page_has_the_articles_title_and_no_chrome() {
    // the page as pasted, without the fixture's header lines
    let fixture =
        std::fs::read_to_string(Path::new(ARTICLES).join("voa-pompeo-interview-2018.txt")).unwrap();
    let pasted: String = fixture
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(pasted.trim_start().starts_with("Accessibility links"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pasted.txt"), pasted).unwrap();
    let out = roundtable(dir.path(), &["draft", "pasted.txt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let toml = text(&out.stdout);
    assert_eq!(title_of(&toml), "VOA's Interview With Mike Pompeo");
    let summary = summary_of(&toml);
    assert!(summary.contains("Pompeo"), "{summary}");
    for chrome in CHROME {
        assert!(
            !summary.contains(chrome),
            "{chrome:?} in the summary: {summary}"
        );
    }
    assert!(toml.contains("name = \"Mike Pompeo\""), "{toml}");
}

#[test]
fn draft_of_a_saved_html_page_has_its_title_source_and_no_chrome() {
    let page = Path::new(ARTICLES).join("pages/who-pandemic-2020.html");
    let dir = tempfile::tempdir().unwrap();
    let out = roundtable(dir.path(), &["draft", page.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let toml = text(&out.stdout);
    assert_eq!(
        title_of(&toml),
        "World Health Organization declares COVID-19 pandemic"
    );
    let v: toml::Value = toml::from_str(&toml).unwrap();
    assert_eq!(v["source"]["outlet"].as_str(), Some("Wikinews"));
    assert_eq!(
        v["source"]["link"].as_str(),
        Some("https://en.wikinews.org/wiki/World_Health_Organization_declares_COVID-19_pandemic")
    );
    let summary = summary_of(&toml);
    assert!(summary.contains("pandemic"), "{summary}");
    for chrome in CHROME {
        assert!(
            !summary.contains(chrome),
            "{chrome:?} in the summary: {summary}"
        );
    }
    assert!(
        toml.contains("name = \"Tedros Adhanom Ghebreyesus\""),
        "{toml}"
    );
}

#[test]
fn draft_refuses_an_input_above_the_documented_limit_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = "The council met. ".repeat(300_000); // 5.1 MB
    std::fs::write(dir.path().join("big.txt"), big).unwrap();
    let out = roundtable(dir.path(), &["draft", "big.txt"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("big.txt is 5100000 bytes") && err.contains("at most 4194304 bytes (4 MiB)"),
        "{err}"
    );
}
