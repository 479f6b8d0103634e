//! `roundtable check`: every problem in every prompt, file:line first, and neutrality findings;
//! then what the configuration's schedules need from the prompts (a schedule naming a prompt
//! that does not exist would run dry silently, so it is an error here, at its line).

use crate::config::Config;
use crate::location::{self, Key, Problem};
use crate::prompt::{lint, Catalog};
use std::fmt::Write;
use std::path::Path;

pub struct Report {
    /// Nothing that must be fixed.
    pub ok: bool,
    /// One line per problem or finding, then a summary line.
    pub text: String,
}

/// Checks the prompts in `dir`. Neutrality findings are warnings, or errors when `strict`.
pub fn check(dir: &Path, strict: bool) -> Report {
    check_with(&Config::default(), None, dir, strict)
}

/// [`check`], and the schedules of `config` against the prompts found: every prompt id a
/// schedule names must exist. `config_file` (the file `config` was read from, if any) locates
/// the problems.
pub fn check_with(config: &Config, config_file: Option<&Path>, dir: &Path, strict: bool) -> Report {
    let catalog = Catalog::load_dir(dir);
    let mut text = String::new();
    let mut errors = 0;
    for p in &catalog.problems {
        errors += 1;
        let _ = writeln!(text, "error: {p}");
    }
    let readable = catalog
        .problems
        .iter()
        .all(|p| !(p.file == dir && p.line == 0));
    let stored = stored_approved(config);
    if readable && catalog.prompts.is_empty() && catalog.problems.is_empty() && stored.is_empty() {
        errors += 1;
        let _ = writeln!(
            text,
            "error: {}: no prompt files (*.toml): there is nothing to post; add one (see prompts/syria-strike-2017.toml in roundtable's repository)",
            dir.display()
        );
    }
    for p in schedule_problems(config, config_file, &catalog, &stored, dir) {
        errors += 1;
        let _ = writeln!(text, "error: {p}");
    }
    let mut findings = 0;
    for prompt in catalog.prompts.values() {
        let file = dir.join(format!("{}.toml", prompt.id));
        for f in lint::lint(prompt) {
            findings += 1;
            let level = if strict { "error" } else { "warning" };
            let _ = writeln!(text, "{level}: {}: {f}", file.display());
        }
    }
    if strict {
        errors += findings;
    }
    let _ = writeln!(
        text,
        "{} prompt(s) loaded from {}; {} error(s), {} neutrality finding(s)",
        catalog.prompts.len(),
        dir.display(),
        errors,
        findings
    );
    Report {
        ok: errors == 0,
        text,
    }
}

/// Prompt ids named by a schedule that no file in `dir` holds (a file with problems counts as
/// holding its id: its problems are listed already).
/// The ids of the prompts approved in the database (any server), if the database exists: a
/// schedule may name those too. Nothing is created by `check`.
fn stored_approved(config: &Config) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    if !config.database.is_file() {
        return out;
    }
    let Ok(store) = crate::store::Store::open(&config.database, &config.store) else {
        return out;
    };
    for server in store.prompt_servers().unwrap_or_default() {
        for p in store.approved_prompts(server).unwrap_or_default() {
            out.insert(p.id);
        }
    }
    out
}

