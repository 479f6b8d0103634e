//! A vote is committed before the member is told it counted: a console process that is writing
//! votes is killed with SIGKILL, and every vote it had acknowledged is found after reopening.

use roundtable::config::StoreConfig;
use roundtable::store::{DiscussionId, Store};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

fn start_console(dir: &Path) -> std::process::Child {
    let prompts = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    let config = dir.join("roundtable.toml");
    std::fs::write(
        &config,
        format!(
            "database = \"{}\"\nprompts = \"{}\"\n",
            dir.join("votes.db").display(),
            prompts.display()
        ),
    )
    .unwrap();
    Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(["--config", config.to_str().unwrap(), "console"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

#[test]
fn every_acknowledged_vote_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = start_console(dir.path());
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());

    // The writer keeps sending votes until the pipe breaks: the kill lands mid-stream.
    let writer = std::thread::spawn(move || {
        let _ = writeln!(stdin, "/discussion post syria-strike-2017");
        for i in 0..100_000u32 {
            let line = format!("as m{i}\nvote {}\n", i % 6 + 1);
            if stdin.write_all(line.as_bytes()).is_err() {
                break;
            }
        }
    });

    let mut acknowledged: Vec<(String, String)> = Vec::new();
    let mut member = String::new();
    let pid = child.id() as i32;
    for line in stdout.lines() {
        let Ok(line) = line else { break };
        if let Some(who) = line
            .strip_prefix("You are now ")
            .and_then(|s| s.strip_suffix('.'))
        {
            member = who.to_string();
        } else if let Some(rest) = line.strip_prefix("Your stance is recorded: “") {
            let label = rest.split('”').next().unwrap().to_string();
            acknowledged.push((member.clone(), label));
            if acknowledged.len() == 300 {
                // SIGKILL: no destructors, no flush, no chance to finish a transaction.
                sigkill(pid);
            }
        }
    }
    let status = child.wait().unwrap();
    writer.join().unwrap();
    assert!(
        !status.success(),
        "the console was killed, not ended: {status:?}"
    );
    assert!(
        acknowledged.len() >= 300,
        "only {} votes acknowledged",
        acknowledged.len()
    );

    let store = Store::open(&dir.path().join("votes.db"), &StoreConfig::default()).unwrap();
    let d = store
        .discussion(roundtable::store::ServerId::Console, DiscussionId(1))
        .unwrap()
        .expect("the discussion survived");
    for (member, label) in &acknowledged {
        let key = store
            .vote_of(d.id, member)
            .unwrap()
            .unwrap_or_else(|| panic!("vote of {member} lost"));
        assert_eq!(&d.prompt.option(&key).unwrap().label, label, "{member}");
    }
    // The per-option counters agree with the rows after the crash too.
    let recount: u64 = store.recount(d.id).unwrap().iter().map(|(_, n)| n).sum();
    let counted: u64 = store
        .counts(d.id)
        .unwrap()
        .votes
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(recount, counted);
    assert!(recount as usize >= acknowledged.len());
}

fn sigkill(pid: i32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}
