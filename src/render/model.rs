//! A transport-neutral message: content, embeds with fields, and rows of buttons. The Discord
//! adapter maps it onto serenity's builders; the console prints it as text.

use crate::limits::{self, chars};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Post {
    pub content: String,
    pub embeds: Vec<Embed>,
    pub rows: Vec<Vec<Button>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Embed {
    pub title: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub color: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub style: ButtonStyle,
    pub disabled: bool,
}

impl Embed {
    /// Characters this embed counts towards the 6,000 shared by a message's embeds.
    pub fn size(&self) -> usize {
        let opt = |s: &Option<String>| s.as_deref().map_or(0, chars);
        opt(&self.title)
            + opt(&self.description)
            + opt(&self.footer)
            + self
                .fields
                .iter()
                .map(|f| chars(&f.name) + chars(&f.value))
                .sum::<usize>()
    }
}

impl Post {
    pub fn text(content: impl Into<String>) -> Post {
        Post {
            content: content.into(),
            ..Post::default()
        }
    }

    pub fn embeds_size(&self) -> usize {
        self.embeds.iter().map(Embed::size).sum()
    }

    /// Every Discord limit this post breaks; empty when it can be sent as is.
    pub fn limit_violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        fn over(v: &mut Vec<String>, what: String, n: usize, max: usize) {
            if n > max {
                v.push(format!("{what}: {n} > {max}"));
            }
        }
        over(
            &mut v,
            "content".into(),
            chars(&self.content),
            limits::CONTENT,
        );
        over(
            &mut v,
            "embeds".into(),
            self.embeds.len(),
            limits::EMBEDS_PER_MESSAGE,
        );
        over(
            &mut v,
            "embeds total".into(),
            self.embeds_size(),
            limits::EMBEDS_TOTAL,
        );
        for (i, e) in self.embeds.iter().enumerate() {
            let len = |s: &Option<String>| s.as_deref().map_or(0, chars);
            over(
                &mut v,
                format!("embed {i} title"),
                len(&e.title),
                limits::EMBED_TITLE,
            );
            over(
                &mut v,
                format!("embed {i} description"),
                len(&e.description),
                limits::EMBED_DESCRIPTION,
            );
            over(
                &mut v,
                format!("embed {i} footer"),
                len(&e.footer),
                limits::FOOTER,
            );
            over(
                &mut v,
                format!("embed {i} fields"),
                e.fields.len(),
                limits::EMBED_FIELDS,
            );
            for (j, f) in e.fields.iter().enumerate() {
                over(
                    &mut v,
                    format!("embed {i} field {j} name"),
                    chars(&f.name),
                    limits::FIELD_NAME,
                );
                over(
                    &mut v,
                    format!("embed {i} field {j} value"),
                    chars(&f.value),
                    limits::FIELD_VALUE,
                );
                if f.name.trim().is_empty() || f.value.trim().is_empty() {
                    v.push(format!("embed {i} field {j}: empty name or value"));
                }
            }
        }
        over(
            &mut v,
            "rows".into(),
            self.rows.len(),
            limits::ROWS_PER_MESSAGE,
        );
        for (i, row) in self.rows.iter().enumerate() {
            over(
                &mut v,
                format!("row {i} buttons"),
                row.len(),
                limits::BUTTONS_PER_ROW,
            );
            if row.is_empty() {
                v.push(format!("row {i}: empty"));
            }
            for b in row {
                over(
                    &mut v,
                    format!("button `{}` label", b.label),
                    chars(&b.label),
                    limits::BUTTON_LABEL,
                );
                over(
                    &mut v,
                    format!("button `{}` custom_id", b.label),
                    chars(&b.custom_id),
                    limits::CUSTOM_ID,
                );
            }
        }
        if self.content.trim().is_empty() && self.embeds.is_empty() {
            v.push("a message needs content or an embed".into());
        }
        v
    }
}
