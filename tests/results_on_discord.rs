#![recursion_limit = "256"]
//! Results on Discord, end to end: the real serenity client against the loopback Discord. The
//! final result carries the chart of the tally, a moderator's `/discussion tally chart:true`
//! carries it too, `/discussion export` uploads the votes as a file (pseudonymized, gzipped when
//! too large to upload as it is), and `/discussion history` lists closed discussions with links.

mod support;

use roundtable::chart::{self, ChartOptions};
use roundtable::config::Config;
use roundtable::discussion::Tally;
use roundtable::export::{Pseudonymizer, CSV_HEADER};
use roundtable::prompt::{Catalog, Prompt};
use roundtable::store::Counts;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{Read, Write};
use support::{bot, Discord, Guild, Member, Sent, SentKind};

const SEED: &str = "syria-strike-2017";
const KEY: &str = "loopback-pseudonym-key-for-tests-0123456789";

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

fn seed() -> Prompt {
    Catalog::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts"))
        .prompts
        .remove(SEED)
        .expect("the seed prompt")
}

struct Posted {
    message: u64,
    /// Stance custom_ids in the order shown.
    stances: Vec<String>,
}

fn key_of(custom_id: &str) -> String {
    custom_id.rsplit(':').next().unwrap().to_string()
}

/// A loopback Discord with a guild of `members`, the bot running with `config`, and the seed
/// discussion posted in #discussions.
struct World {
    discord: Discord,
    guild: Guild,
    running: bot::RunningBot,
    posted: Posted,
    /// Who chose what (member index → option key).
    votes: HashMap<usize, String>,
    _dir: tempfile::TempDir,
}

impl World {
    async fn start(
        members: usize,
        configure: impl FnOnce(&mut Config, &Guild, &std::path::Path),
    ) -> World {
        let dir = tempfile::tempdir().unwrap();
        let discord = Discord::start().await;
        let guild = discord.create_guild("Newsroom", members);
        let mut config = discord.config(Some(&guild));
        configure(&mut config, &guild, dir.path());
        let mut running = bot::start(&config).await;
        discord.await_commands(Some(guild.id)).await;
        running.ready().await;
        let posted = post_seed(&discord, &guild).await;
        World {
            discord,
            guild,
            running,
            posted,
            votes: HashMap::new(),
            _dir: dir,
        }
    }

    /// Members `0..n` vote, member `i` for the `pattern[i % len]`-th stance shown.
    async fn vote(&mut self, n: usize, pattern: &[usize]) {
        for i in 0..n {
            let stance = self.posted.stances[pattern[i % pattern.len()]].clone();
            let answer = self
                .discord
                .answer(&self.discord.click(
                    self.guild.member(i),
                    &self.guild,
                    self.posted.message,
                    &stance,
                ))
                .await;
            assert!(
                answer.content().starts_with("Your stance is recorded"),
                "{}",
                answer.content()
            );
            self.votes.insert(i, key_of(&stance));
        }
    }

    fn run(&self, who: &Member, subcommand: &str, options: Value) -> support::Interaction {
        self.discord.run_command(
            who,
            &self.guild,
            self.guild.discussions,
            "discussion",
            sub(subcommand, options),
        )
    }

    /// The moderator closes the discussion; returns the final result in the channel and in the
    /// thread.
    async fn close(&self) -> (Sent, Sent) {
        let before = self.discord.sent().len();
        let ix = self.run(self.guild.moderator(), "close", json!([]));
        assert_eq!(self.discord.answer(&ix).await.callback_type(), Some(5));
        let in_channel = self
            .discord
            .await_sent("the final result in the channel", before, |s| {
                s.kind == SentKind::Message && s.channel_id == Some(self.guild.discussions)
            })
            .await;
        let in_thread = self
            .discord
            .await_sent("the final result in the thread", before, |s| {
                s.kind == SentKind::Message && s.channel_id == Some(self.posted.message)
            })
            .await;
        (in_channel, in_thread)
    }

