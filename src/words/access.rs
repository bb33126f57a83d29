//! The access report in words (analysis.md 6.4): a heading per feature,
//! action and license, one sentence per row, the named principals grouped
//! by their verdict, and the closing line.

use crate::analysis::access::{Access, FeatureAccess, Named, Row};

/// "KAS, checkout", "any feature no rule names (as ANY_OTHER_FEATURE),
/// borrow on license 2024-010".
pub fn heading(f: &FeatureAccess) -> String {
    let name = if f.other_feature {
        format!("any feature no rule names (as {})", f.feature)
    } else {
        f.feature.clone()
    };
    let serial = f
        .serial
        .as_deref()
        .map(|s| format!(" on license {s}"))
        .unwrap_or_default();
    format!("{name}, {}{serial}", super::action_word(f.action))
}

/// How many ways into a row the text names before counting the rest.
pub const WAYS_SHOWN: usize = 4;

/// A row's verdict line: "GRANTED by Allow checkouts rule 1 (12 principal
/// classes)".
pub fn row_verdict(r: &Row) -> String {
    let n = r.what.alike;
    format!(
        "{} ({n} principal class{})",
        super::analysis::side(&r.side, true),
        if n == 1 { "" } else { "es" }
    )
}

/// Who a row stands for: "user or host `carla` or `dave`; or local group
/// `&CAD`; or 3 other ways in".
pub fn row_who(r: &Row) -> String {
    super::class_description_within(&r.what, WAYS_SHOWN)
}

/// Up to three witnesses of a row ("user `carla`; IP 4.3.2.1").
pub fn row_examples(r: &Row) -> String {
    let mut examples: Vec<String> = Vec::new();
    for way in &r.what.ways {
        let e = super::findings::principal(&way.witness);
        if !examples.contains(&e) {
            examples.push(e);
        }
        if examples.len() == 3 {
            break;
        }
    }
    if examples.is_empty() {
        examples.push(super::findings::principal(&r.witness));
    }
    examples.join("; ")
}

/// One principal's own verdict, in the report for one principal.
pub fn own_verdict(r: &Row) -> String {
    super::analysis::side(&r.side, true)
}

/// One named principal: "anna", "erik (through group `KAS Users`)".
pub fn named(n: &Named) -> String {
    let name = n
        .principal
        .user
        .as_deref()
        .or(n.principal.host.as_deref())
        .unwrap_or_default()
        .to_string();
    if n.via.is_empty() {
        name
    } else {
        let groups: Vec<String> = n.via.iter().map(|g| format!("`{g}`")).collect();
        format!(
            "{name} (through group{} {})",
            if groups.len() == 1 { "" } else { "s" },
            groups.join(", ")
        )
    }
}

/// "access to 3 features over 214 principal classes, exhaustive".
pub fn summary(a: &Access) -> String {
    let mut features: Vec<&str> = a.features.iter().map(|f| f.feature.as_str()).collect();
    features.dedup();
    let n = features.len();
    let done = if a.exhaustive {
        "exhaustive".to_string()
    } else {
        let mut s = format!(
            "NOT exhaustive: stopped at the budget after {} combinations, about {} left",
            a.examined, a.left
        );
        if !a.features_left.is_empty() {
            s.push_str(&format!(
                ", {} feature{} not reached",
                a.features_left.len(),
                if a.features_left.len() == 1 { "" } else { "s" }
            ));
        }
        s
    };
    format!(
        "access to {n} feature{} over {} principal combinations, {done}",
        if n == 1 { "" } else { "s" },
        a.examined
    )
}
