//! The one writer: a thread that owns the writing connection and commits jobs in batches. Each job
//! runs inside a savepoint of the batch's transaction, so one failing job does not undo the others;
//! every caller is answered after the batch has committed (group commit).

use super::StoreError;
use rusqlite::Connection;
use std::sync::mpsc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// Called once the batch's fate is known: `None` after a commit, `Some(error)` if it failed.
type Deliver = Box<dyn FnOnce(Option<&str>) + Send>;
/// Runs in the batch's transaction, or is told why there is none (`Err`): then it must not run.
type Job = Box<dyn FnOnce(Result<&Connection, &str>) -> Deliver + Send>;

pub(super) struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(conn: Connection, max_batch: usize) -> Result<Writer, StoreError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("roundtable-store-writer".into())
            .spawn(move || run(conn, rx, max_batch.max(1)))
            .map_err(|e| StoreError::Commit(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer {
            jobs: Some(tx),
            thread: Some(thread),
        })
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
        self.submit(f)?
            .blocking_recv()
            .map_err(|_| StoreError::WriterGone)?
    }

    pub(super) async fn write_async<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.submit(f)?.await.map_err(|_| StoreError::WriterGone)?
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
            done.push(job(Ok(&conn)));
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
