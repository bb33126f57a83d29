//! Other values of one field of a denied request that may grant it
//! (unverified: `mod.rs` decides each again).

use super::{PoolFile, Proposal};
use crate::analysis::atoms::Atoms;
use crate::engine::{Action, Decision, Reason, Request};

/// Other values of one field of the request (unverified).
pub(super) fn request_changes(
    atoms: &Atoms,
    pool: Option<PoolFile<'_>>,
    req: &Request,
    d: &Decision,
) -> Vec<(Proposal, Request)> {
    let mut out = Vec::new();
    // Names the rules reach, patterns first: "a host matching PC*" is
    // what a person can act on.
    let (mut names, literals): (Vec<_>, Vec<_>) = atoms
        .name_examples()
        .into_iter()
        .partition(|(_, entry)| entry.contains('*'));
    names.extend(literals);
    // A host and an address no rule names come first: they grant when
    // what the request gave was the trouble (a denied range, a host).
    if req.principal.host.is_some()
        && let Some(other) = unnamed_name(atoms)
    {
        let mut r = req.clone();
        r.principal.host = Some(other.clone());
        out.push((
            Proposal::Host {
                host: other,
                entry: String::new(),
            },
            r,
        ));
    }
    if req.principal.ip.is_some()
        && let Some(other) = unnamed_ip(atoms)
    {
        let mut r = req.clone();
        r.principal.ip = Some(other);
        out.push((
            Proposal::Ip {
                ip: other.to_string(),
                entry: String::new(),
            },
            r,
        ));
    }
    for (name, entry) in &names {
        if req.principal.host.as_deref() != Some(name.as_str()) {
            let mut r = req.clone();
            r.principal.host = Some(name.clone());
            out.push((
                Proposal::Host {
                    host: name.clone(),
                    entry: entry.clone(),
                },
                r,
            ));
        }
    }
    for (ip, text) in atoms.ip_examples() {
        if req.principal.ip != Some(ip) {
            let mut r = req.clone();
            r.principal.ip = Some(ip);
            out.push((
                Proposal::Ip {
                    ip: ip.to_string(),
                    entry: text,
                },
                r,
            ));
        }
    }
    for (folded, g) in &atoms.local_groups {
        if !req
            .principal
            .local_groups
            .iter()
            .any(|x| crate::pattern::fold(x.trim()) == *folded)
        {
            let mut r = req.clone();
            r.principal.local_groups.push(g.clone());
            out.push((Proposal::LocalGroup { group: g.clone() }, r));
        }
    }
    if req.principal.user.is_none() {
        for (name, entry) in &names {
            let mut r = req.clone();
            r.principal.user = Some(name.clone());
            out.push((
                Proposal::User {
                    user: name.clone(),
                    entry: entry.clone(),
                },
                r,
            ));
        }
    }
    if let Some(p) = pool {
        for l in &p.index.pool.licenses {
            if l.seats(&req.feature).is_some() && req.serial.as_deref() != Some(&l.serial) {
                let mut r = req.clone();
                r.serial = Some(l.serial.clone());
                out.push((
                    Proposal::Serial {
                        serial: l.serial.clone(),
                    },
                    r,
                ));
            }
        }
    }
    if req.action == Action::Borrow {
        if d.reason == Reason::BorrowHoursExceeded
            && let Some(max) = d.max_borrow_hours
        {
            let mut r = req.clone();
            r.hours = Some(max);
            out.push((Proposal::Hours { hours: max }, r));
        }
        let mut r = req.clone();
        r.action = Action::Checkout;
        r.hours = None;
        out.push((Proposal::Checkout, r));
    }
    out
}

/// A name that no literal and no pattern of the rules matches.
fn unnamed_name(atoms: &Atoms) -> Option<String> {
    (0..1000)
        .map(|i| {
            if i == 0 {
                "OTHER-HOST".to_string()
            } else {
                format!("OTHER-HOST-{i}")
            }
        })
        .find(|n| atoms.literal(n).is_none() && atoms.wildcards_matching(n).is_empty())
}

/// An IPv4 address that no IP form of the rules covers.
fn unnamed_ip(atoms: &Atoms) -> Option<std::net::IpAddr> {
    let mut forms: Vec<(u32, u32)> = atoms.ipv4.iter().map(|&(lo, hi, _)| (lo, hi)).collect();
    forms.sort_unstable();
    // 192.0.2.1 (documentation range) if free, else the first gap.
    let preferred = u32::from(std::net::Ipv4Addr::new(192, 0, 2, 1));
    let covered = |x: u32| forms.iter().any(|&(lo, hi)| lo <= x && x <= hi);
    let pick = if !covered(preferred) {
        Some(preferred)
    } else {
        let mut next = 1u32;
        let mut found = None;
        for &(lo, hi) in &forms {
            if next < lo {
                found = Some(next);
                break;
            }
            next = next.max(hi.saturating_add(1));
        }
        found.or((next != u32::MAX && !covered(next)).then_some(next))
    };
    pick.map(|n| atoms.address(std::net::Ipv4Addr::from(n)))
}
