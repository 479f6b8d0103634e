#![recursion_limit = "256"]
//! One bot, many servers, on the loopback Discord with the real serenity client: two servers on
//! one process, each isolated from the other; a server set up from Discord by its own staff;
//! a server that removes the bot and comes back; rows from before servers finding theirs.

mod support;

use jiff::SignedDuration;
use roundtable::clock::ManualClock;
use roundtable::config::{Config, StoreConfig};
use roundtable::discord::Observed;
use roundtable::store::{DiscussionId, ServerId, Store};
use serde_json::{json, Value};
use std::sync::Arc;
use support::{bot, Discord, Guild, Member, Sent, SentKind, STEP};

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

fn group(name: &str, subcommand: &str, options: Value) -> Value {
    json!([{"name": name, "type": 2, "options": [{"name": subcommand, "type": 1, "options": options}]}])
}

fn store(config: &Config) -> Store {
    Store::open(&config.database, &StoreConfig::default()).unwrap()
}

fn server(g: &Guild) -> ServerId {
    ServerId::Guild(g.id)
}

struct Posted {
    id: i64,
    message: u64,
    thread: u64,
    stances: Vec<String>,
    reply: String,
}

/// `who` posts the seed in #discussions of `guild`.
async fn post_seed(discord: &Discord, guild: &Guild, who: &Member) -> Posted {
    let before = discord.sent().len();
    let ix = discord.run_command(
        who,
        guild,
        guild.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": "syria-strike-2017"}]),
        ),
    );
    discord.answer(&ix).await;
    let done = discord
        .await_sent("the moderator's confirmation", before, |s| {
            s.kind == SentKind::EditOriginal && s.interaction_id == Some(ix.id)
        })
        .await;
    let id: i64 = done
        .content()
        .strip_prefix("Discussion #")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not posted: {}", done.content()));
    let post = discord
        .await_sent("the discussion post", before, |s| {
            s.kind == SentKind::Message
                && s.channel_id == Some(guild.discussions)
                && s.content().starts_with(&format!("**Discussion #{id}**"))
        })
        .await;
    let message = post.message_id.unwrap();
    Posted {
        id,
        message,
        thread: message,
        stances: post.stance_ids(),
        reply: post.button_id("rt:r:"),
    }
}

async fn run(discord: &Discord, who: &Member, guild: &Guild, name: &str, options: Value) -> Sent {
    let ix = discord.run_command(who, guild, guild.general, name, options);
    let first = discord.answer(&ix).await;
    if first.callback_type() == Some(5) {
        return discord
            .await_sent("the deferred answer", 0, |s| {
                s.kind == SentKind::EditOriginal && s.interaction_id == Some(ix.id)
            })
            .await;
    }
    first
}

/// The value Discord sends for choice `name` of option `option` of the command at `path` (as the
/// bot registered it), with its type: `{"name", "type", "value"}`.
async fn choice(
    discord: &Discord,
    guild: Option<u64>,
    path: &[&str],
    option: &str,
    name: &str,
) -> Value {
    let commands = discord.await_commands(guild).await;
    let mut node = commands
        .iter()
        .find(|c| c["name"] == path[0])
        .cloned()
        .unwrap_or_else(|| panic!("no /{}", path[0]));
    for step in &path[1..] {
        node = node["options"]
            .as_array()
            .and_then(|o| o.iter().find(|x| x["name"] == *step))
            .cloned()
            .unwrap_or_else(|| panic!("no {step} in {path:?}"));
    }
    let opt = node["options"]
        .as_array()
        .and_then(|o| o.iter().find(|x| x["name"] == option))
        .cloned()
        .unwrap_or_else(|| panic!("no option {option}"));
    let value = opt["choices"]
        .as_array()
        .and_then(|c| c.iter().find(|x| x["name"] == name))
        .map(|c| c["value"].clone())
        .unwrap_or_else(|| panic!("no choice {name} of {option}"));
    json!({"name": option, "type": opt["type"], "value": value})
}

