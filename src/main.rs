//! The roundtable command line: a thin shell over the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use roundtable::config::Config;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "roundtable",
    version,
    about = "Weekly discussions on news, for Discord servers"
)]
struct Cli {
    /// Configuration file (TOML); defaults apply when absent.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rehearse discussions in the terminal: you act as members and moderators.
    Console,
    /// Validate the configuration and every prompt; exit 1 if anything is wrong.
    Check {
        /// Prompt folder (default: the config's `prompts`).
        #[arg(long, value_name = "DIR")]
        prompts: Option<PathBuf>,
        /// Treat neutrality findings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Show the next slots of every schedule and the prompt each would post (the bot posts them:
    /// `roundtable run`).
    Schedule {
        /// Post nothing, only print: required, as this command never posts.
        #[arg(long, required = true)]
        dry_run: bool,
        /// How many weeks ahead.
        #[arg(long, default_value_t = 8)]
        weeks: usize,
    },
    /// Write a discussion's votes and replies, with times, as CSV or JSON (member ids pseudonymized
    /// unless `export.raw_member_ids` is set).
    Export {
        /// The discussion's number, as `roundtable history` shows it.
        discussion: String,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The server (guild id, or `console`); default: discord.guild_id, else the only one.
        #[arg(long, value_name = "SERVER")]
        server: Option<roundtable::store::ServerId>,
    },
    /// List past discussions: question, dates, participation, most chosen stance, link.
    History {
        /// How many, newest first.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// The server (guild id, or `console`); default: discord.guild_id, else the only one.
        #[arg(long, value_name = "SERVER")]
        server: Option<roundtable::store::ServerId>,
    },
    /// Print a prompt's post as members would see it.
    Preview {
        prompt_id: String,
        /// Prompt folder (default: the config's `prompts`).
        #[arg(long, value_name = "DIR")]
        prompts: Option<PathBuf>,
    },
    /// Draft a prompt from an article (plain text, text pasted from a web page, or a saved HTML page):
    /// summary, actors, quotes and question, with placeholder options for a moderator to write.
    /// Prints the TOML, and neutrality findings on stderr.
    Draft {
        /// The article: a UTF-8 text file (optionally with `# Title:`, `# Outlet:`, `# Link:` header
        /// lines) or an HTML page (`.html`, or a file starting with `<!DOCTYPE html>`), at most 4 MiB.
        article: PathBuf,
        /// Write the draft to this file instead of printing it (e.g. prompts/ID.toml).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The prompt's id (default: the --out file's name, else the article's).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// Overwrite the --out file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Run the bot on Discord (token from DISCORD_TOKEN or the config's token_file).
    Run,
    /// Copy the database to FILE, consistently, through SQLite's online backup API: safe while
    /// the bot or a console runs. Restore by stopping roundtable and putting the copy in place.
    Backup {
        /// Where the copy goes (replaced if it exists; never the database itself).
        file: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
}

impl From<ExportFormat> for roundtable::export::Format {
    fn from(f: ExportFormat) -> Self {
        match f {
            ExportFormat::Csv => roundtable::export::Format::Csv,
            ExportFormat::Json => roundtable::export::Format::Json,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("roundtable: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("ROUNDTABLE_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        Some(p) => Ok(Config::load(p)?),
        None if Path::new("roundtable.toml").exists() => {
            Ok(Config::load(Path::new("roundtable.toml"))?)
        }
        None => Ok(Config::default()),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = match load_config(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) if matches!(cli.command, Command::Check { .. }) => {
            println!("{e:#}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e),
    };
    match cli.command {
        Command::Console => {
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            roundtable::console::run(&config, stdin.lock(), stdout.lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Preview { prompt_id, prompts } => {
            let dir = prompts.unwrap_or(config.prompts.clone());
            let catalog = roundtable::prompt::Catalog::load_dir(&dir);
            let Some(prompt) = catalog.get(&prompt_id) else {
                let known: Vec<&str> = catalog.prompts.keys().map(String::as_str).collect();
                anyhow::bail!(
                    "no prompt `{prompt_id}` in {} (known: {}); `roundtable check` lists problems",
                    dir.display(),
                    known.join(", ")
                );
            };
            let view = roundtable::render::DiscussionView {
                id: roundtable::store::DiscussionId(0),
                prompt,
                options: &prompt.options,
                closes_at: None,
                closed: false,
                results: roundtable::render::Results::None,
            };
            let rendered = roundtable::render::discussion_post(&view);
            for post in rendered.all() {
                println!("{}", roundtable::render::text::post_to_text(post));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schedule { dry_run: _, weeks } => {
            let schedules: Vec<roundtable::schedule::Schedule> = config
                .schedules
                .iter()
                .filter_map(|s| {
                    roundtable::schedule::Schedule::from_config(s, config.discord.guild_id).ok()
                })
                .collect();
            if schedules.is_empty() {
                println!(
                    "No schedules configured: add [[schedule]] tables (see config.example.toml)."
                );
                return Ok(ExitCode::SUCCESS);
            }
            let store = roundtable::store::Store::open(&config.database, &config.store)
                .with_context(|| format!("opening {}", config.database.display()))?;
            let engine = roundtable::discussion::Discussions::new(
                store,
                std::sync::Arc::new(roundtable::clock::SystemClock),
                (&config.discussion).into(),
            );
            let scheduler_engine = engine.clone();
            let catalog = roundtable::prompt::Catalog::load_dir(&config.prompts);
            for p in &catalog.problems {
                eprintln!("prompt problem: {p}");
            }
            let scheduler = roundtable::schedule::Scheduler::new(
                engine,
                roundtable::schedule::Scope::Guilds,
                schedules.clone(),
                "dry-run",
            );
            let console = roundtable::schedule::Scheduler::new(
                scheduler_engine,
                roundtable::schedule::Scope::Console,
                schedules,
                "dry-run",
            );
            // A weekly schedule has one slot a week; a cron schedule is shown for as many slots.
            let mut upcoming = scheduler.upcoming(None, &catalog, weeks)?;
            upcoming.extend(console.upcoming(None, &catalog, weeks)?);
            for u in upcoming {
                println!("{}", u.line());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            discussion,
            format,
            out,
            server,
        } => {
            let id = discussion
                .trim()
                .trim_start_matches('#')
                .parse::<i64>()
                .map(roundtable::store::DiscussionId)
                .map_err(|_| anyhow::anyhow!("`{discussion}` is not a discussion number"))?;
            let ids = roundtable::export::MemberIds::from_config(&config.export)?;
            let engine = existing_engine(&config)?;
            let server = server_of(&engine, server, &config)?;
            let format = format.into();
            match out {
                None => {
                    let stdout = std::io::stdout();
                    roundtable::export::export(&engine, server, id, format, &ids, stdout.lock())?;
                }
                Some(path) => {
                    // Written beside the target and renamed at the end: a failed export leaves no
                    // half file, and never half-overwrites an earlier one.
                    let mut partial = path.clone().into_os_string();
                    partial.push(".partial");
                    let partial = PathBuf::from(partial);
                    let written = std::fs::File::create(&partial)
                        .map_err(roundtable::export::ExportError::from)
                        .and_then(|f| {
                            roundtable::export::export(&engine, server, id, format, &ids, f)
                        })
                        .and_then(|s| {
                            std::fs::rename(&partial, &path)?;
                            Ok(s)
                        });
                    match written {
                        Ok(s) => eprintln!(
                            "Exported {s} of discussion #{id} to {} (member ids {}).",
                            path.display(),
                            ids.describe()
                        ),
                        Err(e) => {
                            let _ = std::fs::remove_file(&partial);
                            return Err(e)
                                .with_context(|| format!("exporting to {}", path.display()));
                        }
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { file } => {
            let s = roundtable::store::backup(&config.database, &file)?;
            eprintln!(
                "Backed up {} to {} ({} pages, {} bytes).",
                config.database.display(),
                file.display(),
                s.pages,
                s.bytes
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::History { limit, server } => {
            let engine = existing_engine(&config)?;
            let server = server_of(&engine, server, &config)?;
            let past = engine.history(server, limit)?;
            print!("{}", roundtable::render::history::history_text(&past));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { prompts, strict } => {
            let dir = prompts.unwrap_or(config.prompts.clone());
            let file = cli
                .config
                .clone()
                .or_else(|| Some(PathBuf::from("roundtable.toml")).filter(|p| p.exists()));
            let report = roundtable::check::check_with(&config, file.as_deref(), &dir, strict);
            print!("{}", report.text);
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Draft {
            article,
            out,
            id,
            force,
        } => {
            use roundtable::draft;
            let id = id
                .or_else(|| out.as_deref().map(draft::id_from))
                .unwrap_or_else(|| draft::id_from(&article));
            let options = draft::DraftOptions::new(id, &config.draft);
            let d = draft::draft_file(&article, &options)?;
            let toml = draft::to_toml(&d);
            let shown = out.as_deref().unwrap_or(&article).display().to_string();
            for f in &d.findings {
                eprintln!("warning: {shown}: {f}");
            }
            match &out {
                Some(path) => draft::write_new(path, &toml, force)?,
                None => print!("{toml}"),
            }
            eprintln!(
                "roundtable: drafted {} speaker(s) and {} mentioned actor(s), a {}-word summary; {} neutrality finding(s). \
                 Write the options (labels starting with `{}`) before `roundtable check`.",
                d.analysis.speakers().count(),
                d.analysis.mentioned().count(),
                d.prompt.summary.split_whitespace().count(),
                d.findings.len(),
                roundtable::prompt::PLACEHOLDER
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Run => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            match runtime.block_on(roundtable::discord::run(&config)) {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(e) => {
                    eprintln!("roundtable: {e}");
                    Ok(ExitCode::from(e.exit_code()))
                }
            }
        }
    }
}

/// The server a command on the host means (see `ServerId::pick`).
fn server_of(
    engine: &roundtable::discussion::Discussions,
    given: Option<roundtable::store::ServerId>,
    config: &Config,
) -> anyhow::Result<roundtable::store::ServerId> {
    let known = engine.store().servers()?;
    roundtable::store::ServerId::pick(given, config.discord.guild_id, &known)
        .map_err(|e| anyhow::anyhow!(e))
}

/// The engine over the configured database, which must exist already (nothing to read otherwise).
fn existing_engine(config: &Config) -> anyhow::Result<roundtable::discussion::Discussions> {
    if !config.database.exists() {
        anyhow::bail!(
            "no database at {}: no discussion has been held there yet (see `database` in the configuration)",
            config.database.display()
        );
    }
    let store = roundtable::store::Store::open(&config.database, &config.store)
        .with_context(|| format!("opening {}", config.database.display()))?;
    Ok(roundtable::discussion::Discussions::new(
        store,
        std::sync::Arc::new(roundtable::clock::SystemClock),
        (&config.discussion).into(),
    ))
}
