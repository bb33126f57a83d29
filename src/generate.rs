//! Generated configurations and pools for benchmarks and stress tests:
//! realistic shapes (rules over many features, groups nested a few levels,
//! members mixing names, wildcards, IPs and ranges), reproducible from a seed.

use std::fmt::Write as _;

/// A small deterministic generator (xorshift64*), so runs are reproducible
/// without another dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub rules: usize,
    pub groups: usize,
    /// Members over all groups.
    pub members: usize,
    pub features: usize,
    /// Distinct user names members and requests are drawn from.
    pub users: usize,
    pub seed: u64,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            rules: 500,
            groups: 500,
            members: 100_000,
            features: 50,
            users: 20_000,
            seed: 1,
        }
    }
}

const KINDS: [(&str, u64); 7] = [
    ("ALLOW_CHECKOUTS", 15),
    ("ALLOW_BORROWS", 5),
    ("DENY_CHECKOUTS", 25),
    ("DENY_BORROWS", 10),
    ("LIMIT_CHECKOUTS", 20),
    ("LIMIT_BORROWS", 10),
    ("RESERVE_CHECKOUTS", 15),
];

pub fn feature(i: u64) -> String {
    format!("FEATURE_{i:03}")
}

pub fn user(i: u64) -> String {
    format!("user{i:05}")
}

/// A member or USERS entry: mostly names, some wildcards, IPs and ranges.
fn entry(r: &mut Rng, users: usize, out: &mut String) {
    match r.below(100) {
        0..=84 => out.push_str(&user(r.below(users as u64))),
        85..=89 => {
            let _ = write!(out, "PC{}*", r.below(100));
        }
        90..=94 => {
            let _ = write!(out, "10.{}.{}.{}", r.below(4), r.below(256), r.below(256));
        }
        _ => {
            let lo = r.below(200);
            let _ = write!(
                out,
                "10.{}.{}.{lo}-{}",
                r.below(4),
                r.below(256),
                lo + r.below(50)
            );
        }
    }
}

/// A configuration as JSON text (4-space indentation).
pub fn config(shape: Shape) -> String {
    let mut r = Rng::new(shape.seed);
    let mut lists: Vec<Vec<String>> = vec![Vec::new(); KINDS.len()];
    let total_weight: u64 = KINDS.iter().map(|k| k.1).sum();
    for _ in 0..shape.rules {
        let mut pick = r.below(total_weight);
        let mut k = 0;
        while pick >= KINDS[k].1 {
            pick -= KINDS[k].1;
            k += 1;
        }
        let mut users = String::new();
        for j in 0..1 + r.below(3) {
            if j > 0 {
                users.push(';');
            }
            if shape.groups > 0 && r.chance(70) {
                let _ = write!(users, "Group {}", r.below(shape.groups as u64));
            } else {
                entry(&mut r, shape.users, &mut users);
            }
        }
        let features: Vec<String> = (0..1 + r.below(3))
            .map(|_| feature(r.below(shape.features as u64)))
            .collect();
        let mut rule = format!(
            "{{\n            \"USERS\": \"{users}\",\n            \"FEATURES\": \"{}\"",
            features.join(";")
        );
        match KINDS[k].0 {
            "LIMIT_CHECKOUTS" | "RESERVE_CHECKOUTS" => {
                let _ = write!(rule, ",\n            \"COUNT\": {}", 1 + r.below(20));
            }
            "LIMIT_BORROWS" => {
                let _ = write!(rule, ",\n            \"HOURS\": {}", 24 * (1 + r.below(90)));
            }
            _ => {}
        }
        rule.push_str("\n        }");
        lists[k].push(rule);
    }
    let mut out = String::from("{\n    \"TCP_PORT\": 6200,\n    \"HTTP_PORT\": 0");
    for (k, rules) in lists.iter().enumerate() {
        if rules.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            ",\n    \"{}\": [\n        {}\n    ]",
            KINDS[k].0,
            rules.join(",\n        ")
        );
    }
    // Groups: nested up to five levels (group i may contain groups above it
    // in five bands), members spread evenly.
    let per_group = shape.members / shape.groups.max(1);
    let band = (shape.groups / 5).max(1);
    let mut groups = Vec::with_capacity(shape.groups);
    for g in 0..shape.groups {
        let mut members = String::new();
        for m in 0..per_group {
            if m > 0 {
                members.push(';');
            }
            let level = g / band;
            if m < 2 && level < 4 && r.chance(60) {
                let target = (level + 1) * band + r.below(band as u64) as usize;
                if target < shape.groups {
                    let _ = write!(members, "Group {target}");
                    continue;
                }
            }
            entry(&mut r, shape.users, &mut members);
        }
        groups.push(format!(
            "{{\n            \"NAME\": \"Group {g}\",\n            \"MEMBERS\": \"{members}\"\n        }}"
        ));
    }
    if !groups.is_empty() {
        let _ = write!(
            out,
            ",\n    \"GROUPS\": [\n        {}\n    ]",
            groups.join(",\n        ")
        );
    }
    out.push_str("\n}\n");
    out
}

