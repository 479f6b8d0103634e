//! The roundtable command line: parses the arguments, sets up the log, dispatches to the library
//! (`roundtable::cli`, `roundtable::console`, `roundtable::discord`, …) and turns errors into exit
//! statuses (`roundtable::exit`).

use clap::{Parser, Subcommand};
use roundtable::config::Config;
use roundtable::exit;
use roundtable::store::DiscussionId;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "roundtable",
    version,
    about = "Weekly discussions on news, for Discord servers",
    after_help = exit::HELP
)]
struct Cli {
    /// Configuration file (TOML); defaults apply when absent.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Without a command: the bot's main job, `run` on Discord when a token is set up (DISCORD_TOKEN
    /// or discord.token_file), else the local `console`, which stands in for Discord.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Rehearse discussions in the terminal: you act as members and moderators.
    Console,
    /// Validate the configuration and every prompt; exit 1 if a prompt is wrong, 78 if the
    /// configuration is.
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
    /// with the key beside the database, created on the first export, unless configured otherwise).
    Export {
        /// The discussion's number, as `roundtable history` shows it (`3` or `#3`).
        #[arg(value_parser = discussion_number)]
        discussion: DiscussionId,
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
    /// Move prompts between the database (drafted and approved from Discord) and prompt files.
    Prompts {
        #[command(subcommand)]
        action: PromptsAction,
    },
    /// Print the link that adds the bot to a server (scopes bot and applications.commands, only
    /// the permissions it uses) and the gateway intents to switch on.
    Invite {
        /// The application's id (Developer Portal → General Information); without it, Discord is
        /// asked with the bot's token.
        #[arg(long, value_name = "ID")]
        client_id: Option<u64>,
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

#[derive(Subcommand)]
enum PromptsAction {
    /// Write a server's approved prompts as prompt files, DIR/ID.toml (replacing files of that name).
    Export {
        dir: PathBuf,
        /// The server (guild id, or `console`); default: discord.guild_id, else the only one.
        #[arg(long)]
        server: Option<roundtable::store::ServerId>,
    },
    /// Approve every prompt file in DIR into a server's prompts, as a new version of any that
    /// differ; if any file is bad, nothing is imported and every problem is listed.
    Import {
        dir: PathBuf,
        /// The server (guild id, or `console`); default: discord.guild_id, else the only one.
        #[arg(long)]
        server: Option<roundtable::store::ServerId>,
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

fn discussion_number(s: &str) -> Result<DiscussionId, String> {
    s.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .map(DiscussionId)
        .map_err(|_| format!("`{s}` is not a discussion number"))
}

fn main() -> ExitCode {
    // Usage errors exit 2 here, with clap's message.
    let cli = Cli::parse();
    let command = cli.command;
    let config = match Config::find(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            // `check` reports on stdout, like the prompt problems it lists.
            if matches!(command, Some(Command::Check { .. })) {
                println!("{e}");
            } else {
                eprintln!("roundtable: {e}");
            }
            return ExitCode::from(exit::CONFIG);
        }
    };
    roundtable::logging::init(config.log_format);
    let command = command.unwrap_or_else(|| main_job(&config));
    match dispatch(command, &config, cli.config.as_deref()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let root: &(dyn std::error::Error + 'static) = e.as_ref();
            eprintln!("roundtable: {}", exit::describe(root));
            ExitCode::from(exit::code_of_chain(root))
        }
    }
}

/// What `roundtable` alone does: the bot on Discord when a token is set up; with none at all, the
/// console, said once on stderr. A token file that is named but unreadable is still an error of
/// `run` (it names the file), never a silent fall-back.
fn main_job(config: &Config) -> Command {
    match config.token() {
        Err(roundtable::config::TokenError::Missing) => {
            eprintln!(
                "roundtable: no Discord token set up (DISCORD_TOKEN or discord.token_file): \
                 the local console stands in for Discord. Type `help`."
            );
            Command::Console
        }
        _ => Command::Run,
    }
}

fn dispatch(command: Command, config: &Config, config_file: Option<&Path>) -> anyhow::Result<u8> {
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    match command {
        Command::Console => {
            roundtable::console::run(config, std::io::stdin().lock(), stdout.lock())?;
        }
        Command::Check { prompts, strict } => {
            let dir = prompts.as_ref().unwrap_or(&config.prompts);
            let file = Config::file_in_use(config_file);
            if !roundtable::cli::check(config, file.as_deref(), dir, strict, stdout.lock())? {
                return Ok(exit::FAILURE);
            }
        }
        Command::Schedule { dry_run: _, weeks } => {
            roundtable::cli::schedule_listing(config, weeks, stdout.lock(), stderr.lock())?;
        }
        Command::Export {
            discussion,
            format,
            out,
            server,
        } => {
            let (out_file, format) = (out.as_deref(), format.into());
            roundtable::cli::export(
                config,
                server,
                discussion,
                format,
                out_file,
                stdout.lock(),
                stderr.lock(),
            )?;
        }
        Command::History { limit, server } => {
            roundtable::cli::history(config, server, limit, stdout.lock())?
        }
        Command::Preview { prompt_id, prompts } => {
            let dir = prompts.as_ref().unwrap_or(&config.prompts);
            roundtable::cli::preview(dir, &prompt_id, stdout.lock())?;
        }
        Command::Draft {
            article,
            out,
            id,
            force,
        } => {
            let request = roundtable::cli::DraftRequest {
                article: &article,
                out: out.as_deref(),
                id,
                force,
            };
            roundtable::cli::draft(config, request, stdout.lock(), stderr.lock())?;
        }
        Command::Invite { client_id } => {
            let id = runtime()?.block_on(roundtable::discord::invite::resolve_client_id(
                config, client_id,
            ))?;
            print!("{}", roundtable::discord::invite::text(id, config));
        }
        Command::Prompts { action } => {
            let (dir, server, import) = match action {
                PromptsAction::Export { dir, server } => (dir, server, false),
                PromptsAction::Import { dir, server } => (dir, server, true),
            };
            roundtable::cli::prompts(config, server, &dir, import, stderr.lock())?;
        }
        Command::Backup { file } => roundtable::cli::backup(config, &file, stderr.lock())?,
        Command::Run => runtime()?.block_on(roundtable::discord::run(config))?,
    }
    Ok(exit::OK)
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}
