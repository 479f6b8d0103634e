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
    assert_eq!(o.status.code(), Some(78), "a configuration error");
    assert!(stdout(&o).starts_with("c.toml:2:11: "), "{}", stdout(&o));
    let history = roundtable(&["--config", "c.toml", "history"], dir.path());
    assert_eq!(history.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&history.stderr);
    assert!(stderr.starts_with("roundtable: c.toml:2:11: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn invite_prints_the_link_with_exactly_the_permissions_the_bot_uses() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(["invite", "--client-id", "123456789012345678"])
        .current_dir(dir.path())
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // View Channel, Send Messages, Embed Links, Attach Files, Read Message History, Manage
    // Threads, Create Public Threads, Send Messages in Threads: bits 10, 11, 14, 15, 16, 34, 35, 38.
    let bits: u64 = [10, 11, 14, 15, 16, 34, 35, 38]
        .iter()
        .map(|b| 1u64 << b)
        .sum();
    assert_eq!(bits, 326_417_632_256);
    let link = out
        .lines()
        .find(|l| l.starts_with("https://"))
        .expect("a link");
    assert_eq!(
        link,
        format!("https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot+applications.commands&permissions={bits}")
    );
    assert!(out.contains("never Administrator"), "{out}");
    assert!(
        out.contains("Nothing to switch on in the Developer Portal"),
        "{out}"
    );

    std::fs::write(
        dir.path().join("roundtable.toml"),
        "[discord]\nmessage_content = true\n",
    )
    .unwrap();
    let o = roundtable(&["invite", "--client-id", "1"], dir.path());
    assert!(
        stdout(&o).contains("Privileged Gateway Intents): Message Content Intent"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn invite_without_an_id_or_a_token_says_what_to_pass_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .arg("invite")
        .current_dir(dir.path())
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Pass --client-id ID"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn help_documents_the_exit_statuses_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let help = roundtable(&["--help"], dir.path());
    assert!(help.status.success());
    let text = stdout(&help);
    assert!(
        text.contains("Exit status: 0 done; 1 runtime failure (worth retrying); 2 usage error; 77 Discord refused the bot token; 78 configuration error"),
        "{text}"
    );
    assert_eq!(
        roundtable(&["frobnicate"], dir.path()).status.code(),
        Some(2)
    );
    assert_eq!(
        roundtable(&["history", "--limit", "many"], dir.path())
            .status
            .code(),
        Some(2)
    );
    let version = roundtable(&["--version"], dir.path());
    assert_eq!(
        stdout(&version),
        format!("roundtable {}\n", env!("CARGO_PKG_VERSION"))
    );
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

/// A folder with a config naming the repository's prompts (and `extra` settings).
fn folder_with_config(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roundtable.toml"),
        format!(
            "prompts = \"{}\"\n{extra}",
            repo().join("prompts").display()
        ),
    )
    .unwrap();
    dir
}

/// `roundtable console` in `dir` with `input` on its standard input.
fn console_with(dir: &Path, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .arg("console")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn after_a_clean_quit_the_database_file_alone_holds_everything() {
    let dir = folder_with_config("");
    let o = console_with(
        dir.path(),
        b"/discussion post syria-strike-2017\nas ana\nvote 1\nreply Stay out.\nquit\n",
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let wal = dir.path().join("roundtable.db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "nothing left in the WAL"
    );
    // What a backup by copying the file would hold.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("roundtable.db");
    std::fs::copy(dir.path().join("roundtable.db"), &copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    let counts: (i64, i64, i64) = c
        .query_row(
            "SELECT (SELECT COUNT(*) FROM discussions), (SELECT COUNT(*) FROM votes), (SELECT COUNT(*) FROM replies)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(counts, (1, 1, 1));
}

#[test]
fn backup_copies_the_database_while_a_console_is_writing_to_it() {
    use std::io::{BufRead, BufReader, Write};
    let dir = folder_with_config("");
    let mut child = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .arg("console")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    writeln!(stdin, "/discussion post syria-strike-2017").unwrap();
    for i in 0..50 {
        writeln!(stdin, "as m{i}\nvote 1").unwrap();
    }
    stdin.flush().unwrap();
    let mut recorded = 0;
    while recorded < 50 {
        let line = lines.next().unwrap().unwrap();
        if line.starts_with("Your stance is recorded") {
            recorded += 1;
        }
    }
    // The console is still running, its database open; more votes are on their way.
    for i in 50..100 {
        writeln!(stdin, "as m{i}\nvote 2").unwrap();
    }
    let o = roundtable(&["backup", "copy.db"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("Backed up roundtable.db to copy.db ("),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    writeln!(stdin, "quit").unwrap();
    drop(stdin);
    for _ in lines {}
    assert!(child.wait().unwrap().success());
    // The copy alone is a whole database: consistent, and with every vote acknowledged before.
    assert!(!dir.path().join("copy.db-wal").exists());
    let c = rusqlite::Connection::open(dir.path().join("copy.db")).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let (votes, counted): (i64, i64) = c
        .query_row(
            "SELECT (SELECT COUNT(*) FROM votes), (SELECT SUM(votes) FROM option_counts)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(votes >= 50, "{votes}");
    assert_eq!(votes, counted);
    // Never over the database itself.
    let o = roundtable(&["backup", "roundtable.db"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("that is the database itself"));
}

#[test]
fn two_consoles_opening_a_new_database_at_once_both_work() {
    for round in 0..5 {
        let dir = folder_with_config("");
        let children: Vec<_> = (0..2)
            .map(|_| {
                let mut child = Command::new(env!("CARGO_BIN_EXE_roundtable"))
                    .arg("console")
                    .current_dir(dir.path())
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(b"/discussion list\n")
                    .unwrap();
                child
            })
            .collect();
        for child in children {
            let o = child.wait_with_output().unwrap();
            assert!(
                o.status.success() && stdout(&o).contains("No discussions yet."),
                "round {round}: {}{}",
                stdout(&o),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}

#[test]
fn a_line_that_is_not_utf8_does_not_end_the_console() {
    let dir = folder_with_config("");
    let o = console_with(
        dir.path(),
        b"/discussion post syria-strike-2017\nas \xff\nas ana\nvote 1\n/discussion list\n",
    );
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("! line 2 is not UTF-8 text"), "{out}");
    assert!(out.contains("Your stance is recorded"), "{out}");
    assert!(out.contains("#1 [open]"), "{out}");
}

/// Runs `roundtable ARGS` in `dir`, failing the test if it has not ended within 20 s.
fn roundtable_within(args: &[&str], dir: &Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(o) => o.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("roundtable {args:?} hung");
        }
    }
}

#[cfg(unix)]
#[test]
fn check_does_not_hang_on_a_fifo_or_a_link_to_dev_zero_named_like_a_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let prompts = dir.path().join("prompts");
    std::fs::create_dir(&prompts).unwrap();
    std::fs::copy(
        repo().join("prompts/syria-strike-2017.toml"),
        prompts.join("seed.toml"),
    )
    .unwrap();
    assert!(Command::new("mkfifo")
        .arg(prompts.join("x.toml"))
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("/dev/zero", prompts.join("zero.toml")).unwrap();
    let o = roundtable_within(&["check"], dir.path());
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("error: prompts/x.toml: not a regular file but a FIFO; skipped"),
        "{out}"
    );
    assert!(
        out.contains(
            "error: prompts/zero.toml: not a regular file but a character device; skipped"
        ),
        "{out}"
    );
    assert!(out.contains("1 prompt(s) loaded"), "{out}");
}

#[test]
fn check_fails_on_a_schedule_naming_a_missing_prompt_and_on_an_empty_folder() {
    let dir = folder_with_config(
        "[[schedule]]\nname = \"weekly\"\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\nprompts = [\"syria-strike-2017\", \"no-such-prompt\"]\n",
    );
    let o = roundtable(&["check"], dir.path());
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("error: roundtable.toml:7:33: schedule.prompts: schedule `weekly` names the prompt `no-such-prompt`"),
        "{out}"
    );
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join("prompts")).unwrap();
    let o = roundtable(&["check"], empty.path());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with("error: prompts: no prompt files (*.toml)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn check_on_a_missing_folder_names_it_without_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = roundtable(&["check", "--prompts", "nope"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("error: nope: cannot read the prompts directory: "),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains(":0:0"), "{}", stdout(&o));
}

#[test]
fn a_missing_config_file_is_named_once_with_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let o = roundtable(&["--config", "nope.toml", "history"], dir.path());
    assert_eq!(o.status.code(), Some(78), "a configuration error");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "roundtable: cannot read config nope.toml: No such file or directory (os error 2)\n"
    );
}

#[test]
fn a_token_file_that_does_not_exist_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("roundtable.toml"),
        "[discord]\ntoken_file = \"secret/token.txt\"\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .arg("run")
        .current_dir(dir.path())
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(78), "a configuration error");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cannot read the Discord token file secret/token.txt (discord.token_file): No such file or directory"),
        "{err}"
    );
}

#[test]
fn schedule_needs_dry_run_and_shows_the_real_local_time_on_the_spring_forward_day() {
    let dir = folder_with_config(
        "[[schedule]]\nname = \"weekly\"\nguild = 1\nchannel = \"123\"\nat = \"Sun 02:30\"\ntimezone = \"America/New_York\"\nrepeat = true\n",
    );
    let refused = roundtable(&["schedule"], dir.path());
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--dry-run"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // A year ahead holds one second Sunday of March, whenever the test runs.
    let o = roundtable(&["schedule", "--dry-run", "--weeks", "60"], dir.path());
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    let shifted: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("the clocks skip"))
        .collect();
    assert!(!shifted.is_empty(), "{out}");
    for line in shifted {
        assert!(
            line.contains(" 03:30 America/New_York (the clocks skip 02:30 that day)"),
            "{line}"
        );
    }
}

#[cfg(unix)]
#[test]
fn export_warns_when_the_key_file_is_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder_with_config("[export]\npseudonym_key_file = \"key.txt\"\n");
    std::fs::write(
        dir.path().join("key.txt"),
        "a key long enough for exports\n",
    )
    .unwrap();
    std::fs::set_permissions(
        dir.path().join("key.txt"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let o = console_with(dir.path(), b"/discussion post syria-strike-2017\nquit\n");
    assert!(o.status.success());
    let o = roundtable(&["export", "1", "--format", "csv"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the pseudonym key file") && err.contains("can be read by others (mode 644)"),
        "{err}"
    );
}

/// `roundtable` with no command in `dir`, `input` on stdin and `token` as DISCORD_TOKEN.
fn main_job_with(dir: &Path, token: Option<&str>, input: &[u8]) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roundtable"));
    cmd.current_dir(dir)
        .env_remove("DISCORD_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(t) = token {
        cmd.env("DISCORD_TOKEN", t);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn with_no_command_and_no_token_the_main_job_is_the_console_and_says_so() {
    let dir = folder_with_config("");
    let o = main_job_with(
        dir.path(),
        None,
        b"/discussion post syria-strike-2017\nvote 1\nquit\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no Discord token set up")
            && err.contains("the local console stands in for Discord"),
        "{err}"
    );
    let out = stdout(&o);
    assert!(
        out.contains("How do you think the United States should move forward?"),
        "{out}"
    );
    assert!(dir.path().join("roundtable.db").exists());
}

#[test]
fn with_no_command_a_named_token_file_that_is_missing_is_an_error_not_the_console() {
    let dir = folder_with_config("[discord]\ntoken_file = \"secret/token.txt\"\n");
    let o = main_job_with(dir.path(), None, b"quit\n");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("secret/token.txt"), "{err}");
    assert!(!err.contains("console stands in"), "{err}");
}

#[test]
fn prompts_imported_into_the_database_export_back_and_satisfy_a_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(repo().join("prompts/syria-strike-2017.toml")).unwrap();
    let incoming = dir.path().join("incoming");
    std::fs::create_dir(&incoming).unwrap();
    std::fs::write(incoming.join("next-week.toml"), &seed).unwrap();
    let files = dir.path().join("prompts");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("seed.toml"), &seed).unwrap();
    std::fs::write(
        dir.path().join("roundtable.toml"),
        "database = \"r.db\"\n\n[[schedule]]\nname = \"weekly\"\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\nprompts = [\"seed\", \"next-week\"]\n",
    )
    .unwrap();
    // Before the import, the schedule names a prompt that exists nowhere.
    let o = roundtable(&["check"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("`next-week`"), "{}", stdout(&o));

    let o = roundtable(
        &["prompts", "import", "incoming", "--server", "42"],
        dir.path(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("Imported 1 prompt(s) into server 42, approved: next-week"),
        "{err}"
    );
    let o = roundtable(&["check"], dir.path());
    assert!(o.status.success(), "{}", stdout(&o));

    let o = roundtable(&["prompts", "export", "out", "--server", "42"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The exported file is a prompt file that loads (the schedule's `seed` is in prompts/, not out/).
    let o = roundtable(&["check", "--prompts", "out"], dir.path());
    assert!(
        stdout(&o).contains("1 prompt(s) loaded from out;"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("next-week"), "{}", stdout(&o));
    assert!(dir.path().join("out/next-week.toml").is_file());
    // Another server has none.
    let o = roundtable(&["prompts", "export", "none", "--server", "43"], dir.path());
    assert!(String::from_utf8_lossy(&o.stderr).contains("Exported 0 approved prompt(s)"));
    let o = roundtable(&["prompts", "export", "x", "--server", "guild"], dir.path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a server"));
}