    /// The tally the members' votes make, with the options in the order shown.
    fn expected_tally(&self, closed: bool) -> Tally {
        let prompt = seed();
        let options: Vec<_> = self
            .posted
            .stances
            .iter()
            .map(|c| {
                let key = key_of(c);
                prompt
                    .options
                    .iter()
                    .find(|o| o.key == key)
                    .cloned()
                    .unwrap_or_else(|| panic!("no option {key}"))
            })
            .collect();
        let mut votes: HashMap<String, u64> = HashMap::new();
        for k in self.votes.values() {
            *votes.entry(k.clone()).or_default() += 1;
        }
        let counts = Counts {
            votes: votes.into_iter().collect(),
            replies: 0,
            repliers: 0,
            replies_by_voters: Vec::new(),
            replies_without_text: 0,
        };
        Tally::from_counts(&options, &counts, closed)
    }

    /// The value of `/discussion export`'s format choice `name`, as registered.
    async fn format_choice(&self, name: &str) -> Value {
        let commands = self.discord.await_commands(Some(self.guild.id)).await;
        let discussion = commands.iter().find(|c| c["name"] == "discussion").unwrap();
        let export = discussion["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "export")
            .expect("/discussion export is registered");
        let format = export["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "format")
            .expect("export has a format option");
        let choice = format["choices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no format choice {name}: {format}"));
        json!({"name": "format", "type": format["type"], "value": choice["value"]})
    }

    /// The moderator runs `/discussion export` with `options`; returns the deferred answer's edit.
    async fn export(&self, options: Value) -> Sent {
        let before = self.discord.sent().len();
        let ix = self.run(self.guild.moderator(), "export", options);
        let answer = self.discord.answer(&ix).await;
        assert_eq!(answer.callback_type(), Some(5), "the export is deferred");
        assert!(answer.is_ephemeral());
        self.discord
            .await_sent("the export's answer", before, |s| {
                s.kind == SentKind::EditOriginal && s.interaction_id == Some(ix.id)
            })
            .await
    }

    async fn stop(self) {
        self.running.stop().await.expect("clean stop");
        for s in self.discord.sent() {
            if matches!(
                s.kind,
                SentKind::Message | SentKind::EditMessage | SentKind::EditOriginal
            ) || s.callback_type() == Some(4)
            {
                assert!(s.mentions_nobody(), "{:?} pings: {}", s.kind, s.body);
            }
        }
        self.discord.assert_conformant();
    }
}

/// The moderator posts the seed discussion in #discussions.
async fn post_seed(discord: &Discord, guild: &Guild) -> Posted {
    let before = discord.sent().len();
    let ix = discord.run_command(
        guild.moderator(),
        guild,
        guild.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": SEED}]),
        ),
    );
    assert_eq!(discord.answer(&ix).await.callback_type(), Some(5));
    let post = discord
        .await_sent("the discussion post", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    discord
        .await_sent("the thread", before, |s| s.kind == SentKind::Thread)
        .await;
    discord
        .await_sent("the deferred answer's edit", before, |s| {
            s.kind == SentKind::EditOriginal
        })
        .await;
    Posted {
        message: post.message_id.unwrap(),
        stances: post.stance_ids(),
    }
}

/// Width and height of a PNG, decoded whole with the `png` crate.
fn decode_png(bytes: &[u8]) -> (u32, u32) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("a whole frame");
    (info.width, info.height)
}

