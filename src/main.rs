//! The roundtable command line: a thin shell over the library.

use clap::{Parser, Subcommand};
use roundtable::config::Config;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "roundtable", version, about = "Weekly discussions on news, for Discord servers")]
struct Cli {
    /// Configuration file (TOML); defaults apply when absent.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the configuration and every prompt; exit 1 if anything is wrong.
    Check {
        /// Prompt folder (default: the config's `prompts`).
        #[arg(long, value_name = "DIR")]
        prompts: Option<PathBuf>,
        /// Treat neutrality findings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Run the bot on Discord (token from DISCORD_TOKEN or the config's token_file).
    Run,
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
    let filter = EnvFilter::try_from_env("ROUNDTABLE_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        Some(p) => Ok(Config::load(p)?),
        None if Path::new("roundtable.toml").exists() => Ok(Config::load(Path::new("roundtable.toml"))?),
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
        Command::Check { prompts, strict } => {
            let dir = prompts.unwrap_or(config.prompts.clone());
            let report = roundtable::check::check(&dir, strict);
            print!("{}", report.text);
            Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Run => {
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
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
