//! Keeping password settings out of what Privy prints. `privy check` shows
//! source lines, messages and fixes, which end up in CI logs and support
//! tickets; the values of ADMIN_PASSWORD and MAIN_PASSWORD must not.

use crate::json::{Node, NodeKind, Span};
use crate::spec::{self, SettingType};

/// The password values of a document: where they are and what they say.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    spans: Vec<Span>,
    values: Vec<String>,
}

impl Secrets {
    /// Finds every top-level password setting of `root` (each occurrence,
    /// duplicates included), whatever its type.
    pub fn of(root: Option<&Node>, text: &str) -> Secrets {
        let mut s = Secrets::default();
        let Some(NodeKind::Object(members)) = root.map(|r| &r.kind) else {
            return s;
        };
        for m in members {
            if !spec::setting(&m.key).is_some_and(|s| s.kind == SettingType::Secret) {
                continue;
            }
            let raw = text.get(m.value.span.start..m.value.span.end).unwrap_or("");
            let inner = raw.trim_matches('"');
            if let NodeKind::String(v) = &m.value.kind
                && !v.is_empty()
            {
                s.values.push(v.clone());
            }
            if !inner.is_empty() {
                s.values.push(inner.to_string());
                s.spans.push(m.value.span);
            }
        }
        s.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        s.values.dedup();
        s
    }

    /// `text` with every character of a password value replaced by `*`
    /// (quotes kept, so lines and columns stay where they were).
    pub fn mask_text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        let mut spans = self.spans.clone();
        spans.sort_by_key(|s| s.start);
        for s in spans {
            let (Some(before), Some(secret)) = (text.get(at..s.start), text.get(s.start..s.end))
            else {
                continue;
            };
            out.push_str(before);
            let quoted = secret.len() >= 2 && secret.starts_with('"') && secret.ends_with('"');
            for (i, c) in secret.char_indices() {
                let quote = quoted && (i == 0 || i == secret.len() - 1);
                out.push(if quote || c == '\n' || c == '\r' {
                    c
                } else {
                    '*'
                });
            }
            at = s.end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        out
    }

    /// `s` (a message or a fix) with any password value in it replaced.
    pub fn mask_str(&self, s: &str) -> String {
        let mut out = s.to_string();
        for v in &self.values {
            if v.len() >= 2 || out.trim_matches('"') == v {
                out = out.replace(v.as_str(), "****");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_values_keeping_columns() {
        let text = "{\"ADMIN_PASSWORD\": \"hunter2\", \"MAIN_PASSWORD\": 31337, \"TCP_PORT\": 1}";
        let parsed = crate::json::parse::parse(text);
        let s = Secrets::of(parsed.root.as_ref(), text);
        let masked = s.mask_text(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("hunter2") && !masked.contains("31337"));
        assert!(masked.contains("\"*******\"") && masked.contains("\"TCP_PORT\": 1"));
        assert_eq!(
            s.mask_str("write \"hunter2\" as 31337"),
            "write \"****\" as ****"
        );
    }
}
