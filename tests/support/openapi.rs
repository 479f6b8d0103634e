//! Conformance against Discord's own API description (`tests/fixtures/discord-api/openapi.json`).
//!
//! Routes come from the document's `paths`: a request is matched to an operation by method and
//! templated path (a literal segment beats a parameter, so `/messages/@original` is not taken for
//! `/messages/{message_id}`). Its JSON body (or the `payload_json` part of a multipart body) is
//! validated against the operation's request schema, JSON Schema 2020-12, with the document's
//! `components` reachable so `#/components/schemas/...` references resolve. Validators are
//! compiled on first use and cached per operation.

use jsonschema::Validator;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// One operation of the API: `PUT /applications/{application_id}/commands` and its operationId.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: String,
    pub template: String,
    pub id: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param(String),
}

/// A request matched to an operation, with its path parameters.
#[derive(Debug, Clone)]
pub struct Matched {
    pub op: Operation,
    pub params: HashMap<String, String>,
}

impl Matched {
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn id_param(&self, name: &str) -> u64 {
        self.param(name).parse().unwrap_or(0)
    }
}

/// A request that breaks the API description: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the body (`/data/embeds/0/title`), or the query parameter's name.
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "(body)"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

pub struct Spec {
    doc: Value,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

/// The API description, loaded once per test binary.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/discord-api/openapi.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        Spec::new(doc)
    })
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect()
}

impl Spec {
    fn new(doc: Value) -> Spec {
        let mut operations = Vec::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (template, item) in paths {
                for method in METHODS {
                    let Some(id) = item[method]["operationId"].as_str() else {
                        continue;
                    };
                    let segments = segments(template)
                        .into_iter()
                        .map(
                            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                                Some(name) => Segment::Param(name.to_string()),
                                None => Segment::Literal(s.to_string()),
                            },
                        )
                        .collect();
                    operations.push(Operation {
                        method: method.to_uppercase(),
                        template: template.clone(),
                        id: id.to_string(),
                        segments,
                    });
                }
            }
        }
        Spec {
            doc,
            operations,
            validators: Mutex::new(HashMap::new()),
        }
    }

    fn matches<'a>(op: &Operation, parts: &[&'a str]) -> Option<Vec<(String, &'a str)>> {
        if op.segments.len() != parts.len() {
            return None;
        }
        let mut params = Vec::new();
        for (seg, part) in op.segments.iter().zip(parts) {
            match seg {
                Segment::Literal(l) if l == part => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => params.push((name.clone(), *part)),
            }
        }
        Some(params)
    }

    /// Literal segments win over parameters, the earlier the more.
    fn specificity(op: &Operation) -> Vec<bool> {
        op.segments
            .iter()
            .map(|s| matches!(s, Segment::Literal(_)))
            .collect()
    }

    /// The operation for `method` and `path` (relative to `/api/v10`, without the query).
    pub fn find(&self, method: &str, path: &str) -> Option<Matched> {
        let parts = segments(path);
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| Self::matches(op, &parts).map(|p| (op, p)))
            .max_by_key(|(op, _)| Self::specificity(op))
            .map(|(op, params)| Matched {
                op: op.clone(),
                params: params
                    .into_iter()
                    .map(|(k, v)| (k, percent_decode(v)))
                    .collect(),
            })
    }

    /// Whether `id` is an operationId of the document.
    pub fn operations_named(&self, id: &str) -> bool {
        self.operations.iter().any(|op| op.id == id)
    }

    /// Whether any method is described for `path` (a wrong method is then 405, not 404).
    pub fn path_exists(&self, path: &str) -> bool {
        let parts = segments(path);
        self.operations
            .iter()
            .any(|op| Self::matches(op, &parts).is_some())
    }

    fn operation(&self, op: &Operation) -> &Value {
        &self.doc["paths"][&op.template][op.method.to_lowercase()]
    }

    /// The operation's JSON request schema, if it takes a body.
    pub fn request_schema(&self, op: &Operation) -> Option<&Value> {
        let content = &self.operation(op)["requestBody"]["content"];
        ["application/json", "multipart/form-data"]
            .iter()
            .map(|ct| &content[*ct]["schema"])
            .find(|s| !s.is_null())
    }

    /// Whether the operation takes a body of media type `media` (`multipart/form-data`, ...).
    pub fn accepts(&self, op: &Operation, media: &str) -> bool {
        !self.operation(op)["requestBody"]["content"][media].is_null()
    }

    /// Whether the operation requires a body.
    pub fn body_required(&self, op: &Operation) -> bool {
        self.operation(op)["requestBody"]["required"]
            .as_bool()
            .unwrap_or(false)
    }

    /// Query parameter names the operation accepts.
    pub fn query_params(&self, op: &Operation) -> Vec<String> {
        let item = &self.doc["paths"][&op.template];
        [&item["parameters"], &self.operation(op)["parameters"]]
            .iter()
            .filter_map(|p| p.as_array())
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_string))
            .collect()
    }

    /// The compiled validator of the operation's request body.
    pub fn validator(&self, op: &Operation) -> Option<Arc<Validator>> {
        let schema = self.request_schema(op)?;
        let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(&op.id) {
            return Some(v.clone());
        }
        let validator = Arc::new(compile(schema, &self.doc["components"]));
        cache.insert(op.id.clone(), validator.clone());
        Some(validator)
    }

    /// Validates a request body against the operation's request schema (after [`ERRATA`]).
    pub fn validate_body(&self, op: &Operation, body: &Value) -> Vec<Violation> {
        match self.validator(op) {
            None => vec![Violation {
                pointer: String::new(),
                message: format!("{} takes no request body", op.id),
            }],
            Some(v) => {
                let mut body = body.clone();
                apply_errata(&mut body);
                let mut out = violations(&v, &body);
                out.extend(documented_limits(op, &body));
                out
            }
        }
    }

    /// Validates a whole request: the query's parameter names, path snowflakes, and the body
    /// (`None` when the request had none).
    pub fn validate_request(
        &self,
        matched: &Matched,
        query: Option<&str>,
        body: Option<&Value>,
    ) -> Vec<Violation> {
        let op = &matched.op;
        let mut out = Vec::new();
        if let Some(q) = query.filter(|q| !q.is_empty()) {
            let known = self.query_params(op);
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let name = pair.split('=').next().unwrap_or("");
                if !known.iter().any(|k| k == name) {
                    out.push(Violation {
                        pointer: format!("?{name}"),
                        message: format!("{} has no query parameter {name:?}", op.id),
                    });
                }
            }
        }
        for (name, value) in &matched.params {
            let is_id = name.ends_with("_id") || name.ends_with("_id_1") || name.ends_with("_id_2");
            let is_snowflake = !value.is_empty() && value.chars().all(|c| c.is_ascii_digit());
            if is_id && value != "@me" && !is_snowflake {
                out.push(Violation {
                    pointer: format!("{{{name}}}"),
                    message: format!("{value:?} is not a snowflake"),
                });
            }
        }
        match body {
            Some(body) => out.extend(self.validate_body(op, body)),
            None if self.body_required(op) => out.push(Violation {
                pointer: String::new(),
                message: format!("{} requires a request body", op.id),
            }),
            None => {}
        }
        out
    }
}

