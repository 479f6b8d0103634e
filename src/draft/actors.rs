//! Actors: the people and bodies of the article, as attribution left them (speakers with their
//! statements and quotations, and those only mentioned), and the choice of those the prompt lists.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    /// A named body: "Turkish Ministry of Foreign Affairs", "WHO".
    Org,
    /// A common-noun group: "G7 foreign ministers", "one resident".
    Group,
    /// A country or city; it never counts as a speaker.
    Place,
    /// A capitalised word that is not known to be anything else.
    Unknown,
    /// A facility, an object or an event ("Baghdad International Airport").
    Thing,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub kind: ActorKind,
    pub role: Option<String>,
    /// Mentions outside quotations.
    pub mentions: usize,
    pub first_sentence: usize,
    /// Sentences in which the actor is an attributed speaker, in article order.
    pub statements: Vec<usize>,
    /// Quotations attributed to the actor (indices into the text's quotes), in article order.
    pub quotes: Vec<usize>,
    /// Sentences whose subject the actor is.
    pub topics: usize,
}

impl Actor {
    /// People and bodies with an attributed statement or quotation.
    pub fn speaks(&self) -> bool {
        !matches!(self.kind, ActorKind::Place | ActorKind::Thing)
            && (!self.statements.is_empty() || !self.quotes.is_empty())
    }

    /// The name to use in the bot's voice after the first mention: a surname, or the body's name.
    pub fn short_name(&self) -> String {
        match self.kind {
            ActorKind::Person => self
                .name
                .rsplit(' ')
                .next()
                .unwrap_or(&self.name)
                .to_string(),
            ActorKind::Group => {
                let mut c = self.name.chars();
                let first_two: Vec<char> = self.name.chars().take(2).collect();
                let keep = first_two
                    .iter()
                    .all(|c| c.is_uppercase() || c.is_ascii_digit());
                let lowered = match c.next() {
                    Some(f) if !keep => f.to_lowercase().chain(c).collect(),
                    _ => self.name.clone(),
                };
                if lowered.starts_with("a ")
                    || lowered.starts_with("an ")
                    || lowered.starts_with("one ")
                {
                    format!("the {}", lowered.split_once(' ').map_or("", |x| x.1))
                } else {
                    format!("the {lowered}")
                }
            }
            ActorKind::Place | ActorKind::Org if self.name.starts_with("United") => {
                format!("the {}", self.name)
            }
            _ => self.name.clone(),
        }
    }
}

/// Everyone the article names as speaking or acting.
#[derive(Debug, Clone, Default)]
pub struct Cast {
    pub actors: Vec<Actor>,
    /// For each quotation of the text, its speaker.
    pub quote_speaker: Vec<Option<usize>>,
}

/// Speakers in order of first mention, then people and bodies mentioned without a statement (and
/// places the article reports a position for), at most [`crate::limits::ours::MAX_ACTORS`].
pub fn choose(cast: &Cast) -> Vec<usize> {
    let a = &cast.actors;
    let mut speakers: Vec<usize> = (0..a.len()).filter(|&i| a[i].speaks()).collect();
    speakers.sort_by_key(|&i| a[i].first_sentence);
    let score =
        |x: &Actor| x.mentions + 2 * usize::from(x.role.is_some()) + usize::from(x.topics > 0);
    let mut mentioned: Vec<usize> = (0..a.len())
        .filter(|&i| !a[i].speaks())
        .filter(|&i| match a[i].kind {
            ActorKind::Person => score(&a[i]) >= 3,
            // a bare acronym ("H1N1", "EEZ") is too often a thing
            ActorKind::Org => score(&a[i]) >= 3 && a[i].name.contains(' '),
            ActorKind::Place | ActorKind::Group => !a[i].statements.is_empty(),
            _ => false,
        })
        .collect();
    mentioned.sort_by_key(|&i| std::cmp::Reverse(score(&a[i])));
    mentioned.truncate(6);
    mentioned.sort_by_key(|&i| a[i].first_sentence);
    speakers.extend(mentioned);
    speakers.truncate(crate::limits::ours::MAX_ACTORS);
    speakers
}
