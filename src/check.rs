//! `roundtable check`: every problem in every prompt, file:line first, and neutrality findings.

use crate::prompt::{lint, Catalog};
use std::fmt::Write;
use std::path::Path;

pub struct Report {
    /// Nothing that must be fixed.
    pub ok: bool,
    /// One line per problem or finding, then a summary line.
    pub text: String,
}

/// Checks the prompts in `dir`. Neutrality findings are warnings, or errors when `strict`.
pub fn check(dir: &Path, strict: bool) -> Report {
    let catalog = Catalog::load_dir(dir);
    let mut text = String::new();
    for p in &catalog.problems {
        let _ = writeln!(text, "error: {p}");
    }
    let mut findings = 0;
    for prompt in catalog.prompts.values() {
        let file = dir.join(format!("{}.toml", prompt.id));
        for f in lint::lint(prompt) {
            findings += 1;
            let level = if strict { "error" } else { "warning" };
            let _ = writeln!(text, "{level}: {}: {f}", file.display());
        }
    }
    let errors = catalog.problems.len() + if strict { findings } else { 0 };
    let _ = writeln!(
        text,
        "{} prompt(s) loaded from {}; {} error(s), {} neutrality finding(s)",
        catalog.prompts.len(),
        dir.display(),
        errors,
        findings
    );
    Report {
        ok: errors == 0,
        text,
    }
}
