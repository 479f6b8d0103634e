//! The minimum Rust version in Cargo.toml is the one the lock file really needs: the highest
//! `rust-version` any locked package declares (on any platform, dev-dependencies included, since
//! `cargo test` builds them too). Only one toolchain is installed where this runs, so the check
//! reads the packages' manifests (`cargo metadata`) instead of building with the old compiler.

use serde_json::Value;
use std::process::Command;

fn version(v: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn rust_version_is_the_highest_any_locked_dependency_needs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed (it may need the network once, to read every locked package's manifest): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let (needed, by) = packages
        .iter()
        .filter(|p| p["name"] != env!("CARGO_PKG_NAME"))
        .filter_map(|p| {
            let v = p["rust_version"].as_str()?;
            Some((
                version(v),
                format!(
                    "{} {} (rust-version {v})",
                    p["name"].as_str()?,
                    p["version"].as_str()?
                ),
            ))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .expect("some package declares a rust-version");
    let declared = env!("CARGO_PKG_RUST_VERSION");
    assert_eq!(
        version(declared),
        needed,
        "Cargo.toml says rust-version = \"{declared}\", but the lock file needs {}.{} ({by}); \
         set rust-version to that and say so in README",
        needed[0],
        needed[1]
    );
}