/// A pool as JSON text: `licenses` licenses offering every feature, and
/// `sessions` sessions spread over them within their seats.
pub fn pool(shape: Shape, licenses: usize, sessions: usize) -> String {
    let mut r = Rng::new(shape.seed ^ 0xABCD);
    let seats_each = (sessions / (licenses.max(1) * shape.features.max(1))) as u64 * 2 + 5;
    let mut out = String::from("{\n  \"seat_sharing\": \"none\",\n  \"licenses\": [");
    for l in 0..licenses {
        let feats: Vec<String> = (0..shape.features as u64)
            .map(|f| format!("\"{}\": {seats_each}", feature(f)))
            .collect();
        let _ = write!(
            out,
            "{}\n    {{ \"serial\": \"S{l}\", \"features\": {{ {} }}, \"max_borrow_hours\": 720 }}",
            if l > 0 { "," } else { "" },
            feats.join(", ")
        );
    }
    out.push_str("\n  ],\n  \"sessions\": [");
    let mut used = vec![0u64; licenses * shape.features];
    let mut n = 0;
    while n < sessions {
        let l = r.below(licenses as u64) as usize;
        let f = r.below(shape.features as u64) as usize;
        if used[l * shape.features + f] >= seats_each {
            continue;
        }
        used[l * shape.features + f] += 1;
        let _ = write!(
            out,
            "{}\n    {{ \"user\": \"{}\", \"host\": \"PC{}\", \"ip\": \"10.{}.{}.{}\", \"feature\": \"{}\", \"serial\": \"S{l}\", \"kind\": \"{}\" }}",
            if n > 0 { "," } else { "" },
            user(r.below(shape.users as u64)),
            r.below(1000),
            r.below(4),
            r.below(256),
            r.below(256),
            feature(f as u64),
            if r.chance(20) { "borrow" } else { "checkout" }
        );
        n += 1;
    }
    out.push_str("\n  ]\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_are_valid_and_reproducible() {
        let shape = Shape {
            rules: 50,
            groups: 20,
            members: 500,
            features: 5,
            users: 100,
            seed: 7,
        };
        let text = config(shape);
        assert_eq!(text, config(shape));
        let doc = crate::document::Document::from_text(text);
        assert!(doc.is_json());
        let errors: Vec<_> = doc
            .diagnostics()
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(doc.config().all_rules().count(), 50);
        assert_eq!(doc.config().groups.len(), 20);
        let p = crate::engine::pool::Pool::from_json(&pool(shape, 2, 100))
            .and_then(crate::engine::pool::Pool::index);
        assert_eq!(p.map(|p| p.pool.sessions.len()).ok(), Some(100));
    }
}
