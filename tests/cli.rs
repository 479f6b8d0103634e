//! The command line, driven as a newcomer would: check, preview, console.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn roundtable(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_passes_on_the_shipped_prompts_even_strictly() {
    let o = roundtable(&["check", "--strict"], repo());
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 prompt(s) loaded from prompts; 0 error(s), 0 neutrality finding(s)")
    );
}

#[test]
fn check_lists_every_broken_file_with_its_line_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(repo().join("prompts/syria-strike-2017.toml")).unwrap();
    std::fs::write(dir.path().join("ok.toml"), &seed).unwrap();
    std::fs::write(
        dir.path().join("syntax.toml"),
        seed.replacen("[source]", "[source", 1),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("unknown.toml"),
        seed.replacen("[source]\n", "[source]\nvia = \"x\"\n", 1),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("loaded.toml"),
        seed.replacen(
            "Putin said the United States",
            "Putin claimed the United States",
            1,
        ),
    )
    .unwrap();
    let o = roundtable(
        &["check", "--prompts", dir.path().to_str().unwrap()],
        dir.path(),
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let syntax_line = seed.lines().position(|l| l == "[source]").unwrap() + 1;
    assert!(
        out.contains(&format!("syntax.toml:{syntax_line}:")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "unknown.toml:{}:1: via: unknown field `via`",
            syntax_line + 1
        )),
        "{out}"
    );
    assert!(
        out.contains("warning: ") && out.contains("loaded.toml: summary: \"claimed\""),
        "{out}"
    );
    assert!(out.contains("2 prompt(s) loaded"), "{out}");
    let strict = roundtable(
        &[
            "check",
            "--strict",
            "--prompts",
            dir.path().to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(stdout(&strict).contains("error: ") && stdout(&strict).contains("\"claimed\""));
}

#[test]
fn check_reports_a_bad_config_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "[discussion]\nresults = \"sometimes\"\n",
    )
    .unwrap();
    let o = roundtable(&["--config", "c.toml", "check"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("c.toml:2:11: "), "{}", stdout(&o));
}

#[test]
fn preview_prints_the_post_as_members_see_it() {
    let o = roundtable(&["preview", "syria-strike-2017"], repo());
    let out = stdout(&o);
    assert!(o.status.success());
    assert!(out.contains("How do you think the United States should move forward?"));
    assert!(out.contains("[Write a reply]"));
    assert!(out.contains("Boris Johnson — in their words"));
    let missing = roundtable(&["preview", "nope"], repo());
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no prompt `nope`"));
}

#[test]
fn console_rehearses_the_example_script() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roundtable.toml"),
        format!("prompts = \"{}\"\n", repo().join("prompts").display()),
    )
    .unwrap();
    let script = std::fs::File::open(repo().join("examples/rehearsal.txt")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .arg("console")
        .current_dir(dir.path())
        .stdin(Stdio::from(script))
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        dir.path().join("roundtable.db").exists(),
        "the default database is created beside the config"
    );
    assert!(
        out.contains("! only moderators can use `/discussion close`; ana is a member"),
        "{out}"
    );
    assert!(
        out.contains("5 members answered · 2 replies from 2 members"),
        "{out}"
    );
    assert!(out.contains("Final result of discussion #1"), "{out}");
    assert!(out.contains("#1 [closed]"), "{out}");
}

#[test]
fn schedule_dry_run_prints_the_next_eight_slots_with_their_prompts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roundtable.toml"),
        format!(
            "prompts = \"{}\"\n[[schedule]]\nname = \"weekly\"\nguild = 42\nchannel = \"123\"\nat = \"Mon 18:00\"\ntimezone = \"America/New_York\"\nrepeat = true\n",
            repo().join("prompts").display()
        ),
    )
    .unwrap();
    let o = roundtable(&["schedule", "--dry-run", "--weeks", "8"], dir.path());
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 8, "{out}");
    assert!(
        lines.iter().all(|l| l.starts_with("weekly  Mon ")
            && l.contains(" 18:00 America/New_York  (")
            && l.ends_with("syria-strike-2017")),
        "{out}"
    );
}