fn schedule_problems(
    config: &Config,
    config_file: Option<&Path>,
    catalog: &Catalog,
    stored: &std::collections::BTreeSet<String>,
    dir: &Path,
) -> Vec<Problem> {
    let file = config_file.unwrap_or(Path::new("roundtable.toml"));
    let text = config_file
        .and_then(|f| crate::files::read_text(f, crate::files::MAX_TEXT_FILE).ok())
        .unwrap_or_default();
    let broken = |id: &str| {
        catalog
            .problems
            .iter()
            .any(|p| p.file == dir.join(format!("{id}.toml")))
    };
    let mut out = Vec::new();
    for (i, s) in config.schedules.iter().enumerate() {
        for (j, id) in s.prompts.iter().enumerate() {
            if catalog.get(id).is_some() || stored.contains(id) || broken(id) {
                continue;
            }
            let keys = [
                Key::Name("schedule"),
                Key::Index(i),
                Key::Name("prompts"),
                Key::Index(j),
            ];
            let offset = location::value_offset(&text, &keys);
            let mut p = Problem::at(
                file,
                &text,
                offset,
                "schedule.prompts",
                format!(
                    "schedule `{}` names the prompt `{}`, which is not in {} (no file {}.toml) nor approved in the database: it would never be posted",
                    s.name,
                    crate::limits::shown(id, 60),
                    dir.display(),
                    crate::limits::shown(id, 60),
                ),
            );
            if text.is_empty() {
                p.line = 0;
            }
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::Prompt;

    const SEED: &str = include_str!("../prompts/syria-strike-2017.toml");

    #[test]
    fn a_schedule_naming_a_missing_prompt_fails_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let prompts = dir.path().join("prompts");
        std::fs::create_dir(&prompts).unwrap();
        std::fs::write(prompts.join("seed.toml"), SEED).unwrap();
        let file = dir.path().join("roundtable.toml");
        let text = "[[schedule]]\nname = \"weekly\"\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\nprompts = [\"seed\", \"gone\"]\n";
        std::fs::write(&file, text).unwrap();
        let config = Config::load(&file).unwrap();
        let report = check_with(&config, Some(&file), &prompts, false);
        assert!(!report.ok, "{}", report.text);
        assert!(
            report.text.contains(&format!(
                "error: {}:6:20: schedule.prompts: schedule `weekly` names the prompt `gone`, which is not in {}",
                file.display(),
                prompts.display()
            )),
            "{}",
            report.text
        );
        assert!(report.text.contains("1 error(s)"), "{}", report.text);
    }

    #[test]
    fn a_schedule_may_name_a_prompt_approved_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let prompts = dir.path().join("prompts");
        std::fs::create_dir(&prompts).unwrap();
        std::fs::write(prompts.join("seed.toml"), SEED).unwrap();
        let file = dir.path().join("roundtable.toml");
        let text = "[[schedule]]\nname = \"weekly\"\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\nprompts = [\"seed\", \"stored\", \"draft-only\"]\n";
        std::fs::write(&file, text).unwrap();
        let mut config = Config::load(&file).unwrap();
        config.database = dir.path().join("r.db");
        {
            let store = crate::store::Store::open(&config.database, &config.store).unwrap();
            let mut p = Prompt::from_str_at(Path::new("seed.toml"), SEED).unwrap();
            p.id = "stored".into();
            let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
            store
                .approve_prompt(crate::store::ServerId::Guild(1), &p, "ana", now)
                .unwrap();
            p.id = "draft-only".into();
            store
                .save_prompt_draft(crate::store::ServerId::Guild(1), &p, "ana", now)
                .unwrap();
        }
        let report = check_with(&config, Some(&file), &prompts, false);
        assert!(!report.text.contains("`stored`"), "{}", report.text);
        // A draft is not approved: the schedule could not post it.
        assert!(
            report
                .text
                .contains("names the prompt `draft-only`, which is not in"),
            "{}",
            report.text
        );
        assert!(report.text.contains("1 error(s)"), "{}", report.text);
    }

    #[test]
    fn an_empty_prompts_folder_fails() {
        let dir = tempfile::tempdir().unwrap();
        let report = check(dir.path(), false);
        assert!(!report.ok);
        assert!(
            report.text.starts_with(&format!(
                "error: {}: no prompt files (*.toml): there is nothing to post",
                dir.path().display()
            )),
            "{}",
            report.text
        );
    }

    #[test]
    fn a_missing_prompts_folder_is_named_without_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let report = check(&dir.path().join("nope"), false);
        assert!(!report.ok);
        assert!(
            report.text.starts_with(&format!(
                "error: {}: cannot read the prompts directory: ",
                dir.path().join("nope").display()
            )),
            "{}",
            report.text
        );
        assert!(!report.text.contains(":0:0"), "{}", report.text);
    }
}
