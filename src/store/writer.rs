//! The one writer: a thread that owns the writing connection and commits jobs in batches. Each job
//! runs inside a savepoint of the batch's transaction, so one failing job does not undo the others;
//! every caller is answered after the batch has committed (group commit). When the last handle
//! goes, the thread finishes the jobs already sent, checkpoints the WAL into the database file
//! (TRUNCATE) and closes the connection, so a clean stop leaves `roundtable.db` holding everything.
//!
//! Should the thread die (a job panicked), every later write is refused with
//! [`StoreError::WriterGone`], and [`Writer::stopped`] resolves: the adapters end the process
//! with an error then, rather than go on answering members without storing anything.

use super::StoreError;
use rusqlite::Connection;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tokio::sync::{oneshot, watch};

/// Called once the batch's fate is known: `None` after a commit, `Some(error)` if it failed.
type Deliver = Box<dyn FnOnce(Option<&str>) + Send>;
/// Runs in the batch's transaction, or is told why there is none (`Err`): then it must not run.
type Job = Box<dyn FnOnce(Result<&Connection, &str>) -> Deliver + Send>;

pub(super) struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    /// Closed (its sender dropped) when the thread ends, however it ends.
    alive: watch::Receiver<()>,
}

impl Writer {
    pub(super) fn start(conn: Connection, max_batch: usize) -> Result<Writer, StoreError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let (alive_tx, alive) = watch::channel(());
        let thread = std::thread::Builder::new()
            .name("roundtable-store-writer".into())
            .spawn(move || {
                // Dropped when the thread ends, on a panic too: that is what `stopped` waits for.
                let _alive = alive_tx;
                run(conn, rx, max_batch.max(1))
            })
            .map_err(|e| StoreError::Commit(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer {
            jobs: Some(tx),
            thread: Some(thread),
            alive,
        })
    }

    /// Whether the thread still takes writes.
    pub(super) fn is_alive(&self) -> bool {
        self.alive.has_changed().is_ok()
    }

    /// Resolves once the thread has ended (while a handle exists, only because it died).
    pub(super) fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut alive = self.alive.clone();
        async move { while alive.changed().await.is_ok() {} }
    }

    fn submit<T, F>(&self, f: F) -> Result<oneshot::Receiver<Result<T, StoreError>>, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = match conn {
                Ok(conn) => in_savepoint(conn, f),
                Err(e) => Err(StoreError::Commit(e.to_string())),
            };
            Box::new(move |commit_error| {
                let outcome = match commit_error {
                    None => result,
                    Some(e) => Err(StoreError::Commit(e.to_string())),
                };
                let _ = tx.send(outcome);
            })
        });
        self.jobs
            .as_ref()
            .ok_or(StoreError::WriterGone)?
            .send(job)
            .map_err(|_| StoreError::WriterGone)?;
        Ok(rx)
    }

    /// Runs `f` in the writer and waits until its transaction has committed.
    /// Not for use on an async runtime's thread: use [`Writer::write_async`] there.
    pub(super) fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.submit(f)?.blocking_recv().map_err(|_| {
            self.settle();
            StoreError::WriterGone
        })?
    }

    /// After a job's answer was lost: the thread is dying; give it a moment to end, so that
    /// [`Writer::is_alive`] agrees with the error the caller is about to see.
    fn settle(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        while self.is_alive() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    pub(super) async fn write_async<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        match self.submit(f)?.await {
            Ok(result) => result,
            Err(_) => {
                let mut alive = self.alive.clone();
                let ended = async { while alive.changed().await.is_ok() {} };
                let _ = tokio::time::timeout(std::time::Duration::from_secs(1), ended).await;
                Err(StoreError::WriterGone)
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel lets the thread finish the jobs already sent, then stop.
        self.jobs.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.execute_batch("SAVEPOINT job")?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("RELEASE job")?;
            Ok(v)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")?;
            Err(e)
        }
    }
}

fn run(conn: Connection, jobs: mpsc::Receiver<Job>, max_batch: usize) {
    commit_batches(&conn, jobs, max_batch);
    // Every handle is gone: fold the WAL into the database file, so the file alone holds
    // everything (a copy of it is a backup). Another process still reading stops it short:
    // that is no error, the WAL then stays for the last one out.
    match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    }) {
        Ok((0, _, _)) => tracing::debug!("store: checkpointed on close"),
        Ok((_, log, done)) => {
            tracing::info!(
                log,
                done,
                "store: checkpoint on close cut short by another reader"
            )
        }
        Err(e) => tracing::warn!("store: cannot checkpoint on close: {e}"),
    }
    if let Err((_, e)) = conn.close() {
        tracing::warn!("store: closing the database: {e}");
    }
}

fn commit_batches(conn: &Connection, jobs: mpsc::Receiver<Job>, max_batch: usize) {
    let mut batch: Vec<Job> = Vec::with_capacity(max_batch);
    let mut done: Vec<Deliver> = Vec::with_capacity(max_batch);
    while let Ok(first) = jobs.recv() {
        batch.push(first);
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (writes, started) = (batch.len(), std::time::Instant::now());
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            crate::metrics::commit(writes, started.elapsed(), false);
            let msg = e.to_string();
            tracing::error!(error = %msg, "store: cannot begin a transaction");
            for job in batch.drain(..) {
                job(Err(&msg))(Some(&msg));
            }
            continue;
        }
        for job in batch.drain(..) {
            done.push(job(Ok(conn)));
        }
        let committed = conn.execute_batch("COMMIT");
        crate::metrics::commit(writes, started.elapsed(), committed.is_ok());
        match committed {
            Ok(()) => done.drain(..).for_each(|d| d(None)),
            Err(e) => {
                let msg = e.to_string();
                tracing::error!(error = %msg, "store: commit failed; the batch is rolled back");
                let _ = conn.execute_batch("ROLLBACK");
                done.drain(..).for_each(|d| d(Some(&msg)));
            }
        }
    }
}