fn key_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("pseudonym.key");
    std::fs::write(&path, format!("{KEY}\n")).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_discussion_attaches_the_chart_of_its_result() {
    let mut w = World::start(12, |_, _, _| {}).await;
    w.vote(12, &[0, 1, 1, 2, 3, 3, 3, 5]).await;
    let (in_channel, in_thread) = w.close().await;
    assert!(in_channel
        .content()
        .starts_with("**Final result of discussion #1**"));

    let expected = w.expected_tally(true);
    let question = seed().question;
    let reference = chart::draw(&question, &expected, &ChartOptions::default()).unwrap();
    for result in [&in_channel, &in_thread] {
        let files = result.files();
        assert_eq!(files.len(), 1, "one file: {:?}", result.body);
        let png = &files[0];
        assert_eq!(png.field, "files[0]");
        assert_eq!(png.filename, "roundtable-discussion-1-tally.png");
        assert_eq!(png.content_type.as_deref(), Some("image/png"));
        assert_eq!(
            png.description.as_deref(),
            Some(chart::alt_text(&question, &expected).as_str()),
            "the alt text describes the chart"
        );
        assert_eq!(
            decode_png(&png.data),
            (reference.width, reference.height),
            "the chart has the size of the result's chart"
        );
        assert_eq!(
            png.data,
            reference.encode_png().unwrap(),
            "the chart is the final tally's"
        );
        eprintln!("seed chart: {} bytes", png.size());
        // Discord keeps it on the message, with its dimensions.
        let stored = w.discord.message(result.message_id.unwrap()).unwrap();
        assert_eq!(stored["attachments"][0]["filename"], png.filename.as_str());
        assert_eq!(stored["attachments"][0]["width"], reference.width);
    }
    // Figures: the post's last edit → the result in the channel (chart drawn, then uploaded) →
    // the same in the thread (uploaded).
    let requests = w.discord.requests();
    let edit = requests
        .iter()
        .rev()
        .find(|r| r.op.as_deref() == Some("update_message"))
        .unwrap();
    let posts: Vec<_> = requests
        .iter()
        .filter(|r| r.op.as_deref() == Some("create_message") && r.n > edit.n)
        .collect();
    eprintln!(
        "chart drawn and uploaded: {:?}; the same upload to the thread: {:?}",
        posts[0].at - edit.at,
        posts[1].at - posts[0].at
    );
    // The result's embed is unchanged by the attachment.
    assert_eq!(in_thread.embeds(), in_channel.embeds());
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderators_tally_with_chart_true_carries_the_png() {
    let mut w = World::start(5, |_, _, _| {}).await;
    w.vote(5, &[0, 2]).await;

    let plain = w
        .discord
        .answer(&w.run(w.guild.moderator(), "tally", json!([])))
        .await;
    assert!(plain.files().is_empty(), "no chart unless asked");

    let ix = w.run(
        w.guild.moderator(),
        "tally",
        json!([{"name": "chart", "type": 5, "value": true}]),
    );
    let answer = w.discord.answer(&ix).await;
    assert_eq!(answer.callback_type(), Some(4));
    assert!(answer.is_ephemeral(), "the tally is for the moderator only");
    assert!(answer
        .content()
        .starts_with("**Current tally of discussion #1**"));
    let files = answer.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "roundtable-discussion-1-tally.png");
    let expected = w.expected_tally(false);
    let reference = chart::draw(&seed().question, &expected, &ChartOptions::default()).unwrap();
    assert_eq!(
        decode_png(&files[0].data),
        (reference.width, reference.height)
    );
    assert_eq!(files[0].data, reference.encode_png().unwrap());
    w.stop().await;
}