/// Where Discord's documentation and `openapi.json` disagree and the documented form is what
/// clients send (and Discord accepts): the key, and where each side says so. Only these keys, and
/// only a string of decimal digits, are read as the integer the OpenAPI file expects.
pub const ERRATA: &[(&str, &str)] = &[(
    "default_member_permissions",
    "docs/application-commands.md says `?string` (\"a bitwise OR-ed set of permissions, serialized as a \
     string\"); openapi.json's ApplicationCommand*Request says integer",
)];

/// Limits the documentation states more strictly than `openapi.json`: message content is "up to
/// 2000 characters" (docs/message.md, Create Message and Edit Message) where the OpenAPI file
/// allows 4000.
pub const CONTENT_LIMIT: usize = 2000;

fn documented_limits(op: &Operation, body: &Value) -> Vec<Violation> {
    let pointer = match op.id.as_str() {
        "create_message"
        | "update_message"
        | "execute_webhook"
        | "update_original_webhook_message"
        | "update_webhook_message" => "/content",
        "create_interaction_response" => "/data/content",
        _ => return Vec::new(),
    };
    match body.pointer(pointer).and_then(Value::as_str) {
        Some(c) if c.chars().count() > CONTENT_LIMIT => vec![Violation {
            pointer: pointer.to_string(),
            message: format!(
                "content of {} characters is longer than {CONTENT_LIMIT} (docs/message.md)",
                c.chars().count()
            ),
        }],
        _ => Vec::new(),
    }
}

fn apply_errata(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let digits = value
                    .as_str()
                    .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()));
                match digits.and_then(|s| s.parse::<u64>().ok()) {
                    Some(n) if ERRATA.iter().any(|(k, _)| k == key) => *value = json!(n),
                    _ => apply_errata(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(apply_errata),
        _ => {}
    }
}

fn compile(schema: &Value, components: &Value) -> Validator {
    let mut root = match schema {
        Value::Object(m) => m.clone(),
        other => {
            let mut m = Map::new();
            m.insert("allOf".into(), json!([other]));
            m
        }
    };
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("components".into(), components.clone());
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&Value::Object(root))
        .unwrap_or_else(|e| panic!("the request schema does not compile: {e}"))
}

