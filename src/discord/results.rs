//! Results on Discord: the tally's chart as an attachment, `/discussion export` (votes and replies
//! as a CSV or JSON file) and `/discussion history` (past discussions with links).
//!
//! `/discussion export` is for moderators, like the rest of `/discussion`. `/discussion history`
//! answers anyone who can run it: only closed discussions are listed, whose counts are no secret.
//! Discord applies `default_member_permissions` to the whole `/discussion` group (a subcommand
//! cannot have its own), so by default only moderators see it; a server that wants members to
//! use it allows `/discussion` for them in Server Settings → Integrations, and every other
//! subcommand still refuses them.

use super::access::moderator;
use super::flows::{blocking, FlowError};
use super::reply::{defer, finish, parts, say, server_of};
use super::rest::{RestError, Upload};
use super::{no_mentions, view, CommandError, Context};
use crate::discussion::{Discussion, Discussions};
use crate::export::ExportConfig;
use crate::export::{self, ExportError, ExportSummary, Format, MemberIds};
use crate::limits;
use crate::render::{self, cut::cut};
use crate::store::{DiscussionId, ServerId};
use flate2::write::GzEncoder;
use flate2::Compression;
use serenity::builder::{CreateInteractionResponse, EditInteractionResponse};
use std::io::{self, Write};
use std::sync::Arc;

/// Past discussions read for `/discussion history`; the post shows as many as fit its embed.
const HISTORY_LIMIT: usize = 25;

/// The export's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub(super) enum ExportFormat {
    #[name = "csv"]
    Csv,
    #[name = "json"]
    Json,
}

impl From<ExportFormat> for Format {
    fn from(f: ExportFormat) -> Format {
        match f {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Json => Format::Json,
        }
    }
}

