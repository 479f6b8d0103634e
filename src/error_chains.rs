//! Every error's message carries its cause, and no error exposes that cause again as its
//! `source()`: a chain printed whole (anyhow's `{:#}`, as `main` prints it) never says the same
//! thing twice.

use std::error::Error;

/// The messages of `e` and its sources, outermost first.
fn chain(e: &(dyn Error + 'static)) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

fn assert_no_repeats(e: &(dyn Error + 'static)) {
    let links = chain(e);
    for pair in links.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "{:?} already says its source {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn no_error_repeats_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    // A database that cannot be opened (a directory).
    let store = crate::store::Store::open(dir.path(), &crate::store::StoreConfig::default())
        .err()
        .expect("a directory is no database");
    assert!(matches!(store, crate::store::StoreError::Sqlite(_)));
    assert_no_repeats(&store);
    let console = crate::console::ConsoleError::Store {
        path: dir.path().to_path_buf(),
        cause: store,
    };
    assert_no_repeats(&console);
    let config = crate::config::Config::load(&dir.path().join("nope.toml")).unwrap_err();
    assert_no_repeats(&config);
    let text = format!("{:#}", anyhow::Error::from(config).context("loading"));
    assert_eq!(
        text.matches("No such file or directory").count(),
        1,
        "{text}"
    );
    let draft = crate::draft::draft_file(
        dir.path(),
        &crate::draft::DraftOptions::new("x", &crate::config::DraftConfig::default()),
    )
    .unwrap_err();
    assert_no_repeats(&draft);
    let Err(key) = crate::export::MemberIds::resolve(
        &crate::export::ExportConfig {
            pseudonym_key_file: Some(dir.path().to_path_buf()),
            raw_member_ids: false,
        },
        None,
        &dir.path().join("roundtable.db"),
    ) else {
        panic!("a directory is no key file")
    };
    assert_no_repeats(&key);
    let transport = reqwest::Client::new()
        .get("http://[::1")
        .build()
        .expect_err("not a URL");
    let rest = crate::discord::RestError::Transport {
        what: "create message",
        cause: transport,
    };
    assert_no_repeats(&rest);
    let startup = crate::discord::DiscordError::Startup {
        base: "http://127.0.0.1:9".into(),
        cause: rest,
    };
    assert_no_repeats(&startup);
    assert_no_repeats(&crate::discord::DiscordError::Token(
        crate::config::Config {
            discord: crate::config::DiscordConfig {
                token_file: Some(dir.path().join("token")),
                ..Default::default()
            },
            ..Default::default()
        }
        .token_from(None)
        .unwrap_err(),
    ));
}