/// Errors in `anyOf`/`oneOf` are explained by the branch the sender meant: the one whose
/// discriminator matched (no wrong `type` at the union's own level), then the one that got
/// furthest into the instance, then the one with fewest errors.
fn branch_rank(
    union_path: &str,
    branch: &[jsonschema::ValidationError<'_>],
) -> (usize, std::cmp::Reverse<usize>, usize) {
    use jsonschema::error::ValidationErrorKind as K;
    let discriminator = format!("{union_path}/type");
    let mismatches = branch
        .iter()
        .filter(|e| {
            let at = e.instance_path.as_str();
            match &e.kind {
                K::Enum { .. } | K::Constant { .. } => at == discriminator,
                K::Type { .. } => at == union_path,
                _ => false,
            }
        })
        .count();
    (
        mismatches,
        std::cmp::Reverse(branch_depth(branch)),
        branch.len(),
    )
}

fn depth(e: &jsonschema::ValidationError<'_>) -> usize {
    use jsonschema::error::ValidationErrorKind as K;
    match &e.kind {
        K::AnyOf { context } | K::OneOfNotValid { context } if !context.is_empty() => {
            context.iter().map(|b| branch_depth(b)).max().unwrap_or(0)
        }
        _ => e.instance_path.as_str().matches('/').count(),
    }
}

fn branch_depth(branch: &[jsonschema::ValidationError<'_>]) -> usize {
    branch.iter().map(depth).max().unwrap_or(0)
}

fn explain(e: &jsonschema::ValidationError<'_>, out: &mut Vec<Violation>) {
    use jsonschema::error::ValidationErrorKind as K;
    match &e.kind {
        K::AnyOf { context } | K::OneOfNotValid { context } if !context.is_empty() => {
            let at = e.instance_path.as_str();
            let best = context.iter().min_by_key(|b| branch_rank(at, b));
            for inner in best.into_iter().flatten() {
                explain(inner, out);
            }
        }
        _ => {
            // Long values are cut so that the reason stays readable.
            let mut message = e.to_string();
            let value = e.instance.to_string();
            if value.chars().count() > 40 {
                let cut: String = value.chars().take(24).collect();
                message = message.replace(
                    &value,
                    &format!("{cut}...({} chars)", value.chars().count()),
                );
            }
            out.push(Violation {
                pointer: e.instance_path.as_str().to_string(),
                message,
            })
        }
    }
}

/// Every violation of `body`, each named by its JSON pointer.
pub fn violations(validator: &Validator, body: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    for e in validator.iter_errors(body) {
        explain(&e, &mut out);
    }
    out.dedup();
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One part of a `multipart/form-data` body (RFC 7578).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    /// The form field: `payload_json`, `files[0]`, ...
    pub name: String,
    /// The file name, for a file.
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A `Content-Disposition` parameter (`name="files[0]"`), unquoted.
fn disposition_param(line: &str, key: &str) -> Option<String> {
    line.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Every part of a `multipart/form-data` body, byte for byte (file contents are binary).
pub fn multipart_parts(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_string())
        .ok_or("multipart body without a boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = [b"\r\n".as_slice(), &delimiter].concat();
    let mut at =
        find(body, &delimiter, 0).ok_or("multipart body without its boundary")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        match body.get(at..at + 2) {
            Some(b"--") => return Ok(parts),
            Some(b"\r\n") => at += 2,
            _ => return Err("multipart boundary not followed by CRLF or --".into()),
        }
        let head_end = find(body, b"\r\n\r\n", at).ok_or("multipart part without headers' end")?;
        let head = String::from_utf8_lossy(&body[at..head_end]).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, &next_delimiter, data_start)
            .ok_or("multipart part without a closing boundary")?;
        let mut part = FormPart {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[data_start..data_end].to_vec(),
        };
        for line in head.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                part.name = disposition_param(value, "name").unwrap_or_default();
                part.filename = disposition_param(value, "filename");
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_string());
            }
        }
        if part.name.is_empty() {
            return Err("multipart part without a name".into());
        }
        parts.push(part);
        at = data_end + next_delimiter.len();
    }
}

/// The `payload_json` part of a `multipart/form-data` body, parsed.
pub fn multipart_payload_json(content_type: &str, body: &[u8]) -> Result<Option<Value>, String> {
    let parts = multipart_parts(content_type, body)?;
    match parts.iter().find(|p| p.name == "payload_json") {
        None => Ok(None),
        Some(p) => serde_json::from_slice(&p.data)
            .map(Some)
            .map_err(|e| format!("payload_json is not JSON: {e}")),
    }
}
