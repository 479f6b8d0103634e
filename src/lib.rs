//! roundtable: weekly discussions on news, for Discord servers.
//!
//! The core (prompts, discussion engine, store, rendering) knows nothing of Discord; the adapters
//! (`console`, and the Discord adapter) translate a transport into core calls.

pub mod chart;
pub mod check;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod discord;
pub mod discussion;
pub mod draft;
pub mod exit;
pub mod export;
pub mod files;
pub mod library;
pub mod limits;
pub mod location;
pub mod logging;
pub mod metrics;
pub mod opinion;
pub mod prompt;
pub mod render;
pub mod schedule;
pub mod settings;
pub mod store;
pub mod suggest;

#[cfg(test)]
mod error_chains;
