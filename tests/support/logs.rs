//! The bot's log, captured per test. Tests run on tokio's current-thread runtime, so the bot's
//! tasks run on the test's thread and a thread-local subscriber sees everything they log.
//! serenity logs at DEBUG what it drops silently (a payload it cannot parse becomes
//! `Event::Unknown`), so a failing test prints this log.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

#[derive(Clone)]
pub struct Buffer {
    text: Arc<Mutex<Vec<u8>>>,
    written: Arc<watch::Sender<usize>>,
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let len = {
            let mut text = self.text.lock().unwrap_or_else(|e| e.into_inner());
            text.extend_from_slice(buf);
            text.len()
        };
        self.written.send_replace(len);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

pub struct Logs {
    buf: Buffer,
    _guard: tracing::subscriber::DefaultGuard,
}

/// Captures this thread's log (default filter: serenity, poise and roundtable at DEBUG;
/// `ROUNDTABLE_TEST_LOG` overrides it) until the returned value is dropped. A panicking test
/// prints it.
pub fn capture() -> Logs {
    let filter = std::env::var("ROUNDTABLE_TEST_LOG")
        .unwrap_or_else(|_| "warn,roundtable=debug,serenity=debug,poise=debug".into());
    let buf = Buffer {
        text: Arc::default(),
        written: Arc::new(watch::channel(0).0),
    };
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_ansi(false)
        .with_writer(buf.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    Logs { buf, _guard: guard }
}

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buf.text.lock().unwrap_or_else(|e| e.into_inner()))
            .into_owned()
    }

    /// Waits until the log contains `needle` (the bot logs from its own tasks).
    pub async fn wait_for(&self, needle: &str, timeout: Duration) {
        let mut written = self.buf.written.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        while !self.text().contains(needle) {
            if tokio::time::timeout_at(deadline, written.changed())
                .await
                .is_err()
            {
                panic!("timed out after {timeout:?}: the log never said {needle:?}");
            }
        }
    }
}

impl Drop for Logs {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- the bot's log ---\n{}", self.text());
        }
    }
}
