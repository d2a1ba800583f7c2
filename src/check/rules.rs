//! The checker's side of the rule table ([`crate::rule`]): the effective configuration
//! from `[check]` in corpus.toml, and what `citecheck check --explain RULE` prints.

use std::collections::BTreeMap;

pub use crate::manifest::LeadPolicy;
pub use crate::rule::{Rule, Severity, UnknownRule};

use crate::error::{Error, Result};
use crate::manifest::{CheckSettings, Corpus};

/// `--explain RULE`: the rule's meaning, its fix and how to configure it.
pub fn explain(name: &str) -> Result<String> {
    let rule: Rule = name
        .parse()
        .map_err(|e: UnknownRule| Error::Usage(e.to_string()))?;
    let mut summary = rule.summary().to_string();
    if let Some(first) = summary.get(..1) {
        summary.replace_range(..1, &first.to_uppercase());
    }
    Ok(format!(
        "{rule} ({} by default)\n\n{summary}.\n\n{}\n\nConfigure in corpus.toml:\n\n  [check]\n  {rule} = \"error\" | \"warning\" | \"note\" | \"off\"\n",
        rule.default_severity(),
        rule.explanation(),
    ))
}

/// The effective configuration: each rule's severity (`None` = off) and policies.
#[derive(Debug, Clone)]
pub struct Config {
    severities: BTreeMap<Rule, Option<Severity>>,
    pub lead: LeadPolicy,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            severities: Rule::ALL
                .iter()
                .map(|&r| (r, Some(r.default_severity())))
                .collect(),
            lead: LeadPolicy::Exempt,
        }
    }
}

impl Config {
    /// From the corpus's `[check]` (validated when the manifest loaded).
    pub fn from_corpus(corpus: &Corpus) -> Config {
        Self::from_settings(&corpus.check)
    }

    pub fn from_settings(settings: &CheckSettings) -> Config {
        let mut config = Config {
            lead: settings.lead,
            ..Config::default()
        };
        for (&rule, severity) in &settings.severities {
            config.set(rule, *severity.get_ref());
        }
        config
    }

    /// The severity of a rule, `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.severities
            .get(&rule)
            .copied()
            .unwrap_or(Some(rule.default_severity()))
    }

    pub fn set(&mut self, rule: Rule, severity: Option<Severity>) {
        self.severities.insert(rule, severity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_an_explanation() {
        for &r in Rule::ALL {
            let text = explain(r.name()).unwrap();
            assert!(text.starts_with(&format!("{r} ({} by default)", r.default_severity())));
            assert!(text.contains(&r.summary()[1..]));
            assert!(text.contains(r.explanation()));
            // Users see what a rule means, not where its code lives.
            assert!(!text.contains("Found by") && !text.contains("::"), "{text}");
        }
        let e = explain("uncited-claims").unwrap_err().to_string();
        assert!(e.contains("did you mean \"uncited-claim\""), "{e}");
    }

    #[test]
    fn settings_override_defaults() {
        let mut s = CheckSettings::default();
        s.severities
            .insert(Rule::UncitedClaim, toml::Spanned::new(0..1, None));
        s.severities.insert(
            Rule::WeakSupport,
            toml::Spanned::new(0..1, Some(Severity::Error)),
        );
        s.lead = LeadPolicy::Check;
        let c = Config::from_settings(&s);
        assert_eq!(c.severity(Rule::UncitedClaim), None);
        assert_eq!(c.severity(Rule::WeakSupport), Some(Severity::Error));
        assert_eq!(c.severity(Rule::UnknownFootnote), Some(Severity::Error));
        assert_eq!(c.lead, LeadPolicy::Check);
    }
}
