//! roundtable: weekly discussions on news, for Discord servers.
//!
//! The core (prompts, discussion engine, store, rendering) knows nothing of Discord; the adapters
//! (`console`, and the Discord adapter) translate a transport into core calls.

pub mod clock;
pub mod check;
pub mod config;
pub mod discord;
pub mod limits;
pub mod location;
pub mod prompt;