fn buttons(custom_ids: &[&str]) -> Value {
    json!([{"type": 1, "components": custom_ids.iter().map(|id| json!({"type": 2, "style": 1, "label": "Copied", "custom_id": id})).collect::<Vec<_>>()}])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_bot_never_reach_each_others_discussions() {
    let discord = Discord::start().await;
    let a = discord.create_guild("Newsroom A", 2);
    let b = discord.create_guild("Newsroom B", 2);
    // Global registration, as a new user would run it.
    let mut config = discord.config(None);
    config.discord.message_content = true;
    let mut running = bot::start(&config).await;
    discord.await_commands(None).await;
    running.ready_guilds(2).await;
    let s = store(&config);

    let pa = post_seed(&discord, &a, a.moderator()).await;
    assert_eq!(pa.id, 1);
    let vote_a = discord
        .answer(&discord.click(a.member(0), &a, pa.message, &pa.stances[0]))
        .await;
    assert!(vote_a.content().starts_with("Your stance is recorded"));

    // B's moderator, before B has any discussion: "the only open one" is B's, and B has none.
    let bm = b.moderator();
    for (sub_name, options) in [
        ("tally", json!([])),
        ("close", json!([])),
        ("export", json!([])),
    ] {
        let answer = run(&discord, bm, &b, "discussion", sub(sub_name, options)).await;
        assert!(
            answer.content() == "No discussion is open here."
                || answer.content() == "There is no discussion to export yet.",
            "/discussion {sub_name}: {}",
            answer.content()
        );
    }
    let list = run(&discord, bm, &b, "discussion", sub("list", json!([]))).await;
    assert!(
        list.content().starts_with("No discussions yet"),
        "{}",
        list.content()
    );

    // B's moderator names A's discussion by its number: not here, and nothing changes.
    let number = json!([{"name": "discussion", "type": 4, "value": 1}]);
    for sub_name in ["tally", "close", "export"] {
        let answer = run(
            &discord,
            bm,
            &b,
            "discussion",
            sub(sub_name, number.clone()),
        )
        .await;
        assert_eq!(
            answer.content(),
            "there is no discussion #1 here",
            "/discussion {sub_name} discussion:1"
        );
        assert!(answer.files().is_empty());
    }

    // B's members: A's buttons copied into B, A's post clicked from B, A's form sent from B.
    let copy = discord.earlier_bot_post(
        b.general,
        "Copied from A",
        buttons(&[&pa.stances[1], &pa.reply, "rt:w:1"]),
    );
    for id in [pa.stances[1].as_str(), pa.reply.as_str(), "rt:w:1"] {
        let answer = discord
            .answer(&discord.click(b.member(0), &b, copy, id))
            .await;
        assert_eq!(
            answer.content(),
            "This discussion is unknown or already closed, so nothing was recorded.",
            "{id}"
        );
    }
    let forged = discord
        .answer(&discord.click(b.member(1), &b, pa.message, &pa.stances[1]))
        .await;
    assert!(
        forged.content().contains("nothing was recorded"),
        "{}",
        forged.content()
    );
    let form = discord
        .answer(&discord.submit_modal(b.member(0), &b, b.general, "rt:m:1", &[("text", "from B")]))
        .await;
    assert!(
        form.content().contains("nothing was recorded"),
        "{}",
        form.content()
    );

    // B posts its own; its numbers and links are its own, its buttons reach only it.
    let pb = post_seed(&discord, &b, bm).await;
    assert_eq!(pb.id, 2);
    let tally_b = run(&discord, bm, &b, "discussion", sub("tally", json!([]))).await;
    assert!(
        tally_b.content().contains("discussion #2"),
        "the only open one in B is B's: {}",
        tally_b.content()
    );
    let list = run(&discord, bm, &b, "discussion", sub("list", json!([]))).await;
    assert!(list.content().starts_with("**#2** "), "{}", list.content());
    assert!(!list.content().contains("**#1**"), "{}", list.content());
    assert!(
        list.content().contains(&format!(
            "https://discord.com/channels/{}/{}/{}",
            b.id, b.discussions, pb.message
        )),
        "{}",
        list.content()
    );
    discord.post(b.member(0), &b, pb.thread, "B's thread reply");
    running
        .seen("B's thread reply", |o| matches!(o, Observed::MessageCreated { content, .. } if content == "B's thread reply"))
        .await;
    // A's moderator, with a number of B's: not here either.
    let am = a.moderator();
    let number_b = json!([{"name": "discussion", "type": 4, "value": 2}]);
    let answer = run(&discord, am, &a, "discussion", sub("close", number_b)).await;
    assert_eq!(answer.content(), "there is no discussion #2 here");
    // A closes its own; B's history stays B's, A's links use A's server.
    let closed = run(&discord, am, &a, "discussion", sub("close", json!([]))).await;
    assert!(
        closed.content().starts_with("Discussion #1 is closed"),
        "{}",
        closed.content()
    );
    let history_b = run(&discord, bm, &b, "discussion", sub("history", json!([]))).await;
    let text_b = history_b.embeds()[0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(text_b, "No discussion has closed yet.");
    let history_a = run(&discord, am, &a, "discussion", sub("history", json!([]))).await;
    let text_a = history_a.embeds()[0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text_a.contains(&format!("https://discord.com/channels/{}/", a.id)),
        "{text_a}"
    );

    // Schedules and settings are per server too.
    let monday = choice(&discord, None, &["schedule", "add"], "day", "Monday").await;
    let add = run(
        &discord,
        am,
        &a,
        "schedule",
        sub(
            "add",
            json!([
                {"name": "name", "type": 3, "value": "weekly"},
                {"name": "channel", "type": 7, "value": a.discussions.to_string()},
                monday,
                {"name": "time", "type": 3, "value": "18:00"},
            ]),
        ),
    )
    .await;
    assert!(
        add.content().starts_with("Schedule `weekly` added by"),
        "{}",
        add.content()
    );
    for (sub_name, options) in [
        (
            "pause",
            json!([{"name": "name", "type": 3, "value": "weekly"}]),
        ),
        (
            "skip",
            json!([{"name": "name", "type": 3, "value": "weekly"}]),
        ),
        (
            "remove",
            json!([{"name": "name", "type": 3, "value": "weekly"}]),
        ),
    ] {
        let answer = run(&discord, bm, &b, "schedule", sub(sub_name, options)).await;
        assert!(
            answer
                .content()
                .contains("there is no schedule named `weekly` here"),
            "/schedule {sub_name}: {}",
            answer.content()
        );
    }
    let show_b = run(&discord, bm, &b, "schedule", sub("list", json!([]))).await;
    assert!(
        show_b.content().starts_with("This server has no schedule"),
        "{}",
        show_b.content()
    );
    assert!(!s.schedule_state(server(&a), "weekly").unwrap().paused);

    // In the store: A's discussion has A's vote only, B's has B's thread reply only.
    assert_eq!(s.discussion(server(&b), DiscussionId(1)).unwrap(), None);
    assert_eq!(s.recount(DiscussionId(1)).unwrap().len(), 1);
    assert_eq!(s.recount(DiscussionId(2)).unwrap(), vec![]);
    assert!(s.replies(DiscussionId(1)).unwrap().is_empty());
    let replies_b = s.replies(DiscussionId(2)).unwrap();
    assert_eq!(replies_b.len(), 1);
    assert_eq!(replies_b[0].text.as_deref(), Some("B's thread reply"));
    let d1 = s.discussion(server(&a), DiscussionId(1)).unwrap().unwrap();
    assert_eq!(
        d1.closed_by.as_deref().map(|b| b.contains("mod-ada")),
        Some(true)
    );
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_sets_its_roles_time_zone_and_schedule_from_discord_without_a_restart() {
    let discord = Discord::start().await;
    let mut g = discord.create_guild("Newsroom", 3);
    let stewards = discord.add_role(&g, "Stewards", 0);
    let verified = discord.add_role(&g, "Verified", 0);
    let other = discord.add_role(&g, "Other", 0);
    discord.give_role(&mut g, 0, stewards);
    discord.give_role(&mut g, 0, verified);
    discord.give_role(&mut g, 2, other);
    let config = discord.config(Some(&g));
    // Wednesday 2026-12-02, 12:00 UTC.
    let clock = Arc::new(ManualClock::new("2026-12-02T12:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let owner = g.owner().clone();
    let steward = g.member(0).clone();
    let settings = |who: &Member, sub_name: &str, options: Value| {
        let ix = discord.run_command(
            who,
            &g,
            g.general,
            "settings",
            group("set", sub_name, options),
        );
        let discord = &discord;
        async move { discord.answer(&ix).await }
    };

    // Before: the steward is a member like any other.
    let refused = run(&discord, &steward, &g, "discussion", sub("list", json!([]))).await;
    assert!(
        refused.content().starts_with("Only moderators"),
        "{}",
        refused.content()
    );
    // Moderators may not change settings; the owner (Manage Server) may.
    let no = settings(
        g.moderator(),
        "moderator-roles",
        json!([{"name": "role", "type": 8, "value": stewards.to_string()}]),
    )
    .await;
    assert!(
        no.content()
            .starts_with("Only members with the Manage Server"),
        "{}",
        no.content()
    );
    let yes = settings(
        &owner,
        "moderator-roles",
        json!([{"name": "role", "type": 8, "value": stewards.to_string()}]),
    )
    .await;
    assert_eq!(
        yes.content(),
        format!(
            "Moderator roles set to <@&{stewards}> by {} ({}).",
            owner.name, owner.id
        )
    );
    assert!(yes.mentions_nobody());
    let voters = settings(
        &owner,
        "voter-roles",
        json!([{"name": "role", "type": 8, "value": verified.to_string()}]),
    )
    .await;
    assert!(
        voters
            .content()
            .starts_with(&format!("Voter roles set to <@&{verified}> by")),
        "{}",
        voters.content()
    );
    // The time zone autocompletes, and a bad one changes nothing.
    let typed = discord.autocomplete_options(
        &owner,
        &g,
        g.general,
        "settings",
        json!([{"name": "set", "type": 2, "options": [{"name": "timezone", "type": 1, "options": [{"name": "zone", "type": 3, "value": "paris", "focused": true}]}]}]),
    );
    let choices = discord.answer(&typed).await;
    assert_eq!(choices.callback_type(), Some(8));
    assert!(choices.body["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["value"] == "Europe/Paris"));
    let bad = settings(
        &owner,
        "timezone",
        json!([{"name": "zone", "type": 3, "value": "Mars/Olympus"}]),
    )
    .await;
    assert!(
        bad.content()
            .starts_with("Nothing changed: Time zone: `Mars/Olympus` is not an IANA time zone"),
        "{}",
        bad.content()
    );
    let too_long = settings(
        &owner,
        "duration",
        json!([{"name": "value", "type": 3, "value": "100d"}]),
    )
    .await;
    assert_eq!(
        too_long.content(),
        "Nothing changed: Default duration: must be between 1 and 2160 hours (90 days)."
    );
    let reset = discord
        .answer(&discord.run_command(
            &owner,
            &g,
            g.general,
            "settings",
            json!([{"name": "reset", "type": 1, "options": [choice(&discord, Some(g.id), &["settings", "reset"], "setting", "duration").await]}]),
        ))
        .await;
    assert!(
        reset
            .content()
            .starts_with("Default duration set to 144 hours (the configuration file's default) by"),
        "{}",
        reset.content()
    );
    let length = settings(
        &owner,
        "reply-length",
        json!([{"name": "characters", "type": 4, "value": 800}]),
    )
    .await;
    assert!(
        length
            .content()
            .starts_with("Reply length set to 800 characters"),
        "{}",
        length.content()
    );
    let order = settings(
        &owner,
        "option-order",
        json!([choice(
            &discord,
            Some(g.id),
            &["settings", "set", "option-order"],
            "order",
            "file"
        )
        .await]),
    )
    .await;
    assert!(
        order
            .content()
            .starts_with("Option order set to the prompt file's order by"),
        "{}",
        order.content()
    );
    let tz = settings(
        &owner,
        "timezone",
        json!([{"name": "zone", "type": 3, "value": "Europe/Paris"}]),
    )
    .await;
    assert!(
        tz.content().starts_with("Time zone set to Europe/Paris by"),
        "{}",
        tz.content()
    );
    let show = discord
        .answer(&discord.run_command(&owner, &g, g.general, "settings", sub("show", json!([]))))
        .await;
    let text = show.content();
    assert!(
        text.contains(&format!("• Moderator roles: <@&{stewards}>\n")),
        "{text}"
    );
    assert!(text.contains("• Time zone: Europe/Paris\n"), "{text}");
    assert!(text.contains("• Results: live · default\n"), "{text}");
    assert!(
        text.contains("• Default duration: 144 hours · default\n"),
        "{text}"
    );

    // In effect at once: the steward moderates, and renaming the role changes nothing.
    discord.rename_role(&g, stewards, "Former stewards");
    discord.rename_role(&g, other, "Stewards");
    // Events are handled concurrently: the two renames may be seen in either order.
    let mut renamed = std::collections::HashSet::new();
    while renamed.len() < 2 {
        if let Observed::RoleUpdated { role_id, .. } = running
            .seen("the renames", |o| matches!(o, Observed::RoleUpdated { .. }))
            .await
        {
            renamed.insert(role_id);
        }
    }
    let list = run(&discord, &steward, &g, "discussion", sub("list", json!([]))).await;
    assert!(
        list.content().starts_with("No discussions yet"),
        "{}",
        list.content()
    );
    let still_refused = run(
        &discord,
        g.member(2),
        &g,
        "discussion",
        sub("list", json!([])),
    )
    .await;
    assert!(
        still_refused.content().starts_with("Only moderators"),
        "the role now named Stewards is not the moderators' role: {}",
        still_refused.content()
    );
    // The steward adds a weekly schedule without a time zone: the server's applies.
    let wednesday = choice(
        &discord,
        Some(g.id),
        &["schedule", "add"],
        "day",
        "Wednesday",
    )
    .await;
    let add = run(
        &discord,
        &steward,
        &g,
        "schedule",
        sub(
            "add",
            json!([
                {"name": "name", "type": 3, "value": "weekly"},
                {"name": "channel", "type": 7, "value": g.discussions.to_string()},
                wednesday,
                {"name": "time", "type": 3, "value": "18:00"},
            ]),
        ),
    )
    .await;
    assert!(
        add.content().contains("every Wed 18:00 (Europe/Paris)")
            && add
                .content()
                .contains("Its first slot: Wed 2026-12-02 18:00 (2026-12-02 17:00 UTC)."),
        "{}",
        add.content()
    );
    // The slot comes (18:00 in Paris is 17:00 UTC in winter): posted once.
    clock.set("2026-12-02T17:00:00Z".parse().unwrap());
    running.wake();
    let post = discord
        .await_sent("the scheduled post", 0, |s| {
            s.kind == SentKind::Message
                && s.channel_id == Some(g.discussions)
                && s.content().starts_with("**Discussion #1**")
        })
        .await;
    // The stances in the prompt file's order, and the form takes replies up to 800 characters.
    let seed = roundtable::prompt::Catalog::load_dir(&config.prompts);
    let file_order: Vec<String> = seed
        .get("syria-strike-2017")
        .unwrap()
        .options
        .iter()
        .map(|o| format!("rt:v:1:{}", o.key))
        .collect();
    assert_eq!(post.stance_ids(), file_order);
    let form = discord
        .answer(&discord.click(
            &steward,
            &g,
            post.message_id.unwrap(),
            &post.button_id("rt:r:"),
        ))
        .await;
    assert_eq!(form.callback_type(), Some(9));
    assert_eq!(
        form.body["data"]["components"][0]["components"][0]["max_length"],
        800
    );
    // Voter roles: the verified steward votes, the others are refused.
    let stance = post.custom_ids()[0].clone();
    let counted = discord
        .answer(&discord.click(&steward, &g, post.message_id.unwrap(), &stance))
        .await;
    assert!(
        counted.content().starts_with("Your stance is recorded"),
        "{}",
        counted.content()
    );
    let not_verified = discord
        .answer(&discord.click(g.member(1), &g, post.message_id.unwrap(), &stance))
        .await;
    assert_eq!(
        not_verified.content(),
        format!("Only members with the role <@&{verified}> can take part in discussions here; nothing was recorded.")
    );
    let s = store(&config);
    let log = s.setting_changes(server(&g), 10).unwrap();
    assert_eq!(
        log.len(),
        6,
        "roles, voters, reset, length, order, zone; the refused ones not among them: {log:?}"
    );
    assert!(log
        .iter()
        .all(|c| c.by == format!("{} ({})", owner.name, owner.id)));
    running.stop().await.unwrap();
    discord.assert_conformant();
}

/// Polls `f` until it holds (the bot works in the background), or fails after a step.
async fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + STEP;
    while !f() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_removes_the_bot_finds_everything_again_within_the_retention_and_nothing_after(
) {
    let discord = Discord::start().await;
    let a = discord.create_guild("Leaves", 1);
    let b = discord.create_guild("Stays", 1);
    let config = discord.config(None);
    assert_eq!(config.discord.retention_days, 30);
    let clock = Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready_guilds(2).await;
    let pa = post_seed(&discord, &a, a.moderator()).await;
    let pb = post_seed(&discord, &b, b.moderator()).await;
    discord
        .answer(&discord.click(a.member(0), &a, pa.message, &pa.stances[0]))
        .await;
    let set = discord
        .answer(&discord.run_command(
            a.owner(),
            &a,
            a.general,
            "settings",
            group(
                "set",
                "results",
                json!([choice(
                        &discord,
                        None,
                        &["settings", "set", "results"],
                        "mode",
                        "hidden"
                    )
                    .await]),
            ),
        ))
        .await;
    assert!(
        set.content().starts_with("Results set to hidden by"),
        "{}",
        set.content()
    );
    let s = store(&config);

    // An outage is not a removal: nothing is marked.
    discord.guild_outage(&b);
    running
        .seen("B's outage", |o| {
            matches!(o, Observed::GuildGone { removed: false, .. })
        })
        .await;
    assert_eq!(s.left_at(server(&b)).unwrap(), None);

    // A removes the bot: kept, and its discussion does not close while it is away.
    discord.remove_bot(&a);
    running
        .seen("A's removal", |o| {
            matches!(o, Observed::GuildGone { removed: true, .. })
        })
        .await;
    eventually("A is recorded as gone", || {
        s.left_at(server(&a)).unwrap().is_some()
    })
    .await;
    clock.advance(SignedDuration::from_hours(24 * 29));
    running.wake();
    // B's discussion closes at its time (6 days): the timekeeper has run past A's by then.
    discord
        .await_sent("B's final result", 0, |s| {
            s.channel_id == Some(b.discussions)
                && s.content().starts_with("**Final result of discussion #2**")
        })
        .await;
    let d = s
        .discussion(server(&a), DiscussionId(1))
        .unwrap()
        .expect("kept");
    assert_eq!(d.closed_at, None, "not closed while its server is away");
    assert!(s
        .vote_of(DiscussionId(1), &a.member(0).id.to_string())
        .unwrap()
        .is_some());

    // Back within the 30 days: as it was, settings included; its discussion closes now.
    discord.add_bot_back(&a);
    running.ready().await;
    eventually("A is back", || s.left_at(server(&a)).unwrap().is_none()).await;
    let result = discord
        .await_sent("A's final result after its return", 0, |s| {
            s.channel_id == Some(a.discussions)
                && s.content().starts_with("**Final result of discussion #1**")
        })
        .await;
    assert!(result.embeds()[0]["footer"]["text"]
        .as_str()
        .unwrap()
        .starts_with("1 member answered"));
    let show = discord
        .answer(&discord.run_command(a.owner(), &a, a.general, "settings", sub("show", json!([]))))
        .await;
    assert!(
        show.content().contains("• Results: hidden\n"),
        "{}",
        show.content()
    );

    // Removed again, for good: after 30 days everything of A is deleted, nothing of B.
    discord.remove_bot(&a);
    running
        .seen("A's second removal", |o| {
            matches!(o, Observed::GuildGone { removed: true, .. })
        })
        .await;
    eventually("A is recorded as gone", || {
        s.left_at(server(&a)).unwrap().is_some()
    })
    .await;
    clock.advance(SignedDuration::from_hours(24 * 30));
    running.wake();
    eventually("A's data is deleted", || {
        s.discussion(server(&a), DiscussionId(1)).unwrap().is_none()
    })
    .await;
    assert!(s.settings_document(server(&a)).unwrap().is_none());
    assert_eq!(
        s.vote_of(DiscussionId(1), &a.member(0).id.to_string())
            .unwrap(),
        None
    );
    assert!(s
        .discussion(server(&b), DiscussionId(pb.id))
        .unwrap()
        .is_some());
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_removed_the_bot_while_it_was_offline_is_kept_for_the_retention_too() {
    let discord = Discord::start().await;
    let a = discord.create_guild("Leaves", 1);
    let b = discord.create_guild("Stays", 1);
    let config = discord.config(None);
    let mut running = bot::start(&config).await;
    running.ready_guilds(2).await;
    post_seed(&discord, &a, a.moderator()).await;
    post_seed(&discord, &b, b.moderator()).await;
    running.stop().await.unwrap();
    discord.remove_bot(&a); // no bot connected: no GUILD_DELETE reaches it
    let mut running = bot::start(&config).await;
    running.ready().await;
    let s = store(&config);
    eventually("A is recorded as gone", || {
        s.left_at(server(&a)).unwrap().is_some()
    })
    .await;
    assert_eq!(s.left_at(server(&b)).unwrap(), None);
    assert!(
        s.discussion(server(&a), DiscussionId(1)).unwrap().is_some(),
        "kept"
    );
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discussions_from_before_servers_find_their_guild_at_the_first_start() {
    let discord = Discord::start().await;
    let g = discord.create_guild("Newsroom", 1);
    let config = discord.config(None);
    // A discussion as an older roundtable left it: no server yet.
    let (c, gid, channel) = (config.clone(), g.id, g.discussions.to_string());
    tokio::task::spawn_blocking(move || {
        let s = store(&c);
        let engine = roundtable::discussion::Discussions::new(
            s.clone(),
            Arc::new(roundtable::clock::SystemClock),
            (&c.discussion).into(),
        );
        let catalog = roundtable::prompt::Catalog::load_dir(&c.prompts);
        let d = engine
            .open(
                ServerId::Guild(gid),
                catalog.get("syria-strike-2017").unwrap(),
                &channel,
                None,
            )
            .unwrap();
        let db = rusqlite::Connection::open(&c.database).unwrap();
        db.execute(
            "UPDATE discussions SET guild = NULL WHERE id = ?1",
            [d.id().0],
        )
        .unwrap();
    })
    .await
    .unwrap();
    let s = store(&config);
    assert_eq!(s.unassigned().unwrap().discussions, 1);
    let mut running = bot::start(&config).await;
    running.ready().await;
    eventually("the discussion is the guild's", || {
        s.unassigned().unwrap().discussions == 0
    })
    .await;
    let list = run(
        &discord,
        g.moderator(),
        &g,
        "discussion",
        sub("list", json!([])),
    )
    .await;
    assert!(list.content().starts_with("**#1** "), "{}", list.content());
    running.stop().await.unwrap();
    discord.assert_conformant();
}
