//! What the `roundtable` subcommands do, behind `main.rs`'s parsing: one function per command,
//! taking the configuration and the streams to write to, returning typed errors. `main.rs` only
//! parses the command line, sets up the log, calls these and turns errors into exit statuses
//! ([`crate::exit`]).

use crate::clock::SystemClock;
use crate::config::Config;
use crate::discussion::{DiscussionError, Discussions};
use crate::draft::{self, DraftError};
use crate::export::{self, ExportError, ExportSummary, Format, MemberIds};
use crate::prompt::Catalog;
use crate::schedule::{Schedule, ScheduleError, Scheduler, Scope};
use crate::store::{DiscussionId, ServerId, Store, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("no prompt `{id}` in {} (known: {known}); `roundtable check` lists problems", .dir.display())]
    UnknownPrompt {
        id: String,
        dir: PathBuf,
        known: String,
    },
    #[error("no database at {}: no discussion has been held there yet (see `database` in the configuration)", .0.display())]
    NoDatabase(PathBuf),
    #[error("opening {}: {cause}", .path.display())]
    Store { path: PathBuf, cause: StoreError },
    #[error("exporting to {}: {cause}", .path.display())]
    ExportTo { path: PathBuf, cause: ExportError },
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Discussion(#[from] DiscussionError),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Backup(#[from] StoreError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Which server a command on the host means could not be told (several are stored).
    #[error("{0}")]
    Server(String),
    #[error(transparent)]
    Library(#[from] crate::library::LibraryError),
}

fn open_store(config: &Config) -> Result<Store, CliError> {
    Store::open(&config.database, &config.store).map_err(|cause| CliError::Store {
        path: config.database.clone(),
        cause,
    })
}

fn engine_over(config: &Config, store: Store) -> Discussions {
    Discussions::new(store, Arc::new(SystemClock), (&config.discussion).into())
}

/// The engine over the configured database, which must exist already (there is nothing to read
/// otherwise, and a typo in `database` should not create an empty one).
pub fn existing_engine(config: &Config) -> Result<Discussions, CliError> {
    if !config.database.exists() {
        return Err(CliError::NoDatabase(config.database.clone()));
    }
    Ok(engine_over(config, open_store(config)?))
}

/// The server a command on the host means (see [`ServerId::pick`]): the one given, else
/// `discord.guild_id`, else the only one the store knows.
pub fn server_of(
    engine: &Discussions,
    given: Option<ServerId>,
    config: &Config,
) -> Result<ServerId, CliError> {
    let known = engine.store().servers()?;
    ServerId::pick(given, config.discord.guild_id, &known).map_err(CliError::Server)
}

/// `roundtable preview ID`: the prompt's post (and what continues in its thread) as members
/// would see it.
pub fn preview(prompts: &Path, prompt_id: &str, mut out: impl Write) -> Result<(), CliError> {
    let catalog = Catalog::load_dir(prompts);
    let Some(prompt) = catalog.get(prompt_id) else {
        let known: Vec<&str> = catalog.prompts.keys().map(String::as_str).collect();
        return Err(CliError::UnknownPrompt {
            id: prompt_id.to_string(),
            dir: prompts.to_path_buf(),
            known: known.join(", "),
        });
    };
    write!(out, "{}", crate::render::text::preview(prompt))?;
    Ok(())
}

/// `roundtable schedule --dry-run`: the next slots of every schedule and the prompt each would
/// post; prompt problems go to `problems`.
pub fn schedule_listing(
    config: &Config,
    weeks: usize,
    mut out: impl Write,
    mut problems: impl Write,
) -> Result<(), CliError> {
    let schedules: Vec<Schedule> = config
        .schedules
        .iter()
        .filter_map(|s| Schedule::from_config(s, config.discord.guild_id).ok())
        .collect();
    if schedules.is_empty() {
        writeln!(
            out,
            "No schedules configured: add [[schedule]] tables (see config.example.toml)."
        )?;
        return Ok(());
    }
    let engine = engine_over(config, open_store(config)?);
    let catalog = Catalog::load_dir(&config.prompts);
    for p in &catalog.problems {
        writeln!(problems, "prompt problem: {p}")?;
    }
    // The servers' schedules and the console's, each listed by the scheduler that runs it.
    let guilds = Scheduler::new(engine.clone(), Scope::Guilds, schedules.clone(), "dry-run");
    let console = Scheduler::new(engine, Scope::Console, schedules, "dry-run");
    // A weekly schedule has one slot a week; a cron schedule is shown for as many slots.
    let mut upcoming = guilds.upcoming(None, &catalog, weeks)?;
    upcoming.extend(console.upcoming(None, &catalog, weeks)?);
    for u in upcoming {
        writeln!(out, "{}", u.line())?;
    }
    Ok(())
}

/// Writes an export to `path` by way of `PATH.partial`, renamed at the end: a failed export
/// leaves no half file, and never half-overwrites an earlier one.
pub fn export_to_file(
    engine: &Discussions,
    server: ServerId,
    id: DiscussionId,
    format: Format,
    ids: &MemberIds,
    path: &Path,
) -> Result<ExportSummary, ExportError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = std::fs::File::create(&partial)
        .map_err(ExportError::from)
        .and_then(|f| export::export(engine, server, id, format, ids, f))
        .and_then(|s| {
            std::fs::rename(&partial, path)?;
            Ok(s)
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// `roundtable export N`: to `out_file` (then a note on `note`), else to `stdout`.
pub fn export(
    config: &Config,
    server: Option<ServerId>,
    id: DiscussionId,
    format: Format,
    out_file: Option<&Path>,
    stdout: impl Write,
    mut note: impl Write,
) -> Result<(), CliError> {
    let engine = existing_engine(config)?;
    let server = server_of(&engine, server, config)?;
    let ids = MemberIds::from_config(&config.export, &config.database)?;
    match out_file {
        None => {
            export::export(&engine, server, id, format, &ids, stdout)?;
        }
        Some(path) => {
            let s = export_to_file(&engine, server, id, format, &ids, path).map_err(|cause| {
                CliError::ExportTo {
                    path: path.to_path_buf(),
                    cause,
                }
            })?;
            writeln!(
                note,
                "Exported {s} of discussion #{id} to {} (member ids {}).",
                path.display(),
                ids.describe()
            )?;
        }
    }
    Ok(())
}

/// `roundtable history`: closed discussions, newest first.
pub fn history(
    config: &Config,
    server: Option<ServerId>,
    limit: usize,
    mut out: impl Write,
) -> Result<(), CliError> {
    let engine = existing_engine(config)?;
    let server = server_of(&engine, server, config)?;
    let past = engine.history(server, limit)?;
    write!(out, "{}", crate::render::history::history_text(&past))?;
    Ok(())
}

/// `roundtable check`: the prompts in `prompts`, and the schedules of `config` against them
/// (located in `config_file`); the report to `out`. False when there are problems.
pub fn check(
    config: &Config,
    config_file: Option<&Path>,
    prompts: &Path,
    strict: bool,
    mut out: impl Write,
) -> Result<bool, CliError> {
    let report = crate::check::check_with(config, config_file, prompts, strict);
    write!(out, "{}", report.text)?;
    Ok(report.ok)
}

/// `roundtable backup FILE`: a consistent copy of the configured database (SQLite's online
/// backup API, safe while the bot runs); a summary line to `note`.
pub fn backup(config: &Config, file: &Path, mut note: impl Write) -> Result<(), CliError> {
    let s = crate::store::backup(&config.database, file)?;
    writeln!(
        note,
        "Backed up {} to {} ({} pages, {} bytes).",
        config.database.display(),
        file.display(),
        s.pages,
        s.bytes
    )?;
    Ok(())
}

/// `roundtable prompts export DIR` (`import` false) or `import DIR`: a server's approved stored
/// prompts as prompt files, or prompt files approved into a server's store (all or nothing).
pub fn prompts(
    config: &Config,
    server: Option<ServerId>,
    dir: &Path,
    import: bool,
    mut note: impl Write,
) -> Result<(), CliError> {
    let store = open_store(config)?;
    let known = store.servers()?;
    let server =
        ServerId::pick(server, config.discord.guild_id, &known).map_err(CliError::Server)?;
    if import {
        let now = jiff::Timestamp::now();
        let ids = crate::library::import_dir(&store, server, dir, "host", now)?;
        writeln!(
            note,
            "Imported {} prompt(s) into server {server}, approved{}{}.",
            ids.len(),
            if ids.is_empty() { "" } else { ": " },
            ids.join(", ")
        )?;
    } else {
        let written = crate::library::export_dir(&store, server, dir)?;
        writeln!(
            note,
            "Exported {} approved prompt(s) of server {server} to {}.",
            written.len(),
            dir.display()
        )?;
    }
    Ok(())
}

/// What `roundtable draft` is asked to do.
pub struct DraftRequest<'a> {
    pub article: &'a Path,
    pub out: Option<&'a Path>,
    pub id: Option<String>,
    pub force: bool,
}

/// `roundtable draft ARTICLE`: the draft's TOML to `out` (or the `--out` file), findings and a
/// summary line to `note`.
pub fn draft(
    config: &Config,
    request: DraftRequest<'_>,
    mut out: impl Write,
    mut note: impl Write,
) -> Result<(), CliError> {
    let id = request
        .id
        .or_else(|| request.out.map(draft::id_from))
        .unwrap_or_else(|| draft::id_from(request.article));
    let options = draft::DraftOptions::new(id, &config.draft);
    let d = draft::draft_file(request.article, &options)?;
    let toml = draft::to_toml(&d);
    let shown = request.out.unwrap_or(request.article).display().to_string();
    for f in &d.findings {
        writeln!(note, "warning: {shown}: {f}")?;
    }
    match request.out {
        Some(path) => draft::write_new(path, &toml, request.force)?,
        None => write!(out, "{toml}")?,
    }
    writeln!(
        note,
        "roundtable: drafted {} speaker(s) and {} mentioned actor(s), a {}-word summary; {} neutrality finding(s). \
         Write the options (labels starting with `{}`) before `roundtable check`.",
        d.analysis.speakers().count(),
        d.analysis.mentioned().count(),
        d.prompt.summary.split_whitespace().count(),
        d.findings.len(),
        crate::prompt::PLACEHOLDER
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_export_to_a_file_leaves_no_partial_file_and_keeps_the_earlier_one() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            database: dir.path().join("r.db"),
            ..Config::default()
        };
        config.export.raw_member_ids = true;
        let engine = engine_over(&config, open_store(&config).unwrap());
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "earlier export\n").unwrap();
        let err = export_to_file(
            &engine,
            ServerId::Console,
            DiscussionId(7),
            Format::Csv,
            &MemberIds::Raw,
            &target,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("there is no discussion #7"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "earlier export\n"
        );
        assert!(!dir.path().join("out.csv.partial").exists());
    }

    #[test]
    fn history_and_export_refuse_a_missing_database_without_creating_it() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            database: dir.path().join("typo.db"),
            ..Config::default()
        };
        let err = history(&config, None, 5, Vec::new())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("no database at "), "{err}");
        assert!(!config.database.exists());
    }

    #[test]
    fn preview_names_the_known_prompts_when_the_id_is_unknown() {
        let prompts = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        let err = preview(&prompts, "nope", Vec::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("no prompt `nope`"), "{err}");
        assert!(err.contains("known: syria-strike-2017"), "{err}");
        let mut out = Vec::new();
        preview(&prompts, "syria-strike-2017", &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("[Write a reply]"));
    }
}