/// Parses a CSV export: the header, then (kind, member, option_key) per row.
fn csv_rows(bytes: &[u8]) -> Vec<(String, String, String)> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, CSV_HEADER);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_string(), r[3].to_string(), r[4].to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_exports_the_votes_as_a_pseudonymized_csv_file() {
    let mut w = World::start(9, |c, _, dir| {
        c.export.pseudonym_key_file = Some(key_file(dir));
    })
    .await;
    w.vote(9, &[1, 4, 4]).await;
    let csv_choice = w.format_choice("csv").await;
    let done = w.export(json!([csv_choice])).await;
    assert!(
        done.content()
            .starts_with("Discussion #1: 9 votes and 0 replies; member ids pseudonymized"),
        "{}",
        done.content()
    );
    let files = done.files();
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(
        file.filename,
        "roundtable-discussion-1-syria-strike-2017.csv"
    );
    assert_eq!(file.content_type.as_deref(), Some("text/csv"));
    eprintln!("export attachment: {} bytes", file.size());

    let pseudonyms = Pseudonymizer::new(KEY.as_bytes(), "test").unwrap();
    let expected: HashMap<String, String> = w
        .votes
        .iter()
        .map(|(i, k)| {
            (
                pseudonyms.pseudonym(&w.guild.member(*i).id.to_string()),
                k.clone(),
            )
        })
        .collect();
    let rows = csv_rows(&file.data);
    let got: HashMap<String, String> = rows
        .iter()
        .filter(|(kind, _, _)| kind == "vote")
        .map(|(_, member, key)| (member.clone(), key.clone()))
        .collect();
    assert_eq!(rows.len(), 9, "one row per vote");
    assert_eq!(got, expected, "every vote, under its member's pseudonym");
    let text = String::from_utf8(file.data.clone()).unwrap();
    for i in 0..9 {
        assert!(
            !text.contains(&w.guild.member(i).id.to_string()),
            "no raw member id in the export"
        );
    }

    // JSON too, with the same pseudonyms.
    let json_choice = w.format_choice("json").await;
    let done = w.export(json!([json_choice])).await;
    let file = &done.files()[0];
    assert_eq!(
        file.filename,
        "roundtable-discussion-1-syria-strike-2017.json"
    );
    let parsed: Value = serde_json::from_slice(&file.data).unwrap();
    let got: HashMap<String, String> = parsed["votes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["member"].as_str().unwrap().to_string(),
                v["option"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // After close, the export without a number takes the discussion that closed last.
    w.close().await;
    let done = w.export(json!([])).await;
    assert_eq!(
        done.files()[0].filename,
        "roundtable-discussion-1-syria-strike-2017.csv"
    );
    w.stop().await;
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_over_the_upload_limit_is_gzipped_or_refused_with_the_command_to_run() {
    let mut w = World::start(40, |c, _, dir| {
        c.export.pseudonym_key_file = Some(key_file(dir));
    })
    .await;
    w.vote(40, &[0, 1, 2, 3, 4, 5]).await;
    let whole = w.export(json!([])).await.files()[0].data.clone();
    let compressed = gzip(&whole);
    assert!(compressed.len() < whole.len());

    // The interaction allows less than the CSV but more than its gzip.
    let limit = (compressed.len() + whole.len()) / 2;
    w.discord.set_attachment_size_limit(limit as u64);
    let done = w.export(json!([])).await;
    let file = &done.files()[0];
    assert_eq!(
        file.filename,
        "roundtable-discussion-1-syria-strike-2017.csv.gz"
    );
    assert!(file.size() <= limit);
    assert!(
        done.content().contains("Compressed with gzip"),
        "{}",
        done.content()
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(file.data.as_slice())
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, whole, "the same export, compressed");

    // Less than even the gzip: no file, and the command that exports it on the bot's host.
    w.discord
        .set_attachment_size_limit(compressed.len() as u64 / 2);
    let done = w.export(json!([])).await;
    assert!(done.files().is_empty());
    assert!(
        done.content()
            .contains("`roundtable export 1 --format csv`"),
        "{}",
        done.content()
    );

    // Discord fails the upload every time it is tried: the answer says so instead of hanging.
    w.discord
        .set_attachment_size_limit(support::fake::DEFAULT_ATTACHMENT_SIZE_LIMIT);
    w.discord.fail(
        "update_original_webhook_message",
        support::Fault::ServerError(502),
        4,
    );
    let done = w.export(json!([])).await;
    assert!(done.files().is_empty());
    assert!(
        done.content().starts_with("The file could not be sent (")
            && done
                .content()
                .ends_with("Export it where the bot runs: `roundtable export 1 --format csv`."),
        "{}",
        done.content()
    );
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_cannot_export_and_the_first_export_without_a_key_works() {
    let mut w = World::start(3, |_, _, _| {}).await;
    w.vote(3, &[0]).await;
    let refused = w
        .discord
        .answer(&w.run(w.guild.member(1), "export", json!([])))
        .await;
    assert_eq!(refused.callback_type(), Some(4));
    assert!(refused.is_ephemeral());
    assert!(
        refused
            .content()
            .starts_with("Only moderators can use this"),
        "{}",
        refused.content()
    );
    assert!(refused.files().is_empty());

    if std::env::var_os(roundtable::export::pseudonym::KEY_ENV).is_none() {
        let done = w.export(json!([])).await;
        assert_eq!(done.files().len(), 1, "{}", done.content());
        let csv = String::from_utf8_lossy(&done.files()[0].data).into_owned();
        assert_eq!(csv.lines().count(), 4, "a header and three votes: {csv}");
        assert!(
            !csv.contains(&w.guild.member(0).id.to_string()),
            "member ids are pseudonymized: {csv}"
        );
    }
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_lists_the_closed_seed_discussion_with_its_link() {
    let mut w = World::start(4, |_, _, _| {}).await;
    w.vote(4, &[2, 2, 0]).await;

    let before_close = w
        .discord
        .answer(&w.run(w.guild.moderator(), "history", json!([])))
        .await;
    assert_eq!(
        before_close.embeds()[0]["description"],
        "No discussion has closed yet.",
        "an open discussion is not history"
    );

    w.close().await;
    // Anyone the server lets run /discussion sees it: a plain member here.
    let answer = w
        .discord
        .answer(&w.run(w.guild.member(2), "history", json!([])))
        .await;
    assert_eq!(answer.callback_type(), Some(4));
    assert!(answer.is_ephemeral());
    let embed = &answer.embeds()[0];
    assert_eq!(embed["title"], "Past discussions");
    let text = embed["description"].as_str().unwrap();
    let question = seed().question;
    let start: String = question.chars().take(40).collect();
    assert!(text.starts_with(&format!("**#1 · {start}")), "{text}");
    assert!(text.contains("4 members answered"), "{text}");
    let link = format!(
        "https://discord.com/channels/{}/{}/{}",
        w.guild.id, w.guild.discussions, w.posted.message
    );
    assert!(text.contains(&format!("[post]({link})")), "{text}");
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_whose_chart_discord_refuses_goes_out_without_it() {
    let mut w = World::start(3, |c, guild, _| {
        c.discord.log_channel = Some(guild.general);
    })
    .await;
    w.vote(3, &[1]).await;
    // Less than the chart: Discord answers 413 to the post with the file.
    w.discord.set_attachment_size_limit(1_000);
    let (in_channel, in_thread) = w.close().await;
    for result in [&in_channel, &in_thread] {
        assert!(result.files().is_empty());
        assert!(result
            .content()
            .starts_with("**Final result of discussion #1**"));
    }
    let refused: Vec<u16> = w
        .discord
        .requests_to("create_message")
        .iter()
        .map(|r| r.status)
        .collect();
    assert!(refused.contains(&413), "{refused:?}");
    let told = w
        .discord
        .await_sent("the note in the moderators' log channel", 0, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(w.guild.general)
        })
        .await;
    assert!(
        told.content()
            .starts_with("The chart of discussion #1 could not be attached"),
        "{}",
        told.content()
    );
    w.stop().await;
}

/// Every way the bot sends a message can carry a file, through the same retries as JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_message_carries_a_file_and_a_rate_limit_sends_it_again() {
    use roundtable::discord::Upload;
    use serenity::builder::{
        CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseFollowup,
        CreateInteractionResponseMessage, CreateMessage, EditInteractionResponse,
    };
    use serenity::model::id::{ChannelId, InteractionId};

    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let rest = support::rest_client(&discord);
    let nobody = CreateAllowedMentions::new;
    let file = |n: u8| {
        Upload::new(
            format!("file-{n}.csv"),
            vec![b'a' + n, 0, 255, b'\r', b'\n'],
        )
        .description(format!("file number {n}"))
    };
    // A 429 first: the request goes again, file and all.
    discord.fail(
        "create_message",
        support::Fault::RateLimited {
            retry_after: 0.05,
            global: false,
        },
        1,
    );
    let posted = rest
        .create_message_with_file(
            ChannelId::new(guild.general),
            &CreateMessage::new()
                .content("with a file")
                .allowed_mentions(nobody()),
            &file(0),
        )
        .await
        .expect("create message with a file");
    assert_eq!(posted.attachments.len(), 1);
    assert_eq!(posted.attachments[0].filename, "file-0.csv");
    assert_eq!(
        posted.attachments[0].description.as_deref(),
        Some("file number 0")
    );
    assert_eq!(posted.attachments[0].size, 5);
    let statuses: Vec<u16> = discord
        .requests_to("create_message")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![429, 200]);

    let old = discord.earlier_bot_post(
        guild.general,
        "An old post",
        json!([{"type": 1, "components": [{"type": 2, "style": 2, "label": "Go", "custom_id": "go"}]}]),
    );
    let ix = discord.click(guild.member(0), &guild, old, "go");
    rest.answer_with_file(
        InteractionId::new(ix.id),
        &ix.token,
        &CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .content("an answer")
                .ephemeral(true)
                .allowed_mentions(nobody()),
        ),
        &file(1),
    )
    .await
    .expect("answer with a file");
    let edited = rest
        .edit_answer_with_file(
            &ix.token,
            &EditInteractionResponse::new()
                .content("an edited answer")
                .allowed_mentions(nobody()),
            &file(2),
        )
        .await
        .expect("edit the answer with a file");
    assert_eq!(
        edited
            .attachments
            .iter()
            .map(|a| a.filename.as_str())
            .collect::<Vec<_>>(),
        vec!["file-2.csv"],
        "the edit lists the attachments to keep: only the new one"
    );
    let followed = rest
        .follow_up_with_file(
            &ix.token,
            &CreateInteractionResponseFollowup::new()
                .content("a follow-up")
                .allowed_mentions(nobody()),
            &file(3),
        )
        .await
        .expect("follow up with a file");
    assert_eq!(followed.attachments[0].filename, "file-3.csv");

    let sent = discord.sent();
    let with_files: Vec<&Sent> = sent.iter().filter(|s| !s.files().is_empty()).collect();
    assert_eq!(with_files.len(), 4);
    for (n, s) in with_files.iter().enumerate() {
        let f = &s.files()[0];
        assert_eq!(f.filename, format!("file-{n}.csv"));
        assert_eq!(
            f.data,
            vec![b'a' + n as u8, 0, 255, b'\r', b'\n'],
            "bytes intact"
        );
        assert_eq!(
            f.description.as_deref(),
            Some(format!("file number {n}").as_str())
        );
        assert!(s.mentions_nobody(), "{}", s.body);
    }
    discord.assert_conformant();
}

#[tokio::test]
async fn the_loopback_discord_flags_a_file_without_its_attachments_entry() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let boundary = "roundtable-test-boundary";
    let payload = json!({"content": "x", "allowed_mentions": {"parse": []}, "attachments": [{"id": "1", "filename": "b.txt"}]});
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n{payload}\r\n--{boundary}--\r\n"
    );
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/v10/channels/{}/messages",
            discord.api_base(),
            guild.general
        ))
        .header("authorization", format!("Bot {}", support::TOKEN))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let v = discord.take_violations();
    assert!(
        v.iter()
            .any(|v| v.contains("files[0] has no attachments entry with id 0")),
        "{v:?}"
    );
    assert!(
        v.iter()
            .any(|v| v.contains("attachments entry 1 has no files[1] part")),
        "{v:?}"
    );
    let sent = discord.sent();
    assert_eq!(sent[0].files()[0].data, b"hello");
}