/// Export a discussion's votes and replies with their times, as a file (to you only).
#[poise::command(slash_command, guild_only)]
pub(super) async fn export(
    ctx: Context<'_>,
    #[description = "Discussion number (default: the one open here, else the last closed)"]
    discussion: Option<i64>,
    #[description = "File format (default: csv)"] format: Option<ExportFormat>,
) -> Result<(), CommandError> {
    let Some((_by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let d = match resolve_for_export(core, server, discussion, ix.channel_id.get()).await {
        Ok(d) => d,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    defer(&ctx).await?;
    let format = Format::from(format.unwrap_or(ExportFormat::Csv));
    let limit = upload_limit(ix.attachment_size_limit);
    let (engine, config, id) = (core.engine.clone(), core.export.clone(), d.id());
    let made =
        match blocking(move || export_within(&engine, server, id, format, &config, limit)).await {
            Ok(made) => made,
            Err(e) => return finish(&ctx, format!("Nothing was exported: {e}")).await,
        };
    let on_host = format!("`roundtable export {id} --format {}`", format.extension());
    let (data, gzipped, summary, ids) = match made {
        Ok(Exported::File {
            data,
            gzipped,
            summary,
            ids,
        }) => (data, gzipped, summary, ids),
        Ok(Exported::TooLarge) => {
            return finish(
                &ctx,
                format!(
                "Discussion #{id}'s export is larger than Discord lets the bot upload here ({}), \
                     even compressed. Export it where the bot runs: {on_host}.",
                size(limit),
            ),
            )
            .await
        }
        Err(e) => return finish(&ctx, format!("Nothing was exported: {e}")).await,
    };
    let mut name = export::file_name(&d, format);
    let mut text = format!("Discussion #{id}: {summary}; member ids {ids}.");
    if gzipped {
        name.push_str(".gz");
        text.push_str(&format!(
            " Compressed with gzip ({}) to fit Discord's upload limit here ({}).",
            size(data.len()),
            size(limit)
        ));
    }
    let file = Upload::new(name, data);
    let edit = EditInteractionResponse::new()
        .content(cut(&text, limits::CONTENT).0)
        .allowed_mentions(no_mentions());
    match core
        .rest
        .edit_answer_with_file(&ix.token, &edit, &file)
        .await
    {
        Ok(_) => Ok(()),
        // Refused (too large after all, no permission to attach) or failed: say so, or the
        // answer would stay "thinking" for good.
        Err(e @ RestError::Status { .. }) => {
            finish(
                &ctx,
                format!(
                    "The file could not be sent ({e}). Export it where the bot runs: {on_host}."
                ),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// List past discussions: question, dates, participation, leading stance, with links.
#[poise::command(slash_command, guild_only)]
pub(super) async fn history(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let Some(server) = server_of(ix) else {
        return say(&ctx, "There is no history outside a server.").await;
    };
    let engine = core.engine.clone();
    let past = match blocking(move || engine.history(server, HISTORY_LIMIT)).await? {
        Ok(p) => p,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    let post = render::history::history_post(&past);
    let answer = CreateInteractionResponse::Message(view::answer(&post, true));
    core.rest.answer(ix.id, &ix.token, &answer).await?;
    Ok(())
}

/// The discussion to export: the given number, else the one a tally would take (open here, or
/// the only open one), else the one that closed last.
async fn resolve_for_export(
    core: &super::flows::Core,
    server: ServerId,
    given: Option<i64>,
    channel: u64,
) -> Result<Arc<Discussion>, FlowError> {
    if given.is_some() {
        return core.resolve(server, given, channel).await;
    }
    let engine = core.engine.clone();
    let any_open = !blocking(move || engine.list(server, true, 1))
        .await??
        .is_empty();
    if any_open {
        return core.resolve(server, None, channel).await;
    }
    let engine = core.engine.clone();
    let last = blocking(move || engine.history(server, 1)).await??;
    match last.into_iter().next() {
        Some(p) => Ok(Arc::new(p.discussion)),
        None => Err(FlowError::Invalid(
            "There is no discussion to export yet.".into(),
        )),
    }
}

/// The upload limit the interaction states, else Discord's default.
fn upload_limit(stated: u32) -> usize {
    match usize::try_from(stated) {
        Ok(0) | Err(_) => limits::ATTACHMENT_SIZE,
        Ok(n) => n,
    }
}

/// "812 bytes", "3.4 KiB", "10 MiB".
fn size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    let (value, unit) = if b >= KIB * KIB {
        (b / (KIB * KIB), "MiB")
    } else if b >= KIB {
        (b / KIB, "KiB")
    } else {
        return format!("{bytes} bytes");
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
}

/// An export ready to upload, or why not.
#[derive(Debug)]
enum Exported {
    File {
        data: Vec<u8>,
        /// Compressed with gzip to fit the limit.
        gzipped: bool,
        summary: ExportSummary,
        /// How member ids appear, in words.
        ids: &'static str,
    },
    /// Larger than the limit even compressed.
    TooLarge,
}

/// Exports discussion `id` in memory within `limit` bytes. Blocking: the store and the key file.
fn export_within(
    engine: &Discussions,
    server: ServerId,
    id: DiscussionId,
    format: Format,
    config: &ExportConfig,
    limit: usize,
) -> Result<Exported, ExportError> {
    let ids = MemberIds::from_config(config, engine.store().path())?;
    let mut fit = Fit::new(limit);
    let summary = match export::export(engine, server, id, format, &ids, &mut fit) {
        Ok(s) => s,
        Err(_) if fit.too_large => return Ok(Exported::TooLarge),
        Err(e) => return Err(e),
    };
    let (data, gzipped) = match fit.finish()? {
        Some(done) => done,
        None => return Ok(Exported::TooLarge),
    };
    Ok(Exported::File {
        data,
        gzipped,
        summary,
        ids: ids.describe(),
    })
}

/// A file written in memory to fit an upload limit: kept as written while it fits, else
/// compressed with gzip from then on (the part written so far first). Memory stays within about
/// twice the limit however large the export; writing fails once even the compressed form is over.
struct Fit {
    limit: usize,
    sink: Sink,
    too_large: bool,
}

enum Sink {
    Plain(Vec<u8>),
    Gzip(GzEncoder<Vec<u8>>),
}

impl Fit {
    fn new(limit: usize) -> Fit {
        Fit {
            limit,
            sink: Sink::Plain(Vec::new()),
            too_large: false,
        }
    }

    fn over() -> io::Error {
        io::Error::other("larger than the upload limit, even compressed")
    }

    /// The bytes and whether they are gzip, or `None` when they do not fit.
    fn finish(self) -> io::Result<Option<(Vec<u8>, bool)>> {
        if self.too_large {
            return Ok(None);
        }
        let (data, gzipped) = match self.sink {
            Sink::Plain(data) => (data, false),
            Sink::Gzip(gz) => (gz.finish()?, true),
        };
        Ok((data.len() <= self.limit).then_some((data, gzipped)))
    }
}

impl Write for Fit {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.too_large {
            return Err(Fit::over());
        }
        match &mut self.sink {
            Sink::Plain(data) if data.len() + buf.len() <= self.limit => {
                data.extend_from_slice(buf);
                return Ok(buf.len());
            }
            Sink::Plain(data) => {
                let so_far = std::mem::take(data);
                let mut gz = GzEncoder::new(Vec::new(), Compression::default());
                gz.write_all(&so_far)?;
                gz.write_all(buf)?;
                self.sink = Sink::Gzip(gz);
            }
            Sink::Gzip(gz) => gz.write_all(buf)?,
        }
        if let Sink::Gzip(gz) = &self.sink {
            if gz.get_ref().len() > self.limit {
                self.too_large = true;
                return Err(Fit::over());
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Compressed output is flushed once, at the end: a flush on the way would cost ratio.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn written(limit: usize, data: &[u8]) -> Option<(Vec<u8>, bool)> {
        let mut fit = Fit::new(limit);
        for chunk in data.chunks(100) {
            if fit.write_all(chunk).is_err() {
                assert!(fit.too_large);
                return None;
            }
        }
        fit.finish().unwrap()
    }

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn an_export_within_the_limit_is_kept_as_written() {
        let data = b"discussion,kind\r\n1,vote\r\n".repeat(10);
        assert_eq!(written(data.len(), &data), Some((data.clone(), false)));
    }

    #[test]
    fn an_export_over_the_limit_is_gzipped_whole() {
        let data =
            b"1,vote,2025-01-01T00:00:00Z,0123456789abcdef,un,Through the UN,,\r\n".repeat(200);
        let (gz, gzipped) = written(data.len() / 4, &data).expect("fits compressed");
        assert!(gzipped);
        assert!(gz.len() <= data.len() / 4);
        assert_eq!(gunzip(&gz), data);
    }

    #[test]
    fn an_export_too_large_even_compressed_does_not_fit() {
        // Bytes that do not compress: a simple generator's output.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let data: Vec<u8> = (0..50_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert_eq!(written(10_000, &data), None);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(3_482), "3.4 KiB");
        assert_eq!(size(limits::ATTACHMENT_SIZE), "10 MiB");
        assert_eq!(upload_limit(0), limits::ATTACHMENT_SIZE);
        assert_eq!(upload_limit(26_214_400), 26_214_400);
    }
}
